//! Answer sheets for the load world (`seed-load --with-answers`): each
//! seeded attempt gets a real draw and real answers, graded by the exam's
//! own grading, so item statistics have something true to measure. One
//! question is deliberately harder in Thai (as if its translation were
//! misleading), which the per-locale comparison should flag.

use crate::exams::bank::{self, Grade, Kind, SnapQuestion, Snapshot};
use crate::i18n::Locale;
use rand::Rng;
use rand::seq::SliceRandom;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The bank position of the question that is harder in [`HARD_LOCALE`].
pub(crate) const HARD_QUESTION: usize = 3;
pub(crate) const HARD_LOCALE: Locale = Locale::Th;

/// One graded attempt's draw and answers.
pub(crate) struct Sheet {
    pub draw: String,
    /// (question id, selected option indices as stored: a sorted JSON array).
    pub answers: Vec<(Uuid, String)>,
    pub grade: Grade,
}

/// A wrong selection for `q`: another single option, or a non-empty set of
/// options that is not the key.
fn wrong(q: &SnapQuestion, rng: &mut impl Rng) -> Vec<usize> {
    let options: Vec<usize> = (0..q.option_count).collect();
    if q.kind == Kind::Multiple {
        loop {
            let mut pick: Vec<usize> = options.iter().copied().filter(|_| rng.gen_bool(0.5)).collect();
            pick.sort_unstable();
            if !pick.is_empty() && pick != q.correct {
                return pick;
            }
        }
    }
    let others: Vec<usize> = options.into_iter().filter(|o| !q.correct.contains(o)).collect();
    others.choose(rng).map(|o| vec![*o]).unwrap_or_default()
}

/// Answers an attempt taken in `locale` by a trainee who should pass
/// (`pass`) or fail: resampled until the grade agrees, so the sheet matches
/// the enrolment's fate (completed and certified, or failed).
pub(crate) fn sheet(snapshot: &Snapshot, locale: Locale, pass: bool, rng: &mut impl Rng) -> Sheet {
    let hard = snapshot.questions.get(HARD_QUESTION).map(|q| q.id);
    let ability = if pass { 0.85 } else { 0.45 };
    let drawn = bank::draw(snapshot, rng);
    let mut chosen: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
    for round in 0..50 {
        chosen.clear();
        for d in &drawn {
            let Some(q) = snapshot.question(d.q) else { continue };
            let mut p = ability;
            if Some(q.id) == hard && locale == HARD_LOCALE {
                p *= 0.45;
            }
            // After many rounds, give up on chance: all right or all wrong.
            let right = if round < 40 { rng.gen_bool(p) } else { pass };
            chosen.insert(q.id, if right { q.correct.clone() } else { wrong(q, rng) });
        }
        if bank::grade(snapshot, &drawn, &chosen).passed == pass {
            break;
        }
    }
    let grade = bank::grade(snapshot, &drawn, &chosen);
    Sheet {
        draw: serde_json::to_string(&drawn).unwrap_or_else(|_| "[]".into()),
        answers: chosen
            .into_iter()
            .map(|(q, s)| (q, serde_json::to_string(&s).unwrap_or_else(|_| "[]".into())))
            .collect(),
        grade,
    }
}
