//! The course catalogue: courses, lessons, their translations, and which
//! branches a course is offered to.

use crate::helpers::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            manager,
            Table::create()
                .table("courses")
                .col(id())
                .col(string("code"))
                // The locale the authors write in; translations are compared against it.
                .col(string("source_locale"))
                // draft | published
                .col(string("status"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("courses", "ux_courses_code", &["code"], true),
                index("courses", "ix_courses_status", &["status", "id"], false),
            ],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("course_translations")
                .col(id())
                .col(uuid("course_id"))
                .col(string("locale"))
                .col(text("title"))
                .col(text("summary"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("course_translations", "course_id", "courses", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "course_translations",
                "ux_course_translations",
                &["course_id", "locale"],
                true,
            )],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("lessons")
                .col(id())
                .col(uuid("course_id"))
                .col(int("position"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("lessons", "course_id", "courses", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index("lessons", "ix_lessons_course_position", &["course_id", "position"], false)],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("lesson_translations")
                .col(id())
                .col(uuid("lesson_id"))
                .col(string("locale"))
                .col(text("title"))
                .col(text("body"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("lesson_translations", "lesson_id", "lessons", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "lesson_translations",
                "ux_lesson_translations",
                &["lesson_id", "locale"],
                true,
            )],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("course_offerings")
                .col(id())
                .col(uuid("course_id"))
                .col(uuid("branch_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("course_offerings", "course_id", "courses", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("course_offerings", "branch_id", "branches", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("course_offerings", "ux_course_offerings", &["course_id", "branch_id"], true),
                index("course_offerings", "ix_course_offerings_branch", &["branch_id", "course_id"], false),
            ],
        )
        .await
    }
}
