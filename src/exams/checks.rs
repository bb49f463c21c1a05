//! Checking what headquarters sends for an exam: settings, titles and
//! questions, before anything is written. Pure functions: a failed check is
//! a list of field errors, answered 422 through `ExamError::Invalid`.

use super::ExamError;
use super::attempts::SYNC_GRACE_MAX_MINUTES;
use super::bank::{Kind, QuestionText, SnapQuestion};
use crate::error::{FieldCode, FieldError};
use crate::i18n::Locale;
use crate::num::to_usize;
use crate::text;
use sea_orm::ActiveEnum;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExamText {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuestionInputText {
    #[schema(min_length = 1, max_length = 5000)]
    pub prompt: String,
    pub options: Vec<String>,
}

/// Exam settings, as sent (merged with the stored ones for a change).
pub(crate) struct Settings {
    pub pass_mark_percent: i32,
    pub time_limit_minutes: i32,
    pub max_attempts: i32,
    pub question_count: i32,
    pub sync_grace_minutes: i32,
}

/// Checks each setting's bounds; an out-of-range one is a field error
/// naming its bounds.
pub(crate) fn check_settings(s: Settings, errors: &mut Vec<FieldError>) -> Settings {
    let mut range = |field: &'static str, value: i32, min: i32, max: i32| {
        if !(min..=max).contains(&value) {
            errors.push(FieldError::new(field, FieldCode::OutOfRange).arg("min", min).arg("max", max));
        }
    };
    range("pass_mark_percent", s.pass_mark_percent, 1, 100);
    range("time_limit_minutes", s.time_limit_minutes, 1, 600);
    range("max_attempts", s.max_attempts, 1, 100);
    range("question_count", s.question_count, 1, 500);
    range("sync_grace_minutes", s.sync_grace_minutes, 0, SYNC_GRACE_MAX_MINUTES);
    s
}

pub(crate) fn check_titles(texts: &BTreeMap<String, ExamText>, errors: &mut Vec<FieldError>) -> BTreeMap<Locale, String> {
    let mut clean = BTreeMap::new();
    if texts.is_empty() {
        errors.push(FieldError::new("translations", FieldCode::Required));
    }
    for (key, text) in texts {
        match Locale::from_canonical(key) {
            None => errors.push(FieldError::new(format!("translations.{key}"), FieldCode::UnknownLocale)),
            Some(l) => {
                if let Some(title) = text::TITLE.collect(format!("translations.{}.title", l.as_str()), &text.title, errors) {
                    clean.insert(l, title);
                }
            }
        }
    }
    clean
}

/// A question as headquarters sends it, checked: every translation has the
/// same number of options, the correct answers point at real options, and
/// the kind's rules hold.
pub(crate) struct CleanQuestion {
    pub kind: Kind,
    pub points: i32,
    pub partial_credit: bool,
    pub correct: Vec<usize>,
    pub option_count: usize,
    pub texts: BTreeMap<Locale, QuestionText>,
}

pub(crate) fn check_question(
    kind: &str,
    points: i32,
    partial_credit: bool,
    texts: &BTreeMap<String, QuestionInputText>,
    correct: &[i64],
) -> Result<CleanQuestion, ExamError> {
    let mut errors = Vec::new();
    let parsed = Kind::try_from_value(&kind.to_string()).ok();
    if parsed.is_none() {
        errors.push(FieldError::new("kind", FieldCode::InvalidChoice));
    }
    if !(1..=100).contains(&points) {
        errors.push(FieldError::new("points", FieldCode::OutOfRange).arg("min", 1).arg("max", 100));
    }
    if texts.is_empty() {
        errors.push(FieldError::new("translations", FieldCode::Required));
    }
    let mut clean = BTreeMap::new();
    let mut option_count: Option<usize> = None;
    for (key, text) in texts {
        let Some(locale) = Locale::from_canonical(key) else {
            errors.push(FieldError::new(format!("translations.{key}"), FieldCode::UnknownLocale));
            continue;
        };
        let prefix = format!("translations.{key}");
        let prompt = text::PROMPT.collect(format!("{prefix}.prompt"), &text.prompt, &mut errors);
        if text.options.len() < 2 || text.options.len() > 10 {
            errors.push(
                FieldError::new(format!("{prefix}.options"), FieldCode::OptionCount)
                    .arg("min", 2)
                    .arg("max", 10),
            );
        }
        let options: Vec<String> = text
            .options
            .iter()
            .enumerate()
            .map(|(i, option)| {
                text::OPTION
                    .collect(format!("{prefix}.options[{i}]"), option, &mut errors)
                    .unwrap_or_default()
            })
            .collect();
        match option_count {
            None => option_count = Some(text.options.len()),
            Some(n) if n != text.options.len() => {
                errors.push(FieldError::new(format!("{prefix}.options"), FieldCode::OptionsDifferBetweenLocales))
            }
            _ => {}
        }
        clean.insert(
            locale,
            QuestionText {
                prompt: prompt.unwrap_or_default(),
                options,
            },
        );
    }
    let count = option_count.unwrap_or(0);
    if parsed == Some(Kind::TrueFalse) && count != 2 && count != 0 {
        errors.push(FieldError::new("translations", FieldCode::TrueFalseNeedsTwoOptions));
    }
    let mut indices: Vec<usize> = Vec::new();
    for (i, c) in correct.iter().enumerate() {
        if *c < 0 || to_usize(*c) >= count.max(1) {
            errors.push(FieldError::new(format!("correct[{i}]"), FieldCode::NoSuchOption));
        } else if !indices.contains(&to_usize(*c)) {
            indices.push(to_usize(*c));
        }
    }
    indices.sort();
    if correct.is_empty() {
        errors.push(FieldError::new("correct", FieldCode::Required));
    } else if matches!(parsed, Some(Kind::Single | Kind::TrueFalse)) && indices.len() > 1 {
        errors.push(FieldError::new("correct", FieldCode::OneCorrectOption));
    }
    if !errors.is_empty() {
        return Err(ExamError::Invalid(errors));
    }
    let Some(kind) = parsed else {
        return Err(ExamError::Invalid(vec![FieldError::new("kind", FieldCode::InvalidChoice)]));
    };
    Ok(CleanQuestion {
        kind,
        points,
        partial_credit: partial_credit && kind == Kind::Multiple,
        correct: indices,
        option_count: count,
        texts: clean,
    })
}

impl CleanQuestion {
    /// The question as the bank holds it, once saved under `id`.
    pub(crate) fn into_bank_question(self, id: Uuid) -> SnapQuestion {
        SnapQuestion {
            id,
            kind: self.kind,
            points: self.points,
            partial_credit: self.partial_credit,
            correct: self.correct,
            option_count: self.option_count,
            texts: self.texts,
        }
    }
}
