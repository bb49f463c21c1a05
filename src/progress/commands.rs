//! Progress commands, one per route: marking a lesson done, starting,
//! reading and submitting an attempt. Each runs in one `Command`, so that a
//! completion and its certificate commit with the step that caused them.

use super::ProgressError;
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::enrolments::service as enrolments;
use crate::exams::ExamError;
use crate::exams::allowance_read::{self, Current};
use crate::exams::attempt_entity::{self as attempt};
use crate::exams::attempts::{self, Started};
use crate::exams::views::{self, AttemptResult};
use crate::i18n::Locale;
use crate::practical::assessments::{self as practical, AssessmentInput};
use crate::state::AppState;
use crate::tenancy::Actor;
use serde_json::json;
use uuid::Uuid;

/// Signs the credential of a certificate this command issued, before it
/// commits: a certificate and its credential exist together or not at all.
pub(super) async fn sign_issued(cmd: &Command<'_>, user_id: Uuid) -> Result<(), ProgressError> {
    crate::certificates::signing::sign_issued(cmd.state(), cmd.txn(), user_id).await?;
    Ok(())
}

/// Marks a lesson of the actor's enrolment done (idempotent); the enrolment
/// may complete and the trainee be certified.
pub(crate) async fn complete_lesson(state: &AppState, actor: &Actor, enrolment_id: Uuid, lesson_id: Uuid) -> Result<(), ProgressError> {
    let cmd = Command::begin(state, actor).await?;
    let row = enrolments::find_visible(cmd.txn(), actor, enrolment_id).await?;
    super::lesson_done(cmd.txn(), &row, lesson_id, cmd.now()).await?;
    sign_issued(&cmd, actor.user_id).await?;
    cmd.commit().await?;
    Ok(())
}

/// Starts the actor's attempt at a published exam, or answers with the one
/// already open (also when a concurrent start opened it first). After the
/// latest attempt expired, a new one starts only when `new` says so; the
/// expired attempt's grading is kept either way.
///
/// The exam comes from a short-lived cache (`exams::directory`). Most
/// presses of "start" on an exam day need no transaction: nothing to
/// grade (no open attempt past its deadline) and no unlock to use up. Those
/// take the fast path: one read on the pool (the current enrolment with its
/// window, override and attempt counts, and the latest attempt) and one
/// insert that commits by itself (the enrolment's activity time is written
/// in a batch: `enrolments::activity_buffer`), the
/// database's one-open-attempt index settling a race as the transaction
/// would. Everything else runs in one `Command` as before.
pub(crate) async fn start(state: &AppState, actor: &Actor, exam_id: Uuid, new: bool, locale: Locale) -> Result<Started, ProgressError> {
    let exam = crate::exams::directory::find_for_start(state, actor, exam_id).await?;
    let now = state.clock.now();
    // One read: the current enrolment, its allowance and the latest attempt.
    // Without an active enrolment the general path below answers.
    let current = allowance_read::current_with_latest(&state.db, exam.id, actor.user_id, exam.course_id).await?;
    let to_grade = |latest: Option<&attempt::Model>| latest.is_some_and(|a| a.status == attempt::Status::Open && now > a.deadline);
    if let Some(Current {
        enrolment,
        allowance,
        latest,
    }) = current
        && !to_grade(latest.as_ref())
    {
        let known = Some((enrolment, allowance));
        let prepared = attempts::prepare(&state.db, actor, &exam, latest.as_ref(), known, new, locale, now).await?;
        if !prepared.needs_transaction() {
            return match attempts::store(&state.db, prepared, now).await {
                Ok((started, _)) => {
                    let (Started::New(row) | Started::Existing(row)) = &started;
                    crate::enrolments::activity_buffer::attempt_started(state, row.enrolment_id, now);
                    Ok(started)
                }
                Err(ExamError::AttemptRace) => race_winner(state, exam.id, actor.user_id).await,
                Err(err) => Err(err.into()),
            };
        }
    }
    let cmd = Command::begin(state, actor).await?;
    match super::start_attempt(cmd.txn(), actor, &exam, cmd.now(), new, locale).await {
        Ok((started, _)) => {
            sign_issued(&cmd, actor.user_id).await?;
            cmd.commit().await?;
            Ok(started)
        }
        Err(err @ ProgressError::Exam(ExamError::AttemptExpired(_))) => {
            // The refusal stands, but the grading done on the way is kept.
            sign_issued(&cmd, actor.user_id).await?;
            cmd.commit().await?;
            Err(err)
        }
        Err(ProgressError::Exam(ExamError::AttemptRace)) => {
            drop(cmd);
            race_winner(state, exam.id, actor.user_id).await
        }
        Err(err) => Err(err),
    }
}

/// Another start won the race: this one answers with the winner's attempt.
async fn race_winner(state: &AppState, exam_id: Uuid, user_id: Uuid) -> Result<Started, ProgressError> {
    let open = attempts::open_attempt(&state.db, exam_id, user_id)
        .await?
        .ok_or(ExamError::AttemptRace)?;
    Ok(Started::Existing(open))
}

/// An attempt the actor may see; one past its deadline is graded on the
/// way (and may complete the enrolment).
pub(crate) async fn read_attempt(state: &AppState, actor: &Actor, id: Uuid) -> Result<attempt::Model, ProgressError> {
    let row = attempts::find_visible(&state.db, actor, id).await?;
    let now = state.clock.now();
    if row.status != attempt::Status::Open || now <= row.deadline {
        return Ok(row);
    }
    let cmd = Command::begin(state, actor).await?;
    let row = super::close_attempt(cmd.txn(), row, now).await?;
    sign_issued(&cmd, row.user_id).await?;
    cmd.commit().await?;
    Ok(row)
}

/// Submits and grades the actor's attempt; a second submit returns the
/// same result.
pub(crate) async fn submit(state: &AppState, actor: &Actor, id: Uuid) -> Result<AttemptResult, ProgressError> {
    let cmd = Command::begin(state, actor).await?;
    let row = attempts::find_visible(cmd.txn(), actor, id).await?;
    let closed = super::close_attempt(cmd.txn(), row, cmd.now()).await?;
    sign_issued(&cmd, closed.user_id).await?;
    cmd.commit().await?;
    Ok(views::result(&closed).ok_or(ExamError::Ungraded(closed.id))?)
}

/// Records a practical assessment in one command: the assessment, its
/// audit entry and — when it passes and the rest of the course is done —
/// the completion and the certificate commit together.
pub(crate) async fn record_practical(
    state: &AppState,
    actor: &Actor,
    input: AssessmentInput<'_>,
) -> Result<crate::practical::assessment_entity::Model, ProgressError> {
    let mut cmd = Command::begin(state, actor).await?;
    let (row, results, enrolment) = practical::record(cmd.txn(), actor, input, cmd.now()).await?;
    cmd.audit(
        AuditEntry::new("practical.assess", "practical_assessment", row.id)
            .branch(row.branch_id)
            .details(json!({
                "user_id": row.user_id, "course_id": row.course_id, "passed": row.passed,
                "steps": results.len(), "failed_steps": results.iter().filter(|r| !r.passed).count(),
                "corrects": row.corrects_id,
            })),
    );
    if row.passed {
        super::reevaluate(cmd.txn(), &enrolment, cmd.now()).await?;
        sign_issued(&cmd, row.user_id).await?;
    }
    cmd.commit().await?;
    Ok(row)
}
