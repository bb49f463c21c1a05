//! Practical assessments: an assessor (or an administrator) of the
//! trainee's branch records every step's result, free-text notes, who and
//! when. Assessments are never changed: a correction is a new one naming
//! the one it corrects, and the latest one for a trainee and course counts.
//! Recording is `progress`'s command (a pass may certify); the rules are
//! here.

use super::PracticalError;
use super::assessment_entity::{self as assessment, Entity as Assessments};
use super::checklist_entity as checklist;
use super::checklists;
use super::result_entity::{self as result, Entity as Results};
use crate::enrolments::entity::{self as enrolment, Entity as Enrolments};
use crate::error::{FieldCode, FieldError};
use crate::tenancy::{self, Caller, Role};
use crate::users::entity::{self as user, Entity as Users};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// One step's result as sent.
pub(crate) struct ResultInput<'a> {
    pub item_id: Uuid,
    pub passed: bool,
    pub comment: Option<&'a str>,
}

/// An assessment as sent.
pub(crate) struct AssessmentInput<'a> {
    pub user_id: Uuid,
    pub course_id: Uuid,
    pub results: Vec<ResultInput<'a>>,
    pub notes: Option<&'a str>,
    pub corrects: Option<Uuid>,
}

/// The trainee `caller` may assess: a trainee of the caller's scope (an
/// assessor's or branch administrator's own branch); 404 otherwise.
pub(crate) async fn assessable_trainee(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<user::Model, PracticalError> {
    tenancy::branch_rows::<Users>(caller)
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Role.eq(Role::Trainee))
        .one(db)
        .await?
        .ok_or(PracticalError::NotFound)
}

/// Checks an assessment against the course's checklist and writes it with
/// its results (in the caller's transaction). Answers the assessment and
/// the trainee's enrolment in the course (for re-evaluation).
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    caller: &Caller,
    input: AssessmentInput<'_>,
    now: DateTime<Utc>,
) -> Result<(assessment::Model, Vec<result::Model>, enrolment::Model), PracticalError> {
    let trainee = assessable_trainee(db, caller, input.user_id).await?;
    let Some(list) = checklists::of_course(db, input.course_id).await? else {
        return Err(PracticalError::Invalid(vec![FieldError::new("course_id", FieldCode::NoPractical)]));
    };
    let enrolment = Enrolments::find()
        .filter(enrolment::Column::UserId.eq(trainee.id))
        .filter(enrolment::Column::CourseId.eq(input.course_id))
        .filter(enrolment::Column::BranchId.eq(trainee.branch_id))
        .filter(enrolment::Column::Status.ne(enrolment::Status::Withdrawn))
        .order_by_desc(enrolment::Column::Id)
        .one(db)
        .await?
        .ok_or(PracticalError::NotEnrolled)?;
    let mut errors = Vec::new();
    let notes = input
        .notes
        .and_then(|n| crate::text::ASSESSMENT_NOTES.collect("notes", n, &mut errors))
        .filter(|n| !n.is_empty());
    let steps = checklists::items(db, list.id, true).await?;
    let wanted: HashSet<Uuid> = steps.iter().map(|s| s.id).collect();
    let mut seen = HashSet::new();
    let mut results = Vec::new();
    for (i, r) in input.results.iter().enumerate() {
        if !wanted.contains(&r.item_id) || !seen.insert(r.item_id) {
            errors.push(FieldError::new(format!("results[{i}].item_id"), FieldCode::NotInChecklist));
            continue;
        }
        let comment = r
            .comment
            .and_then(|c| crate::text::ITEM_COMMENT.collect(format!("results[{i}].comment"), c, &mut errors))
            .filter(|c| !c.is_empty());
        results.push((r.item_id, r.passed, comment));
    }
    if errors.is_empty() && seen.len() != wanted.len() {
        errors.push(FieldError::new("results", FieldCode::ChecklistIncomplete));
    }
    if let Some(corrected) = input.corrects {
        let earlier = Assessments::find_by_id(corrected)
            .filter(assessment::Column::UserId.eq(trainee.id))
            .filter(assessment::Column::CourseId.eq(input.course_id))
            .one(db)
            .await?;
        if earlier.is_none() {
            errors.push(FieldError::new("corrects", FieldCode::InvalidValue));
        }
    }
    if !errors.is_empty() {
        return Err(PracticalError::Invalid(errors));
    }
    let row = assessment::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(trainee.branch_id),
        user_id: Set(trainee.id),
        course_id: Set(input.course_id),
        checklist_id: Set(list.id),
        assessor_id: Set(caller.user_id),
        passed: Set(results.iter().all(|(_, passed, _)| *passed)),
        notes: Set(notes),
        recorded_at: Set(now),
        corrects_id: Set(input.corrects),
    }
    .insert(db)
    .await?;
    let mut stored = Vec::with_capacity(results.len());
    for (item_id, passed, comment) in results {
        stored.push(
            result::ActiveModel {
                id: Set(Uuid::now_v7()),
                assessment_id: Set(row.id),
                item_id: Set(item_id),
                passed: Set(passed),
                comment: Set(comment),
            }
            .insert(db)
            .await?,
        );
    }
    Ok((row, stored, enrolment))
}

/// Whether the course's practical requirement is met for the trainee: no
/// checklist, a checklist that is not required, or a latest assessment
/// that passed.
pub(crate) async fn requirement_met(db: &impl ConnectionTrait, course_id: Uuid, user_id: Uuid) -> Result<bool, DbErr> {
    let Some(list) = checklists::of_course(db, course_id).await? else {
        return Ok(true);
    };
    if !list.required {
        return Ok(true);
    }
    Ok(latest(db, course_id, user_id).await?.is_some_and(|a| a.passed))
}

/// Whether the course asks for a practical sign-off before certification.
pub(crate) async fn required(db: &impl ConnectionTrait, course_id: Uuid) -> Result<Option<checklist::Model>, DbErr> {
    Ok(checklists::of_course(db, course_id).await?.filter(|c| c.required))
}

/// The trainee's latest assessment for the course.
pub(crate) async fn latest(db: &impl ConnectionTrait, course_id: Uuid, user_id: Uuid) -> Result<Option<assessment::Model>, DbErr> {
    Assessments::find()
        .filter(assessment::Column::UserId.eq(user_id))
        .filter(assessment::Column::CourseId.eq(course_id))
        .order_by_desc(assessment::Column::Id)
        .one(db)
        .await
}

/// The results of each of `ids`, in checklist order.
pub(crate) async fn results_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<result::Model>>, DbErr> {
    let mut map: HashMap<Uuid, Vec<result::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    for row in Results::find()
        .filter(result::Column::AssessmentId.is_in(ids.to_vec()))
        .order_by_asc(result::Column::Id)
        .all(db)
        .await?
    {
        map.entry(row.assessment_id).or_default().push(row);
    }
    Ok(map)
}

/// Assessments of one trainee (newest last), from a query the caller has
/// already scoped; at most `limit`.
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<Assessments>,
    user_id: Uuid,
    limit: u64,
) -> Result<Vec<assessment::Model>, DbErr> {
    query
        .filter(assessment::Column::UserId.eq(user_id))
        .order_by_asc(assessment::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
