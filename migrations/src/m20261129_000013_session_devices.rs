//! Sessions a user can see and end (refresh-token families):
//! - `refresh_tokens.device`: a short label derived from the User-Agent at
//!   sign-in ("Chrome on Android"), copied to every token of the family.
//! - `refresh_tokens.session_started_at`: when the family's sign-in was,
//!   copied likewise (a token's own `created_at` is then when the session
//!   was last used: its sign-in or latest refresh).
//!
//! Tokens stored before this migration have neither; they are listed with
//! no device and their own creation time.

use crate::helpers::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(Table::alter().table("refresh_tokens").add_column(string_null("device")).take())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("refresh_tokens")
                    .add_column(ts_null("session_started_at"))
                    .take(),
            )
            .await
    }
}
