//! Answers that survive a dropped connection:
//! - `attempt_answers.seq`: the client's sequence number of the kept answer
//!   (0 for answers saved one at a time, or before this migration);
//! - `attempt_answers.answered_at`: when the answer was given, by the
//!   device's clock (none for answers saved one at a time before this);
//! - `attempt_answers.late_synced`: the answer arrived after the deadline,
//!   within the grace period, and was given (by the device's clock) before it.

use crate::helpers::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table("attempt_answers")
                    .add_column(schema::big_integer("seq").default(0))
                    .take(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("attempt_answers").add_column(ts_null("answered_at")).take())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("attempt_answers")
                    .add_column(schema::boolean("late_synced").default(false))
                    .take(),
            )
            .await
    }
}
