//! Issue 17, review items 4, 5 and 15: every message of every locale
//! formats cleanly with sample arguments (attributes included), with the
//! same variables and attributes as English; every error code formats in
//! every locale without falling back; English counts take plural forms;
//! numbers are grouped by CLDR rules.

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use zhijiang::error::{FieldCode, ImportRowCode, ProblemCode};
use zhijiang::i18n::{self, Arg, Locale};

/// Variables that carry counts or sizes; every other variable is text.
const NUMERIC: [&str; 12] = [
    "max",
    "min",
    "limit",
    "needed",
    "available",
    "enrolled",
    "minutes",
    "seconds",
    "row",
    "count",
    "days",
    "year_ce",
];

#[derive(Default, Debug, PartialEq)]
struct Shape {
    variables: BTreeSet<String>,
    attributes: BTreeSet<String>,
}

fn inline_vars(e: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            arguments.positional.iter().for_each(|a| inline_vars(a, out));
        }
        InlineExpression::Placeable { expression } => expr_vars(expression, out),
        _ => {}
    }
}

fn expr_vars(e: &Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        Expression::Inline(i) => inline_vars(i, out),
        Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            variants.iter().for_each(|v| pattern_vars(&v.value, out));
        }
    }
}

fn pattern_vars(p: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let PatternElement::Placeable { expression } = element {
            expr_vars(expression, out);
        }
    }
}

/// Every message of a locale: its variables (value and attributes) and attribute names.
fn shapes(locale: Locale) -> BTreeMap<String, Shape> {
    let mut all = BTreeMap::new();
    for source in i18n::sources(locale) {
        let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, e)| panic!("{locale}: {e:?}"));
        for entry in &resource.body {
            if let Entry::Message(m) = entry {
                let mut shape = Shape::default();
                if let Some(value) = &m.value {
                    pattern_vars(value, &mut shape.variables);
                }
                for attribute in &m.attributes {
                    shape.attributes.insert(attribute.id.name.to_string());
                    pattern_vars(&attribute.value, &mut shape.variables);
                }
                all.insert(m.id.name.to_string(), shape);
            }
        }
    }
    all
}

fn sample_args(variables: &BTreeSet<String>, number: f64) -> Vec<(&str, Arg)> {
    variables
        .iter()
        .map(|v| {
            let arg = if NUMERIC.contains(&v.as_str()) {
                Arg::Num(number)
            } else {
                Arg::Str(format!("«{v}»"))
            };
            (v.as_str(), arg)
        })
        .collect()
}

#[test]
fn every_message_formats_cleanly_in_every_locale_with_the_shape_of_english() {
    let english = shapes(Locale::En);
    let mut checked = 0;
    for locale in Locale::ALL {
        let these = shapes(locale);
        for (id, shape) in &these {
            let en = english.get(id).unwrap_or_else(|| panic!("{locale}: {id} is not in English"));
            assert_eq!(shape, en, "{locale}: {id} differs from English in variables or attributes");
            for number in [1.0, 2.0, 10_000.0] {
                let args = sample_args(&shape.variables, number);
                let parts = std::iter::once(None).chain(shape.attributes.iter().map(|a| Some(a.as_str())));
                for attr in parts {
                    // Messages with only attributes have no value to format.
                    if attr.is_none() && i18n::strict(locale, id, None, &args).is_err_and(|e| e[0].starts_with("no message")) {
                        continue;
                    }
                    let text = i18n::strict(locale, id, attr, &args).unwrap_or_else(|e| panic!("{locale}: {id} {attr:?}: {e:?}"));
                    assert!(!text.trim().is_empty(), "{locale}: {id} {attr:?} is empty");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1_000, "checked only {checked}");
}

#[test]
fn every_error_code_formats_in_every_locale_without_falling_back() {
    let english = shapes(Locale::En);
    let mut ids: Vec<(String, Option<&str>)> = Vec::new();
    for code in ProblemCode::ALL {
        ids.push((code.message_id(), None));
        ids.push((code.message_id(), Some("detail")));
    }
    ids.extend(FieldCode::ALL.iter().map(|c| (c.message_id(), None)));
    ids.extend(ImportRowCode::ALL.iter().map(|c| (c.message_id(), None)));
    let before = i18n::misses().1;
    for locale in Locale::ALL {
        for (id, attr) in &ids {
            let shape = english.get(id).unwrap_or_else(|| panic!("{id} has no English message"));
            let args = sample_args(&shape.variables, 3.0);
            let strict = i18n::strict(locale, id, *attr, &args).unwrap_or_else(|e| panic!("{locale}: {id}: {e:?}"));
            // What the service answers is exactly that: no silent fallback.
            let served = match attr {
                None => i18n::t(locale, id, &args),
                Some(a) => i18n::t_attr(locale, id, a, &args),
            };
            assert_eq!(served, strict, "{locale}: {id}");
        }
    }
    assert_eq!(i18n::misses().1, before, "a message fell back to English");
    // A missing message is counted, not silently answered in English.
    let _ = i18n::t(Locale::Th, "no-such-message-for-the-test", &[]);
    assert_eq!(i18n::misses().1, before + 1);
}

#[test]
fn english_counts_take_the_plural_form_of_their_number() {
    let english = shapes(Locale::En);
    let wrong = Regex::new(r"\b1 (questions|attempts|characters|bytes|minutes|seconds|trainees|options|items|lessons|days)\b").unwrap();
    let right = Regex::new(r"\b2 (question|attempt|character|byte|minute|second|trainee)\b[^s]").unwrap();
    for (id, shape) in &english {
        // A range (`between { $min } and { $max } options`) is plural by nature.
        let range = shape.variables.contains("min") && shape.variables.contains("max");
        if range || !shape.variables.iter().any(|v| NUMERIC.contains(&v.as_str())) {
            continue;
        }
        for attr in std::iter::once(None).chain(shape.attributes.iter().map(|a| Some(a.as_str()))) {
            for (number, pattern) in [(1.0, &wrong), (2.0, &right)] {
                if let Ok(text) = i18n::strict(Locale::En, id, attr, &sample_args(&shape.variables, number)) {
                    assert!(!pattern.is_match(&text), "{id} {attr:?} with {number}: {text}");
                }
            }
        }
    }
    let text = i18n::t_attr(Locale::En, "problem-attempts_exhausted", "detail", &[("max", Arg::Num(1.0))]);
    assert_eq!(text, "The only attempt at this exam has been used.");
    let text = i18n::t_attr(
        Locale::En,
        "problem-question_bank_too_small",
        "detail",
        &[("needed", Arg::Num(1.0)), ("available", Arg::Num(0.0))],
    );
    assert!(text.contains("draws 1 question but"), "{text}");
}

#[test]
fn numbers_in_messages_are_grouped_by_cldr_rules() {
    let limit = [("limit", Arg::Num(1_048_576.0))];
    for (locale, grouped) in [
        (Locale::En, "1,048,576"),
        (Locale::ZhCn, "1,048,576"),
        (Locale::Th, "1,048,576"),
        (Locale::Vi, "1.048.576"),
    ] {
        let text = i18n::t_attr(locale, "problem-payload_too_large", "detail", &limit);
        assert!(text.contains(grouped), "{locale}: {text}");
    }
    let text = i18n::t_attr(
        Locale::En,
        "problem-capacity_below_enrolled",
        "detail",
        &[("enrolled", Arg::Num(10_000.0))],
    );
    assert!(text.starts_with("10,000 trainees are"), "{text}");
}

#[test]
fn one_term_per_concept_one_brand_and_consistent_demo_gear() {
    for locale in Locale::ALL {
        for (file, source) in i18n::FILES.iter().zip(i18n::sources(locale)) {
            for line in source.lines().filter(|l| !l.starts_with("-brand") && !l.starts_with('#')) {
                assert!(
                    !line.contains("Zhijiang") && !line.contains("智匠"),
                    "{locale}/{file}: brand outside -brand: {line}"
                );
                assert!(!line.contains("สาขา"), "{locale}/{file}: Thai says วิทยาเขต: {line}");
                assert!(!line.contains("chi nhánh"), "{locale}/{file}: Vietnamese says cơ sở: {line}");
            }
        }
    }
    let demo: serde_json::Value = serde_json::from_str(include_str!("../../src/demo/course.json")).unwrap();
    let text = demo.to_string();
    let ppe = text.find("Insulating gloves").expect("the PPE question");
    let _ = ppe;
    for (gear, prompt_marker) in [
        ("防护面罩", "多选"),
        ("Face shield", "all that apply"),
        ("กระบังหน้านิรภัย", "มากกว่าหนึ่งข้อ"),
        ("Tấm che mặt", "Chọn tất cả"),
    ] {
        assert!(text.contains(gear), "{gear}");
        assert!(text.contains(prompt_marker), "{prompt_marker}");
    }
    assert!(
        !text.contains("护目镜") && !text.contains("หน้ากากป้องกัน"),
        "one item of gear everywhere"
    );
}
