//! One-time password-reset links: like invitations, only a hash of the token
//! is stored; a link works once and for an hour.

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
                .table("password_resets")
                .col(id())
                .col(uuid("user_id"))
                .col(string("token_hash"))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("password_resets", "user_id", "users", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("password_resets", "ux_password_resets_hash", &["token_hash"], true),
                index("password_resets", "ix_password_resets_user", &["user_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("password_resets").to_owned()).await
    }
}
