//! Talent matching with consent:
//! - `talent_profiles`: a trainee's skill profile, one per user; only a
//!   `published` one is ever shown to employers. `languages` is a JSON
//!   array of language tags; `country` where they want to work (ISO 3166-1
//!   alpha-2); `available_from` when (null: now). The skills themselves
//!   (certificates, practical sign-offs) are read from their own tables;
//! - `talent_needs`: what an organisation's representative is looking for:
//!   a skill (course), a country, how many, by when; `branch_id` is the
//!   representative's branch; `closed_at` once filled or withdrawn.

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
                .table("talent_profiles")
                .col(uuid("user_id").primary_key())
                .col(uuid("branch_id"))
                .col(schema::boolean("published"))
                .col(string("country"))
                .col(text("languages"))
                .col(schema::date_null("available_from"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("talent_profiles", "user_id", "users", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("talent_profiles", "branch_id", "branches", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("talent_needs")
                .col(id())
                .col(uuid("organisation_id"))
                .col(uuid("branch_id"))
                .col(uuid("course_id"))
                .col(string("country"))
                .col(int("headcount"))
                .col(schema::date("needed_by"))
                .col(uuid("created_by"))
                .col(ts("created_at"))
                .col(ts_null("closed_at"))
                .foreign_key(&mut fk(
                    "talent_needs",
                    "organisation_id",
                    "organisations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk("talent_needs", "branch_id", "branches", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("talent_needs", "course_id", "courses", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("talent_profiles", "ix_talent_profiles_published", &["published", "country"], false),
                index("talent_needs", "ix_talent_needs_org", &["organisation_id", "id"], false),
                index(
                    "talent_needs",
                    "ix_talent_needs_course",
                    &["course_id", "country", "needed_by"],
                    false,
                ),
            ],
        )
        .await
    }
}
