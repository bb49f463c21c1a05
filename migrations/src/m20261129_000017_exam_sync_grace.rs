//! The grace period for late-synced answers becomes an exam setting:
//! - `exams.sync_grace_minutes`: how long after an attempt's deadline answers
//!   given before it are still taken (0 to 30, default 2, the former fixed
//!   value); published versions carry it in their snapshot;
//! - `attempts.grace_ends_at`: the end of that period for one attempt (its
//!   deadline plus its version's grace), so that the sweep waits for each
//!   attempt's own; null for attempts started before this migration, which
//!   keep the former 2 minutes;
//! - `attempts.late_synced`: the attempt kept at least one late-synced
//!   answer (set with the answer; filled here from the answers already
//!   kept), so that reports count such attempts without reading answers.

use crate::helpers::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table("exams")
                    .add_column(schema::integer("sync_grace_minutes").default(2))
                    .take(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("attempts").add_column(ts_null("grace_ends_at")).take())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("attempts")
                    .add_column(schema::boolean("late_synced").default(false))
                    .take(),
            )
            .await?;
        // The sweep looks for open attempts whose grace has ended.
        manager
            .create_index(index("attempts", "ix_attempts_open_grace", &["status", "grace_ends_at"], false))
            .await?;
        let late_answers = Query::select()
            .column("attempt_id")
            .from("attempt_answers")
            .and_where(Expr::col("late_synced").eq(true))
            .take();
        let flag = Query::update()
            .table("attempts")
            .value("late_synced", true)
            .and_where(Expr::col("id").in_subquery(late_answers))
            .take();
        manager.get_connection().execute(&flag).await.map(|_| ())
    }
}
