//! Ending sessions and hiding option order:
//! - `users.tokens_valid_after`: access tokens issued (`iat`) before it are
//!   refused; set on logout, password change and deactivation.
//! - `attempts.option_key`: a random per-attempt secret that keys the option
//!   ids shown to the trainee. Attempts stored before this migration have
//!   none and keep their original (unkeyed) ids, so open ones stay gradable.

use crate::helpers::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(Table::alter().table("users").add_column(ts_null("tokens_valid_after")).take())
            .await?;
        manager
            .alter_table(Table::alter().table("attempts").add_column(string_null("option_key")).take())
            .await
    }
}
