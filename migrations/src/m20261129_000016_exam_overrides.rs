//! Per-trainee exam overrides, one row per (exam, trainee), granted by the
//! trainee's branch administrators or headquarters:
//! - `extra_attempts`: added to the exam's `max_attempts` for the trainee's
//!   current enrolment;
//! - `extra_minutes`: added to the time limit of attempts started after the
//!   grant (and to a hard window end);
//! - `unlock_window`: one start outside the exam window; cleared when used
//!   (`unlock_used_at`, `unlock_attempt_id` say when and by which attempt).
//!
//! `branch_id` is the trainee's branch (tenancy).

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
                .table("exam_overrides")
                .col(id())
                .col(uuid("exam_id"))
                .col(uuid("user_id"))
                .col(uuid("branch_id"))
                .col(int("extra_attempts"))
                .col(int("extra_minutes"))
                .col(schema::boolean("unlock_window"))
                .col(ts_null("unlock_used_at"))
                .col(uuid_null("unlock_attempt_id"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("exam_overrides", "exam_id", "exams", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("exam_overrides", "user_id", "users", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("exam_overrides", "branch_id", "branches", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("exam_overrides", "ux_exam_overrides_exam_user", &["exam_id", "user_id"], true),
                index("exam_overrides", "ix_exam_overrides_branch", &["branch_id", "exam_id", "id"], false),
            ],
        )
        .await
    }
}
