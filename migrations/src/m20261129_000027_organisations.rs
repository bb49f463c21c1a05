//! The academy's industry side, part one: organisations and who belongs to
//! them.
//! - `organisations`: enterprises, dealers and colleges (`kind`), owned by
//!   one branch or, with `branch_id` null, shared by headquarters across
//!   every branch;
//! - `organisation_members`: at most one organisation per user (the primary
//!   key): a trainee's employer or school, or the organisation an
//!   `employer` user represents; `branch_id` is the user's branch (tenancy);
//! - `consents`: a trainee's permission for one organisation to see their
//!   enrolments, progress and certificates. Never deleted: withdrawing sets
//!   `withdrawn_at`, granting again adds a row, so the history stays;
//! - `cohorts.sponsor_id`: the organisation that sponsors a cohort, if any.

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
                .table("organisations")
                .col(id())
                .col(uuid_null("branch_id"))
                .col(string("kind"))
                .col(string("name"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("organisations", "branch_id", "branches", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("organisation_members")
                .col(uuid("user_id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("branch_id"))
                .col(ts("since"))
                .foreign_key(&mut fk("organisation_members", "user_id", "users", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk(
                    "organisation_members",
                    "organisation_id",
                    "organisations",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk("organisation_members", "branch_id", "branches", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("consents")
                .col(id())
                .col(uuid("user_id"))
                .col(uuid("organisation_id"))
                .col(uuid("branch_id"))
                .col(ts("granted_at"))
                .col(ts_null("withdrawn_at"))
                .foreign_key(&mut fk("consents", "user_id", "users", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("consents", "organisation_id", "organisations", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("consents", "branch_id", "branches", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        manager
            .alter_table(Table::alter().table("cohorts").add_column(uuid_null("sponsor_id")).take())
            .await?;
        create_indexes(
            manager,
            vec![
                index("organisations", "ix_organisations_branch", &["branch_id", "id"], false),
                index(
                    "organisation_members",
                    "ix_organisation_members_org",
                    &["organisation_id", "user_id"],
                    false,
                ),
                index(
                    "consents",
                    "ix_consents_org_user",
                    &["organisation_id", "user_id", "withdrawn_at"],
                    false,
                ),
                index("consents", "ix_consents_user", &["user_id", "id"], false),
            ],
        )
        .await
    }
}
