//! Enrolments: trainees in cohorts, CSV import, lesson progress.
