//! Translatable cohort names. A cohort has one `name` (what every reader
//! falls back to) and optional `names` per locale; a reader gets the name
//! in their language, else in the branch's default, else `name` — the same
//! per-field fallback the catalogue uses.

use crate::error::{FieldCode, FieldError};
use crate::i18n::Locale;
use std::collections::BTreeMap;

/// Stored translations, keyed by canonical locale.
pub(crate) type Names = BTreeMap<String, String>;

/// Checks translations from a request body: canonical locales only, each a
/// valid cohort name. Returns them as they are stored (JSON), `None` if empty.
pub(crate) fn check(names: &Names, errors: &mut Vec<FieldError>) -> Option<String> {
    let mut clean = Names::new();
    for (tag, name) in names {
        let field = format!("names.{tag}");
        if Locale::from_canonical(tag).is_none() {
            errors.push(FieldError::new(field, FieldCode::UnknownLocale));
            continue;
        }
        if let Some(name) = crate::text::COHORT_NAME.collect(field, name, errors) {
            clean.insert(tag.clone(), name);
        }
    }
    (!clean.is_empty()).then(|| serde_json::to_string(&clean).unwrap_or_default())
}

/// The stored translations.
pub(crate) fn stored(json: Option<&str>) -> Names {
    json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default()
}

/// The name a reader of `chain` (most wanted first) gets.
pub(crate) fn resolve(name: &str, json: Option<&str>, chain: &[Locale]) -> String {
    let names = stored(json);
    chain
        .iter()
        .find_map(|l| names.get(l.as_str()).filter(|n| !n.trim().is_empty()))
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

/// The chain of a cohort name: the requested language, then the branch's
/// default; after those, the cohort's own `name`.
pub(crate) fn chain(requested: Locale, branch_default: Locale) -> Vec<Locale> {
    if requested == branch_default {
        vec![requested]
    } else {
        vec![requested, branch_default]
    }
}
