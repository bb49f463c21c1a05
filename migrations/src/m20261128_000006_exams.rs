//! Exams: settings and translations, a question bank, frozen published
//! versions, attempts and their answers.

use crate::helpers::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            manager,
            Table::create()
                .table("exams")
                .col(id())
                .col(uuid("course_id"))
                // draft | published
                .col(string("status"))
                .col(int("pass_mark_percent"))
                .col(int("time_limit_minutes"))
                .col(int("max_attempts"))
                .col(int("question_count"))
                .col(schema::boolean("shuffle"))
                // Whether trainees may see per-question results after submitting.
                .col(schema::boolean("review_allowed"))
                .col(uuid_null("current_version_id"))
                // The bank changed since the last publication.
                .col(schema::boolean("has_unpublished_changes"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("exams", "course_id", "courses", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(manager, vec![index("exams", "ix_exams_course", &["course_id"], false)]).await?;

        create_table(
            manager,
            Table::create()
                .table("exam_translations")
                .col(id())
                .col(uuid("exam_id"))
                .col(string("locale"))
                .col(text("title"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("exam_translations", "exam_id", "exams", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index("exam_translations", "ux_exam_translations", &["exam_id", "locale"], true)],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("questions")
                .col(id())
                .col(uuid("exam_id"))
                // single_choice | multiple_choice | true_false
                .col(string("kind"))
                .col(int("points"))
                .col(schema::boolean("partial_credit"))
                // JSON array of correct option indices.
                .col(text("correct"))
                .col(int("option_count"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("questions", "exam_id", "exams", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(manager, vec![index("questions", "ix_questions_exam", &["exam_id", "id"], false)]).await?;

        create_table(
            manager,
            Table::create()
                .table("question_translations")
                .col(id())
                .col(uuid("question_id"))
                .col(string("locale"))
                .col(text("prompt"))
                // JSON array of option texts, in the question's option order.
                .col(text("options"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "question_translations",
                    "question_id",
                    "questions",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "question_translations",
                "ux_question_translations",
                &["question_id", "locale"],
                true,
            )],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("exam_versions")
                .col(id())
                .col(uuid("exam_id"))
                .col(int("version"))
                // The whole exam as published, JSON: attempts draw from it and are
                // graded against it, whatever is edited later.
                .col(text("snapshot"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("exam_versions", "exam_id", "exams", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index("exam_versions", "ux_exam_versions", &["exam_id", "version"], true)],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("attempts")
                .col(id())
                .col(uuid("exam_id"))
                .col(uuid("version_id"))
                .col(uuid("user_id"))
                .col(uuid("branch_id"))
                .col(uuid("course_id"))
                .col(uuid("enrolment_id"))
                .col(int("attempt_number"))
                // open | submitted
                .col(string("status"))
                .col(ts("started_at"))
                .col(ts("deadline"))
                .col(ts_null("submitted_at"))
                // JSON: the drawn questions and each one's option order.
                .col(text("draw"))
                .col(schema::double_null("score"))
                .col(schema::double_null("max_score"))
                .col(schema::double_null("percent"))
                .col(schema::boolean_null("passed"))
                .col(uuid_null("certificate_id"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("attempts", "exam_id", "exams", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("attempts", "version_id", "exam_versions", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("attempts", "enrolment_id", "enrolments", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("attempts", "ix_attempts_exam_user", &["exam_id", "user_id"], false),
                index("attempts", "ix_attempts_branch", &["branch_id", "exam_id", "id"], false),
                index("attempts", "ix_attempts_open_deadline", &["status", "deadline"], false),
                index("attempts", "ix_attempts_user_course", &["user_id", "course_id", "passed"], false),
            ],
        )
        .await?;
        // At most one open attempt per trainee and exam, enforced by the
        // database (a partial unique index; the same SQL on both engines).
        manager
            .get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX ux_attempts_one_open ON attempts (exam_id, user_id) WHERE status = 'open'")
            .await?;

        create_table(
            manager,
            Table::create()
                .table("attempt_answers")
                .col(id())
                .col(uuid("attempt_id"))
                .col(uuid("question_id"))
                // JSON array of the selected options' indices in the question's own order.
                .col(text("selected"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("attempt_answers", "attempt_id", "attempts", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index("attempt_answers", "ux_attempt_answers", &["attempt_id", "question_id"], true)],
        )
        .await
    }
}
