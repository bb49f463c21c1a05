//! Cross-cutting tables: remembered answers for `Idempotency-Key` retries,
//! and the audit log.

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
                .table("idempotency_keys")
                .col(id())
                // Who asked: the authenticated user id, or "anonymous:<ip>".
                .col(string("caller"))
                .col(string("idem_key"))
                .col(string("method"))
                .col(text("path"))
                .col(string("request_hash"))
                .col(int_null("status_code"))
                .col(text_null("response_headers"))
                .col(blob("response_body").null())
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("idempotency_keys", "ux_idempotency_caller_key", &["caller", "idem_key"], true),
                index("idempotency_keys", "ix_idempotency_created", &["created_at"], false),
            ],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("audit_log")
                .col(id())
                .col(uuid_null("actor_user_id"))
                .col(string_null("actor_email"))
                .col(uuid_null("branch_id"))
                .col(string("action"))
                .col(string("record_type"))
                .col(string("record_id"))
                .col(text("details"))
                .col(string_null("ip"))
                .col(string_null("request_id"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("audit_log", "ix_audit_branch", &["branch_id", "id"], false),
                index("audit_log", "ix_audit_actor", &["actor_user_id", "id"], false),
                index("audit_log", "ix_audit_record", &["record_type", "record_id"], false),
                index("audit_log", "ix_audit_created", &["created_at"], false),
            ],
        )
        .await
    }
}
