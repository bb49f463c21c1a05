//! The aggregates behind the completion report, grouped by cohort (with
//! its branch and course), branch, course or month of enrolment. Two
//! aggregate queries whatever the number of enrolments: the enrolments
//! (status counts, and the exam results each enrolment keeps: see
//! `exams::results`) and the certificates. Every rate comes with the counts
//! it is made of, so rows can be compared and summed.

use super::completion::Filter;
use crate::enrolments::entity::Status;
use crate::error::ApiResult;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Asterisk, Condition, Expr, ExprTrait, Func, JoinType, Query, SelectStatement};
use sea_orm::{AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, IsolationLevel, QueryResult, TransactionTrait};
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
    pub certified: i64,
    /// Days from enrolment to certificate: one per certificate, or (on
    /// PostgreSQL) just the middle two, which give the same median.
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

/// The UTC month of the enrolment, as the engine groups by it: on
/// PostgreSQL the first instant of the month (a timestamp, cheaper to
/// compute and compare than text for a million enrolments), written as
/// `YYYY-MM` once per group by [`shown`]; on SQLite `YYYY-MM` directly.
fn month_of_enrolment(db: &impl ConnectionTrait) -> Expr {
    if crate::db::is_postgres(db) {
        Expr::cust("date_trunc('month', e.enrolled_at AT TIME ZONE 'UTC')")
    } else {
        Expr::cust("strftime('%Y-%m', e.enrolled_at)")
    }
}

/// A dimension as a report row shows it: the month as `YYYY-MM` (see
/// [`month_of_enrolment`]), every other one as grouped.
fn shown(db: &impl ConnectionTrait, alias: &str, grouped: Expr) -> Expr {
    if alias == "g_month" && crate::db::is_postgres(db) {
        Func::cust("to_char").arg(grouped).arg("YYYY-MM").into()
    } else {
        grouped
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
    count_if(Expr::col((E, "status")).eq(status))
}

/// `SUM(CASE WHEN <condition> THEN 1 ELSE 0 END)`.
fn count_if(condition: Expr) -> Expr {
    Func::sum(Expr::case(condition, 1).finally(0)).into()
}

fn sum_of(row: &QueryResult, alias: &str) -> ApiResult<i64> {
    Ok(row.try_get::<Option<i64>>("", alias)?.unwrap_or(0))
}

/// A read-only transaction for a report's queries: one snapshot for all of
/// them; on PostgreSQL without JIT compilation (it took 0.1-0.3 s per
/// query at a million enrolments, more than it saved) and with room to
/// aggregate in memory instead of spilling to disk.
pub(crate) async fn reading(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    if !crate::db::is_postgres(db) {
        return db.begin().await;
    }
    let txn = db
        .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
        .await?;
    txn.execute_unprepared("SET LOCAL jit = off").await?;
    txn.execute_unprepared("SET LOCAL work_mem = '64MB'").await?;
    Ok(txn)
}

/// The groups of the enrolments the filter selects, in key order.
pub(crate) async fn rollup(db: &impl ConnectionTrait, f: &Filter, g: Grouping) -> ApiResult<BTreeMap<Key, Bucket>> {
    let dims = dimensions(db, g);
    // Per cohort within the group first, then per group: a plain hash
    // aggregate each time, where COUNT(DISTINCT cohort_id) over the
    // enrolments would sort all of them.
    let mut per_cohort = Query::select();
    grouped(&mut per_cohort, &dims);
    per_cohort
        .expr_as(Func::count(Expr::col(Asterisk)), "n")
        .expr_as(count_status(Status::Active), "active")
        .expr_as(count_status(Status::Completed), "completed")
        .expr_as(count_status(Status::Withdrawn), "withdrawn")
        // The exam results kept on each enrolment (see `exams::results`).
        .expr_as(count_if(Expr::col((E, "graded_attempts")).gt(0)), "examined")
        .expr_as(count_if(Expr::col((E, "exam_passed"))), "passed")
        .expr_as(Func::count(Expr::col((E, "best_percent"))), "scored")
        .expr_as(Func::sum(Expr::col((E, "best_percent"))), "score_sum")
        .expr_as(Func::sum(Expr::col((E, "late_synced_attempts"))), "late")
        .from_as("enrolments", E)
        .add_group_by([Expr::col((E, "cohort_id"))])
        .cond_where(conditions(f));
    let total = |alias: &'static str| Func::cast_as(Func::sum(Expr::col(("p", alias))), "bigint");
    let mut counts = Query::select();
    for (alias, _) in &dims {
        counts.expr_as(shown(db, alias, Expr::col(("p", *alias))), *alias);
    }
    counts
        .expr_as(total("n"), "enrolled")
        .expr_as(Func::count(Expr::col(Asterisk)), "cohorts")
        .expr_as(total("active"), "active")
        .expr_as(total("completed"), "completed")
        .expr_as(total("withdrawn"), "withdrawn")
        .expr_as(total("examined"), "examined")
        .expr_as(total("passed"), "passed")
        .expr_as(total("scored"), "scored")
        .expr_as(Func::sum(Expr::col(("p", "score_sum"))), "score_sum")
        .expr_as(total("late"), "late")
        .from_subquery(per_cohort, "p")
        .add_group_by(dims.iter().map(|(alias, _)| Expr::col(("p", *alias))));
    let mut buckets: BTreeMap<Key, Bucket> = BTreeMap::new();
    for row in db.query_all(&counts).await? {
        let bucket = buckets.entry(key_of(&row, g)?).or_default();
        bucket.enrolled = sum_of(&row, "enrolled")?;
        bucket.cohorts = row.try_get("", "cohorts")?;
        bucket.active = sum_of(&row, "active")?;
        bucket.completed = sum_of(&row, "completed")?;
        bucket.withdrawn = sum_of(&row, "withdrawn")?;
        bucket.examined = sum_of(&row, "examined")?;
        bucket.passed = sum_of(&row, "passed")?;
        bucket.scored = sum_of(&row, "scored")?;
        let score_sum: Option<f64> = row.try_get("", "score_sum")?;
        bucket.average = score_sum.filter(|_| bucket.scored > 0).map(|s| s / bucket.scored as f64);
        bucket.late_synced = sum_of(&row, "late")?;
    }

    certificates(db, f, g, &dims, &mut buckets).await?;
    Ok(buckets)
}

/// Certificates per group and the median days from enrolment to
/// certificate. PostgreSQL returns each group's count and its two middle
/// values (whole seconds, as `TimeDelta::num_seconds` counts them), so the
/// median is the same number without reading every certificate; SQLite,
/// which has no ordered-set aggregates, returns one row per certificate.
///
/// Only completed enrolments are joined: a certificate is issued in the
/// step that completes its enrolment and stamps `completed_at`, which
/// nothing clears (a withdrawal or a return keeps it). Their index
/// (`ix_enrolments_completed`, migration 000034) holds every column read
/// here, so PostgreSQL merges it with `ix_certificates_enrolment`, both in
/// enrolment order (index-only once vacuumed), instead of hashing a
/// million enrolments. `issued_at` and `enrolled_at` are read where they are kept
/// (not copied), so a correction of either shows at once.
async fn certificates(
    db: &impl ConnectionTrait,
    f: &Filter,
    g: Grouping,
    dims: &[(&'static str, Expr)],
    buckets: &mut BTreeMap<Key, Bucket>,
) -> ApiResult<()> {
    let issued_at = || Expr::col(("c", "issued_at"));
    let mut query = Query::select();
    for (alias, expr) in dims {
        query.expr_as(shown(db, alias, expr.clone()), *alias);
    }
    query
        .from_as("certificates", "c")
        .join_as(
            JoinType::InnerJoin,
            "enrolments",
            E,
            Expr::col((E, "id")).equals(("c", "enrolment_id")),
        )
        .cond_where(
            conditions(f)
                .add(Expr::col((E, "completed_at")).is_not_null())
                .add_option(f.certified_from.map(|v| issued_at().gte(v)))
                .add_option(f.certified_to.map(|v| issued_at().lt(v))),
        );
    if crate::db::is_postgres(db) {
        const SECONDS: &str = "trunc(extract(epoch FROM c.issued_at) - extract(epoch FROM e.enrolled_at))::bigint";
        // Both middle values from one sort: of n values, `percentile_disc`
        // returns the ceil(p * n)-th, so 0.5 gives the lower middle one and
        // 0.5 + 1e-9 the upper one (the n/2 + 1-th for an even n, the same
        // as 0.5 for an odd n) for any n below 500 million. The two
        // identical aggregate calls are computed once.
        const MIDDLE: &str = "percentile_disc(ARRAY[0.5, 0.500000001]) WITHIN GROUP (ORDER BY";
        query
            .expr_as(Func::count(Expr::col(Asterisk)), "certified")
            .expr_as(Expr::cust(format!("({MIDDLE} {SECONDS}))[1]")), "lower")
            .expr_as(Expr::cust(format!("({MIDDLE} {SECONDS}))[2]")), "upper")
            .add_group_by(dims.iter().map(|(_, e)| e.clone()));
        for row in db.query_all(&query).await? {
            let bucket = buckets.entry(key_of(&row, g)?).or_default();
            bucket.certified = row.try_get("", "certified")?;
            for middle in ["lower", "upper"] {
                let seconds: i64 = row.try_get("", middle)?;
                bucket.days_to_certificate.push(seconds as f64 / 86_400.0);
            }
        }
        return Ok(());
    }
    query.column((E, "enrolled_at")).column(("c", "issued_at"));
    for row in db.query_all(&query).await? {
        let enrolled_at: DateTime<Utc> = row.try_get("", "enrolled_at")?;
        let issued_at: DateTime<Utc> = row.try_get("", "issued_at")?;
        let days = (issued_at - enrolled_at).num_seconds() as f64 / 86_400.0;
        let bucket = buckets.entry(key_of(&row, g)?).or_default();
        bucket.certified += 1;
        bucket.days_to_certificate.push(days);
    }
    Ok(())
}
