//! Throttle counters shared by every node: one row per hashed key (a client,
//! an account and client, an account) and fixed window. Times are
//! milliseconds since the epoch so both engines compare them as numbers.

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
                .table("throttle_counters")
                // Hex SHA-256 of what is counted: fixed size whatever the input.
                .col(schema::string_len("counter_key", 64).primary_key())
                .col(schema::big_integer("hits"))
                .col(schema::big_integer("window_ends_at"))
                // The last counted event, for progressive delays.
                .col(schema::big_integer("last_at"))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "throttle_counters",
                "ix_throttle_counters_window",
                &["window_ends_at"],
                false,
            )],
        )
        .await
    }
}
