//! Keys that sign credentials, and the status lists those credentials point at:
//! - `credential_keys`: per branch, P-256 (ES256) keys kept apart from the
//!   Ed25519 keys that sign access tokens (`branch_keys`), so rotating or
//!   revoking token keys never touches a credential. The private key is
//!   sealed with the master key (the key id is the associated data); rows
//!   are never deleted, since a credential may stay valid for years.
//! - `status_lists`: a branch's W3C Bitstring Status Lists, numbered from 1,
//!   each with `size` entries handed out in order (`next_index`). Which bits
//!   are set is not stored here: it is read from the revoked certificates
//!   that point at the list, so a revocation shows in the list at once.

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
                .table("credential_keys")
                .col(id())
                .col(uuid("branch_id"))
                .col(string("kid"))
                // SEC1 uncompressed point (65 bytes).
                .col(blob("public_key"))
                .col(blob("private_key_sealed"))
                // active | retired
                .col(string("status"))
                .col(ts("created_at"))
                .col(ts_null("retired_at"))
                .foreign_key(&mut fk("credential_keys", "branch_id", "branches", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("credential_keys", "ux_credential_keys_kid", &["kid"], true),
                index(
                    "credential_keys",
                    "ix_credential_keys_branch",
                    &["branch_id", "status", "created_at"],
                    false,
                ),
            ],
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("status_lists")
                .col(id())
                .col(uuid("branch_id"))
                .col(int("number"))
                .col(int("size"))
                .col(int("next_index"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("status_lists", "branch_id", "branches", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "status_lists",
                "ux_status_lists_branch_number",
                &["branch_id", "number"],
                true,
            )],
        )
        .await
    }
}
