//! Fluent message catalogues, embedded in the binary so the server runs from
//! any folder. Every user-facing string lives in `locales/`; Rust code only
//! names message ids.

mod cldr;
mod locale;
mod numbers;

/// Plain figures on pages (a table cell, a chart axis) in CLDR digits.
pub(crate) use cldr::format_decimal;
pub use cldr::{compare, format_date, format_date_time};
pub use locale::{Locale, best_from_accept_language};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The `.ftl` files of each locale, in the order they are loaded.
pub const FILES: [&str; 8] = [
    "errors.ftl",
    "email.ftl",
    "pages.ftl",
    "catalogue.ftl",
    "enrolments.ftl",
    "exams.ftl",
    "certificates.ftl",
    "reports.ftl",
];

macro_rules! catalogue {
    ($dir:literal) => {
        [
            include_str!(concat!("../../locales/", $dir, "/errors.ftl")),
            include_str!(concat!("../../locales/", $dir, "/email.ftl")),
            include_str!(concat!("../../locales/", $dir, "/pages.ftl")),
            include_str!(concat!("../../locales/", $dir, "/catalogue.ftl")),
            include_str!(concat!("../../locales/", $dir, "/enrolments.ftl")),
            include_str!(concat!("../../locales/", $dir, "/exams.ftl")),
            include_str!(concat!("../../locales/", $dir, "/certificates.ftl")),
            include_str!(concat!("../../locales/", $dir, "/reports.ftl")),
        ]
    };
}

/// The raw sources, for the catalogue consistency tests.
pub fn sources(locale: Locale) -> [&'static str; FILES.len()] {
    match locale {
        Locale::ZhCn => catalogue!("zh-CN"),
        Locale::En => catalogue!("en"),
        Locale::Th => catalogue!("th"),
        Locale::Vi => catalogue!("vi"),
    }
}

struct Bundles {
    /// Bundles whose placeables are wrapped in Unicode isolation marks (for
    /// text that may sit inside right-to-left or mixed-direction UI).
    plain: HashMap<Locale, FluentBundle<FluentResource>>,
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        let mut plain = HashMap::new();
        for locale in Locale::ALL {
            let langid = locale.as_str().parse().expect("canonical tags are valid language ids");
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // API responses, emails and CSV headers are plain text: isolation
            // marks would end up as invisible junk characters in them.
            bundle.set_use_isolating(false);
            // Numbers in the reader's digits and grouping (CLDR, via ICU4X).
            bundle.set_formatter(Some(numbers::format));
            for source in sources(locale) {
                let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(resource, _errors)| resource);
                // Duplicate ids are reported by the catalogue test; keep the first.
                let _ = bundle.add_resource(resource);
            }
            plain.insert(locale, bundle);
        }
        Bundles { plain }
    })
}

/// An argument value for a message.
#[derive(Clone, Debug)]
pub enum Arg {
    Str(String),
    Num(f64),
    /// An instant shown as wall time in a zone, formatted for the reader
    /// when the message is rendered (CLDR pattern and calendar): an error
    /// built before the reader's language is known still reads natively.
    Zoned(chrono::DateTime<chrono::Utc>, chrono_tz::Tz),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Str(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Str(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Num(v as f64)
    }
}
impl From<u64> for Arg {
    fn from(v: u64) -> Self {
        Arg::Num(v as f64)
    }
}
impl From<usize> for Arg {
    fn from(v: usize) -> Self {
        Arg::Num(v as f64)
    }
}
impl From<i32> for Arg {
    fn from(v: i32) -> Self {
        Arg::Num(v as f64)
    }
}

/// Whether a message id exists in the given locale.
pub fn has(locale: Locale, id: &str) -> bool {
    bundles().plain[&locale].has_message(id)
}

/// Formats message `id` in `locale`. A message missing in `locale`, or one
/// that formats with errors (a missing argument), is a fault: it is logged,
/// counted ([`misses`]) and answered in English, then with the id itself.
pub fn t(locale: Locale, id: &str, args: &[(&str, Arg)]) -> String {
    format_or_fall_back(locale, id, None, args).unwrap_or_else(|| id.to_string())
}

/// Formats the attribute `attr` of message `id` (`id.attr` in Fluent).
pub fn t_attr(locale: Locale, id: &str, attr: &str, args: &[(&str, Arg)]) -> String {
    format_or_fall_back(locale, id, Some(attr), args).unwrap_or_else(|| format!("{id}.{attr}"))
}

fn format_or_fall_back(locale: Locale, id: &str, attr: Option<&str>, args: &[(&str, Arg)]) -> Option<String> {
    match strict(locale, id, attr, args) {
        Ok(text) => Some(text),
        Err(errors) => {
            note_miss();
            tracing::error!(id, ?attr, locale = %locale, ?errors, "message missing or formatted with errors");
            match strict(Locale::En, id, attr, args) {
                Ok(text) => Some(text),
                Err(_) => format_in(Locale::En, id, attr, args).map(|(text, _)| text),
            }
        }
    }
}

/// Formats a message (or one attribute) in exactly `locale`, without any
/// fallback: the text, or why it could not be formatted cleanly.
pub fn strict(locale: Locale, id: &str, attr: Option<&str>, args: &[(&str, Arg)]) -> Result<String, Vec<String>> {
    match format_in(locale, id, attr, args) {
        None => Err(vec![format!(
            "no message {id}{} in {locale}",
            attr.map(|a| format!(".{a}")).unwrap_or_default()
        )]),
        Some((text, errors)) if errors.is_empty() => Ok(text),
        Some((_, errors)) => Err(errors),
    }
}

fn format_in(locale: Locale, id: &str, attr: Option<&str>, args: &[(&str, Arg)]) -> Option<(String, Vec<String>)> {
    let bundle = &bundles().plain[&locale];
    let message = bundle.get_message(id)?;
    let pattern = match attr {
        Some(name) => message.get_attribute(name)?.value(),
        None => message.value()?,
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Str(s) => fluent_args.set(*name, FluentValue::from(s.clone())),
            Arg::Num(n) => fluent_args.set(*name, FluentValue::from(*n)),
            Arg::Zoned(at, tz) => fluent_args.set(*name, FluentValue::from(cldr::format_date_time(*at, *tz, locale))),
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    Some((text.into_owned(), errors.iter().map(ToString::to_string).collect()))
}

static MISSES: AtomicU64 = AtomicU64::new(0);
thread_local! {
    static THREAD_MISSES: Cell<u64> = const { Cell::new(0) };
}

fn note_miss() {
    MISSES.fetch_add(1, Ordering::Relaxed);
    THREAD_MISSES.with(|m| m.set(m.get() + 1));
}

/// How many messages fell back to English (or formatted with errors) in
/// this process, and on the calling thread: a test fails on any.
pub fn misses() -> (u64, u64) {
    (MISSES.load(Ordering::Relaxed), THREAD_MISSES.with(Cell::get))
}

/// The order in which translated content is looked for (API.md): the
/// requested locale, the branch default, English, Chinese — and then any
/// other locale, so that a text that exists only in, say, Vietnamese is still
/// served to a Thai reader rather than an empty field.
pub fn fallback_chain(requested: Locale, branch_default: Locale) -> Vec<Locale> {
    let mut chain = Vec::with_capacity(4);
    for locale in [requested, branch_default, Locale::En, Locale::ZhCn, Locale::Th, Locale::Vi] {
        if !chain.contains(&locale) {
            chain.push(locale);
        }
    }
    chain
}

/// Picks the first locale of the chain for which `has` says a text exists.
pub fn pick_locale(chain: &[Locale], has: impl Fn(Locale) -> bool) -> Option<Locale> {
    chain.iter().copied().find(|l| has(*l))
}
