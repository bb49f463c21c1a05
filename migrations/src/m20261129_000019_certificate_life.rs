//! Certificates with a life: a stored credential, a status-list entry, an
//! expiry, reminders and recertification.
//! - `certificates.credential_jwt`: the VC-JWT signed once at issuance (or at
//!   a deliberate re-issue), served as stored;
//! - `certificates.status_list_id`, `status_index`: its revocation entry;
//! - `certificates.expires_at`: from the course's validity (none: forever);
//! - `certificates.reminded_60_at`, `reminded_14_at`: expiry reminders queued;
//! - `certificates.is_current`: the trainee's current certificate for the
//!   course. The unique index on (user, course) becomes a partial one on
//!   current certificates, so an expired or revoked certificate stays in the
//!   history while a new one is issued.
//! - `courses.certificate_valid_days`: how long its certificates are valid.

use crate::helpers::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let columns = [
            text_null("credential_jwt"),
            uuid_null("status_list_id"),
            int_null("status_index"),
            ts_null("expires_at"),
            ts_null("reminded_60_at"),
            ts_null("reminded_14_at"),
            schema::boolean("is_current").default(true).take(),
        ];
        for column in columns {
            manager
                .alter_table(Table::alter().table("certificates").add_column(column).take())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("courses")
                    .add_column(int_null("certificate_valid_days"))
                    .take(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name("ux_certificates_user_course").table("certificates").to_owned())
            .await?;
        // One current certificate per trainee and course, whatever races
        // (a partial unique index; the same SQL on both engines).
        manager
            .get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX ux_certificates_current ON certificates (user_id, course_id) WHERE is_current")
            .await?;
        create_indexes(
            manager,
            vec![
                index("certificates", "ix_certificates_user_course", &["user_id", "course_id"], false),
                index("certificates", "ix_certificates_expiry", &["status", "expires_at"], false),
                index("certificates", "ix_certificates_status_list", &["status_list_id", "status"], false),
            ],
        )
        .await
    }
}
