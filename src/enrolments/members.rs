//! A cohort's member list, filtered and sorted for "who is stuck": by
//! status, progress (lessons done), idleness (days since the latest
//! activity, or since enrolling for a trainee who never started) and
//! sorted by any of these. Sorted pages continue with a keyset seek after
//! the row the cursor names, so the cursor stays an enrolment id and pages
//! stay stable while other rows change.

use super::EnrolmentError;
use super::entity::{self as enrolment, Entity as Enrolments};
use crate::cohorts::entity as cohort;
use crate::courses::service as courses;
use crate::http::{CursorPage, Page};
use crate::tenancy::{self, Caller};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, SimpleExpr};
use sea_orm::{ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Value};
use uuid::Uuid;

/// What a member list is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SortKey {
    /// Enrolment order (the default).
    Enrolled,
    /// Lessons done.
    Progress,
    /// The latest activity, or the enrolment for a trainee who never started.
    LastActivity,
    Status,
}

impl SortKey {
    /// Parses `key` or `-key` (descending).
    pub(crate) fn parse(text: &str) -> Option<(SortKey, bool)> {
        let (descending, key) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let key = match key {
            "enrolled" => SortKey::Enrolled,
            "progress" => SortKey::Progress,
            "last_activity" => SortKey::LastActivity,
            "status" => SortKey::Status,
            _ => return None,
        };
        Some((key, descending))
    }
}

/// A validated member-list query.
#[derive(Clone, Debug)]
pub(crate) struct MemberQuery {
    pub status: Option<enrolment::Status>,
    pub sort: SortKey,
    pub descending: bool,
    /// Only members idle for at least this many days.
    pub inactive_days: Option<i64>,
    /// Progress bounds in percent, inclusive.
    pub min_progress: Option<i64>,
    pub max_progress: Option<i64>,
}

/// Since when a member is idle: the latest activity, else the enrolment.
fn idle_since() -> SimpleExpr {
    Func::coalesce([
        Expr::col(enrolment::Column::LastActivityAt),
        Expr::col(enrolment::Column::EnrolledAt),
    ])
    .into()
}

/// The expression a list is sorted by.
fn key_expr(sort: SortKey) -> SimpleExpr {
    match sort {
        SortKey::Enrolled => Expr::col(enrolment::Column::Id),
        SortKey::Progress => Expr::col(enrolment::Column::LessonsDone),
        SortKey::LastActivity => idle_since(),
        SortKey::Status => Expr::col(enrolment::Column::Status),
    }
}

/// The value of [`key_expr`] on `row`.
fn key_value(sort: SortKey, row: &enrolment::Model) -> Value {
    match sort {
        SortKey::Enrolled => row.id.into(),
        SortKey::Progress => row.lessons_done.into(),
        SortKey::LastActivity => row.last_activity_at.unwrap_or(row.enrolled_at).into(),
        SortKey::Status => row.status.to_value().into(),
    }
}

/// A page of a cohort's members (the cohort must be visible to the caller).
pub(crate) async fn members(
    db: &impl ConnectionTrait,
    caller: &Caller,
    cohort_id: Uuid,
    q: &MemberQuery,
    page: Page,
    now: DateTime<Utc>,
) -> Result<Vec<enrolment::Model>, EnrolmentError> {
    let cohort = tenancy::find_visible::<cohort::Entity>(db, caller, cohort_id)
        .await?
        .ok_or(EnrolmentError::CohortNotFound)?;
    let mut query = tenancy::visible::<Enrolments>(caller).filter(enrolment::Column::CohortId.eq(cohort.id));
    if let Some(status) = q.status {
        query = query.filter(enrolment::Column::Status.eq(status));
    }
    if let Some(days) = q.inactive_days {
        query = query.filter(idle_since().lte(now - Duration::days(days)));
    }
    if q.min_progress.is_some() || q.max_progress.is_some() {
        let total = courses::lesson_counts(db, &[cohort.course_id])
            .await?
            .get(&cohort.course_id)
            .copied()
            .unwrap_or(0);
        query = query.filter(progress_condition(total, q.min_progress, q.max_progress));
    }
    if q.sort == SortKey::Enrolled && !q.descending {
        return Ok(query.cursor_page(enrolment::Column::Id, page).all(db).await?);
    }
    if let Some(after) = page.after {
        let row = Enrolments::find_by_id(after)
            .filter(enrolment::Column::CohortId.eq(cohort.id))
            .one(db)
            .await?
            .ok_or(EnrolmentError::BadCursor)?;
        let (key, value) = (key_expr(q.sort), key_value(q.sort, &row));
        let id = Expr::col(enrolment::Column::Id);
        let seek = if q.descending {
            Condition::any()
                .add(key.clone().lt(value.clone()))
                .add(Condition::all().add(key.eq(value)).add(id.lt(after)))
        } else {
            Condition::any()
                .add(key.clone().gt(value.clone()))
                .add(Condition::all().add(key.eq(value)).add(id.gt(after)))
        };
        query = query.filter(seek);
    }
    let order = if q.descending { Order::Desc } else { Order::Asc };
    Ok(query
        .order_by(key_expr(q.sort), order.clone())
        .order_by(enrolment::Column::Id, order)
        .limit(page.limit + 1)
        .all(db)
        .await?)
}

/// `min <= 100 * done / total <= max`, without division. A course without
/// lessons has everybody at 0 %.
fn progress_condition(total: i64, min: Option<i64>, max: Option<i64>) -> Condition {
    if total == 0 {
        let zero_in_range = min.is_none_or(|m| m <= 0) && max.is_none_or(|m| m >= 0);
        return if zero_in_range {
            Condition::all()
        } else {
            Condition::all().add(Expr::val(1).eq(0))
        };
    }
    let scaled = || Expr::col(enrolment::Column::LessonsDone).mul(100);
    Condition::all()
        .add_option(min.map(|m| scaled().gte(m * total)))
        .add_option(max.map(|m| scaled().lte(m * total)))
}
