//! CLDR formatting through ICU4X (compiled data): grouped numbers inside
//! Fluent messages, dates and times in a reader's calendar and pattern, and
//! collation for lists sorted by a human name.
//!
//! Plural selectors (`[one]`, `*[other]`) stay Fluent's own, from the same
//! CLDR rules: one source, so a message never disagrees with itself.
//! ICU4X does not derive a UTC offset from a zone name: chrono-tz gives the
//! offset (and the local wall time), ICU4X the pattern.

use super::Locale;
use chrono::{DateTime, Datelike, NaiveDate, Offset, Timelike, Utc};
use chrono_tz::Tz;
use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{self, zone};
use icu_datetime::input::{Date, Time};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::options::DecimalFormatterOptions;
use icu_locale_core::Locale as IcuLocale;
use icu_time::ZonedDateTime;
use icu_time::zone::UtcOffset;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;

/// The CLDR locale each of ours formats with. Thai documents count years in
/// the Buddhist Era; English is international English (day before month).
pub(crate) fn icu_locale(locale: Locale) -> IcuLocale {
    let tag = match locale {
        Locale::ZhCn => "zh-CN",
        Locale::En => "en-001",
        Locale::Th => "th-TH-u-ca-buddhist",
        Locale::Vi => "vi-VN",
    };
    IcuLocale::from_str(tag).unwrap_or(IcuLocale::UNKNOWN)
}

/// A per-locale table built once: formatters are immutable and shared.
struct PerLocale<T>(OnceLock<HashMap<Locale, Option<T>>>);

impl<T> PerLocale<T> {
    const fn new() -> Self {
        PerLocale(OnceLock::new())
    }
    fn get(&self, locale: Locale, make: impl Fn(IcuLocale) -> Option<T>) -> Option<&T> {
        self.0
            .get_or_init(|| Locale::ALL.into_iter().map(|l| (l, make(icu_locale(l)))).collect())
            .get(&locale)
            .and_then(Option::as_ref)
    }
}

/// `value` (a plain decimal like `1048576` or `-2.50`) with the locale's
/// digits, separators and grouping: `1,048,576`, vi `1.048.576`.
pub(crate) fn format_decimal(locale: Locale, value: &str) -> Option<String> {
    static FORMATTERS: PerLocale<DecimalFormatter> = PerLocale::new();
    let formatter = FORMATTERS.get(locale, |l| {
        DecimalFormatter::try_new((&l).into(), DecimalFormatterOptions::default()).ok()
    })?;
    let decimal = Decimal::from_str(value).ok()?;
    Some(formatter.format(&decimal).to_string())
}

fn icu_date(date: NaiveDate) -> Option<Date<icu_calendar::Iso>> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    Date::try_new_iso(date.year(), month, day).ok()
}

/// A calendar date as a reader of `locale` writes it in running text
/// (`28 November 2026`, Thai `28 พฤศจิกายน 2569`, `2026年11月28日`,
/// `ngày 28 tháng 11 năm 2026`).
pub fn format_date(date: NaiveDate, locale: Locale) -> String {
    if locale == Locale::Vi {
        return vietnamese_date(date);
    }
    static FORMATTERS: PerLocale<DateTimeFormatter<fieldsets::YMD>> = PerLocale::new();
    let formatter = FORMATTERS.get(locale, |l| DateTimeFormatter::try_new((&l).into(), fieldsets::YMD::long()).ok());
    match (formatter, icu_date(date)) {
        (Some(f), Some(d)) => f.format(&d).to_string(),
        _ => date.format("%Y-%m-%d").to_string(),
    }
}

/// An instant as wall time in `tz`, with the date, the time to the minute
/// and the UTC offset, in the reader's pattern and calendar.
pub fn format_date_time(instant: DateTime<Utc>, tz: Tz, locale: Locale) -> String {
    if locale == Locale::Vi {
        return vietnamese_date_time(instant, tz);
    }
    type Zoned = fieldsets::Combo<fieldsets::YMDT, zone::LocalizedOffsetShort>;
    static FORMATTERS: PerLocale<DateTimeFormatter<Zoned>> = PerLocale::new();
    let local = instant.with_timezone(&tz);
    let fallback = || local.format("%Y-%m-%d %H:%M %:z").to_string();
    let formatter = FORMATTERS.get(locale, |l| {
        let fields = fieldsets::YMDT::long()
            .with_time_precision(icu_datetime::options::TimePrecision::Minute)
            .with_zone(zone::LocalizedOffsetShort);
        DateTimeFormatter::try_new((&l).into(), fields).ok()
    });
    let offset = UtcOffset::try_from_seconds(local.offset().fix().local_minus_utc()).ok();
    let time = Time::try_new(
        u8::try_from(local.hour()).unwrap_or(0),
        u8::try_from(local.minute()).unwrap_or(0),
        0,
        0,
    )
    .ok();
    match (formatter, icu_date(local.date_naive()), time, offset) {
        (Some(f), Some(date), Some(time), Some(zone)) => f.format(&ZonedDateTime { date, time, zone }).to_string(),
        _ => fallback(),
    }
}

/// Vietnamese writes a date in words as `ngày 28 tháng 11 năm 2026`, the
/// form of letters and official documents. CLDR's patterns for `vi` (every
/// length ICU4X offers) give `28 tháng 11 2026` or `28 thg 11, 2026`, which
/// a native reader finds clipped, and put the time before the date
/// (`lúc 14:30 GMT+7 5 tháng 12 2026`). So Vietnamese composes its own:
/// the date in words, then `lúc` and the time and offset from ICU4X.
fn vietnamese_date(date: NaiveDate) -> String {
    format!("ngày {} tháng {} năm {}", date.day(), date.month(), date.year())
}

fn vietnamese_date_time(instant: DateTime<Utc>, tz: Tz) -> String {
    type Zoned = fieldsets::Combo<fieldsets::T, zone::LocalizedOffsetShort>;
    static FORMATTER: std::sync::OnceLock<Option<DateTimeFormatter<Zoned>>> = std::sync::OnceLock::new();
    let local = instant.with_timezone(&tz);
    let formatter = FORMATTER.get_or_init(|| {
        let fields = fieldsets::T::medium()
            .with_time_precision(icu_datetime::options::TimePrecision::Minute)
            .with_zone(zone::LocalizedOffsetShort);
        DateTimeFormatter::try_new((&icu_locale(Locale::Vi)).into(), fields).ok()
    });
    let offset = UtcOffset::try_from_seconds(local.offset().fix().local_minus_utc()).ok();
    let time = Time::try_new(
        u8::try_from(local.hour()).unwrap_or(0),
        u8::try_from(local.minute()).unwrap_or(0),
        0,
        0,
    )
    .ok();
    let clock = match (formatter, icu_date(local.date_naive()), time, offset) {
        (Some(f), Some(date), Some(time), Some(zone)) => f.format(&ZonedDateTime { date, time, zone }).to_string(),
        _ => local.format("%H:%M %:z").to_string(),
    };
    format!("{} lúc {clock}", vietnamese_date(local.date_naive()))
}

/// Whether a name can be compared with the collator of `locale`.
fn collator(locale: Locale) -> Option<&'static CollatorBorrowed<'static>> {
    static COLLATORS: PerLocale<CollatorBorrowed<'static>> = PerLocale::new();
    COLLATORS.get(locale, |l| Collator::try_new((&l).into(), CollatorOptions::default()).ok())
}

/// Compares two human names or titles as a reader of `locale` sorts them:
/// Thai by consonant before its leading vowel, Vietnamese Đ after D,
/// Chinese by pinyin. Falls back to code point order.
pub fn compare(locale: Locale, a: &str, b: &str) -> Ordering {
    match collator(locale) {
        Some(c) => c.compare(a, b),
        None => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explore() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let t = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 5, 7, 30, 0).unwrap();
        for l in Locale::ALL {
            println!(
                "{l}: {} | {} | {} | {}",
                format_date(d, l),
                format_date_time(t, chrono_tz::Asia::Bangkok, l),
                format_decimal(l, "1048576").unwrap_or_default(),
                format_decimal(l, "-2.50").unwrap_or_default()
            );
        }
        let mut th = vec!["แดง", "กา", "เขียว", "ขาว", "ไก่"];
        th.sort_by(|a, b| compare(Locale::Th, a, b));
        let mut vi = vec!["Đức", "Dung", "Em", "An"];
        vi.sort_by(|a, b| compare(Locale::Vi, a, b));
        let mut zh = vec!["张伟", "李娜", "王芳", "陈静"];
        zh.sort_by(|a, b| compare(Locale::ZhCn, a, b));
        println!("{th:?} {vi:?} {zh:?}");
    }
}
