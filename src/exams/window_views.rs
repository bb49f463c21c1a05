//! Request and response shapes of exam windows, overrides and a trainee's
//! availability. Times go out in UTC and, beside them, in the branch's own
//! zone with its offset and the zone's name; every answer carries the
//! server's time so that a client can tell a wrong device clock.

use super::override_entity as grant;
use super::window_entity as window;
use super::window_time::local_rfc3339;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A new window. `opens_at`/`closes_at`: RFC 3339 with an offset
/// (`2026-03-07T09:00:00+07:00`, `2026-03-07T02:00:00Z`), or a local
/// date-time without one (`2026-03-07T09:00`), read in the branch's time zone.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateWindow {
    /// The cohort the window is for; absent: every cohort of `branch`.
    pub cohort_id: Option<Uuid>,
    /// The branch code of a branch-wide window (headquarters must name it;
    /// a branch admin's own branch otherwise). With `cohort_id`, if given,
    /// it must be the cohort's branch.
    #[schema(max_length = 8)]
    pub branch: Option<String>,
    #[schema(example = "2026-03-07T09:00")]
    pub opens_at: String,
    #[schema(example = "2026-03-07T12:00")]
    pub closes_at: String,
    /// If true, an attempt started inside the window ends at `closes_at`
    /// at the latest; otherwise it keeps its full time limit. Default false.
    #[serde(default)]
    pub hard_end: bool,
}

/// Changes to a window; absent fields stay as they are.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateWindow {
    #[schema(example = "2026-03-07T09:00")]
    pub opens_at: Option<String>,
    #[schema(example = "2026-03-07T12:00")]
    pub closes_at: Option<String>,
    pub hard_end: Option<bool>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ExamWindow {
    pub id: Uuid,
    pub exam_id: Uuid,
    /// The branch's code.
    pub branch: String,
    /// None for a branch-wide window.
    pub cohort_id: Option<Uuid>,
    /// UTC.
    pub opens_at: DateTime<Utc>,
    /// UTC.
    pub closes_at: DateTime<Utc>,
    /// In the branch's zone, with its offset: `2026-03-07T09:00:00+07:00`.
    pub opens_at_local: String,
    pub closes_at_local: String,
    /// The branch's IANA zone, e.g. `Asia/Bangkok`.
    pub time_zone: String,
    pub hard_end: bool,
    /// `upcoming`, `open` or `closed`, by the server's time.
    #[schema(pattern = "^(upcoming|open|closed)$")]
    pub status: String,
    pub server_time: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn window_view(row: window::Model, branch: &str, tz: Tz, now: DateTime<Utc>) -> ExamWindow {
    let status = if now < row.opens_at {
        "upcoming"
    } else if now < row.closes_at {
        "open"
    } else {
        "closed"
    };
    ExamWindow {
        id: row.id,
        exam_id: row.exam_id,
        branch: branch.to_string(),
        cohort_id: row.cohort_id,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        opens_at_local: local_rfc3339(row.opens_at, tz),
        closes_at_local: local_rfc3339(row.closes_at, tz),
        time_zone: tz.name().to_string(),
        hard_end: row.hard_end,
        status: status.into(),
        server_time: now,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// What an override grants; absent fields stay as they are (0 / false for
/// a new override). Values are totals, not increments, so a retried
/// request grants nothing twice.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetOverride {
    /// Attempts beyond the exam's `max_attempts` for the trainee's current enrolment.
    #[schema(minimum = 0, maximum = 10)]
    pub extra_attempts: Option<i32>,
    /// Minutes added to the time limit of attempts started from now on.
    #[schema(minimum = 0, maximum = 240)]
    pub extra_minutes: Option<i32>,
    /// One start outside the exam window (used up by that start).
    pub unlock_window: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ExamOverride {
    pub id: Uuid,
    pub exam_id: Uuid,
    pub user_id: Uuid,
    pub branch: String,
    pub extra_attempts: i32,
    pub extra_minutes: i32,
    /// An unlock not used yet.
    pub unlock_window: bool,
    /// When the last unlock was used, and by which attempt.
    pub unlock_used_at: Option<DateTime<Utc>>,
    pub unlock_attempt_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn override_view(row: grant::Model, branch: &str) -> ExamOverride {
    ExamOverride {
        id: row.id,
        exam_id: row.exam_id,
        user_id: row.user_id,
        branch: branch.to_string(),
        extra_attempts: row.extra_attempts,
        extra_minutes: row.extra_minutes,
        unlock_window: row.unlock_window,
        unlock_used_at: row.unlock_used_at,
        unlock_attempt_id: row.unlock_attempt_id,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Whether the caller (a trainee) may start the exam now, and why.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Availability {
    pub exam_id: Uuid,
    /// The enrolment whose attempts count.
    pub enrolment_id: Uuid,
    /// The window that applies (the cohort's own, else the branch's); none: always open.
    pub window: Option<ExamWindow>,
    /// A new attempt could start now by the window (or an unlock).
    pub open_now: bool,
    pub attempts_used: i32,
    pub attempts_allowed: i32,
    pub attempts_left: i32,
    pub extra_minutes: i32,
    /// The trainee holds a one-off unlock of the window.
    pub unlock_available: bool,
    pub time_zone: String,
    pub server_time: DateTime<Utc>,
}
