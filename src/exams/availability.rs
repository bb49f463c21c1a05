//! A trainee's view of an exam before starting it: the window that applies,
//! attempts used and left for the current enrolment, overrides, and the
//! server's time (`GET /api/v1/exams/{id}/availability`). Read with the same
//! one-query allowance the start of an attempt uses (`allowance_read::allowance`).

use super::ExamError;
use super::allowance_read::allowance;
use super::window_entity::Entity as Windows;
use super::window_views::{Availability, window_view};
use crate::enrolments::entity as enrolment;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// What the caller (a trainee) may start at the exam now: the window that
/// applies, attempts used and left for the current enrolment, extra time,
/// an unused unlock, and the server's time.
pub(crate) async fn availability(
    db: &impl ConnectionTrait,
    caller: &crate::tenancy::Caller,
    exam_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Availability, ExamError> {
    let exam = super::service::find_exam(db, caller, exam_id).await?;
    let version_id = exam
        .current_version_id
        .filter(|_| exam.status == super::exam_entity::Status::Published)
        .ok_or(ExamError::NotFound)?;
    let snapshot = super::authoring::published(db, version_id).await?;
    let enrolment = current_enrolment(db, caller.user_id, exam.course_id)
        .await?
        .ok_or(ExamError::NotEnrolled)?;
    let a = allowance(db, exam.id, &enrolment).await?;
    let window = match a.window {
        Some(w) => Windows::find_by_id(w.id)
            .one(db)
            .await?
            .map(|row| window_view(row, &caller.branch_code, a.time_zone, now)),
        None => None,
    };
    let allowed = a.attempts_allowed(snapshot.max_attempts);
    Ok(Availability {
        exam_id: exam.id,
        enrolment_id: enrolment.id,
        window,
        open_now: a.open_at(now) || a.unlock,
        attempts_used: a.attempts_current,
        attempts_allowed: allowed,
        attempts_left: a.attempts_left(snapshot.max_attempts),
        extra_minutes: a.extra_minutes,
        unlock_available: a.unlock,
        time_zone: a.time_zone.name().to_string(),
        server_time: now,
    })
}

/// The trainee's current enrolment in a course: the newest active one.
pub(crate) async fn current_enrolment(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Option<enrolment::Model>, DbErr> {
    enrolment::Entity::find()
        .filter(enrolment::Column::UserId.eq(user_id))
        .filter(enrolment::Column::CourseId.eq(course_id))
        .filter(enrolment::Column::Status.eq(enrolment::Status::Active))
        .order_by_desc(enrolment::Column::EnrolledAt)
        .one(db)
        .await
}
