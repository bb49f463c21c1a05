//! Certificates: one per trainee and course, with a short public code.

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
                .table("certificates")
                .col(id())
                .col(string("code"))
                .col(uuid("user_id"))
                .col(uuid("branch_id"))
                .col(uuid("course_id"))
                .col(uuid("enrolment_id"))
                // The holder's name as it was when certified.
                .col(string("holder_name"))
                .col(ts("issued_at"))
                // valid | revoked
                .col(string("status"))
                .col(ts_null("revoked_at"))
                .col(text_null("revoked_reason"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("certificates", "user_id", "users", ForeignKeyAction::Restrict))
                .foreign_key(&mut fk("certificates", "enrolment_id", "enrolments", ForeignKeyAction::Restrict))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("certificates", "ux_certificates_code", &["code"], true),
                // Certified once per trainee and course, whatever races.
                index("certificates", "ux_certificates_user_course", &["user_id", "course_id"], true),
                index(
                    "certificates",
                    "ix_certificates_branch",
                    &["branch_id", "course_id", "issued_at"],
                    false,
                ),
            ],
        )
        .await
    }
}
