//! Per-trainee exam overrides: extra attempts, extra time, a one-off unlock
//! of a closed window. Granted by the trainee's branch admins (headquarters
//! for anyone), audited, one row per (exam, trainee). A submitted attempt
//! is never re-opened (grading is final): an extra attempt is granted
//! instead. The start of an attempt reads overrides in `allowance_read::current_allowance`.

use super::ExamError;
use super::override_entity::{self as grant, Entity as Overrides};
use super::service::find_exam;
use super::window_commands::branch_zones;
use super::window_views::SetOverride;
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::enrolments::entity::{self as enrolment, Entity as Enrolments};
use crate::error::{FieldCode, FieldError};
use crate::http::page::{CursorPage, Page};
use crate::state::AppState;
use crate::tenancy::{self, Actor, Caller};
use crate::users::entity::Entity as Users;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

pub(crate) const EXTRA_ATTEMPTS_MAX: i32 = 10;
pub(crate) const EXTRA_MINUTES_MAX: i32 = 240;

/// An override with its branch's code.
pub(crate) type Coded = (grant::Model, String);

fn check(input: &SetOverride) -> Result<(), ExamError> {
    let mut errors = Vec::new();
    for (field, value, max) in [
        ("extra_attempts", input.extra_attempts, EXTRA_ATTEMPTS_MAX),
        ("extra_minutes", input.extra_minutes, EXTRA_MINUTES_MAX),
    ] {
        if value.is_some_and(|v| !(0..=max).contains(&v)) {
            errors.push(
                FieldError::new(field, FieldCode::OutOfRange)
                    .arg("min", 0i64)
                    .arg("max", i64::from(max)),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ExamError::Invalid(errors))
    }
}

async fn with_code(db: &impl ConnectionTrait, row: grant::Model) -> Result<Coded, ExamError> {
    let code = branch_zones(db, &[row.branch_id])
        .await?
        .remove(&row.branch_id)
        .map(|(code, _)| code)
        .unwrap_or_default();
    Ok((row, code))
}

/// Grants (or changes) what `user_id` gets at the exam. Someone outside
/// the caller's branch → 404; a trainee without an active enrolment in the
/// exam's course → 409 `trainee_not_enrolled`. Answers whether it was new.
pub(crate) async fn set(
    state: &AppState,
    actor: &Actor,
    exam_id: Uuid,
    user_id: Uuid,
    input: &SetOverride,
) -> Result<(Coded, bool), ExamError> {
    check(input)?;
    let exam = find_exam(&state.db, actor, exam_id).await?;
    let user = tenancy::find_visible::<Users>(&state.db, actor, user_id)
        .await?
        .ok_or(ExamError::NotFound)?;
    let enrolled = Enrolments::find()
        .filter(enrolment::Column::UserId.eq(user.id))
        .filter(enrolment::Column::CourseId.eq(exam.course_id))
        .filter(enrolment::Column::Status.eq(enrolment::Status::Active))
        .one(&state.db)
        .await?;
    if enrolled.is_none() {
        return Err(ExamError::TraineeNotEnrolled);
    }
    let mut cmd = Command::begin(state, actor).await?;
    let now = cmd.now();
    let existing = Overrides::find()
        .filter(grant::Column::ExamId.eq(exam.id))
        .filter(grant::Column::UserId.eq(user.id))
        .one(cmd.txn())
        .await?;
    let created = existing.is_none();
    let before = existing
        .as_ref()
        .map(|o| json!({"extra_attempts": o.extra_attempts, "extra_minutes": o.extra_minutes, "unlock_window": o.unlock_window}));
    let mut active = match existing {
        Some(row) => row.into_active_model(),
        None => grant::ActiveModel {
            id: Set(Uuid::now_v7()),
            exam_id: Set(exam.id),
            user_id: Set(user.id),
            branch_id: Set(user.branch_id),
            extra_attempts: Set(0),
            extra_minutes: Set(0),
            unlock_window: Set(false),
            unlock_used_at: Set(None),
            unlock_attempt_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
    };
    if let Some(v) = input.extra_attempts {
        active.extra_attempts = Set(v);
    }
    if let Some(v) = input.extra_minutes {
        active.extra_minutes = Set(v);
    }
    if let Some(v) = input.unlock_window {
        active.unlock_window = Set(v);
    }
    active.updated_at = Set(now);
    let row = if created {
        active.insert(cmd.txn()).await?
    } else {
        active.update(cmd.txn()).await?
    };
    cmd.audit(
        AuditEntry::new("exam_override.set", "exam_override", row.id)
            .branch(row.branch_id)
            .details(json!({"exam_id": row.exam_id, "user_id": row.user_id, "before": before,
                "after": {"extra_attempts": row.extra_attempts, "extra_minutes": row.extra_minutes, "unlock_window": row.unlock_window}})),
    );
    cmd.commit().await?;
    Ok((with_code(&state.db, row).await?, created))
}

async fn find(db: &impl ConnectionTrait, caller: &Caller, exam_id: Uuid, user_id: Uuid) -> Result<grant::Model, ExamError> {
    tenancy::visible::<Overrides>(caller)
        .filter(grant::Column::ExamId.eq(exam_id))
        .filter(grant::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(ExamError::NotFound)
}

pub(crate) async fn get(state: &AppState, caller: &Caller, exam_id: Uuid, user_id: Uuid) -> Result<Coded, ExamError> {
    find_exam(&state.db, caller, exam_id).await?;
    with_code(&state.db, find(&state.db, caller, exam_id, user_id).await?).await
}

/// Withdraws an override (attempts already started keep their deadlines).
pub(crate) async fn delete(state: &AppState, actor: &Actor, exam_id: Uuid, user_id: Uuid) -> Result<(), ExamError> {
    find_exam(&state.db, actor, exam_id).await?;
    let mut cmd = Command::begin(state, actor).await?;
    let row = find(cmd.txn(), actor, exam_id, user_id).await?;
    Overrides::delete_by_id(row.id).exec(cmd.txn()).await?;
    cmd.audit(
        AuditEntry::new("exam_override.delete", "exam_override", row.id)
            .branch(row.branch_id)
            .details(json!({"exam_id": row.exam_id, "user_id": row.user_id})),
    );
    cmd.commit().await?;
    Ok(())
}

/// One page of the exam's overrides in the caller's scope.
pub(crate) async fn list(state: &AppState, caller: &Caller, exam_id: Uuid, page: Page) -> Result<Vec<Coded>, ExamError> {
    find_exam(&state.db, caller, exam_id).await?;
    let rows = tenancy::visible::<Overrides>(caller)
        .filter(grant::Column::ExamId.eq(exam_id))
        .cursor_page(grant::Column::Id, page)
        .all(&state.db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.branch_id).collect();
    let zones = branch_zones(&state.db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let code = zones.get(&r.branch_id).map(|(c, _)| c.clone()).unwrap_or_default();
            (r, code)
        })
        .collect())
}
