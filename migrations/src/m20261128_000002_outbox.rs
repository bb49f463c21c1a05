//! The transactional email outbox: rows written in the same transaction as
//! the business change, claimed by workers with a lease.

use crate::helpers::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            manager,
            Table::create()
                .table("outbox")
                .col(id())
                .col(uuid_null("branch_id"))
                .col(string("recipient"))
                .col(string_null("recipient_name"))
                .col(string("locale"))
                .col(string("template"))
                .col(text("args"))
                .col(string_null("dedup_key"))
                // pending | sent | failed
                .col(string("status"))
                .col(int("attempts"))
                .col(ts("next_attempt_at"))
                .col(string_null("lease_owner"))
                .col(ts_null("lease_until"))
                .col(text_null("last_error"))
                .col(ts_null("sent_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("outbox", "ux_outbox_dedup", &["dedup_key"], true),
                index("outbox", "ix_outbox_due", &["status", "next_attempt_at"], false),
                index("outbox", "ix_outbox_branch", &["branch_id", "id"], false),
            ],
        )
        .await
    }
}
