//! The language an attempt was taken in, for item statistics per locale:
//! - `attempts.locale`: the negotiated language when the attempt started
//!   (`zh-CN`, `en`, `th`, `vi`); null for attempts started before this
//!   migration, which statistics list apart;
//! - an index on `(version_id, status)`: statistics read the graded
//!   attempts of one exam version.

use crate::helpers::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("attempts").add_column(string_null("locale")).take())
            .await?;
        manager
            .create_index(index("attempts", "ix_attempts_version_status", &["version_id", "status"], false))
            .await
    }
}
