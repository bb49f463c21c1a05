//! Trainees' side of exams: starting an attempt (cheap: one short
//! transaction, the published version cached), saving answers, submitting,
//! and grading attempts left open past their deadline.

use super::ExamError;
use super::answer_entity::{self as answer, Entity as Answers};
use super::attempt_entity::{self as attempt, Entity as Attempts};
use super::authoring;
use super::bank::{self, Drawn, Snapshot};
use super::exam_entity as exam;
use super::{allowance_read, windows};
use crate::audit::{AuditEntry, Author, write_entry};
use crate::enrolments::entity as enrolment;
use crate::error::{FieldCode, FieldError, is_unique_violation};
use crate::http::page::{CursorPage, Page};
use crate::i18n::Locale;
use crate::tenancy::{self, Caller};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

pub enum Started {
    New(attempt::Model),
    /// The trainee already had an open attempt: the same one, again.
    Existing(attempt::Model),
}

/// What a start will do, decided by reads only (see `prepare`).
pub(crate) enum Prepared {
    /// The attempt already open, again.
    Resume(Box<attempt::Model>, Arc<Snapshot>),
    /// A new attempt to store.
    New {
        row: Box<attempt::ActiveModel>,
        admitted: windows::Admitted,
        snapshot: Arc<Snapshot>,
    },
}

impl Prepared {
    /// Whether storing writes more than the attempt row (an unlock used up,
    /// with its audit entry), and so must run in a transaction. A plain new
    /// attempt is one insert: the database's one-open-attempt index settles
    /// a race between two starts as a transaction would.
    pub(crate) fn needs_transaction(&self) -> bool {
        matches!(self, Prepared::New { admitted, .. } if admitted.uses_unlock())
    }
}

/// Starts (or resumes) the caller's attempt at a published exam: `prepare`,
/// then `store`, on the same connection or transaction.
pub(crate) async fn start(
    db: &impl ConnectionTrait,
    caller: &Caller,
    exam: &exam::Model,
    latest: Option<&attempt::Model>,
    new: bool,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<(Started, Arc<Snapshot>), ExamError> {
    let prepared = prepare(db, caller, exam, latest, None, new, locale, now).await?;
    store(db, prepared, now).await
}

/// Decides a start by reading only: the open attempt to resume, or the new
/// attempt (drawn questions, deadline, number) with what admitted it.
/// `latest` is the caller's latest attempt at the exam (see `latest`), an
/// expired open one already graded: only the latest can be open, so it
/// answers "is one open?" and "did the last one run out of time?" without
/// another query. After an attempt of the current enrolment ran out of time
/// a new one starts only if `new` asks for it (`AttemptExpired` otherwise);
/// one that expired in an earlier enrolment (before a re-take) does not hold
/// the new cohort back. `current` is the current enrolment with its
/// allowance when the caller read them already (`allowance_read::current_with_latest`).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn prepare(
    db: &impl ConnectionTrait,
    caller: &Caller,
    exam: &exam::Model,
    latest: Option<&attempt::Model>,
    current: Option<(enrolment::Model, windows::Allowance)>,
    new: bool,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<Prepared, ExamError> {
    let version_id = exam
        .current_version_id
        .filter(|_| exam.status == exam::Status::Published)
        .ok_or(ExamError::NotFound)?;
    if let Some(open) = latest.filter(|a| a.status == attempt::Status::Open && now <= a.deadline) {
        let snapshot = authoring::published(db, open.version_id).await?;
        return Ok(Prepared::Resume(Box::new(open.clone()), snapshot));
    }
    let snapshot = authoring::published(db, version_id).await?;
    // Only trainees with an active enrolment in the course sit its exam:
    // their current enrolment and what it allows, in one query.
    let (enrolment, allowance) = match current {
        Some(known) => known,
        None => allowance_read::current_allowance(db, exam.id, caller.user_id, exam.course_id)
            .await?
            .ok_or(ExamError::NotEnrolled)?,
    };
    if !new
        && let Some(latest) = latest.filter(|a| a.enrolment_id == enrolment.id)
        && super::views::closed_by_deadline(latest)
    {
        return Err(ExamError::AttemptExpired(Box::new(super::views::my_attempt(latest))));
    }
    // Attempts left for this enrolment, the exam window, overrides.
    let admitted = windows::decide(&allowance, &snapshot, now)?;
    let drawn = bank::draw(&snapshot, &mut rand::thread_rng());
    let row = Box::new(attempt::ActiveModel {
        id: Set(Uuid::now_v7()),
        exam_id: Set(exam.id),
        version_id: Set(version_id),
        user_id: Set(caller.user_id),
        branch_id: Set(caller.branch_id),
        course_id: Set(exam.course_id),
        enrolment_id: Set(enrolment.id),
        attempt_number: Set(admitted.attempt_number),
        status: Set(attempt::Status::Open),
        started_at: Set(now),
        deadline: Set(admitted.deadline),
        submitted_at: Set(None),
        draw: Set(serde_json::to_string(&drawn)?),
        score: Set(None),
        max_score: Set(None),
        percent: Set(None),
        passed: Set(None),
        certificate_id: Set(None),
        option_key: Set(Some(crate::crypto::random_token())),
        grace_ends_at: Set(Some(admitted.deadline + Duration::minutes(i64::from(snapshot.sync_grace_minutes)))),
        late_synced: Set(false),
        updated_at: Set(now),
        locale: Set(Some(locale.as_str().to_string())),
    });
    Ok(Prepared::New { row, admitted, snapshot })
}

/// Stores what `prepare` decided: nothing for a resume; the attempt (and the
/// unlock it used up) for a new one.
pub(crate) async fn store(
    db: &impl ConnectionTrait,
    prepared: Prepared,
    now: DateTime<Utc>,
) -> Result<(Started, Arc<Snapshot>), ExamError> {
    let (row, admitted, snapshot) = match prepared {
        Prepared::Resume(open, snapshot) => return Ok((Started::Existing(*open), snapshot)),
        Prepared::New { row, admitted, snapshot } => (row, admitted, snapshot),
    };
    match row.insert(db).await {
        Ok(row) => {
            admitted.settle(db, &row, now).await?;
            Ok((Started::New(row), snapshot))
        }
        // A concurrent start won the race (the database allows one open
        // attempt); answer with that one.
        Err(err) if is_unique_violation(&err) => Err(ExamError::AttemptRace),
        Err(err) => Err(err.into()),
    }
}

/// A user's latest attempt at an exam (the highest attempt number).
pub(crate) async fn latest(db: &impl ConnectionTrait, exam_id: Uuid, user_id: Uuid) -> Result<Option<attempt::Model>, DbErr> {
    Attempts::find()
        .filter(attempt::Column::ExamId.eq(exam_id))
        .filter(attempt::Column::UserId.eq(user_id))
        .order_by_desc(attempt::Column::AttemptNumber)
        .one(db)
        .await
}

pub(crate) async fn open_attempt(db: &impl ConnectionTrait, exam_id: Uuid, user_id: Uuid) -> Result<Option<attempt::Model>, DbErr> {
    Attempts::find()
        .filter(attempt::Column::ExamId.eq(exam_id))
        .filter(attempt::Column::UserId.eq(user_id))
        .filter(attempt::Column::Status.eq(attempt::Status::Open))
        .one(db)
        .await
}

/// One page of the caller's own attempts, newest first, optionally at one
/// exam only (up to `limit + 1` rows: see `List::from_rows`).
pub(crate) async fn mine(
    db: &impl ConnectionTrait,
    caller: &Caller,
    exam_id: Option<Uuid>,
    page: Page,
) -> Result<Vec<attempt::Model>, DbErr> {
    let mut query = Attempts::find().filter(attempt::Column::UserId.eq(caller.user_id));
    if let Some(exam_id) = exam_id {
        query = query.filter(attempt::Column::ExamId.eq(exam_id));
    }
    query.cursor_page_newest_first(attempt::Column::Id, page).all(db).await
}

/// An attempt the caller may see: a trainee their own, a branch admin their
/// branch's, headquarters any (see the `BranchOwned` impl). Otherwise 404.
pub(crate) async fn find_visible(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<attempt::Model, ExamError> {
    tenancy::find_visible::<Attempts>(db, caller, id).await?.ok_or(ExamError::NotFound)
}

/// How this attempt names its options (see `bank::OptionIds`).
pub(crate) fn option_ids_of(row: &attempt::Model) -> bank::OptionIds<'_> {
    bank::OptionIds::new(row.id, row.option_key.as_deref())
}

pub(crate) fn drawn(row: &attempt::Model) -> Vec<Drawn> {
    serde_json::from_str(&row.draw).unwrap_or_default()
}

/// Saves (replaces) the answer to one question. Late or closed: 409.
pub(crate) async fn save_answer(
    db: &impl ConnectionTrait,
    row: &attempt::Model,
    question_id: Uuid,
    option_ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), ExamError> {
    if row.status != attempt::Status::Open {
        return Err(ExamError::AttemptSubmitted);
    }
    if now > row.deadline {
        return Err(ExamError::ExamTimeOver);
    }
    if !drawn(row).iter().any(|d| d.q == question_id) {
        return Err(ExamError::NotFound);
    }
    let snapshot = authoring::published(db, row.version_id).await?;
    let question = snapshot.question(question_id).ok_or(ExamError::NotFound)?;
    let indices = option_ids_of(row)
        .indices_of(question, option_ids)
        .ok_or_else(|| ExamError::Invalid(vec![FieldError::new("selected", FieldCode::NoSuchOption)]))?;
    if (question.kind != bank::Kind::Multiple) && indices.len() > 1 {
        return Err(ExamError::Invalid(vec![FieldError::new("selected", FieldCode::OneCorrectOption)]));
    }
    let value = answer::ActiveModel {
        id: Set(Uuid::now_v7()),
        attempt_id: Set(row.id),
        question_id: Set(question_id),
        selected: Set(serde_json::to_string(&indices).unwrap_or_else(|_| "[]".into())),
        updated_at: Set(now),
        seq: Set(0),
        answered_at: Set(Some(now)),
        late_synced: Set(false),
    };
    // One at a time, the answer is replaced but keeps the sequence number
    // of the answer it replaces (0 if none): it takes no part in the batch
    // ordering (see `sync_answers`).
    Answers::insert(value)
        .on_conflict(
            OnConflict::columns([answer::Column::AttemptId, answer::Column::QuestionId])
                .update_columns([
                    answer::Column::Selected,
                    answer::Column::UpdatedAt,
                    answer::Column::AnsweredAt,
                    answer::Column::LateSynced,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Batches larger than this are refused whole (422).
pub(crate) const SYNC_BATCH_MAX: usize = 200;
/// How long after the deadline answers given before it are still taken,
/// unless the exam says otherwise (`exams.sync_grace_minutes`), and for
/// attempts started before that was a setting.
pub(crate) const DEFAULT_SYNC_GRACE_MINUTES: i32 = 2;
/// The longest grace an exam may set: the grace lets an answer arrive late,
/// never be given late (its device time must be before the deadline), so
/// the bound limits how long a device could hold answers back.
pub(crate) const SYNC_GRACE_MAX_MINUTES: i32 = 30;
/// How far a device's clock may run ahead of the server's (or claim a time
/// before the attempt started) before its times are refused.
pub(crate) const DEVICE_SKEW_MINUTES: i64 = 5;
/// The largest client sequence number.
pub(crate) const SEQ_MAX: i64 = u32::MAX as i64;

/// When the attempt stops taking answers given before its deadline.
pub(crate) fn grace_end(row: &attempt::Model) -> DateTime<Utc> {
    row.grace_ends_at
        .unwrap_or_else(|| row.deadline + Duration::minutes(i64::from(DEFAULT_SYNC_GRACE_MINUTES)))
}

/// One answer of a batch, as the client sent it.
pub(crate) struct SyncItem<'a> {
    pub question_id: Uuid,
    pub selected: &'a [String],
    pub seq: i64,
    pub answered_at: DateTime<Utc>,
}

/// What became of one answer of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SyncOutcome {
    /// Kept (it is now the question's answer).
    Saved,
    /// Ignored: the question already has an answer with this or a higher sequence number.
    Stale,
    /// Kept, arriving after the deadline within the grace period; flagged.
    LateSynced,
    /// Refused: given (by the device's clock) after the deadline.
    AnsweredAfterDeadline,
    /// Refused: arrived after the grace period.
    GraceOver,
}

/// Checks a whole batch against the attempt before anything is stored;
/// returns each item's option indices, or every field error (named
/// `answers[i].field`).
fn check_batch(
    row: &attempt::Model,
    snapshot: &Snapshot,
    items: &[SyncItem<'_>],
    selected_max: usize,
    now: DateTime<Utc>,
) -> Result<Vec<Vec<usize>>, ExamError> {
    let skew = Duration::minutes(DEVICE_SKEW_MINUTES);
    let in_attempt: std::collections::BTreeSet<Uuid> = drawn(row).iter().map(|d| d.q).collect();
    let names = option_ids_of(row);
    let mut errors = Vec::new();
    let mut indices = Vec::with_capacity(items.len());
    let mut seen: BTreeMap<(Uuid, i64), usize> = BTreeMap::new();
    let mut previous: Option<i64> = None;
    for (i, item) in items.iter().enumerate() {
        let field = |name: &str| format!("answers[{i}].{name}");
        if !(1..=SEQ_MAX).contains(&item.seq) {
            errors.push(
                FieldError::new(field("seq"), FieldCode::OutOfRange)
                    .arg("min", 1i64)
                    .arg("max", SEQ_MAX),
            );
        } else if seen.insert((item.question_id, item.seq), i).is_some() {
            errors.push(FieldError::new(field("seq"), FieldCode::DuplicateAnswer));
        } else if previous.is_some_and(|p| item.seq <= p) {
            errors.push(FieldError::new(field("seq"), FieldCode::SeqNotIncreasing));
        }
        previous = Some(item.seq);
        if item.answered_at > now + skew {
            errors.push(FieldError::new(field("answered_at"), FieldCode::TimeInFuture));
        } else if item.answered_at < row.started_at - skew {
            errors.push(FieldError::new(field("answered_at"), FieldCode::BeforeAttemptStart));
        }
        let question = in_attempt
            .contains(&item.question_id)
            .then(|| snapshot.question(item.question_id))
            .flatten();
        let Some(question) = question else {
            errors.push(FieldError::new(field("question_id"), FieldCode::NotInAttempt));
            indices.push(Vec::new());
            continue;
        };
        if item.selected.len() > selected_max {
            errors.push(FieldError::new(field("selected"), FieldCode::TooLong).arg("max", i64::try_from(selected_max).unwrap_or(i64::MAX)));
            indices.push(Vec::new());
            continue;
        }
        match names.indices_of(question, item.selected) {
            None => {
                errors.push(FieldError::new(field("selected"), FieldCode::NoSuchOption));
                indices.push(Vec::new());
            }
            Some(found) if question.kind != bank::Kind::Multiple && found.len() > 1 => {
                errors.push(FieldError::new(field("selected"), FieldCode::OneCorrectOption));
                indices.push(Vec::new());
            }
            Some(found) => indices.push(found),
        }
    }
    if errors.is_empty() {
        Ok(indices)
    } else {
        Err(ExamError::Invalid(errors))
    }
}

/// Saves a batch of answers (see the README, "Answers that survive a
/// dropped connection"): per question the answer with the highest sequence
/// number is kept; answers given before the deadline and arriving within
/// the grace period after it are kept and flagged late-synced. A malformed
/// batch stores nothing. Run inside the caller's transaction.
pub(crate) async fn sync_answers(
    db: &impl ConnectionTrait,
    row: &attempt::Model,
    items: &[SyncItem<'_>],
    selected_max: usize,
    now: DateTime<Utc>,
) -> Result<Vec<SyncOutcome>, ExamError> {
    if row.status != attempt::Status::Open {
        return Err(ExamError::AttemptSubmitted);
    }
    let snapshot = authoring::published(db, row.version_id).await?;
    let indices = check_batch(row, &snapshot, items, selected_max, now)?;
    let grace_end = grace_end(row);
    let mut outcomes = Vec::with_capacity(items.len());
    for (item, indices) in items.iter().zip(indices) {
        let late = now > row.deadline;
        if late && item.answered_at > row.deadline {
            outcomes.push(SyncOutcome::AnsweredAfterDeadline);
            continue;
        }
        if now > grace_end {
            outcomes.push(SyncOutcome::GraceOver);
            continue;
        }
        let value = answer::ActiveModel {
            id: Set(Uuid::now_v7()),
            attempt_id: Set(row.id),
            question_id: Set(item.question_id),
            selected: Set(serde_json::to_string(&indices)?),
            updated_at: Set(now),
            seq: Set(item.seq),
            answered_at: Set(Some(item.answered_at)),
            late_synced: Set(late),
        };
        // Only a higher sequence number replaces the kept answer (checked by
        // the database, so concurrent batches cannot undo each other).
        let written = Answers::insert(value)
            .on_conflict(
                OnConflict::columns([answer::Column::AttemptId, answer::Column::QuestionId])
                    .update_columns([
                        answer::Column::Selected,
                        answer::Column::UpdatedAt,
                        answer::Column::Seq,
                        answer::Column::AnsweredAt,
                        answer::Column::LateSynced,
                    ])
                    .action_and_where(Expr::cust("attempt_answers.seq < excluded.seq"))
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        outcomes.push(match (written, late) {
            (0, _) => SyncOutcome::Stale,
            (_, true) => SyncOutcome::LateSynced,
            (_, false) => SyncOutcome::Saved,
        });
    }
    if outcomes.contains(&SyncOutcome::LateSynced) && !row.late_synced {
        Attempts::update_many()
            .col_expr(attempt::Column::LateSynced, Expr::value(true))
            .filter(attempt::Column::Id.eq(row.id))
            .exec(db)
            .await?;
        // Counted once graded; should the grading have committed since this
        // batch read the attempt open, the count is right all the same.
        super::results::keep_on_enrolment(db, row.enrolment_id).await?;
    }
    Ok(outcomes)
}

/// The questions of an attempt whose kept answer was late-synced.
pub(crate) async fn late_synced(db: &impl ConnectionTrait, attempt_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(Answers::find()
        .filter(answer::Column::AttemptId.eq(attempt_id))
        .filter(answer::Column::LateSynced.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.question_id)
        .collect())
}

/// The saved answers of an attempt, as option indices.
pub(crate) async fn answers(db: &impl ConnectionTrait, attempt_id: Uuid) -> Result<BTreeMap<Uuid, Vec<usize>>, DbErr> {
    Ok(Answers::find()
        .filter(answer::Column::AttemptId.eq(attempt_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.question_id, serde_json::from_str(&a.selected).unwrap_or_default()))
        .collect())
}

/// Grades and closes an open attempt. Only the first close counts: a second
/// submit (or a race with the sweep) returns the stored result. The flag is
/// true when this call closed it with a pass: completion and certification
/// then follow, which is `progress::close_attempt`'s job, not this area's.
pub(crate) async fn grade(db: &impl ConnectionTrait, row: attempt::Model, now: DateTime<Utc>) -> Result<(attempt::Model, bool), ExamError> {
    if row.status != attempt::Status::Open {
        return Ok((row, false));
    }
    let snapshot = authoring::published(db, row.version_id).await?;
    let grade = bank::grade(&snapshot, &drawn(&row), &answers(db, row.id).await?);
    // A late submit is graded as it stood at the deadline.
    let submitted_at = if now > row.deadline { row.deadline } else { now };
    let closed = Attempts::update_many()
        .col_expr(attempt::Column::Status, Expr::value(attempt::Status::Submitted))
        .col_expr(attempt::Column::SubmittedAt, Expr::value(submitted_at))
        .col_expr(attempt::Column::Score, Expr::value(grade.score))
        .col_expr(attempt::Column::MaxScore, Expr::value(grade.max_score))
        .col_expr(attempt::Column::Percent, Expr::value(grade.percent))
        .col_expr(attempt::Column::Passed, Expr::value(grade.passed))
        .col_expr(attempt::Column::UpdatedAt, Expr::value(now))
        .filter(attempt::Column::Id.eq(row.id))
        .filter(attempt::Column::Status.eq(attempt::Status::Open))
        .exec(db)
        .await?;
    let fresh = Attempts::find_by_id(row.id).one(db).await?.ok_or(ExamError::NotFound)?;
    if closed.rows_affected == 1 {
        // The reports read the enrolment's results from the enrolment.
        super::results::keep_on_enrolment(db, row.enrolment_id).await?;
        // Every result is audited, however the attempt was closed.
        let how = if now > row.deadline { "deadline" } else { "submitted" };
        let details = serde_json::json!({"score": grade.score, "max_score": grade.max_score, "percent": grade.percent, "passed": grade.passed, "closed_by": how});
        // Written for the trainee whose attempt it is, whoever closed it.
        let author = Author {
            user_id: Some(row.user_id),
            ..Author::default()
        };
        let entry = AuditEntry::new("attempt.grade", "attempt", row.id)
            .branch(row.branch_id)
            .details(details);
        write_entry(db, &author, entry, now).await?;
    }
    Ok((fresh, closed.rows_affected == 1 && grade.passed))
}

/// Whether the user passed a published exam of the course (or the course has none).
/// Whether the course's exam (if it has one) was passed within this
/// enrolment: a trainee who enrols again to recertify sits the exam again.
pub(crate) async fn exam_requirement_met(
    db: &impl ConnectionTrait,
    course_id: Uuid,
    user_id: Uuid,
    enrolment_id: Uuid,
) -> Result<bool, DbErr> {
    let has_exam = exam::Entity::find()
        .filter(exam::Column::CourseId.eq(course_id))
        .filter(exam::Column::Status.eq(exam::Status::Published))
        .count(db)
        .await?
        > 0;
    if !has_exam {
        return Ok(true);
    }
    Ok(Attempts::find()
        .filter(attempt::Column::UserId.eq(user_id))
        .filter(attempt::Column::CourseId.eq(course_id))
        .filter(attempt::Column::EnrolmentId.eq(enrolment_id))
        .filter(attempt::Column::Passed.eq(true))
        .count(db)
        .await?
        > 0)
}
