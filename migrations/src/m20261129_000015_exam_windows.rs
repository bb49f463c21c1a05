//! Exam windows: when an exam may be started, for one cohort or for every
//! cohort of a branch (`cohort_id` null). A cohort's own window wins over
//! its branch's. At most one window per exam and cohort, and one branch-wide
//! window per exam and branch.
//!
//! `hard_end`: an attempt started inside the window ends at `closes_at` at
//! the latest; otherwise it keeps its full time limit.

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
                .table("exam_windows")
                .col(id())
                .col(uuid("exam_id"))
                .col(uuid("branch_id"))
                .col(uuid_null("cohort_id"))
                .col(ts("opens_at"))
                .col(ts("closes_at"))
                .col(schema::boolean("hard_end"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("exam_windows", "exam_id", "exams", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("exam_windows", "branch_id", "branches", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("exam_windows", "cohort_id", "cohorts", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("exam_windows", "ux_exam_windows_cohort", &["exam_id", "cohort_id"], true),
                index("exam_windows", "ix_exam_windows_branch", &["branch_id", "exam_id", "id"], false),
            ],
        )
        .await?;
        // One branch-wide window per exam and branch (NULL cohort ids are
        // distinct in the index above; the same SQL on both engines).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_exam_windows_branch_wide ON exam_windows (exam_id, branch_id) WHERE cohort_id IS NULL",
            )
            .await?;
        Ok(())
    }
}
