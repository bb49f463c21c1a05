//! The item-statistics answer, assembled from the aggregates `items`
//! reads: per question and locale the figures (or "not enough answers"),
//! and the comparison of each locale with the others, flagged only beyond
//! a Bonferroni-corrected level.

use super::items::{ALPHA, MIN_ANSWERS};
use crate::courses::texts::{chain, pick};
use crate::exams::bank::{SnapQuestion, Snapshot};
use crate::i18n::{self, Locale};
use sea_orm::ActiveEnum;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Sums over the answers to one question in one locale.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    pub n: i64,
    /// Answers fully right (Σx).
    pub right: f64,
    /// Σ, Σ² of the rest of the score, and Σ of it over right answers.
    pub sy: f64,
    pub syy: f64,
    pub sxy: f64,
}

pub(crate) struct Cell {
    pub counts: Counts,
    pub discrimination: Option<f64>,
    /// How many answers chose each option (by authored index).
    pub chosen: BTreeMap<usize, i64>,
}

/// A comparison made (before deciding whether it is flagged).
pub(crate) struct Test {
    pub statistic: f64,
    pub p_value: f64,
    pub difficulty_elsewhere: f64,
    pub answers_elsewhere: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Report {
    pub exam_id: Uuid,
    pub version: i32,
    /// The branch whose attempts are counted; null: every branch.
    pub branch: Option<String>,
    /// Answers a locale needs before its figures are shown and compared.
    pub min_answers: i64,
    /// Family-wise significance level of the flags.
    pub alpha: f64,
    /// Locale-against-the-rest comparisons the bank allows; a locale is
    /// flagged below `alpha / comparisons`.
    pub comparisons: i64,
    /// Graded attempts per locale (null: started before the locale was recorded).
    pub locales: Vec<LocaleAttempts>,
    pub questions: Vec<QuestionStats>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LocaleAttempts {
    pub locale: Option<String>,
    pub attempts: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct QuestionStats {
    pub question_id: Uuid,
    /// Place in the bank, from 1.
    pub position: i64,
    pub kind: String,
    pub points: i32,
    /// The prompt in the response language (with the usual fallback).
    pub prompt: String,
    /// Locales whose difficulty differs from the others' beyond chance.
    pub flagged_locales: Vec<String>,
    pub locales: Vec<LocaleStats>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LocaleStats {
    pub locale: Option<String>,
    pub answers: i64,
    /// `ok`, or `not_enough_answers` (fewer than `min_answers`: no figures).
    pub status: &'static str,
    /// Why figures are missing, in the response language.
    pub note: Option<String>,
    /// Whether the question has its own text in this locale (otherwise the
    /// trainees read a fallback language).
    pub translated: bool,
    /// Share of answers fully right (0-1).
    pub difficulty: Option<f64>,
    /// Point-biserial correlation of being right with the rest of the score.
    pub discrimination: Option<f64>,
    pub options: Vec<OptionShare>,
    pub comparison: Option<Comparison>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct OptionShare {
    /// Authored position, from 0.
    pub index: i64,
    /// The option's text in this locale (with fallback).
    pub text: String,
    pub correct: bool,
    /// Share of answers that chose it (0-1).
    pub share: f64,
}

/// This locale against the other locales together, leaving out those
/// flagged (chi-square with Yates' correction).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Comparison {
    pub difficulty_elsewhere: f64,
    pub answers_elsewhere: i64,
    pub chi_square: f64,
    pub p_value: f64,
    pub flagged: bool,
    /// `harder` or `easier` here than elsewhere.
    pub direction: &'static str,
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn options(q: &SnapQuestion, cell: &Cell, locale: Option<Locale>, shown_in: Locale) -> Vec<OptionShare> {
    let chain = chain(locale.unwrap_or(shown_in), shown_in);
    (0..q.option_count)
        .map(|i| OptionShare {
            index: crate::num::to_i64(i),
            text: pick(&chain, |l| q.texts.get(&l).and_then(|t| t.options.get(i)).map(String::as_str)).text,
            correct: q.correct.contains(&i),
            share: round3(cell.chosen.get(&i).copied().unwrap_or(0) as f64 / cell.counts.n.max(1) as f64),
        })
        .collect()
}

/// Sums of the locales in `pool` other than `except`.
fn pooled<'a>(pool: impl Iterator<Item = (&'a String, &'a Counts)>, except: &str) -> Counts {
    pool.filter(|(l, _)| l.as_str() != except)
        .fold(Counts::default(), |mut sum, (_, c)| {
            sum.n += c.n;
            sum.right += c.right;
            sum
        })
}

/// The locales of one question whose difficulty stands out: the most
/// significant locale against the rest is flagged while its p-value is
/// below `threshold`, then left out and the rest tested again, so that one
/// bad translation does not make the others look different. Of two locales
/// left, only the one where the question is harder can be flagged.
fn outliers(counts: &BTreeMap<String, Counts>, threshold: f64, compare: &impl Fn(&Counts, &Counts) -> Option<Test>) -> Vec<String> {
    let mut flagged: Vec<String> = Vec::new();
    loop {
        let remaining: Vec<(&String, &Counts)> = counts.iter().filter(|(l, _)| !flagged.contains(l)).collect();
        if remaining.len() < 2 {
            return flagged;
        }
        let mut best: Option<(&String, f64, bool)> = None;
        for (locale, c) in &remaining {
            let elsewhere = pooled(remaining.iter().copied(), locale);
            let Some(test) = compare(c, &elsewhere) else { continue };
            let harder = (c.right / c.n.max(1) as f64) < test.difficulty_elsewhere;
            let better = match best {
                None => true,
                Some((_, p, was_harder)) => test.p_value < p || (test.p_value == p && harder && !was_harder),
            };
            if better && (remaining.len() > 2 || harder) {
                best = Some((locale, test.p_value, harder));
            }
        }
        match best {
            Some((locale, p, _)) if p < threshold => flagged.push(locale.clone()),
            _ => return flagged,
        }
    }
}

pub(crate) fn assemble(
    snapshot: &Snapshot,
    cells: BTreeMap<(Uuid, Option<String>), Cell>,
    attempts: BTreeMap<Option<String>, i64>,
    shown_in: &[Locale],
    compare: impl Fn(&Counts, &Counts) -> Option<Test>,
) -> Report {
    let language = shown_in.first().copied().unwrap_or(Locale::En);
    let named = |id: Uuid| -> BTreeMap<String, Counts> {
        cells
            .iter()
            .filter_map(|((q, l), c)| (*q == id).then_some(l.clone().map(|l| (l, c.counts))).flatten())
            .collect()
    };
    // Every locale against all the others: the comparisons a bank invites,
    // the divisor of the significance level (Bonferroni).
    let mut comparisons = 0;
    for q in &snapshot.questions {
        let counts = named(q.id);
        for (locale, c) in &counts {
            comparisons += i64::from(compare(c, &pooled(counts.iter(), locale)).is_some());
        }
    }
    let threshold = ALPHA / comparisons.max(1) as f64;
    let mut questions: Vec<QuestionStats> = Vec::new();
    for (position, q) in snapshot.questions.iter().enumerate() {
        let counts = named(q.id);
        let flagged = outliers(&counts, threshold, &compare);
        // Each locale is shown against the locales not flagged.
        let reference: BTreeMap<String, Counts> = counts
            .iter()
            .filter(|(l, _)| !flagged.contains(l))
            .map(|(l, c)| (l.clone(), *c))
            .collect();
        let mut locales = Vec::new();
        for ((_, locale), cell) in cells.iter().filter(|((id, _), _)| *id == q.id) {
            let parsed = locale.as_deref().and_then(Locale::from_canonical);
            let enough = cell.counts.n >= MIN_ANSWERS;
            let test = locale.as_ref().and_then(|l| compare(&cell.counts, &pooled(reference.iter(), l)));
            let difficulty = cell.counts.right / cell.counts.n.max(1) as f64;
            locales.push(LocaleStats {
                locale: locale.clone(),
                answers: cell.counts.n,
                status: if enough { "ok" } else { "not_enough_answers" },
                note: (!enough).then(|| {
                    i18n::t(
                        language,
                        "item-stats-not-enough-answers",
                        &[("answers", cell.counts.n.into()), ("min", MIN_ANSWERS.into())],
                    )
                }),
                translated: parsed.is_some_and(|l| q.texts.contains_key(&l)),
                difficulty: enough.then(|| round3(difficulty)),
                discrimination: if enough { cell.discrimination.map(round3) } else { None },
                options: if enough { options(q, cell, parsed, language) } else { Vec::new() },
                comparison: test.map(|t| Comparison {
                    difficulty_elsewhere: round3(t.difficulty_elsewhere),
                    answers_elsewhere: t.answers_elsewhere,
                    chi_square: round3(t.statistic),
                    p_value: t.p_value,
                    flagged: locale.as_ref().is_some_and(|l| flagged.contains(l)),
                    direction: if difficulty < t.difficulty_elsewhere { "harder" } else { "easier" },
                }),
            });
        }
        let prompt = pick(&chain(language, language), |l| q.texts.get(&l).map(|t| t.prompt.as_str())).text;
        questions.push(QuestionStats {
            question_id: q.id,
            position: crate::num::to_i64(position + 1),
            kind: q.kind.to_value(),
            points: q.points,
            prompt,
            flagged_locales: flagged,
            locales,
        });
    }
    Report {
        exam_id: snapshot.exam_id,
        version: snapshot.version,
        branch: None,
        min_answers: MIN_ANSWERS,
        alpha: ALPHA,
        comparisons,
        locales: attempts
            .into_iter()
            .map(|(locale, attempts)| LocaleAttempts { locale, attempts })
            .collect(),
        questions,
    }
}
