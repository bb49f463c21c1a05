//! Which time zone a report's dates mean. A date-only bound (`from=2026-03-01`)
//! is midnight where the branch is, not midnight UTC (07:00 in Bangkok), and
//! a month is the branch's calendar month. A report over one branch uses that
//! branch's zone; headquarters' reports across branches use each branch's
//! own zone, or the zone the caller names with `tz`. The answer says which
//! (`time_zone` in JSON, the `Report-Time-Zone` header on CSV).

use crate::error::{ApiError, ApiResult, FieldCode, FieldError};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// The response header naming the zone of a CSV report.
pub(crate) const HEADER: &str = "report-time-zone";
/// What `time_zone` says when each branch's rows use that branch's zone.
pub(crate) const PER_BRANCH: &str = "branch";

/// One end of a period: an instant (RFC 3339), or a calendar day whose
/// midnight depends on the zone.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Bound {
    Instant(DateTime<Utc>),
    Day(NaiveDate),
}

impl Bound {
    pub(crate) fn parse(field: &'static str, value: Option<&str>) -> ApiResult<Option<Bound>> {
        match value {
            None | Some("") => Ok(None),
            Some(v) => DateTime::parse_from_rfc3339(v)
                .map(|d| Bound::Instant(d.with_timezone(&Utc)))
                .or_else(|_| NaiveDate::parse_from_str(v, "%Y-%m-%d").map(Bound::Day))
                .map(Some)
                .map_err(|_| ApiError::validation(vec![FieldError::new(field, FieldCode::InvalidDate)])),
        }
    }

    /// The instant this bound means in `tz`.
    pub(crate) fn instant(self, tz: Tz) -> DateTime<Utc> {
        match self {
            Bound::Instant(at) => at,
            Bound::Day(day) => midnight(day, tz),
        }
    }

    /// The same, widened by a day for a calendar day: a filter that holds
    /// for every zone, to be narrowed per row.
    pub(crate) fn loose(self, later: bool) -> DateTime<Utc> {
        match self {
            Bound::Instant(at) => at,
            Bound::Day(day) if later => midnight(day, Tz::UTC) + chrono::Duration::days(1),
            Bound::Day(day) => midnight(day, Tz::UTC) - chrono::Duration::days(1),
        }
    }
}

/// The first instant of `day` in `tz` (the end of a DST gap if midnight is skipped).
fn midnight(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&naive)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(naive + chrono::Duration::hours(1))).earliest())
        .map_or_else(|| naive.and_utc(), |d| d.with_timezone(&Utc))
}

/// The zone the caller asked for with `tz`, if any (an IANA name).
pub(crate) fn requested(tz: Option<&str>) -> ApiResult<Option<Tz>> {
    match tz {
        None | Some("") => Ok(None),
        Some(name) => name
            .parse::<Tz>()
            .map(Some)
            .map_err(|_| ApiError::field("tz", FieldCode::InvalidTimeZone)),
    }
}

/// A branch's zone (UTC if it names none that exists).
pub(crate) async fn of_branch(db: &impl ConnectionTrait, branch_id: Uuid) -> ApiResult<Tz> {
    use sea_orm::EntityTrait;
    let branch = crate::branches::entity::Entity::find_by_id(branch_id).one(db).await?;
    Ok(branch.and_then(|b| b.time_zone.parse().ok()).unwrap_or(Tz::UTC))
}
