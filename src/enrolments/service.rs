//! Enrolment rules: enrolling under capacity, withdrawing, lesson progress
//! and the completion rule. These work in the caller's transaction; the
//! commands that own one are in `commands`.

use super::EnrolmentError;
use super::completion_entity::{self as completion, Entity as Completions};
use super::entity::{self as enrolment, Entity as Enrolments};
use crate::cohorts::entity as cohort;
use crate::cohorts::service as cohorts;
use crate::courses::lesson_entity::{self as lesson, Entity as Lessons};
use crate::error::is_unique_violation;
use crate::http::{CursorPage, Page};
use crate::num::to_i64;
use crate::tenancy::{self, Caller, Role};
use crate::users::entity::{self as user, Entity as Users};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set, TryInsertResult,
};
use std::collections::HashMap;
use uuid::Uuid;

/// An enrolment the caller may see: their own (trainee), their branch's
/// (branch admin), any (headquarters). Otherwise `NotFound`.
pub(crate) async fn find_visible(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<enrolment::Model, EnrolmentError> {
    tenancy::find_visible::<Enrolments>(db, caller, id)
        .await?
        .ok_or(EnrolmentError::NotFound)
}

/// A page of the caller's own enrolments, optionally only those with `status`.
pub(crate) async fn mine(
    db: &impl ConnectionTrait,
    caller: &Caller,
    status: Option<enrolment::Status>,
    page: Page,
) -> Result<Vec<enrolment::Model>, DbErr> {
    let mut query = tenancy::visible::<Enrolments>(caller).filter(enrolment::Column::UserId.eq(caller.user_id));
    if let Some(status) = status {
        query = query.filter(enrolment::Column::Status.eq(status));
    }
    query.cursor_page(enrolment::Column::Id, page).all(db).await
}

/// One of the caller's own enrolments; anyone else's (even one the caller
/// administers) is `NotFound`.
pub(crate) async fn find_mine(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<enrolment::Model, EnrolmentError> {
    tenancy::visible::<Enrolments>(caller)
        .filter(enrolment::Column::UserId.eq(caller.user_id))
        .filter(enrolment::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(EnrolmentError::NotFound)
}

/// Enrols `user_id` in the cohort. The caller's transaction should be an
/// immediate one; the seat is taken with a conditional update.
pub(crate) async fn enrol(
    db: &impl ConnectionTrait,
    cohort: &cohort::Model,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<enrolment::Model, EnrolmentError> {
    // The trainee must belong to the cohort's branch: anyone else is "not found".
    let trainee = Users::find_by_id(user_id)
        .filter(user::Column::BranchId.eq(cohort.branch_id))
        .one(db)
        .await?
        .ok_or(EnrolmentError::UnknownTrainee)?;
    if trainee.role != Role::Trainee {
        return Err(EnrolmentError::NotATrainee);
    }
    if cohort.status != cohort::Status::Open {
        return Err(EnrolmentError::CohortClosed);
    }
    let existing = Enrolments::find()
        .filter(enrolment::Column::CohortId.eq(cohort.id))
        .filter(enrolment::Column::UserId.eq(user_id))
        .one(db)
        .await?;
    if let Some(e) = &existing
        && e.status != enrolment::Status::Withdrawn
    {
        return Err(EnrolmentError::AlreadyEnrolled);
    }
    if !cohorts::take_seat(db, cohort.id).await? {
        return Err(EnrolmentError::CohortFull);
    }
    let row = match existing {
        // Coming back after a withdrawal keeps the earlier progress.
        Some(e) => {
            let mut active: enrolment::ActiveModel = e.into();
            active.status = Set(enrolment::Status::Active);
            active.withdrawn_at = Set(None);
            active.updated_at = Set(now);
            active.update(db).await?
        }
        None => new_enrolment(cohort, user_id, now).insert(db).await.map_err(|e| {
            if is_unique_violation(&e) {
                EnrolmentError::AlreadyEnrolled
            } else {
                e.into()
            }
        })?,
    };
    Ok(row)
}

/// Withdraws the trainee (frees the seat); a withdrawn enrolment stays as it is.
pub(crate) async fn withdraw(db: &impl ConnectionTrait, row: enrolment::Model, now: DateTime<Utc>) -> Result<enrolment::Model, DbErr> {
    if row.status == enrolment::Status::Withdrawn {
        return Ok(row);
    }
    cohorts::free_seat(db, row.cohort_id).await?;
    let mut active: enrolment::ActiveModel = row.into();
    active.status = Set(enrolment::Status::Withdrawn);
    active.withdrawn_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(db).await
}

/// Records a lesson as done (idempotent). Completion and certification then
/// follow through `progress::lesson_done`.
pub(crate) async fn record_lesson(
    db: &impl ConnectionTrait,
    row: &enrolment::Model,
    lesson_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), EnrolmentError> {
    let lesson = Lessons::find_by_id(lesson_id)
        .filter(lesson::Column::CourseId.eq(row.course_id))
        .one(db)
        .await?
        .ok_or(EnrolmentError::LessonNotFound)?;
    if row.status == enrolment::Status::Withdrawn {
        return Err(EnrolmentError::NotActive);
    }
    let insert = completion::ActiveModel {
        id: Set(Uuid::now_v7()),
        enrolment_id: Set(row.id),
        lesson_id: Set(lesson.id),
        completed_at: Set(now),
    };
    let inserted = Completions::insert(insert)
        .on_conflict_do_nothing_on([completion::Column::EnrolmentId, completion::Column::LessonId])
        .exec_without_returning(db)
        .await?;
    let new = matches!(inserted, TryInsertResult::Inserted(n) if n > 0);
    super::activity::lesson_recorded(db, row.id, new, now).await?;
    Ok(())
}

/// A new active enrolment of `user_id` in `cohort`.
pub(crate) fn new_enrolment(cohort: &cohort::Model, user_id: Uuid, now: DateTime<Utc>) -> enrolment::ActiveModel {
    enrolment::ActiveModel {
        id: Set(Uuid::now_v7()),
        cohort_id: Set(cohort.id),
        branch_id: Set(cohort.branch_id),
        course_id: Set(cohort.course_id),
        user_id: Set(user_id),
        status: Set(enrolment::Status::Active),
        enrolled_at: Set(now),
        completed_at: Set(None),
        withdrawn_at: Set(None),
        updated_at: Set(now),
        last_activity_at: Set(None),
        lessons_done: Set(0),
        graded_attempts: Set(0),
        best_percent: Set(None),
        exam_passed: Set(false),
        late_synced_attempts: Set(0),
    }
}

/// Lessons done and lessons in the course, for one enrolment.
pub(crate) async fn progress_of(db: &impl ConnectionTrait, row: &enrolment::Model) -> Result<(i64, i64), DbErr> {
    let done = to_i64(
        Completions::find()
            .filter(completion::Column::EnrolmentId.eq(row.id))
            .count(db)
            .await?,
    );
    let total = to_i64(Lessons::find().filter(lesson::Column::CourseId.eq(row.course_id)).count(db).await?);
    Ok((done, total))
}

/// Completed-lesson counts for many enrolments in one query.
pub(crate) async fn done_counts(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, i64>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = Completions::find()
        .select_only()
        .column(completion::Column::EnrolmentId)
        .column_as(completion::Column::Id.count(), "n")
        .filter(completion::Column::EnrolmentId.is_in(ids.to_vec()))
        .group_by(completion::Column::EnrolmentId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Ids of the lessons an enrolment has completed.
pub(crate) async fn completed_lessons(db: &impl ConnectionTrait, enrolment_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    Ok(completions(db, enrolment_id).await?.into_iter().map(|c| c.lesson_id).collect())
}

/// The lessons an enrolment has completed, with their dates, in the order done.
pub(crate) async fn completions(db: &impl ConnectionTrait, enrolment_id: Uuid) -> Result<Vec<completion::Model>, DbErr> {
    use sea_orm::QueryOrder;
    Completions::find()
        .filter(completion::Column::EnrolmentId.eq(enrolment_id))
        .order_by_asc(completion::Column::CompletedAt)
        .order_by_asc(completion::Column::Id)
        .all(db)
        .await
}
