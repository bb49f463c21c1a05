//! Integration tests through the HTTP API, on SQLite, or on PostgreSQL when
//! `ZHIJIANG_TEST_POSTGRES_URL` is set. One binary, so it links once.

// The test harness is shared by every test module: `pub` is its interface.
#[allow(unreachable_pub)]
mod support;

mod activity;
mod answer_sync;
mod attempts_resume;
mod auth;
mod branch_picker;
mod catalogue;
mod catalogue_keys;
mod certificates;
mod contract;
mod credentials_life;
mod credentials_vc;
mod demo;
mod employers;
mod enrolment_results;
mod enrolments;
mod exam_overrides;
mod exam_windows;
mod exams;
mod exports;
mod foundation;
mod hardening_http;
mod hostile_text;
mod import;
mod item_statistics;
mod l10n_catalogue;
mod l10n_cohort_names;
mod l10n_dates;
mod l10n_fifth_locale;
mod l10n_report_csv;
mod l10n_report_names;
mod l10n_reports;
mod l10n_responses;
mod l10n_verify_busy;
mod l10n_vietnamese_dates;
mod media;
mod media_resumable;
mod media_variants;
mod my_course;
mod my_course_exam_days;
mod nodes;
mod orgs;
mod outbox;
mod pages;
mod password_reset;
mod practical;
mod processes;
mod report_pages;
mod reports;
mod resilience;
mod rollups;
mod sessions;
mod sync_grace;
mod talent;
mod tenancy;
mod throttling;
mod token_hardening;
mod user_management;
mod worker_hardening;
