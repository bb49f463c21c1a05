//! The aggregates behind the completion report, grouped by cohort (with
//! its branch and course), branch, course or month of enrolment. Three
//! queries whatever the number of enrolments: status counts, exam results
//! (each enrolment's best graded attempt) and certificates. Every rate
//! comes with the counts it is made of, so rows can be compared and summed.

use super::completion::Filter;
use crate::enrolments::entity::Status;
use crate::error::ApiResult;
use crate::exams::attempt_entity::Status as AttemptStatus;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Asterisk, Condition, Expr, ExprTrait, Func, JoinType, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What one report row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grouping {
    /// One row per branch × course × cohort (the default).
    Cohort,
    Branch,
    Course,
    /// The UTC month in which the trainees enrolled.
    Month,
}

impl Grouping {
    pub(crate) fn parse(text: &str) -> Option<Grouping> {
        Some(match text {
            "cohort" => Grouping::Cohort,
            "branch" => Grouping::Branch,
            "course" => Grouping::Course,
            "month" => Grouping::Month,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Grouping::Cohort => "cohort",
            Grouping::Branch => "branch",
            Grouping::Course => "course",
            Grouping::Month => "month",
        }
    }
}

/// A group's identity: the dimensions its grouping has.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    pub branch: Option<Uuid>,
    pub course: Option<Uuid>,
    pub cohort: Option<Uuid>,
    pub month: Option<String>,
}

/// The aggregates of one group.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bucket {
    pub cohorts: i64,
    pub enrolled: i64,
    pub active: i64,
    pub completed: i64,
    pub withdrawn: i64,
    /// Enrolments with a graded attempt.
    pub examined: i64,
    /// Of those, enrolments with a passed attempt.
    pub passed: i64,
    /// Of those, enrolments whose best attempt has a percentage.
    pub scored: i64,
    /// Mean of the best percentages (over `scored`).
    pub average: Option<f64>,
    /// Graded attempts that kept a late-synced answer.
    pub late_synced: i64,
    /// Days from enrolment to certificate, one per certificate.
    pub days_to_certificate: Vec<f64>,
}

/// The alias of the enrolments table in every query.
pub(crate) const E: &str = "e";

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

/// `YYYY-MM` of the enrolment, in UTC. The engines name this function
/// differently; the value is the same.
fn month_of_enrolment(db: &impl ConnectionTrait) -> Expr {
    if crate::db::is_postgres(db) {
        Expr::cust("to_char(e.enrolled_at AT TIME ZONE 'UTC', 'YYYY-MM')")
    } else {
        Expr::cust("strftime('%Y-%m', e.enrolled_at)")
    }
}

/// The grouping's key expressions, as (alias, expression).
fn dimensions(db: &impl ConnectionTrait, g: Grouping) -> Vec<(&'static str, Expr)> {
    let col = |name: &'static str| Expr::col((E, name));
    match g {
        Grouping::Cohort => vec![
            ("g_branch", col("branch_id")),
            ("g_course", col("course_id")),
            ("g_cohort", col("cohort_id")),
        ],
        Grouping::Branch => vec![("g_branch", col("branch_id"))],
        Grouping::Course => vec![("g_course", col("course_id"))],
        Grouping::Month => vec![("g_month", month_of_enrolment(db))],
    }
}

/// Selects and groups by the grouping's dimensions.
fn grouped(query: &mut SelectStatement, dims: &[(&'static str, Expr)]) {
    for (alias, expr) in dims {
        query.expr_as(expr.clone(), *alias);
    }
    query.add_group_by(dims.iter().map(|(_, e)| e.clone()));
}

fn key_of(row: &QueryResult, g: Grouping) -> ApiResult<Key> {
    let id = |alias: &str| row.try_get::<Uuid>("", alias);
    Ok(match g {
        Grouping::Cohort => Key {
            branch: Some(id("g_branch")?),
            course: Some(id("g_course")?),
            cohort: Some(id("g_cohort")?),
            month: None,
        },
        Grouping::Branch => Key {
            branch: Some(id("g_branch")?),
            ..Key::default()
        },
        Grouping::Course => Key {
            course: Some(id("g_course")?),
            ..Key::default()
        },
        Grouping::Month => Key {
            month: Some(row.try_get::<Option<String>>("", "g_month")?.unwrap_or_default()),
            ..Key::default()
        },
    })
}

/// `SUM(CASE WHEN e.status = <status> THEN 1 ELSE 0 END)`.
fn count_status(status: Status) -> Expr {
    Func::sum(Expr::case(Expr::col((E, "status")).eq(status), 1).finally(0)).into()
}

fn sum_of(row: &QueryResult, alias: &str) -> ApiResult<i64> {
    Ok(row.try_get::<Option<i64>>("", alias)?.unwrap_or(0))
}

/// The groups of the enrolments the filter selects, in key order.
pub(crate) async fn rollup(db: &impl ConnectionTrait, f: &Filter, g: Grouping) -> ApiResult<BTreeMap<Key, Bucket>> {
    let dims = dimensions(db, g);
    let mut counts = Query::select();
    grouped(&mut counts, &dims);
    counts
        .expr_as(Func::count(Expr::col(Asterisk)), "enrolled")
        .expr_as(Func::count_distinct(Expr::col((E, "cohort_id"))), "cohorts")
        .expr_as(count_status(Status::Active), "active")
        .expr_as(count_status(Status::Completed), "completed")
        .expr_as(count_status(Status::Withdrawn), "withdrawn")
        .from_as("enrolments", E)
        .cond_where(conditions(f));
    let mut buckets: BTreeMap<Key, Bucket> = BTreeMap::new();
    for row in db.query_all(&counts).await? {
        let bucket = buckets.entry(key_of(&row, g)?).or_default();
        bucket.enrolled = row.try_get("", "enrolled")?;
        bucket.cohorts = row.try_get("", "cohorts")?;
        bucket.active = sum_of(&row, "active")?;
        bucket.completed = sum_of(&row, "completed")?;
        bucket.withdrawn = sum_of(&row, "withdrawn")?;
    }

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
    let mut exams = Query::select();
    grouped(&mut exams, &dims);
    exams
        .expr_as(Func::count(Expr::col(Asterisk)), "examined")
        // PostgreSQL sums a bigint into a numeric: read back as bigint.
        .expr_as(Func::cast_as(Func::sum(Expr::col(("b", "passed_any"))), "bigint"), "passed")
        .expr_as(Func::count(Expr::col(("b", "best"))), "scored")
        .expr_as(Func::avg(Expr::col(("b", "best"))), "average")
        .expr_as(Func::cast_as(Func::sum(Expr::col(("b", "late"))), "bigint"), "late")
        .from_subquery(best, "b")
        .join_as(
            JoinType::InnerJoin,
            "enrolments",
            E,
            Expr::col((E, "id")).equals(("b", "enrolment_id")),
        )
        .cond_where(conditions(f));
    for row in db.query_all(&exams).await? {
        let bucket = buckets.entry(key_of(&row, g)?).or_default();
        bucket.examined = row.try_get("", "examined")?;
        bucket.passed = sum_of(&row, "passed")?;
        bucket.scored = row.try_get("", "scored")?;
        bucket.average = row.try_get("", "average")?;
        bucket.late_synced = sum_of(&row, "late")?;
    }

    let issued_at = || Expr::col(("c", "issued_at"));
    let mut certificates = Query::select();
    for (alias, expr) in &dims {
        certificates.expr_as(expr.clone(), *alias);
    }
    certificates
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
        );
    for row in db.query_all(&certificates).await? {
        let enrolled_at: DateTime<Utc> = row.try_get("", "enrolled_at")?;
        let issued_at: DateTime<Utc> = row.try_get("", "issued_at")?;
        let days = (issued_at - enrolled_at).num_seconds() as f64 / 86_400.0;
        buckets.entry(key_of(&row, g)?).or_default().days_to_certificate.push(days);
    }
    Ok(buckets)
}
