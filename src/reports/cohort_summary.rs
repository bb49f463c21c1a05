//! A cohort at a glance: the completion funnel (enrolled → started lessons
//! → all lessons → sat the exam → passed → certified), the statuses, and
//! how many active trainees have gone quiet. Two aggregate queries: the
//! cohort's enrolments, using the counters and exam results they carry
//! (`lessons_done`, `last_activity_at`, `graded_attempts`, `exam_passed`);
//! and the distinct enrolments with a certificate. (An existence check per
//! enrolment took minutes for a cohort of 100,000 on PostgreSQL.)

use crate::cohorts::entity as cohort;
use crate::enrolments::entity::Status;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::tenancy::Caller;
use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Func, JoinType, Query};
use serde::Serialize;
use uuid::Uuid;

/// Each stage counts the cohort's enrolments (whatever their status) that
/// reached it. A trainee may sit the exam before finishing the lessons, so
/// a later stage is not always a subset of the one before.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Funnel {
    pub enrolled: i64,
    /// At least one lesson done.
    pub started_lessons: i64,
    /// Every lesson of the course done.
    pub all_lessons: i64,
    /// At least one graded attempt.
    pub sat_exam: i64,
    /// At least one passed attempt.
    pub passed: i64,
    /// A certificate was issued for the enrolment.
    pub certified: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct StatusCounts {
    pub active: i64,
    pub completed: i64,
    pub withdrawn: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CohortSummary {
    pub cohort_id: Uuid,
    pub course_id: Uuid,
    /// Lessons in the course.
    pub lessons: i64,
    pub funnel: Funnel,
    pub statuses: StatusCounts,
    /// The idleness counted under `inactive` (the `inactive_days` parameter).
    pub inactive_days: i64,
    /// Active trainees without activity for at least `inactive_days` days
    /// (counted from the enrolment for one who never started).
    pub inactive: i64,
    /// The latest activity of any trainee of the cohort.
    pub last_activity_at: Option<DateTime<Utc>>,
}

const E: &str = "e";

/// `SUM(CASE WHEN <condition> THEN 1 ELSE 0 END)`.
fn count_when(condition: Expr) -> Expr {
    Func::sum(Expr::case(condition, 1).finally(0)).into()
}

/// `table` as `x`, joined to the cohort's enrolments `e`.
fn of_cohort(table: &'static str, cohort_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .from_as(table, "x")
        .join_as(
            JoinType::InnerJoin,
            "enrolments",
            E,
            Expr::col((E, "id")).equals(("x", "enrolment_id")),
        )
        .and_where(Expr::col((E, "cohort_id")).eq(cohort_id))
        .take()
}

/// The summary of a cohort the caller may see (another branch's: 404).
pub(crate) async fn for_cohort(state: &AppState, caller: &Caller, cohort_id: Uuid, inactive_days: i64) -> ApiResult<CohortSummary> {
    let cohort = crate::cohorts::service::find_scoped(&state.db, caller, cohort_id).await?;
    crate::enrolments::activity_buffer::settle(state).await;
    let lessons = crate::courses::service::lesson_counts(&state.db, &[cohort.course_id])
        .await?
        .get(&cohort.course_id)
        .copied()
        .unwrap_or(0);
    summary(&state.db, &cohort, lessons, inactive_days, state.clock.now()).await
}

async fn summary(
    db: &impl ConnectionTrait,
    cohort: &cohort::Model,
    lessons: i64,
    inactive_days: i64,
    now: DateTime<Utc>,
) -> ApiResult<CohortSummary> {
    let col = |name: &'static str| Expr::col((E, name));
    let idle_since = Func::coalesce([col("last_activity_at"), col("enrolled_at")]);
    let all_lessons = if lessons > 0 {
        col("lessons_done").gte(lessons)
    } else {
        Expr::val(1).eq(0)
    };
    let query = Query::select()
        .expr_as(Func::count(Expr::col(Asterisk)), "enrolled")
        .expr_as(count_when(col("lessons_done").gt(0)), "started")
        .expr_as(count_when(all_lessons), "all_lessons")
        .expr_as(count_when(col("status").eq(Status::Active)), "active")
        .expr_as(count_when(col("status").eq(Status::Completed)), "completed")
        .expr_as(count_when(col("status").eq(Status::Withdrawn)), "withdrawn")
        .expr_as(
            count_when(
                col("status")
                    .eq(Status::Active)
                    .and(Expr::from(idle_since).lte(now - Duration::days(inactive_days))),
            ),
            "inactive",
        )
        .expr_as(Func::max(col("last_activity_at")), "last_activity_at")
        // The exam results each enrolment keeps (see `exams::results`).
        .expr_as(count_when(col("graded_attempts").gt(0)), "sat_exam")
        .expr_as(count_when(col("exam_passed")), "passed")
        .from_as("enrolments", E)
        .and_where(col("cohort_id").eq(cohort.id))
        .take();
    let certificates = of_cohort("certificates", cohort.id)
        .expr_as(Func::count_distinct(Expr::col(("x", "enrolment_id"))), "certified")
        .take();
    let row = db.query_one(&query).await?;
    let certified = db.query_one(&certificates).await?;
    let count = |row: &Option<sea_orm::QueryResult>, name: &str| -> ApiResult<i64> {
        Ok(match row {
            Some(r) => r.try_get::<Option<i64>>("", name)?.unwrap_or(0),
            None => 0,
        })
    };
    let n = |name: &str| count(&row, name);
    let last_activity_at = match &row {
        Some(r) => r.try_get::<Option<DateTime<Utc>>>("", "last_activity_at")?,
        None => None,
    };
    Ok(CohortSummary {
        cohort_id: cohort.id,
        course_id: cohort.course_id,
        lessons,
        funnel: Funnel {
            enrolled: n("enrolled")?,
            started_lessons: n("started")?,
            all_lessons: n("all_lessons")?,
            sat_exam: n("sat_exam")?,
            passed: n("passed")?,
            certified: count(&certified, "certified")?,
        },
        statuses: StatusCounts {
            active: n("active")?,
            completed: n("completed")?,
            withdrawn: n("withdrawn")?,
        },
        inactive_days,
        inactive: n("inactive")?,
        last_activity_at,
    })
}
