//! Translatable cohort names: `cohorts.names` holds a JSON object of
//! canonical locale → name (none for cohorts made before, or named in one
//! language only). `cohorts.name` stays the name every reader falls back to.

use crate::helpers::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("cohorts").add_column(text_null("names")).take())
            .await
    }
}
