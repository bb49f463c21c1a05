//! Weekly activity for the report pages: per ISO week (Monday to Sunday in
//! the report's time zone) the lessons completed, the exam attempts
//! started, and the trainees whose latest activity falls in that week (the
//! week they were last seen: a long tail of old weeks means trainees who
//! stopped). Three aggregate queries, one pass each, with a column per
//! week: the week boundaries are computed here in the zone, so the SQL is
//! the same on SQLite and PostgreSQL and never depends on the database's
//! own date functions or zone.

use super::zone::Bound;
use crate::error::ApiResult;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, JoinType, Query, SelectStatement};
use serde::Serialize;
use uuid::Uuid;

/// Weeks shown when the caller does not say (`weeks`).
pub(crate) const DEFAULT_WEEKS: i64 = 12;
/// The most weeks a page shows.
pub(crate) const MAX_WEEKS: i64 = 53;

/// Whose enrolments are counted.
#[derive(Clone, Debug)]
pub(crate) enum Enrolments {
    Cohort(Uuid),
    /// A branch (None: every branch) and optionally one course.
    Scope {
        branch_id: Option<Uuid>,
        course_id: Option<Uuid>,
    },
}

/// One ISO week's figures.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct Week {
    /// `2026-W48`.
    pub iso_week: String,
    /// The Monday the week starts on, in the report's zone.
    pub starts_on: NaiveDate,
    pub lessons_completed: i64,
    pub attempts_started: i64,
    /// Enrolments whose latest activity is in this week.
    pub last_active: i64,
}

/// The Mondays of the `count` ISO weeks up to and including the one of `now` in `tz`.
pub(crate) fn mondays(now: DateTime<Utc>, tz: Tz, count: i64) -> Vec<NaiveDate> {
    let today = now.with_timezone(&tz).date_naive();
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    (0..count).rev().map(|back| this_monday - Duration::weeks(back)).collect()
}

/// `2026-W48` for the ISO week a Monday starts.
pub(crate) fn iso_week(monday: NaiveDate) -> String {
    let week = monday.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

const E: &str = "e";

fn of(enrolments: &Enrolments) -> Condition {
    match enrolments {
        Enrolments::Cohort(id) => Condition::all().add(Expr::col((E, "cohort_id")).eq(*id)),
        Enrolments::Scope { branch_id, course_id } => Condition::all()
            .add_option(branch_id.map(|b| Expr::col((E, "branch_id")).eq(b)))
            .add_option(course_id.map(|c| Expr::col((E, "course_id")).eq(c))),
    }
}

/// `SUM(CASE WHEN start <= at < end THEN 1 ELSE 0 END) AS wN` per week,
/// over the rows of `from` within the whole period.
fn per_week(mut from: SelectStatement, at: Expr, bounds: &[DateTime<Utc>]) -> SelectStatement {
    for (i, pair) in bounds.windows(2).enumerate() {
        let inside = at.clone().gte(pair[0]).and(at.clone().lt(pair[1]));
        from.expr_as(Func::sum(Expr::case(inside, 1).finally(0)), format!("w{i}"));
    }
    if let (Some(first), Some(last)) = (bounds.first(), bounds.last()) {
        from.and_where(at.clone().gte(*first)).and_where(at.lt(*last));
    }
    from
}

async fn counts(db: &impl ConnectionTrait, query: SelectStatement, weeks: usize) -> ApiResult<Vec<i64>> {
    let row = db.query_one(&query).await?;
    (0..weeks)
        .map(|i| {
            Ok(match &row {
                Some(r) => r.try_get::<Option<i64>>("", &format!("w{i}"))?.unwrap_or(0),
                None => 0,
            })
        })
        .collect()
}

/// The figures of the `count` weeks up to the current one, in `tz`.
pub(crate) async fn weekly(db: &impl ConnectionTrait, who: &Enrolments, tz: Tz, now: DateTime<Utc>, count: i64) -> ApiResult<Vec<Week>> {
    let mondays = mondays(now, tz, count);
    let mut bounds: Vec<DateTime<Utc>> = mondays.iter().map(|d| Bound::Day(*d).instant(tz)).collect();
    if let Some(last) = mondays.last() {
        bounds.push(Bound::Day(*last + Duration::weeks(1)).instant(tz));
    }
    let joined = |table: &str, alias: &str| {
        Query::select()
            .from_as(table.to_string(), alias.to_string())
            .join_as(
                JoinType::InnerJoin,
                "enrolments",
                E,
                Expr::col((E, "id")).equals((alias.to_string(), "enrolment_id")),
            )
            .cond_where(of(who))
            .take()
    };
    let lessons = per_week(joined("lesson_completions", "l"), Expr::col(("l", "completed_at")), &bounds);
    let attempts = per_week(joined("attempts", "a"), Expr::col(("a", "started_at")), &bounds);
    let enrolments = Query::select().from_as("enrolments", E).cond_where(of(who)).take();
    let last_active = per_week(enrolments, Expr::col((E, "last_activity_at")), &bounds);
    let n = mondays.len();
    let (lessons, attempts, last_active) = (
        counts(db, lessons, n).await?,
        counts(db, attempts, n).await?,
        counts(db, last_active, n).await?,
    );
    Ok(mondays
        .into_iter()
        .enumerate()
        .map(|(i, monday)| Week {
            iso_week: iso_week(monday),
            starts_on: monday,
            lessons_completed: lessons[i],
            attempts_started: attempts[i],
            last_active: last_active[i],
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn weeks_start_on_monday_in_the_zone() {
        // Sunday 20:00 UTC is already Monday 03:00 in Bangkok.
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 20, 0, 0).unwrap();
        let bkk = mondays(now, chrono_tz::Asia::Bangkok, 2);
        assert_eq!(
            bkk,
            vec![
                NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
                NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
            ]
        );
        let utc = mondays(now, chrono_tz::UTC, 1);
        assert_eq!(utc, vec![NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()]);
        assert_eq!(iso_week(bkk[1]), "2026-W49");
        // ISO years: 29 December 2025 is in week 1 of 2026.
        assert_eq!(iso_week(NaiveDate::from_ymd_opt(2025, 12, 29).unwrap()), "2026-W01");
    }
}
