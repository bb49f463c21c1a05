//! What exam endpoints answer. Trainee-facing views are built only from
//! prompts and option texts: the answer key is never part of them.

use super::attempt_entity as attempt;
use super::bank::{self, Drawn, SnapQuestion, Snapshot};
use super::exam_entity as exam;
use crate::courses::texts::pick;
use crate::i18n::Locale;
use chrono::{DateTime, Utc};
use sea_orm::ActiveEnum;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AuthoredQuestion {
    pub id: Uuid,
    pub kind: String,
    pub points: i32,
    pub partial_credit: bool,
    /// Correct option indices (headquarters only).
    pub correct: Vec<usize>,
    pub translations: BTreeMap<String, bank::QuestionText>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Exam {
    pub id: Uuid,
    pub course_id: Uuid,
    /// `draft` or `published`.
    pub status: String,
    pub title: String,
    pub locale: Option<String>,
    pub pass_mark_percent: i32,
    pub time_limit_minutes: i32,
    pub max_attempts: i32,
    pub question_count: i32,
    pub shuffle: bool,
    /// Whether trainees see per-question points after submitting.
    pub review_allowed: bool,
    /// Minutes after an attempt's deadline during which answers given
    /// before it are still taken (late-synced).
    pub sync_grace_minutes: i32,
    /// Headquarters only: the bank changed since the last publication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_unpublished_changes: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translations: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questions: Option<Vec<AuthoredQuestion>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn exam(row: exam::Model, titles: &BTreeMap<Locale, String>, chain: &[Locale], bank: Option<Vec<SnapQuestion>>) -> Exam {
    let title = pick(chain, |l| titles.get(&l).map(String::as_str));
    let editor = bank.is_some();
    Exam {
        id: row.id,
        course_id: row.course_id,
        status: row.status.to_value(),
        title: title.text,
        locale: title.locale.map(|l| l.as_str().to_string()),
        pass_mark_percent: row.pass_mark_percent,
        time_limit_minutes: row.time_limit_minutes,
        max_attempts: row.max_attempts,
        question_count: row.question_count,
        shuffle: row.shuffle,
        review_allowed: row.review_allowed,
        sync_grace_minutes: row.sync_grace_minutes,
        has_unpublished_changes: editor.then_some(row.has_unpublished_changes),
        translations: editor.then(|| titles.iter().map(|(l, t)| (l.as_str().to_string(), t.clone())).collect()),
        questions: bank.map(|b| b.into_iter().map(authored).collect()),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub(crate) fn authored(q: SnapQuestion) -> AuthoredQuestion {
    AuthoredQuestion {
        id: q.id,
        kind: q.kind.to_value(),
        points: q.points,
        partial_credit: q.partial_credit,
        correct: q.correct,
        translations: q.texts.into_iter().map(|(l, t)| (l.as_str().to_string(), t)).collect(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct OptionView {
    /// Opaque; send it back in `selected`.
    pub id: String,
    pub text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct QuestionView {
    pub id: Uuid,
    pub kind: String,
    pub points: i32,
    pub prompt: String,
    pub locale: Option<String>,
    pub options: Vec<OptionView>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AttemptResult {
    pub score: f64,
    pub max_score: f64,
    pub percent: f64,
    pub passed: bool,
    pub certificate_id: Option<Uuid>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ReviewItem {
    pub question_id: Uuid,
    pub earned: f64,
    pub points: i32,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Attempt {
    pub id: Uuid,
    pub exam_id: Uuid,
    pub user_id: Uuid,
    pub attempt_number: i32,
    /// `open` or `submitted`.
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub questions: Vec<QuestionView>,
    /// Saved answers: question id → selected option ids.
    pub answers: BTreeMap<Uuid, Vec<String>>,
    /// Questions whose kept answer arrived after the deadline, within the
    /// grace period (given before it by the device's clock).
    pub late_synced: Vec<Uuid>,
    pub result: Option<AttemptResult>,
    /// Per-question points, when headquarters allows review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<Vec<ReviewItem>>,
}

/// One of the caller's own attempts (`GET /api/v1/users/me/attempts`, and
/// the `attempt` member of an `attempt_expired` problem).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MyAttempt {
    pub id: Uuid,
    pub exam_id: Uuid,
    pub course_id: Uuid,
    pub attempt_number: i32,
    /// `open` or `submitted`.
    pub status: String,
    /// True when the attempt was closed by its deadline rather than
    /// submitted by the trainee.
    pub expired: bool,
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Score, percent and pass, once graded.
    pub result: Option<AttemptResult>,
}

/// Whether a closed attempt was closed by its deadline (grading an attempt
/// late records the deadline as its submission time).
pub(crate) fn closed_by_deadline(row: &attempt::Model) -> bool {
    row.status == attempt::Status::Submitted && row.submitted_at.is_some_and(|at| at >= row.deadline)
}

pub(crate) fn my_attempt(row: &attempt::Model) -> MyAttempt {
    MyAttempt {
        id: row.id,
        exam_id: row.exam_id,
        course_id: row.course_id,
        attempt_number: row.attempt_number,
        status: sea_orm::ActiveEnum::to_value(&row.status),
        expired: closed_by_deadline(row),
        started_at: row.started_at,
        deadline: row.deadline,
        submitted_at: row.submitted_at,
        result: result(row),
    }
}

pub(crate) fn result(row: &attempt::Model) -> Option<AttemptResult> {
    Some(AttemptResult {
        score: row.score?,
        max_score: row.max_score?,
        percent: row.percent?,
        passed: row.passed?,
        certificate_id: row.certificate_id,
    })
}

fn question_view(names: bank::OptionIds<'_>, q: &SnapQuestion, d: &Drawn, chain: &[Locale]) -> QuestionView {
    let prompt = pick(chain, |l| q.texts.get(&l).map(|t| t.prompt.as_str()));
    // Options come from one locale as a set, so they always match each other.
    let options_locale = chain
        .iter()
        .copied()
        .find(|l| q.texts.get(l).is_some_and(|t| t.options.len() == q.option_count));
    let texts = options_locale
        .and_then(|l| q.texts.get(&l))
        .map(|t| t.options.clone())
        .unwrap_or_default();
    QuestionView {
        id: q.id,
        kind: q.kind.to_value(),
        points: q.points,
        prompt: prompt.text,
        locale: prompt.locale.map(|l| l.as_str().to_string()),
        options: d
            .order
            .iter()
            .map(|index| OptionView {
                id: names.id(q.id, *index),
                text: texts.get(*index).cloned().unwrap_or_default(),
            })
            .collect(),
    }
}

pub(crate) fn attempt(
    row: &attempt::Model,
    snapshot: &Snapshot,
    drawn: &[Drawn],
    answers: &BTreeMap<Uuid, Vec<usize>>,
    late_synced: Vec<Uuid>,
    chain: &[Locale],
) -> Attempt {
    let names = super::attempts::option_ids_of(row);
    let questions = drawn
        .iter()
        .filter_map(|d| snapshot.question(d.q).map(|q| question_view(names, q, d, chain)))
        .collect();
    let answer_ids = answers
        .iter()
        .map(|(q, indices)| (*q, indices.iter().map(|i| names.id(*q, *i)).collect()))
        .collect();
    let review = (snapshot.review_allowed && row.status == attempt::Status::Submitted).then(|| {
        drawn
            .iter()
            .filter_map(|d| snapshot.question(d.q))
            .map(|q| ReviewItem {
                question_id: q.id,
                earned: answers.get(&q.id).map(|s| bank::score_question(q, s)).unwrap_or(0.0),
                points: q.points,
            })
            .collect()
    });
    Attempt {
        id: row.id,
        exam_id: row.exam_id,
        user_id: row.user_id,
        attempt_number: row.attempt_number,
        status: row.status.to_value(),
        started_at: row.started_at,
        deadline: row.deadline,
        submitted_at: row.submitted_at,
        questions,
        answers: answer_ids,
        late_synced,
        result: result(row),
        review,
    }
}
