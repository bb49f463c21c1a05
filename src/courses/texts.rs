//! Translated texts of courses and lessons: validation of what authors send,
//! and the per-field fallback of what readers get (API.md: requested locale,
//! branch default, English, Chinese).

use crate::error::FieldCode;
use crate::error::FieldError;
use crate::i18n::{self, Locale};
use crate::text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CourseText {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub summary: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LessonText {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Light markup (Markdown), stored as given and never rendered as HTML by the server.
    #[serde(default)]
    #[schema(max_length = 100000)]
    pub body: String,
}

/// Checks `{locale: {title, summary}}`; `prefix` names the JSON path.
pub(crate) fn check_course_texts(
    prefix: &str,
    texts: &BTreeMap<String, CourseText>,
    errors: &mut Vec<FieldError>,
) -> BTreeMap<Locale, CourseText> {
    let mut clean = BTreeMap::new();
    for (key, text) in texts {
        let Some(locale) = Locale::from_canonical(key) else {
            errors.push(FieldError::new(format!("{prefix}.{key}"), FieldCode::UnknownLocale));
            continue;
        };
        let title = text::TITLE.collect(format!("{prefix}.{key}.title"), &text.title, errors);
        let summary = text::SUMMARY.collect(format!("{prefix}.{key}.summary"), &text.summary, errors);
        if let (Some(title), Some(summary)) = (title, summary) {
            clean.insert(locale, CourseText { title, summary });
        }
    }
    clean
}

pub(crate) fn check_lesson_texts(
    prefix: &str,
    texts: &BTreeMap<String, LessonText>,
    errors: &mut Vec<FieldError>,
) -> BTreeMap<Locale, LessonText> {
    let mut clean = BTreeMap::new();
    for (key, text) in texts {
        let Some(locale) = Locale::from_canonical(key) else {
            errors.push(FieldError::new(format!("{prefix}.{key}"), FieldCode::UnknownLocale));
            continue;
        };
        let title = text::TITLE.collect(format!("{prefix}.{key}.title"), &text.title, errors);
        // Bodies keep their author's whitespace: it is Markdown.
        let body = text::LESSON_BODY.collect(format!("{prefix}.{key}.body"), &text.body, errors);
        if let (Some(title), Some(body)) = (title, body) {
            clean.insert(locale, LessonText { title, body });
        }
    }
    clean
}

/// A field picked through the fallback chain: its text and the locale it came from.
pub(crate) struct Picked {
    pub text: String,
    pub locale: Option<Locale>,
}

/// The first non-empty value of a field along `chain`.
pub(crate) fn pick<'a>(chain: &[Locale], value_in: impl Fn(Locale) -> Option<&'a str>) -> Picked {
    for locale in chain {
        if let Some(text) = value_in(*locale).filter(|t| !t.trim().is_empty()) {
            return Picked {
                text: text.to_string(),
                locale: Some(*locale),
            };
        }
    }
    Picked {
        text: String::new(),
        locale: None,
    }
}

/// The fallback chain of a reader.
pub(crate) fn chain(requested: Locale, branch_default: Locale) -> Vec<Locale> {
    i18n::fallback_chain(requested, branch_default)
}
