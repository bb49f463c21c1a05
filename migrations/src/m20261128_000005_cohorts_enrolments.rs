//! Cohorts (a branch's intake for one course), enrolments, and lesson
//! completions.

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
                .table("cohorts")
                .col(id())
                .col(uuid("branch_id"))
                .col(uuid("course_id"))
                .col(string("name"))
                .col(schema::date("starts_on"))
                .col(schema::date("ends_on"))
                .col(int("capacity"))
                // Seats taken (active and completed enrolments); updated with a
                // conditional UPDATE so concurrent enrolments never overfill.
                .col(int("seats_taken"))
                // open | closed
                .col(string("status"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("cohorts", "branch_id", "branches", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("cohorts", "course_id", "courses", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("cohorts", "ix_cohorts_branch", &["branch_id", "id"], false),
                index("cohorts", "ix_cohorts_course", &["course_id", "branch_id"], false),
            ],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("enrolments")
                .col(id())
                .col(uuid("cohort_id"))
                // Copies of the cohort's branch and course: every scoped query
                // and report filters on them without a join.
                .col(uuid("branch_id"))
                .col(uuid("course_id"))
                .col(uuid("user_id"))
                // active | completed | withdrawn
                .col(string("status"))
                .col(ts("enrolled_at"))
                .col(ts_null("completed_at"))
                .col(ts_null("withdrawn_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("enrolments", "cohort_id", "cohorts", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("enrolments", "user_id", "users", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("enrolments", "ux_enrolments_cohort_user", &["cohort_id", "user_id"], true),
                index("enrolments", "ix_enrolments_user", &["user_id", "id"], false),
                index(
                    "enrolments",
                    "ix_enrolments_branch_course",
                    &["branch_id", "course_id", "status"],
                    false,
                ),
                index("enrolments", "ix_enrolments_cohort_status", &["cohort_id", "status", "id"], false),
            ],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("lesson_completions")
                .col(id())
                .col(uuid("enrolment_id"))
                .col(uuid("lesson_id"))
                .col(ts("completed_at"))
                .foreign_key(&mut fk(
                    "lesson_completions",
                    "enrolment_id",
                    "enrolments",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk("lesson_completions", "lesson_id", "lessons", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("lesson_completions", "ux_lesson_completions", &["enrolment_id", "lesson_id"], true),
                index("lesson_completions", "ix_lesson_completions_lesson", &["lesson_id"], false),
            ],
        )
        .await
    }
}
