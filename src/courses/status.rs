//! The translation status of a course (served by
//! `exams::translation_status`): for each locale, which
//! texts are missing and which are older than the source text they
//! translate (the source locale's text changed after the translation).
//!
//! It works on generic "text records" so that other areas (exam questions)
//! can add theirs: see `TextRecord`.

use crate::i18n::Locale;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One translatable thing: its fields per locale and when each locale's
/// version last changed.
pub struct TextRecord {
    pub kind: &'static str,
    pub id: Uuid,
    pub position: Option<i32>,
    /// Field names that must exist (`title`, `summary`, `body`, `prompt`, ...).
    pub fields: &'static [&'static str],
    pub versions: BTreeMap<Locale, (BTreeMap<&'static str, String>, DateTime<Utc>)>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TextRef {
    /// `course`, `lesson` or `question`.
    pub kind: &'static str,
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    pub field: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LocaleStatus {
    pub locale: String,
    /// Nothing missing and nothing outdated.
    pub complete: bool,
    pub missing: Vec<TextRef>,
    /// Translated before the source text last changed.
    pub outdated: Vec<TextRef>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TranslationStatus {
    pub course_id: Uuid,
    pub source_locale: String,
    pub locales: Vec<LocaleStatus>,
}

pub(crate) fn compute(course_id: Uuid, source: Locale, records: &[TextRecord]) -> TranslationStatus {
    let locales = Locale::ALL
        .into_iter()
        .map(|locale| {
            let mut missing = Vec::new();
            let mut outdated = Vec::new();
            for record in records {
                let version = record.versions.get(&locale);
                let source_changed = record.versions.get(&source).map(|(_, at)| *at);
                for field in record.fields {
                    let present = version.and_then(|(f, _)| f.get(field)).is_some_and(|t| !t.trim().is_empty());
                    let r = TextRef {
                        kind: record.kind,
                        id: record.id,
                        position: record.position,
                        field,
                    };
                    if !present {
                        missing.push(r);
                    } else if locale != source
                        && let (Some((_, at)), Some(source_at)) = (version, source_changed)
                        && *at < source_at
                    {
                        outdated.push(r);
                    }
                }
            }
            LocaleStatus {
                locale: locale.as_str().to_string(),
                complete: missing.is_empty() && outdated.is_empty(),
                missing,
                outdated,
            }
        })
        .collect();
    TranslationStatus {
        course_id,
        source_locale: source.as_str().to_string(),
        locales,
    }
}
