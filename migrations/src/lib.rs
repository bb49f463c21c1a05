//! Zhijiang's schema, one migration per file, portable between SQLite and
//! PostgreSQL (sea-query builds the dialect). Ids are UUIDv7; timestamps are
//! UTC with time zone.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261128_000001_foundation;
mod m20261128_000002_outbox;
mod m20261128_000003_branches_users_auth;
mod m20261128_000004_catalogue;
mod m20261128_000005_cohorts_enrolments;
mod m20261128_000006_exams;
mod m20261128_000007_certificates;
mod m20261129_000008_erase_sent_invitation_links;

pub use m20261129_000008_erase_sent_invitation_links::erase_sent_invitation_links;
mod m20261129_000009_throttle_counters;
mod m20261129_000010_token_cutoff_option_keys;
mod m20261129_000011_password_resets;
mod m20261129_000012_user_search_key;
mod m20261129_000013_session_devices;
mod m20261129_000014_answer_sync;
mod m20261129_000015_exam_windows;
mod m20261129_000016_exam_overrides;
mod m20261129_000017_exam_sync_grace;
mod m20261129_000018_credential_keys;
mod m20261129_000019_certificate_life;
mod m20261129_000021_cohort_names;
mod m20261129_000023_enrolment_activity;
/// The enrolment-activity backfill, for a test that checks it.
pub use m20261129_000023_enrolment_activity::BACKFILL as ENROLMENT_ACTIVITY_BACKFILL;
mod m20261129_000024_attempt_locale;
mod m20261129_000025_media;
mod m20261129_000027_organisations;
mod m20261129_000028_practical_assessments;
mod m20261129_000029_talent_matching;
mod m20261129_000031_report_indexes;
mod m20261129_000032_media_uploads;
mod m20261129_000033_media_variants;
mod m20261129_000034_enrolment_results;
/// The backfill of the exam results kept on enrolments, for a test that checks it.
pub use m20261129_000034_enrolment_results::BACKFILL as ENROLMENT_RESULTS_BACKFILL;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_foundation::Migration),
            Box::new(m20261128_000002_outbox::Migration),
            Box::new(m20261128_000003_branches_users_auth::Migration),
            Box::new(m20261128_000004_catalogue::Migration),
            Box::new(m20261128_000005_cohorts_enrolments::Migration),
            Box::new(m20261128_000006_exams::Migration),
            Box::new(m20261128_000007_certificates::Migration),
            Box::new(m20261129_000008_erase_sent_invitation_links::Migration),
            Box::new(m20261129_000009_throttle_counters::Migration),
            Box::new(m20261129_000010_token_cutoff_option_keys::Migration),
            Box::new(m20261129_000012_user_search_key::Migration),
            Box::new(m20261129_000013_session_devices::Migration),
            Box::new(m20261129_000011_password_resets::Migration),
            Box::new(m20261129_000014_answer_sync::Migration),
            Box::new(m20261129_000015_exam_windows::Migration),
            Box::new(m20261129_000016_exam_overrides::Migration),
            Box::new(m20261129_000017_exam_sync_grace::Migration),
            Box::new(m20261129_000021_cohort_names::Migration),
            Box::new(m20261129_000018_credential_keys::Migration),
            Box::new(m20261129_000019_certificate_life::Migration),
            Box::new(m20261129_000023_enrolment_activity::Migration),
            Box::new(m20261129_000024_attempt_locale::Migration),
            Box::new(m20261129_000025_media::Migration),
            Box::new(m20261129_000027_organisations::Migration),
            Box::new(m20261129_000028_practical_assessments::Migration),
            Box::new(m20261129_000029_talent_matching::Migration),
            Box::new(m20261129_000031_report_indexes::Migration),
            Box::new(m20261129_000032_media_uploads::Migration),
            Box::new(m20261129_000033_media_variants::Migration),
            Box::new(m20261129_000034_enrolment_results::Migration),
        ]
    }
}
