//! Who is stuck, without reading every answer:
//! - `enrolments.last_activity_at`: the trainee's latest lesson completion,
//!   attempt start or answer save in this enrolment (null: nothing yet);
//!   kept by one UPDATE in the step that causes it;
//! - `enrolments.lessons_done`: lessons completed, counted as they are
//!   recorded, so that member lists sort and filter by progress and the
//!   cohort summary counts the funnel in one aggregate query.
//!
//! Both are filled here from the rows already stored (completions, and the
//! start of attempts: earlier answer saves left no time of their own).

use crate::helpers::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;
use sea_orm_migration::sea_orm::ConnectionTrait;

/// Fills both columns from the rows already stored: plain SQL that both
/// engines read the same way (correlated subqueries). Public so that a test
/// can run it over data written by the current code and compare.
pub const BACKFILL: [&str; 3] = [
    "UPDATE enrolments SET lessons_done = \
     (SELECT COUNT(*) FROM lesson_completions c WHERE c.enrolment_id = enrolments.id)",
    "UPDATE enrolments SET last_activity_at = \
     (SELECT MAX(c.completed_at) FROM lesson_completions c WHERE c.enrolment_id = enrolments.id)",
    "UPDATE enrolments SET last_activity_at = \
     (SELECT MAX(a.started_at) FROM attempts a WHERE a.enrolment_id = enrolments.id) \
     WHERE EXISTS (SELECT 1 FROM attempts a WHERE a.enrolment_id = enrolments.id \
     AND (enrolments.last_activity_at IS NULL OR a.started_at > enrolments.last_activity_at))",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(Table::alter().table("enrolments").add_column(ts_null("last_activity_at")).take())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("enrolments")
                    .add_column(schema::integer("lessons_done").default(0))
                    .take(),
            )
            .await?;
        let db = manager.get_connection();
        for statement in BACKFILL {
            db.execute_unprepared(statement).await?;
        }
        // Member lists of a cohort sorted or filtered by these.
        create_indexes(
            manager,
            vec![
                index(
                    "enrolments",
                    "ix_enrolments_cohort_activity",
                    &["cohort_id", "last_activity_at"],
                    false,
                ),
                index("enrolments", "ix_enrolments_cohort_progress", &["cohort_id", "lessons_done"], false),
            ],
        )
        .await
    }
}
