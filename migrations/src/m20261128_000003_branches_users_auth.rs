//! Branches (tenants), their signing keys, users, refresh tokens and
//! invitations.

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
                .table("branches")
                .col(id())
                .col(string("code"))
                .col(string("country"))
                .col(string("default_locale"))
                .col(string("time_zone"))
                .col(text("names"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        create_indexes(manager, vec![index("branches", "ux_branches_code", &["code"], true)]).await?;

        create_table(
            manager,
            Table::create()
                .table("branch_keys")
                .col(id())
                .col(uuid("branch_id"))
                .col(string("kid"))
                .col(blob("public_key"))
                .col(blob("private_key_sealed"))
                // active | retired | revoked
                .col(string("status"))
                .col(ts("created_at"))
                .col(ts_null("retired_at"))
                .foreign_key(&mut fk("branch_keys", "branch_id", "branches", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("branch_keys", "ux_branch_keys_kid", &["kid"], true),
                index("branch_keys", "ix_branch_keys_branch", &["branch_id", "status"], false),
            ],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("users")
                .col(id())
                .col(uuid("branch_id"))
                .col(string("email"))
                .col(string("email_normalized"))
                .col(string("display_name"))
                .col(string("role"))
                .col(string("locale"))
                .col(text_null("password_hash"))
                // active | invited | disabled
                .col(string("status"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("users", "branch_id", "branches", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("users", "ux_users_branch_email", &["branch_id", "email_normalized"], true),
                index("users", "ix_users_branch", &["branch_id", "id"], false),
            ],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("refresh_tokens")
                .col(id())
                .col(uuid("user_id"))
                .col(uuid("family_id"))
                .col(string("token_hash"))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .col(ts_null("revoked_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("refresh_tokens", "user_id", "users", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("refresh_tokens", "ux_refresh_tokens_hash", &["token_hash"], true),
                index("refresh_tokens", "ix_refresh_tokens_family", &["family_id"], false),
                index("refresh_tokens", "ix_refresh_tokens_user", &["user_id"], false),
            ],
        )
        .await?;

        create_table(
            manager,
            Table::create()
                .table("invitations")
                .col(id())
                .col(uuid("user_id"))
                .col(string("token_hash"))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("invitations", "user_id", "users", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("invitations", "ux_invitations_hash", &["token_hash"], true),
                index("invitations", "ix_invitations_user", &["user_id"], false),
            ],
        )
        .await
    }
}
