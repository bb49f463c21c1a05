//! Exam commands: headquarters writing an exam (settings, titles, the
//! question bank, publishing) and a trainee saving an answer. Each checks
//! its input, then writes and audits in one `Command`.

use super::ExamError;
use super::attempts;
use super::authoring::{self, CleanQuestion, Settings};
use super::bank::SnapQuestion;
use super::dto::{AnswerInput, CreateExam, QuestionInput, SyncAnswersInput, UpdateExam};
use super::exam_entity::{self as exam};
use super::question_entity::{self as question, Entity as Questions};
use super::service::{find_exam, visible_course};
use crate::audit::AuditEntry;
use crate::cluster::Event;
use crate::command::Command;
use crate::error::{FieldCode, FieldError};
use crate::state::AppState;
use crate::tenancy::Actor;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

/// The most options one answer may select.
const SELECTED_MAX: usize = 10;

/// Creates a draft exam for a course.
pub(crate) async fn create_exam(state: &AppState, actor: &Actor, course_id: Uuid, input: &CreateExam) -> Result<exam::Model, ExamError> {
    let mut errors = Vec::new();
    let titles = authoring::check_titles(&input.translations, &mut errors);
    let s = authoring::check_settings(
        Settings {
            pass_mark_percent: input.pass_mark_percent,
            time_limit_minutes: input.time_limit_minutes,
            max_attempts: input.max_attempts,
            question_count: input.question_count,
            sync_grace_minutes: input.sync_grace_minutes.unwrap_or(attempts::DEFAULT_SYNC_GRACE_MINUTES),
        },
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ExamError::Invalid(errors));
    }
    let mut cmd = Command::begin(state, actor).await?;
    let course = visible_course(cmd.txn(), actor, course_id).await?;
    let row = exam::ActiveModel {
        id: Set(Uuid::now_v7()),
        course_id: Set(course.id),
        status: Set(exam::Status::Draft),
        pass_mark_percent: Set(s.pass_mark_percent),
        time_limit_minutes: Set(s.time_limit_minutes),
        max_attempts: Set(s.max_attempts),
        question_count: Set(s.question_count),
        shuffle: Set(input.shuffle),
        review_allowed: Set(input.review_allowed),
        sync_grace_minutes: Set(s.sync_grace_minutes),
        current_version_id: Set(None),
        has_unpublished_changes: Set(false),
        created_at: Set(cmd.now()),
        updated_at: Set(cmd.now()),
    }
    .insert(cmd.txn())
    .await?;
    for (locale, title) in &titles {
        authoring::set_title(cmd.txn(), row.id, *locale, title, cmd.now()).await?;
    }
    cmd.audit(AuditEntry::new("exam.create", "exam", row.id).details(json!({"course_id": course.id})));
    cmd.commit().await?;
    Ok(row)
}

/// Changes settings or titles. A published exam keeps serving its published
/// version until it is published again.
pub(crate) async fn update_exam(state: &AppState, actor: &Actor, id: Uuid, input: &UpdateExam) -> Result<exam::Model, ExamError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = find_exam(cmd.txn(), actor, id).await?;
    let mut errors = Vec::new();
    let titles = input
        .translations
        .as_ref()
        .map(|t| authoring::check_titles(t, &mut errors))
        .unwrap_or_default();
    let s = authoring::check_settings(
        Settings {
            pass_mark_percent: input.pass_mark_percent.unwrap_or(row.pass_mark_percent),
            time_limit_minutes: input.time_limit_minutes.unwrap_or(row.time_limit_minutes),
            max_attempts: input.max_attempts.unwrap_or(row.max_attempts),
            question_count: input.question_count.unwrap_or(row.question_count),
            sync_grace_minutes: input.sync_grace_minutes.unwrap_or(row.sync_grace_minutes),
        },
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ExamError::Invalid(errors));
    }
    for (locale, title) in &titles {
        authoring::set_title(cmd.txn(), row.id, *locale, title, cmd.now()).await?;
    }
    let mut active: exam::ActiveModel = row.clone().into();
    active.pass_mark_percent = Set(s.pass_mark_percent);
    active.time_limit_minutes = Set(s.time_limit_minutes);
    active.max_attempts = Set(s.max_attempts);
    active.question_count = Set(s.question_count);
    active.sync_grace_minutes = Set(s.sync_grace_minutes);
    if let Some(v) = input.shuffle {
        active.shuffle = Set(v);
    }
    if let Some(v) = input.review_allowed {
        active.review_allowed = Set(v);
    }
    active.has_unpublished_changes = Set(row.status == exam::Status::Published);
    active.updated_at = Set(cmd.now());
    let row = active.update(cmd.txn()).await?;
    cmd.audit(AuditEntry::new("exam.update", "exam", row.id).details(json!({"settings": true})));
    // Starts remember which exams a branch may sit (see `directory`).
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(row)
}

fn check(input: &QuestionInput) -> Result<CleanQuestion, ExamError> {
    authoring::check_question(&input.kind, input.points, input.partial_credit, &input.translations, &input.correct)
}

/// Adds a question to the bank; returns it as the bank holds it.
pub(crate) async fn add_question(state: &AppState, actor: &Actor, exam_id: Uuid, input: &QuestionInput) -> Result<SnapQuestion, ExamError> {
    let clean = check(input)?;
    let mut cmd = Command::begin(state, actor).await?;
    let row = find_exam(cmd.txn(), actor, exam_id).await?;
    let q = authoring::save_question(cmd.txn(), row.id, None, &clean, cmd.now()).await?;
    authoring::mark_changed(cmd.txn(), &row, cmd.now()).await?;
    cmd.audit(AuditEntry::new("question.create", "question", q.id).details(json!({"exam_id": row.id})));
    cmd.commit().await?;
    Ok(clean.into_bank_question(q.id))
}

/// Replaces a question of the bank. Attempts already started keep the
/// published version.
pub(crate) async fn update_question(
    state: &AppState,
    actor: &Actor,
    exam_id: Uuid,
    question_id: Uuid,
    input: &QuestionInput,
) -> Result<SnapQuestion, ExamError> {
    let clean = check(input)?;
    let mut cmd = Command::begin(state, actor).await?;
    let row = find_exam(cmd.txn(), actor, exam_id).await?;
    Questions::find_by_id(question_id)
        .filter(question::Column::ExamId.eq(row.id))
        .one(cmd.txn())
        .await?
        .ok_or(ExamError::NotFound)?;
    authoring::save_question(cmd.txn(), row.id, Some(question_id), &clean, cmd.now()).await?;
    authoring::mark_changed(cmd.txn(), &row, cmd.now()).await?;
    cmd.audit(AuditEntry::new("question.update", "question", question_id).details(json!({"exam_id": row.id})));
    cmd.commit().await?;
    Ok(clean.into_bank_question(question_id))
}

/// Removes a question from the bank.
pub(crate) async fn delete_question(state: &AppState, actor: &Actor, exam_id: Uuid, question_id: Uuid) -> Result<(), ExamError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = find_exam(cmd.txn(), actor, exam_id).await?;
    let deleted = Questions::delete_many()
        .filter(question::Column::Id.eq(question_id))
        .filter(question::Column::ExamId.eq(row.id))
        .exec(cmd.txn())
        .await?;
    if deleted.rows_affected == 0 {
        return Err(ExamError::NotFound);
    }
    authoring::mark_changed(cmd.txn(), &row, cmd.now()).await?;
    cmd.audit(AuditEntry::new("question.delete", "question", question_id).details(json!({"exam_id": row.id})));
    cmd.commit().await?;
    Ok(())
}

/// Freezes the bank and settings as a new version that new attempts use.
pub(crate) async fn publish(state: &AppState, actor: &Actor, id: Uuid) -> Result<exam::Model, ExamError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = find_exam(cmd.txn(), actor, id).await?;
    let row = authoring::publish(cmd.txn(), row, cmd.now()).await?;
    cmd.audit(AuditEntry::new("exam.publish", "exam", row.id).details(json!({"version_id": row.current_version_id})));
    // Starts remember which exams a branch may sit (see `directory`).
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(row)
}

/// Saves (replaces) the trainee's answer to one question of their attempt;
/// the last write wins. One upsert, not audited: autosave runs often during
/// an exam and needs no transaction of its own.
pub(crate) async fn save_answer(
    state: &AppState,
    actor: &Actor,
    attempt_id: Uuid,
    question_id: Uuid,
    input: &AnswerInput,
) -> Result<(), ExamError> {
    if input.selected.len() > SELECTED_MAX {
        return Err(ExamError::Invalid(vec![
            FieldError::new("selected", FieldCode::TooLong).arg("max", i64::try_from(SELECTED_MAX).unwrap_or(i64::MAX)),
        ]));
    }
    let now = state.clock.now();
    let row = attempts::find_visible(&state.db, actor, attempt_id).await?;
    attempts::save_answer(&state.db, &row, question_id, &input.selected, now).await?;
    crate::enrolments::activity_buffer::answer_saved(state, row.enrolment_id, now);
    Ok(())
}

/// Saves a batch of answers (queued on a device while offline); what became
/// of each, in order. Late-synced answers are audited.
pub(crate) async fn sync_answers(
    state: &AppState,
    actor: &Actor,
    attempt_id: Uuid,
    input: &SyncAnswersInput,
) -> Result<Vec<attempts::SyncOutcome>, ExamError> {
    if input.answers.len() > attempts::SYNC_BATCH_MAX {
        return Err(ExamError::Invalid(vec![
            FieldError::new("answers", FieldCode::TooManyItems).arg("max", i64::try_from(attempts::SYNC_BATCH_MAX).unwrap_or(i64::MAX)),
        ]));
    }
    let items: Vec<attempts::SyncItem<'_>> = input
        .answers
        .iter()
        .map(|a| attempts::SyncItem {
            question_id: a.question_id,
            selected: &a.selected,
            seq: a.seq,
            answered_at: a.answered_at,
        })
        .collect();
    let mut cmd = Command::begin(state, actor).await?;
    let row = attempts::find_visible(cmd.txn(), actor, attempt_id).await?;
    let outcomes = attempts::sync_answers(cmd.txn(), &row, &items, SELECTED_MAX, cmd.now()).await?;
    let late: Vec<Uuid> = items
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| **o == attempts::SyncOutcome::LateSynced)
        .map(|(i, _)| i.question_id)
        .collect();
    if !late.is_empty() {
        cmd.audit(
            AuditEntry::new("attempt.answers_late_synced", "attempt", row.id)
                .branch(row.branch_id)
                .details(json!({"questions": late})),
        );
    }
    let now = cmd.now();
    cmd.commit().await?;
    crate::enrolments::activity_buffer::answer_saved(state, row.enrolment_id, now);
    Ok(outcomes)
}
