//! The question bank as published (a frozen snapshot), drawing questions for
//! an attempt, and grading. Pure functions: no database here.

use crate::i18n::Locale;
use crate::num::to_usize;
use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};
use uuid::Uuid;

pub(crate) use super::question_entity::Kind;

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuestionText {
    pub prompt: String,
    pub options: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SnapQuestion {
    pub id: Uuid,
    pub kind: Kind,
    pub points: i32,
    pub partial_credit: bool,
    /// Indices of the correct options, in the question's own option order.
    pub correct: Vec<usize>,
    pub option_count: usize,
    pub texts: BTreeMap<Locale, QuestionText>,
}

/// An exam exactly as published.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Snapshot {
    pub exam_id: Uuid,
    pub version: i32,
    pub pass_mark_percent: i32,
    pub time_limit_minutes: i32,
    pub max_attempts: i32,
    pub question_count: i32,
    pub shuffle: bool,
    pub review_allowed: bool,
    /// Minutes after the deadline during which answers given before it are
    /// taken. Versions published before this was a setting had the fixed 2.
    #[serde(default = "default_sync_grace")]
    pub sync_grace_minutes: i32,
    pub titles: BTreeMap<Locale, String>,
    pub questions: Vec<SnapQuestion>,
}

fn default_sync_grace() -> i32 {
    super::attempts::DEFAULT_SYNC_GRACE_MINUTES
}

impl Snapshot {
    pub fn question(&self, id: Uuid) -> Option<&SnapQuestion> {
        self.questions.iter().find(|q| q.id == id)
    }
}

/// Published versions never change, so they are cached by id for the whole
/// process: starting an attempt during an exam-day storm parses nothing.
pub(crate) fn cached(version_id: Uuid, load: impl FnOnce() -> Option<Snapshot>) -> Option<Arc<Snapshot>> {
    static CACHE: OnceLock<Mutex<BTreeMap<Uuid, Arc<Snapshot>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(s) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&version_id) {
        return Some(s.clone());
    }
    let snapshot = Arc::new(load()?);
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() > 1_000 {
        map.clear();
    }
    map.insert(version_id, snapshot.clone());
    Some(snapshot)
}

/// One drawn question of an attempt: which question, and in which order its
/// options are shown (`order[shown position] = option index`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Drawn {
    pub q: Uuid,
    pub order: Vec<usize>,
}

/// Draws `count` questions at random (all of them if the bank is smaller),
/// shuffling questions and options when the exam says so.
pub(crate) fn draw(snapshot: &Snapshot, rng: &mut impl Rng) -> Vec<Drawn> {
    let mut questions: Vec<&SnapQuestion> = snapshot.questions.iter().collect();
    let count = to_usize(snapshot.question_count.max(1)).min(questions.len());
    if snapshot.shuffle || count < questions.len() {
        questions.shuffle(rng);
    }
    questions.truncate(count);
    if !snapshot.shuffle {
        // A subset drawn from a larger bank keeps the bank's order.
        let position: BTreeMap<Uuid, usize> = snapshot.questions.iter().enumerate().map(|(i, q)| (q.id, i)).collect();
        questions.sort_by_key(|q| position[&q.id]);
    }
    questions
        .into_iter()
        .map(|q| {
            let mut order: Vec<usize> = (0..q.option_count).collect();
            // True/false keeps its natural order; others shuffle when asked.
            if snapshot.shuffle && q.kind != Kind::TrueFalse {
                order.shuffle(rng);
            }
            Drawn { q: q.id, order }
        })
        .collect()
}

/// Names the options of one attempt. An option id must be stable across
/// reloads and must not reveal the option's authored position: it is an
/// HMAC under the attempt's own random secret (`attempts.option_key`), so
/// nobody can map ids back to positions by hashing candidates.
#[derive(Clone, Copy)]
pub(crate) struct OptionIds<'a> {
    attempt_id: Uuid,
    key: Option<&'a str>,
}

impl<'a> OptionIds<'a> {
    /// `key` is the attempt's stored secret; `None` for attempts started
    /// before ids were keyed, which keep the ids their trainee already saw.
    pub(crate) fn new(attempt_id: Uuid, key: Option<&'a str>) -> OptionIds<'a> {
        OptionIds { attempt_id, key }
    }

    /// The opaque id of option `index` of a question.
    pub(crate) fn id(&self, question_id: Uuid, index: usize) -> String {
        let digest: [u8; 32] = match self.key {
            Some(key) => {
                let message = [question_id.as_bytes().as_slice(), &(index as u64).to_le_bytes()].concat();
                crate::crypto::hmac_sha256(key.as_bytes(), &message)
            }
            None => legacy_option_digest(self.attempt_id, question_id, index),
        };
        digest[..6].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Maps option ids sent by a client back to option indices; `None` if
    /// any id is not an option of this question.
    pub(crate) fn indices_of(&self, question: &SnapQuestion, ids: &[String]) -> Option<Vec<usize>> {
        let mut out = BTreeSet::new();
        for id in ids {
            let index = (0..question.option_count).find(|i| self.id(question.id, *i) == *id)?;
            out.insert(index);
        }
        Some(out.into_iter().collect())
    }
}

/// The unkeyed derivation of attempts started before option ids were keyed.
/// Anyone can compute it, which is why new attempts do not use it.
pub(crate) fn legacy_option_digest(attempt_id: Uuid, question_id: Uuid, index: usize) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(attempt_id.as_bytes());
    hasher.update(question_id.as_bytes());
    hasher.update((index as u64).to_le_bytes());
    hasher.finalize().into()
}

/// Points earned for `selected` (option indices).
pub(crate) fn score_question(q: &SnapQuestion, selected: &[usize]) -> f64 {
    let correct: BTreeSet<usize> = q.correct.iter().copied().collect();
    let chosen: BTreeSet<usize> = selected.iter().copied().collect();
    if chosen == correct {
        return q.points as f64;
    }
    if q.kind == Kind::Multiple && q.partial_credit && !correct.is_empty() {
        let right = chosen.intersection(&correct).count() as f64;
        let wrong = chosen.difference(&correct).count() as f64;
        let fraction = ((right - wrong) / correct.len() as f64).max(0.0);
        return (q.points as f64 * fraction * 100.0).round() / 100.0;
    }
    0.0
}

pub(crate) struct Grade {
    pub score: f64,
    pub max_score: f64,
    pub percent: f64,
    pub passed: bool,
}

/// Grades a drawn set of questions against answers (question id → indices).
pub(crate) fn grade(snapshot: &Snapshot, drawn: &[Drawn], answers: &BTreeMap<Uuid, Vec<usize>>) -> Grade {
    let mut score = 0.0;
    let mut max_score = 0.0;
    for d in drawn {
        if let Some(q) = snapshot.question(d.q) {
            max_score += q.points as f64;
            if let Some(selected) = answers.get(&d.q) {
                score += score_question(q, selected);
            }
        }
    }
    let percent = if max_score > 0.0 {
        (score * 10000.0 / max_score).round() / 100.0
    } else {
        0.0
    };
    let score = (score * 100.0).round() / 100.0;
    Grade {
        score,
        max_score,
        percent,
        passed: percent + 1e-9 >= snapshot.pass_mark_percent as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(kind: Kind, correct: &[usize], options: usize, partial: bool) -> SnapQuestion {
        SnapQuestion {
            id: Uuid::new_v4(),
            kind,
            points: 4,
            partial_credit: partial,
            correct: correct.to_vec(),
            option_count: options,
            texts: BTreeMap::new(),
        }
    }

    #[test]
    fn every_kind_is_graded() {
        assert_eq!(score_question(&q(Kind::Single, &[2], 4, false), &[2]), 4.0);
        assert_eq!(score_question(&q(Kind::Single, &[2], 4, false), &[1]), 0.0);
        assert_eq!(score_question(&q(Kind::TrueFalse, &[0], 2, false), &[0]), 4.0);
        assert_eq!(score_question(&q(Kind::TrueFalse, &[0], 2, false), &[0, 1]), 0.0);
        // All or nothing.
        assert_eq!(score_question(&q(Kind::Multiple, &[0, 2], 4, false), &[0]), 0.0);
        assert_eq!(score_question(&q(Kind::Multiple, &[0, 2], 4, false), &[2, 0]), 4.0);
        // Partial credit: right minus wrong, never below zero.
        assert_eq!(score_question(&q(Kind::Multiple, &[0, 2], 4, true), &[0]), 2.0);
        assert_eq!(score_question(&q(Kind::Multiple, &[0, 2], 4, true), &[0, 1]), 0.0);
        assert_eq!(score_question(&q(Kind::Multiple, &[0, 2], 4, true), &[1, 3]), 0.0);
    }

    #[test]
    fn option_ids_round_trip_and_reject_strangers() {
        let question = q(Kind::Single, &[1], 3, false);
        let attempt = Uuid::new_v4();
        for key in [Some("a-secret"), None] {
            let names = OptionIds::new(attempt, key);
            let ids: Vec<String> = (0..3).map(|i| names.id(question.id, i)).collect();
            assert_eq!(names.indices_of(&question, &ids[1..2]), Some(vec![1]));
            assert_eq!(names.indices_of(&question, &["nope".into()]), None);
            let other = OptionIds::new(Uuid::new_v4(), Some("another-secret"));
            assert_eq!(other.indices_of(&question, &ids[..1]), None, "ids belong to one attempt");
        }
    }

    #[test]
    fn keyed_ids_differ_from_the_unkeyed_derivation() {
        let question = Uuid::new_v4();
        let attempt = Uuid::new_v4();
        let keyed = OptionIds::new(attempt, Some("a-secret"));
        let legacy = OptionIds::new(attempt, None);
        for i in 0..4 {
            assert_ne!(keyed.id(question, i), legacy.id(question, i));
        }
        assert_ne!(keyed.id(question, 0), OptionIds::new(attempt, Some("b-secret")).id(question, 0));
    }
}
