//! Indexes the reports read at scale (a million enrolments):
//! - `attempts (enrolment_id, status, percent, passed, late_synced)`: each
//!   enrolment's best graded attempt for the completion report is read from
//!   the index alone, in enrolment order (no hash table of half a million
//!   enrolments spilling to disk), and the cohort summary finds a cohort's
//!   attempts without reading every attempt;
//! - `certificates (enrolment_id, issued_at)`: the same for certificates.

use crate::helpers::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(
            manager,
            vec![
                index(
                    "attempts",
                    "ix_attempts_enrolment_results",
                    &["enrolment_id", "status", "percent", "passed", "late_synced"],
                    false,
                ),
                index("certificates", "ix_certificates_enrolment", &["enrolment_id", "issued_at"], false),
            ],
        )
        .await
    }
}
