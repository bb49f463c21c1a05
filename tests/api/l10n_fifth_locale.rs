//! Issue 17: the steps for a fifth locale (README, "Adding a locale") are
//! complete. A stub Bahasa Indonesia catalogue — the English files copied,
//! a few messages translated, as step 1 says — parses, has every file and
//! message English has, formats every message with Fluent's plural rules
//! for `id`, and ICU4X's compiled data formats its numbers, dates and
//! collation: nothing but the files and the `Locale` variant is missing.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_locale_core::Locale as IcuLocale;
use std::str::FromStr;
use zhijiang::i18n::{self, Locale};

/// Step 1: copy `locales/en/*.ftl` to `locales/id/` and translate.
fn stub_sources() -> Vec<String> {
    i18n::sources(Locale::En)
        .iter()
        .map(|s| {
            s.replace("problem-not_found = Not found", "problem-not_found = Tidak ditemukan")
                .replace("page-branch = Campus", "page-branch = Kampus")
        })
        .collect()
}

#[test]
fn a_stub_fifth_locale_passes_every_check_a_locale_must_pass() {
    let sources = stub_sources();
    assert_eq!(sources.len(), i18n::FILES.len(), "one file per catalogue file");
    let mut bundle = FluentBundle::new_concurrent(vec!["id".parse().unwrap()]);
    bundle.set_use_isolating(false);
    let mut ids = Vec::new();
    for source in &sources {
        let parsed = fluent_syntax::parser::parse(source.as_str()).unwrap_or_else(|(_, e)| panic!("{e:?}"));
        for entry in parsed.body {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                let attrs: Vec<String> = m.attributes.iter().map(|a| a.id.name.to_string()).collect();
                ids.push((m.id.name.to_string(), m.value.is_some(), attrs));
            }
        }
        bundle.add_resource(FluentResource::try_new(source.clone()).unwrap()).unwrap();
    }
    assert!(ids.len() > 100);
    let mut args = FluentArgs::new();
    for name in [
        "max",
        "min",
        "limit",
        "needed",
        "available",
        "enrolled",
        "minutes",
        "seconds",
        "row",
    ] {
        args.set(name, FluentValue::from(1));
    }
    for name in [
        "name",
        "branch",
        "course",
        "code",
        "link",
        "expires",
        "date",
        "public_url",
        "expected",
        "character",
        "job",
        "reason",
        "year",
        "year_ce",
        "day",
        "month",
        "title",
        "field",
        "email",
        "locale",
        "value",
    ] {
        args.set(name, FluentValue::from("x"));
    }
    // Any other variable a message uses (new messages add new ones) gets a
    // text sample: the check is that every message formats, not which names.
    for source in &sources {
        for part in source.split('$').skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if !name.is_empty() && args.get(name.as_str()).is_none() {
                args.set(name, FluentValue::from("x"));
            }
        }
    }
    for (id, has_value, attrs) in &ids {
        let message = bundle.get_message(id).unwrap();
        let mut patterns: Vec<_> = attrs.iter().map(|a| message.get_attribute(a).unwrap().value()).collect();
        if *has_value {
            patterns.push(message.value().unwrap());
        }
        for pattern in patterns {
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
            assert!(errors.is_empty() && !text.is_empty(), "id: {id}: {errors:?}");
        }
    }
    let mut errors = Vec::new();
    let not_found = bundle.format_pattern(bundle.get_message("problem-not_found").unwrap().value().unwrap(), None, &mut errors);
    assert_eq!(not_found, "Tidak ditemukan");

    // Step 3: ICU4X's compiled data covers the new locale's CLDR formats.
    let locale = IcuLocale::from_str("id-ID").unwrap();
    let numbers = icu_decimal::DecimalFormatter::try_new((&locale).into(), Default::default()).unwrap();
    let n = icu_decimal::input::Decimal::from_str("1048576").unwrap();
    assert_eq!(numbers.format(&n).to_string(), "1.048.576");
    let dates = icu_datetime::DateTimeFormatter::try_new((&locale).into(), icu_datetime::fieldsets::YMD::long()).unwrap();
    let date = icu_calendar::Date::try_new_iso(2026, 11, 29).unwrap();
    assert_eq!(dates.format(&date).to_string(), "29 November 2026");
    let collator = icu_collator::Collator::try_new((&locale).into(), Default::default()).unwrap();
    assert!(collator.compare("apel", "Bandung").is_lt());
}
