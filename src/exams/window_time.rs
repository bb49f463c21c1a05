//! Times of exam windows as people write and read them. An administrator
//! types "Saturday 09:00 Bangkok time"; the server stores UTC and shows both.
//!
//! Accepted input, in one field:
//! - RFC 3339 with an offset or `Z` (`2026-03-07T09:00:00+07:00`,
//!   `2026-03-07T02:00:00Z`): an exact instant, whatever the branch;
//! - a local date-time without offset (`2026-03-07T09:00` or
//!   `2026-03-07T09:00:00`, a space instead of `T` also works): read in the
//!   branch's `time_zone`. A local time that a daylight-saving change skips
//!   or repeats is refused (422) rather than guessed; give the offset then.

use crate::error::{FieldCode, FieldError};
use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

/// How long one window may last.
pub(crate) const WINDOW_MAX_DAYS: i64 = 366;
/// How far from today a window may open or close.
pub(crate) const WINDOW_HORIZON_YEARS: i64 = 2;

const LOCAL_FORMATS: &[&str] = &["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"];

/// The instant `text` names (see the module's documentation), or a field
/// error pushed to `errors`.
pub(crate) fn parse_instant(field: &str, text: &str, tz: Tz, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.len() > 40 {
        errors.push(FieldError::new(field, FieldCode::InvalidDateTime));
        return None;
    }
    if let Ok(exact) = DateTime::parse_from_rfc3339(text) {
        return Some(exact.with_timezone(&Utc));
    }
    let Some(naive) = LOCAL_FORMATS.iter().find_map(|f| NaiveDateTime::parse_from_str(text, f).ok()) else {
        errors.push(FieldError::new(field, FieldCode::InvalidDateTime));
        return None;
    };
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(local) => Some(local.with_timezone(&Utc)),
        LocalResult::Ambiguous(..) => {
            errors.push(FieldError::new(field, FieldCode::AmbiguousLocalTime).arg("time_zone", tz.name()));
            None
        }
        LocalResult::None => {
            errors.push(FieldError::new(field, FieldCode::NonexistentLocalTime).arg("time_zone", tz.name()));
            None
        }
    }
}

/// Checks a window's bounds: it closes after it opens, lasts at most
/// `WINDOW_MAX_DAYS`, and lies within `WINDOW_HORIZON_YEARS` of `now`.
pub(crate) fn check_range(opens_at: DateTime<Utc>, closes_at: DateTime<Utc>, now: DateTime<Utc>, errors: &mut Vec<FieldError>) {
    let horizon = Duration::days(365 * WINDOW_HORIZON_YEARS);
    let mut far = false;
    for (field, at) in [("opens_at", opens_at), ("closes_at", closes_at)] {
        if at < now - horizon || at > now + horizon {
            errors.push(FieldError::new(field, FieldCode::TooFarFromNow).arg("years", WINDOW_HORIZON_YEARS));
            far = true;
        }
    }
    if far {
        return;
    }
    if closes_at <= opens_at {
        errors.push(FieldError::new("closes_at", FieldCode::ClosesBeforeOpens));
    } else if closes_at - opens_at > Duration::days(WINDOW_MAX_DAYS) {
        errors.push(FieldError::new("closes_at", FieldCode::WindowTooLong).arg("max_days", WINDOW_MAX_DAYS));
    }
}

/// RFC 3339 in the branch's zone, with its offset: `2026-03-07T09:00:00+07:00`.
pub(crate) fn local_rfc3339(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A branch's zone; UTC for a name that no longer parses (never expected:
/// branches validate it).
pub(crate) fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, tz: Tz) -> Result<DateTime<Utc>, FieldCode> {
        let mut errors = Vec::new();
        parse_instant("opens_at", text, tz, &mut errors).ok_or_else(|| errors[0].code)
    }

    #[test]
    fn local_and_exact_times() {
        let bkk = chrono_tz::Asia::Bangkok;
        let two_utc = "2026-03-07T02:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(parse("2026-03-07T09:00", bkk), Ok(two_utc));
        assert_eq!(parse("2026-03-07 09:00:00", bkk), Ok(two_utc));
        assert_eq!(parse("2026-03-07T09:00:00+07:00", bkk), Ok(two_utc));
        assert_eq!(parse("2026-03-07T02:00:00Z", chrono_tz::Europe::Berlin), Ok(two_utc));
        assert_eq!(parse("07/03/2026 09:00", bkk), Err(FieldCode::InvalidDateTime));
        assert_eq!(parse("2026-02-30T09:00", bkk), Err(FieldCode::InvalidDateTime));
        let berlin = chrono_tz::Europe::Berlin;
        assert_eq!(parse("2026-03-29T02:30", berlin), Err(FieldCode::NonexistentLocalTime));
        assert_eq!(parse("2026-10-25T02:30", berlin), Err(FieldCode::AmbiguousLocalTime));
        assert_eq!(local_rfc3339(two_utc, bkk), "2026-03-07T09:00:00+07:00");
    }
}
