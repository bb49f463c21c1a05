//! `users.search_key`: the user's display name and email folded for search
//! (lower case, Latin accents removed, NFKC), so that finding "Nguyễn Văn A"
//! with "nguyen van a" is a plain `LIKE` on both SQLite and PostgreSQL.
//!
//! The column is added empty (NULL); the application fills the rows that
//! have none right after the migrations run (`users::search::backfill`),
//! because the folding is Unicode work SQL cannot do portably.

use crate::helpers::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("users").add_column(text_null("search_key")).take())
            .await
    }
}
