//! Exam results kept on the enrolment, so that the completion report counts
//! them from the enrolments alone instead of finding each enrolment's best
//! graded attempt among every attempt (nine seconds of a thirteen-second
//! report at a million enrolments):
//! - `enrolments.graded_attempts`: submitted (graded) attempts; above zero,
//!   the enrolment counts as examined;
//! - `enrolments.best_percent`: the highest percentage among them (null:
//!   none has one);
//! - `enrolments.exam_passed`: one of them passed;
//! - `enrolments.late_synced_attempts`: how many of them kept a
//!   late-synced answer.
//!
//! The application recomputes all four from the enrolment's attempts in
//! the transaction that grades one (or flags one late-synced). Here they
//! are filled from the attempts already stored, in one set-based UPDATE.
//!
//! And `ix_enrolments_completed`: the completed enrolments (every
//! certificate's enrolment is one) with the columns the report reads of
//! them, in id order, so that the certificates are joined to their
//! enrolments by merging two indexes (`ix_certificates_enrolment` is the
//! other) instead of hashing every enrolment.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;
use sea_orm_migration::sea_orm::ConnectionTrait;

/// Fills the four columns of every enrolment with graded attempts from
/// those attempts: one grouped pass over the attempts, then one UPDATE
/// (`UPDATE ... FROM`, read alike by PostgreSQL and SQLite 3.33 or later).
/// Public so that a test can run it over data written by the current code
/// and compare.
pub const BACKFILL: &str = "UPDATE enrolments SET \
     graded_attempts = s.n, best_percent = s.best, exam_passed = (s.passed_any = 1), late_synced_attempts = s.late \
     FROM (SELECT enrolment_id, COUNT(*) AS n, MAX(percent) AS best, \
     MAX(CASE WHEN passed THEN 1 ELSE 0 END) AS passed_any, \
     SUM(CASE WHEN late_synced THEN 1 ELSE 0 END) AS late \
     FROM attempts WHERE status = 'submitted' GROUP BY enrolment_id) AS s \
     WHERE enrolments.id = s.enrolment_id";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let columns = [
            schema::integer("graded_attempts").default(0).take(),
            schema::double_null("best_percent"),
            schema::boolean("exam_passed").default(false).take(),
            schema::integer("late_synced_attempts").default(0).take(),
        ];
        for column in columns {
            manager
                .alter_table(Table::alter().table("enrolments").add_column(column).take())
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(BACKFILL).await?;
        // A partial index: the same statement on both engines.
        db.execute_unprepared(
            "CREATE INDEX ix_enrolments_completed ON enrolments \
             (id, cohort_id, branch_id, course_id, enrolled_at) WHERE completed_at IS NOT NULL",
        )
        .await?;
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            // Plans over the rewritten rows from fresh statistics.
            db.execute_unprepared("ANALYZE enrolments").await?;
        }
        Ok(())
    }
}
