//! Where certification hooks into a passed exam.

use crate::enrolments::entity::Entity as Enrolments;
use crate::exams::attempt_entity as attempt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

/// Called inside the transaction that records a passing result, after the
/// enrolment was re-evaluated. Returns the trainee's certificate for the
/// course, if the pass (with every lesson done) certified them.
pub async fn on_exam_passed(db: &impl ConnectionTrait, attempt: &attempt::Model, _now: DateTime<Utc>) -> Result<Option<Uuid>, DbErr> {
    let Some(enrolment) = Enrolments::find_by_id(attempt.enrolment_id).one(db).await? else {
        return Ok(None);
    };
    Ok(super::service::for_user_course(db, enrolment.user_id, enrolment.course_id)
        .await?
        .map(|c| c.id))
}
