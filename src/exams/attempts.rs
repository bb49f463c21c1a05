//! Trainees' side of exams: starting an attempt (cheap: one short
//! transaction, the published version cached), saving answers, submitting,
//! and grading attempts left open past their deadline.

use super::ExamError;
use super::answer_entity::{self as answer, Entity as Answers};
use super::attempt_entity::{self as attempt, Entity as Attempts};
use super::authoring;
use super::bank::{self, Drawn, Snapshot};
use super::exam_entity as exam;
use crate::audit::{AuditEntry, Author, write_entry};
use crate::enrolments::entity::{self as enrolment, Entity as Enrolments};
use crate::error::{FieldCode, FieldError, is_unique_violation};
use crate::http::page::{CursorPage, Page};
use crate::num::to_i32;
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

/// Starts (or resumes) the caller's attempt at a published exam.
pub(crate) async fn start(
    db: &impl ConnectionTrait,
    caller: &Caller,
    exam: &exam::Model,
    now: DateTime<Utc>,
) -> Result<(Started, Arc<Snapshot>), ExamError> {
    let version_id = exam
        .current_version_id
        .filter(|_| exam.status == exam::Status::Published)
        .ok_or(ExamError::NotFound)?;
    let snapshot = authoring::published(db, version_id).await?;
    // Only trainees with an active enrolment in the course sit its exam.
    let enrolment = Enrolments::find()
        .filter(enrolment::Column::UserId.eq(caller.user_id))
        .filter(enrolment::Column::CourseId.eq(exam.course_id))
        .filter(enrolment::Column::Status.eq(enrolment::Status::Active))
        .one(db)
        .await?
        .ok_or(ExamError::NotEnrolled)?;
    if let Some(open) = open_attempt(db, exam.id, caller.user_id).await? {
        // `progress::start_attempt` has graded an attempt past its deadline
        // (and certified on a pass) before calling this; grading here only
        // guards a caller that did not.
        let open = if now > open.deadline { grade(db, open, now).await?.0 } else { open };
        if open.status == attempt::Status::Open {
            let snapshot = authoring::published(db, open.version_id).await?;
            return Ok((Started::Existing(open), snapshot));
        }
    }
    let previous = to_i32(
        Attempts::find()
            .filter(attempt::Column::ExamId.eq(exam.id))
            .filter(attempt::Column::UserId.eq(caller.user_id))
            .count(db)
            .await?,
    );
    if previous >= snapshot.max_attempts {
        return Err(ExamError::AttemptsExhausted {
            max: snapshot.max_attempts,
        });
    }
    let drawn = bank::draw(&snapshot, &mut rand::thread_rng());
    let row = attempt::ActiveModel {
        id: Set(Uuid::now_v7()),
        exam_id: Set(exam.id),
        version_id: Set(version_id),
        user_id: Set(caller.user_id),
        branch_id: Set(caller.branch_id),
        course_id: Set(exam.course_id),
        enrolment_id: Set(enrolment.id),
        attempt_number: Set(previous + 1),
        status: Set(attempt::Status::Open),
        started_at: Set(now),
        deadline: Set(now + Duration::minutes(snapshot.time_limit_minutes as i64)),
        submitted_at: Set(None),
        draw: Set(serde_json::to_string(&drawn)?),
        score: Set(None),
        max_score: Set(None),
        percent: Set(None),
        passed: Set(None),
        certificate_id: Set(None),
        option_key: Set(Some(crate::crypto::random_token())),
        updated_at: Set(now),
    };
    match row.insert(db).await {
        Ok(row) => Ok((Started::New(row), snapshot)),
        // A concurrent start won the race (the database allows one open
        // attempt); answer with that one.
        Err(err) if is_unique_violation(&err) => Err(ExamError::AttemptRace),
        Err(err) => Err(err.into()),
    }
}

pub(crate) async fn open_attempt(db: &impl ConnectionTrait, exam_id: Uuid, user_id: Uuid) -> Result<Option<attempt::Model>, DbErr> {
    Attempts::find()
        .filter(attempt::Column::ExamId.eq(exam_id))
        .filter(attempt::Column::UserId.eq(user_id))
        .filter(attempt::Column::Status.eq(attempt::Status::Open))
        .one(db)
        .await
}

/// The user's latest attempt at an exam (the highest attempt number).
pub(crate) async fn latest_attempt(db: &impl ConnectionTrait, exam_id: Uuid, user_id: Uuid) -> Result<Option<attempt::Model>, DbErr> {
    Attempts::find()
        .filter(attempt::Column::ExamId.eq(exam_id))
        .filter(attempt::Column::UserId.eq(user_id))
        .order_by_desc(attempt::Column::AttemptNumber)
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
    };
    Answers::insert(value)
        .on_conflict(
            OnConflict::columns([answer::Column::AttemptId, answer::Column::QuestionId])
                .update_columns([answer::Column::Selected, answer::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
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
pub(crate) async fn exam_requirement_met(db: &impl ConnectionTrait, course_id: Uuid, user_id: Uuid) -> Result<bool, DbErr> {
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
        .filter(attempt::Column::Passed.eq(true))
        .count(db)
        .await?
        > 0)
}
