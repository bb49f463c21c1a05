//! Every locale has the same message ids, every .ftl file parses without
//! junk, and every message id the code uses exists.

use regex::Regex;
use std::collections::BTreeSet;
use std::path::Path;
use zhijiang::error::{FieldCode, ImportRowCode, ProblemCode};
use zhijiang::i18n::{self, Locale};

fn ids(source: &str) -> BTreeSet<String> {
    let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| panic!("ftl junk: {errors:?}"));
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            fluent_syntax::ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
            _ => None,
        })
        .collect()
}

fn all_ids(locale: Locale) -> Vec<BTreeSet<String>> {
    i18n::sources(locale).iter().map(|s| ids(s)).collect()
}

#[test]
fn every_locale_has_the_same_keys_and_parses_cleanly() {
    let english = all_ids(Locale::En);
    for locale in Locale::ALL {
        let these = all_ids(locale);
        for (file, (en, other)) in i18n::FILES.iter().zip(english.iter().zip(these.iter())) {
            let missing: Vec<_> = en.difference(other).collect();
            let extra: Vec<_> = other.difference(en).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{locale}/{file}: missing {missing:?}, extra {extra:?}"
            );
        }
    }
}

fn rust_sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn every_message_the_code_uses_exists() {
    let mut sources = Vec::new();
    rust_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut sources);
    let code = sources.join("\n");
    let mut needed = BTreeSet::new();
    // Error codes are enums: every variant needs its messages.
    for code in ProblemCode::ALL {
        needed.insert(code.message_id());
    }
    for code in FieldCode::ALL {
        needed.insert(code.message_id());
    }
    for code in ImportRowCode::ALL {
        needed.insert(code.message_id());
    }
    let template = Regex::new(r#"template:\s*"([a-z_]+)""#).unwrap();
    let direct = Regex::new(r#"i18n::t(?:_attr)?\([^,]+,\s*"([a-z][a-z0-9_-]+)""#).unwrap();
    for c in template.captures_iter(&code) {
        for part in ["subject", "text", "html"] {
            needed.insert(format!("email-{}-{part}", &c[1]));
        }
    }
    for c in direct.captures_iter(&code) {
        needed.insert(c[1].to_string());
    }
    assert!(needed.len() > 30, "the scan found too little: {needed:?}");
    for locale in Locale::ALL {
        for id in &needed {
            assert!(i18n::has(locale, id), "{locale} lacks {id}");
        }
    }
}
