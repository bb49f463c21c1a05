//! Practical sign-off in the workshop:
//! - `practical_checklists`: at most one per course, defined by
//!   headquarters; `titles` is a JSON object of locale → title, `required`
//!   says whether certification waits for a passed assessment;
//! - `practical_items`: the checklist's steps in order, `texts` a JSON
//!   object of locale → text; a step taken out of the checklist is retired
//!   (`retired_at`), never deleted, so past results keep their meaning;
//! - `practical_assessments`: append-only records by an assessor of one
//!   trainee (`branch_id` is the trainee's branch): every step's result,
//!   notes, who and when; a correction is a new row naming the one it
//!   corrects (`corrects_id`); the latest row counts;
//! - `practical_results`: one row per step of an assessment;
//! - `practical_photos`: photo evidence added to an assessment (the bytes
//!   in media storage under `storage_key`, metadata such as GPS positions
//!   stripped on the way in); added, never replaced.

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
                .table("practical_checklists")
                .col(id())
                .col(uuid("course_id"))
                .col(schema::boolean("required"))
                .col(text("titles"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("practical_checklists", "course_id", "courses", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("practical_items")
                .col(id())
                .col(uuid("checklist_id"))
                .col(int("position"))
                .col(text("texts"))
                .col(ts_null("retired_at"))
                .foreign_key(&mut fk(
                    "practical_items",
                    "checklist_id",
                    "practical_checklists",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("practical_assessments")
                .col(id())
                .col(uuid("branch_id"))
                .col(uuid("user_id"))
                .col(uuid("course_id"))
                .col(uuid("checklist_id"))
                .col(uuid("assessor_id"))
                .col(schema::boolean("passed"))
                .col(text_null("notes"))
                .col(ts("recorded_at"))
                .col(uuid_null("corrects_id"))
                .foreign_key(&mut fk(
                    "practical_assessments",
                    "branch_id",
                    "branches",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk("practical_assessments", "user_id", "users", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("practical_assessments", "course_id", "courses", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk(
                    "practical_assessments",
                    "checklist_id",
                    "practical_checklists",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("practical_results")
                .col(id())
                .col(uuid("assessment_id"))
                .col(uuid("item_id"))
                .col(schema::boolean("passed"))
                .col(text_null("comment"))
                .foreign_key(&mut fk(
                    "practical_results",
                    "assessment_id",
                    "practical_assessments",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "practical_results",
                    "item_id",
                    "practical_items",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("practical_photos")
                .col(id())
                .col(uuid("assessment_id"))
                .col(uuid("branch_id"))
                .col(string("storage_key"))
                .col(string("content_type"))
                .col(schema::big_integer("size_bytes"))
                .col(string("sha256"))
                .col(int_null("width"))
                .col(int_null("height"))
                .col(uuid("uploaded_by"))
                .col(ts("uploaded_at"))
                .foreign_key(&mut fk(
                    "practical_photos",
                    "assessment_id",
                    "practical_assessments",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk("practical_photos", "branch_id", "branches", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index(
                    "practical_photos",
                    "ix_practical_photos_assessment",
                    &["assessment_id", "id"],
                    false,
                ),
                index("practical_checklists", "ux_practical_checklists_course", &["course_id"], true),
                index(
                    "practical_items",
                    "ix_practical_items_checklist",
                    &["checklist_id", "position"],
                    false,
                ),
                index(
                    "practical_assessments",
                    "ix_practical_assessments_user_course",
                    &["user_id", "course_id", "id"],
                    false,
                ),
                index(
                    "practical_assessments",
                    "ix_practical_assessments_branch",
                    &["branch_id", "id"],
                    false,
                ),
                index("practical_results", "ix_practical_results_assessment", &["assessment_id"], false),
            ],
        )
        .await
    }
}
