//! The completion report: one row per branch × course × cohort, computed
//! with three aggregate queries whatever the number of enrolments.

use super::names::Names;
use crate::enrolments::entity::Status;
use crate::error::ApiResult;
use crate::exams::attempt_entity::Status as AttemptStatus;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Asterisk, Condition, Expr, ExprTrait, Func, JoinType, Query};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Which rows a report covers. `branch_id` is forced to the caller's own
/// branch for branch administrators.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    pub branch_id: Option<Uuid>,
    pub course_id: Option<Uuid>,
    pub cohort_id: Option<Uuid>,
    /// Enrolments made in [from, to).
    pub enrolled_from: Option<DateTime<Utc>>,
    pub enrolled_to: Option<DateTime<Utc>>,
    /// Certificates issued in [from, to).
    pub certified_from: Option<DateTime<Utc>>,
    pub certified_to: Option<DateTime<Utc>>,
    /// The language cohort names are given in, falling back to the
    /// branch's default, then the cohort's own `name`; None: the branch's.
    pub reader: Option<crate::i18n::Locale>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CompletionRow {
    /// Branch code.
    pub branch: String,
    pub course_id: Uuid,
    pub course_code: String,
    pub cohort_id: Uuid,
    pub cohort_name: String,
    /// Every enrolment, whatever its status.
    pub enrolled: i64,
    pub active: i64,
    pub completed: i64,
    pub certified: i64,
    pub withdrawn: i64,
    /// Share (0-1) of trainees who sat the exam and passed it; null if nobody sat it.
    pub pass_rate: Option<f64>,
    /// Mean of each examined trainee's best percentage (0-100); null if nobody sat it.
    pub average_score: Option<f64>,
    /// Median days from enrolment to certificate; null without certificates.
    pub median_days_to_certificate: Option<f64>,
    /// Graded attempts that kept at least one late-synced answer (given
    /// before the deadline by the device's clock, arriving within the
    /// exam's grace period after it).
    pub late_synced_attempts: i64,
}

/// Conditions on the enrolments table `e`.
fn conditions(f: &Filter) -> Condition {
    let col = |name: &'static str| Expr::col((E, name));
    Condition::all()
        .add_option(f.branch_id.map(|v| col("branch_id").eq(v)))
        .add_option(f.course_id.map(|v| col("course_id").eq(v)))
        .add_option(f.cohort_id.map(|v| col("cohort_id").eq(v)))
        .add_option(f.enrolled_from.map(|v| col("enrolled_at").gte(v)))
        .add_option(f.enrolled_to.map(|v| col("enrolled_at").lt(v)))
}

/// `SUM(CASE WHEN e.status = <status> THEN 1 ELSE 0 END)`.
fn count_status(status: Status) -> Expr {
    Func::sum(Expr::case(Expr::col((E, "status")).eq(status), 1).finally(0)).into()
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    let m = if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    };
    Some((m * 10.0).round() / 10.0)
}

/// One cohort's graded attempts, from the per-enrolment aggregate.
#[derive(Clone, Copy, Default)]
struct ExamStats {
    /// Enrolments with a graded attempt.
    examined: i64,
    /// Of those, enrolments with a pass.
    passed: i64,
    /// Mean of their best percentages.
    average: Option<f64>,
    /// Graded attempts that kept a late-synced answer.
    late_synced: i64,
}

/// The alias of the enrolments table in every query.
const E: &str = "e";

pub(crate) async fn completion(db: &impl ConnectionTrait, f: &Filter) -> ApiResult<Vec<CompletionRow>> {
    let group = [(E, "branch_id"), (E, "course_id"), (E, "cohort_id")];
    let counts = db
        .query_all(
            Query::select()
                .columns(group)
                .expr_as(Func::count(Expr::col(Asterisk)), "enrolled")
                .expr_as(count_status(Status::Active), "active")
                .expr_as(count_status(Status::Completed), "completed")
                .expr_as(count_status(Status::Withdrawn), "withdrawn")
                .from_as("enrolments", E)
                .cond_where(conditions(f))
                .group_by_columns(group),
        )
        .await?;

    // Each examined enrolment's best percentage, whether any attempt passed
    // and how many attempts kept late-synced answers.
    let best = Query::select()
        .column("enrolment_id")
        .expr_as(Func::max(Expr::col("percent")), "best")
        .expr_as(Func::max(Expr::case(Expr::col("passed"), 1).finally(0)), "passed_any")
        .expr_as(Func::sum(Expr::case(Expr::col("late_synced"), 1).finally(0)), "late")
        .from("attempts")
        .and_where(Expr::col("status").eq(AttemptStatus::Submitted))
        .group_by_col("enrolment_id")
        .take();
    let exams = db
        .query_all(
            Query::select()
                .column((E, "cohort_id"))
                .expr_as(Func::count(Expr::col(Asterisk)), "examined")
                .expr_as(Func::sum(Expr::col(("b", "passed_any"))), "passed")
                .expr_as(Func::avg(Expr::col(("b", "best"))), "average")
                // PostgreSQL sums a bigint into a numeric: read back as bigint.
                .expr_as(Func::cast_as(Func::sum(Expr::col(("b", "late"))), "bigint"), "late")
                .from_subquery(best, "b")
                .join_as(
                    JoinType::InnerJoin,
                    "enrolments",
                    E,
                    Expr::col((E, "id")).equals(("b", "enrolment_id")),
                )
                .cond_where(conditions(f))
                .group_by_col((E, "cohort_id")),
        )
        .await?;
    let mut exam_stats: HashMap<Uuid, ExamStats> = HashMap::new();
    for row in exams {
        let cohort: Uuid = row.try_get("", "cohort_id")?;
        exam_stats.insert(
            cohort,
            ExamStats {
                examined: row.try_get("", "examined")?,
                passed: row.try_get::<Option<i64>>("", "passed")?.unwrap_or(0),
                average: row.try_get("", "average")?,
                late_synced: row.try_get::<Option<i64>>("", "late")?.unwrap_or(0),
            },
        );
    }

    let issued_at = || Expr::col(("c", "issued_at"));
    let certificates = Query::select()
        .column((E, "cohort_id"))
        .column((E, "enrolled_at"))
        .column(("c", "issued_at"))
        .from_as("certificates", "c")
        .join_as(
            JoinType::InnerJoin,
            "enrolments",
            E,
            Expr::col((E, "id")).equals(("c", "enrolment_id")),
        )
        .cond_where(
            conditions(f)
                .add_option(f.certified_from.map(|v| issued_at().gte(v)))
                .add_option(f.certified_to.map(|v| issued_at().lt(v))),
        )
        .take();
    let mut certified: HashMap<Uuid, Vec<f64>> = HashMap::new();
    for row in db.query_all(&certificates).await? {
        let cohort: Uuid = row.try_get("", "cohort_id")?;
        let enrolled_at: DateTime<Utc> = row.try_get("", "enrolled_at")?;
        let issued_at: DateTime<Utc> = row.try_get("", "issued_at")?;
        certified
            .entry(cohort)
            .or_default()
            .push((issued_at - enrolled_at).num_seconds() as f64 / 86_400.0);
    }

    let mut keys: Vec<(Uuid, Uuid, Uuid, i64, i64, i64, i64)> = Vec::new();
    for row in counts {
        keys.push((
            row.try_get("", "branch_id")?,
            row.try_get("", "course_id")?,
            row.try_get("", "cohort_id")?,
            row.try_get("", "enrolled")?,
            row.try_get::<Option<i64>>("", "active")?.unwrap_or(0),
            row.try_get::<Option<i64>>("", "completed")?.unwrap_or(0),
            row.try_get::<Option<i64>>("", "withdrawn")?.unwrap_or(0),
        ));
    }
    let names = Names::load(db, &keys, f.reader).await?;
    let mut rows: Vec<CompletionRow> = keys
        .into_iter()
        .map(|(branch, course, cohort, enrolled, active, completed, withdrawn)| {
            let ExamStats {
                examined,
                passed,
                average,
                late_synced,
            } = exam_stats.get(&cohort).copied().unwrap_or_default();
            let mut days = certified.remove(&cohort).unwrap_or_default();
            CompletionRow {
                branch: names.branches.get(&branch).cloned().unwrap_or_default(),
                course_id: course,
                course_code: names.courses.get(&course).cloned().unwrap_or_default(),
                cohort_id: cohort,
                cohort_name: names.cohorts.get(&cohort).cloned().unwrap_or_default(),
                enrolled,
                active,
                completed,
                certified: i64::try_from(days.len()).unwrap_or(i64::MAX),
                withdrawn,
                pass_rate: (examined > 0).then(|| ((passed as f64 / examined as f64) * 1000.0).round() / 1000.0),
                average_score: if examined > 0 {
                    average.map(|a| (a * 10.0).round() / 10.0)
                } else {
                    None
                },
                median_days_to_certificate: median(&mut days),
                late_synced_attempts: late_synced,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.branch, &a.course_code, &a.cohort_name, a.cohort_id).cmp(&(&b.branch, &b.course_code, &b.cohort_name, b.cohort_id))
    });
    Ok(rows)
}

/// Orders rows as the reader sorts: by branch and course code, then the
/// cohort's name by the reader's collation (Thai, Vietnamese and Chinese
/// names are not in code point order).
pub(crate) fn sort_for_reader(rows: &mut [CompletionRow], locale: crate::i18n::Locale) {
    rows.sort_by(|a, b| {
        (&a.branch, &a.course_code)
            .cmp(&(&b.branch, &b.course_code))
            .then_with(|| crate::i18n::compare(locale, &a.cohort_name, &b.cohort_name))
            .then(a.cohort_id.cmp(&b.cohort_id))
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(super::median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(super::median(&mut []), None);
    }
}
