//! Progress commands, one per route: marking a lesson done, starting,
//! reading and submitting an attempt. Each runs in one `Command`, so that a
//! completion and its certificate commit with the step that caused them.

use super::ProgressError;
use crate::command::Command;
use crate::enrolments::service as enrolments;
use crate::exams::ExamError;
use crate::exams::attempt_entity::{self as attempt};
use crate::exams::attempts::{self, Started};
use crate::exams::service::find_exam;
use crate::exams::views::{self, AttemptResult};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::Actor;
use uuid::Uuid;

/// Marks a lesson of the actor's enrolment done (idempotent); the enrolment
/// may complete and the trainee be certified.
pub(crate) async fn complete_lesson(state: &AppState, actor: &Actor, enrolment_id: Uuid, lesson_id: Uuid) -> Result<(), ProgressError> {
    let cmd = Command::begin(state, actor).await?;
    let row = enrolments::find_visible(cmd.txn(), actor, enrolment_id).await?;
    super::lesson_done(cmd.txn(), &row, lesson_id, cmd.now()).await?;
    cmd.commit().await?;
    Ok(())
}

/// Starts the actor's attempt at a published exam, or answers with the one
/// already open (also when a concurrent start opened it first). After the
/// latest attempt expired, a new one starts only when `new` says so; the
/// expired attempt's grading is kept either way.
pub(crate) async fn start(state: &AppState, actor: &Actor, exam_id: Uuid, new: bool, locale: Locale) -> Result<Started, ProgressError> {
    let exam = find_exam(&state.db, actor, exam_id).await?;
    let cmd = Command::begin(state, actor).await?;
    match super::start_attempt(cmd.txn(), actor, &exam, cmd.now(), new, locale).await {
        Ok((started, _)) => {
            cmd.commit().await?;
            Ok(started)
        }
        Err(err @ ProgressError::Exam(ExamError::AttemptExpired(_))) => {
            // The refusal stands, but the grading done on the way is kept.
            cmd.commit().await?;
            Err(err)
        }
        Err(ProgressError::Exam(ExamError::AttemptRace)) => {
            // Another start won; this one answers with the winner's attempt.
            drop(cmd);
            let open = attempts::open_attempt(&state.db, exam.id, actor.user_id)
                .await?
                .ok_or(ExamError::AttemptRace)?;
            Ok(Started::Existing(open))
        }
        Err(err) => Err(err),
    }
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
    cmd.commit().await?;
    Ok(row)
}

/// Submits and grades the actor's attempt; a second submit returns the
/// same result.
pub(crate) async fn submit(state: &AppState, actor: &Actor, id: Uuid) -> Result<AttemptResult, ProgressError> {
    let cmd = Command::begin(state, actor).await?;
    let row = attempts::find_visible(cmd.txn(), actor, id).await?;
    let closed = super::close_attempt(cmd.txn(), row, cmd.now()).await?;
    cmd.commit().await?;
    Ok(views::result(&closed).ok_or(ExamError::Ungraded(closed.id))?)
}
