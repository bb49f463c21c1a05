//! Managing exam windows: a branch admin for their own branch's cohorts (or
//! the whole branch), headquarters for any. Each write checks its input,
//! then writes and audits in one `Command`. Another branch's windows and
//! cohorts answer 404.

use super::ExamError;
use super::service::find_exam;
use super::window_entity::{self as window, Entity as Windows};
use super::window_time::{check_range, parse_instant, zone};
use super::window_views::{CreateWindow, UpdateWindow};
use crate::audit::AuditEntry;
use crate::branches::entity::{self as branch, Entity as Branches};
use crate::branches::service as branches;
use crate::cohorts::service as cohorts;
use crate::command::Command;
use crate::error::{FieldCode, FieldError, is_unique_violation};
use crate::http::page::{CursorPage, Page};
use crate::state::AppState;
use crate::tenancy::{self, Actor, Caller};
use chrono_tz::Tz;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// A window with its branch's code and zone, as views need them.
pub(crate) type Placed = (window::Model, String, Tz);

/// Codes and zones of branches, by id (one query).
pub(crate) async fn branch_zones(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, (String, Tz)>, DbErr> {
    Ok(Branches::find()
        .filter(branch::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, (b.code, zone(&b.time_zone))))
        .collect())
}

async fn placed(db: &impl ConnectionTrait, row: window::Model) -> Result<Placed, ExamError> {
    let (code, tz) = branch_zones(db, &[row.branch_id])
        .await?
        .remove(&row.branch_id)
        .ok_or(ExamError::NotFound)?;
    Ok((row, code, tz))
}

fn branch_not_found(err: crate::branches::BranchError) -> ExamError {
    match err {
        crate::branches::BranchError::Db(e) => e.into(),
        _ => ExamError::NotFound,
    }
}

/// The branch (and cohort) a new window is for; another branch's → 404.
async fn scope_of(db: &impl ConnectionTrait, caller: &Caller, course_id: Uuid, input: &CreateWindow) -> Result<branch::Model, ExamError> {
    let named = match &input.branch {
        Some(code) => Some(branches::visible(db, caller, code).await.map_err(branch_not_found)?),
        None => None,
    };
    if let Some(cohort_id) = input.cohort_id {
        let cohort = cohorts::find_scoped(db, caller, cohort_id).await.map_err(|e| match e {
            crate::cohorts::CohortError::Db(e) => e.into(),
            _ => ExamError::NotFound,
        })?;
        let mut errors = Vec::new();
        if cohort.course_id != course_id {
            errors.push(FieldError::new("cohort_id", FieldCode::CohortOtherCourse));
        }
        if named.as_ref().is_some_and(|b| b.id != cohort.branch_id) {
            errors.push(FieldError::new("branch", FieldCode::InvalidValue));
        }
        if !errors.is_empty() {
            return Err(ExamError::Invalid(errors));
        }
        return Branches::find_by_id(cohort.branch_id).one(db).await?.ok_or(ExamError::NotFound);
    }
    let branch = match named {
        Some(b) => b,
        None if caller.is_hq() => return Err(ExamError::Invalid(vec![FieldError::new("branch", FieldCode::Required)])),
        None => branches::visible(db, caller, &caller.branch_code).await.map_err(branch_not_found)?,
    };
    if !cohorts::course_offered(db, course_id, branch.id).await? {
        return Err(ExamError::Invalid(vec![FieldError::new("branch", FieldCode::CourseNotOffered)]));
    }
    Ok(branch)
}

/// Sets a window for a cohort, or for every cohort of a branch.
pub(crate) async fn create(state: &AppState, actor: &Actor, exam_id: Uuid, input: &CreateWindow) -> Result<Placed, ExamError> {
    let exam = find_exam(&state.db, actor, exam_id).await?;
    let branch = scope_of(&state.db, actor, exam.course_id, input).await?;
    let tz = zone(&branch.time_zone);
    let now = state.clock.now();
    let mut errors = Vec::new();
    let opens_at = parse_instant("opens_at", &input.opens_at, tz, &mut errors);
    let closes_at = parse_instant("closes_at", &input.closes_at, tz, &mut errors);
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        check_range(o, c, now, &mut errors);
    }
    let (Some(opens_at), Some(closes_at), true) = (opens_at, closes_at, errors.is_empty()) else {
        return Err(ExamError::Invalid(errors));
    };
    let mut cmd = Command::begin(state, actor).await?;
    let row = window::ActiveModel {
        id: Set(Uuid::now_v7()),
        exam_id: Set(exam.id),
        branch_id: Set(branch.id),
        cohort_id: Set(input.cohort_id),
        opens_at: Set(opens_at),
        closes_at: Set(closes_at),
        hard_end: Set(input.hard_end),
        created_at: Set(cmd.now()),
        updated_at: Set(cmd.now()),
    }
    .insert(cmd.txn())
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            ExamError::WindowExists
        } else {
            e.into()
        }
    })?;
    cmd.audit(
        AuditEntry::new("exam_window.create", "exam_window", row.id)
            .branch(branch.id)
            .details(json!({"exam_id": exam.id, "cohort_id": row.cohort_id, "opens_at": opens_at, "closes_at": closes_at, "hard_end": row.hard_end})),
    );
    cmd.commit().await?;
    Ok((row, branch.code, tz))
}

/// A window of the exam in the caller's scope (404 otherwise).
async fn find(db: &impl ConnectionTrait, caller: &Caller, exam_id: Uuid, id: Uuid) -> Result<window::Model, ExamError> {
    tenancy::find_visible::<Windows>(db, caller, id)
        .await?
        .filter(|w| w.exam_id == exam_id)
        .ok_or(ExamError::NotFound)
}

pub(crate) async fn get(state: &AppState, caller: &Caller, exam_id: Uuid, id: Uuid) -> Result<Placed, ExamError> {
    find_exam(&state.db, caller, exam_id).await?;
    placed(&state.db, find(&state.db, caller, exam_id, id).await?).await
}

/// Moves a window or changes its end; the cohort or branch stays.
pub(crate) async fn update(state: &AppState, actor: &Actor, exam_id: Uuid, id: Uuid, input: &UpdateWindow) -> Result<Placed, ExamError> {
    find_exam(&state.db, actor, exam_id).await?;
    let mut cmd = Command::begin(state, actor).await?;
    let (row, code, tz) = placed(cmd.txn(), find(cmd.txn(), actor, exam_id, id).await?).await?;
    let mut errors = Vec::new();
    let opens_at = match &input.opens_at {
        Some(text) => parse_instant("opens_at", text, tz, &mut errors),
        None => Some(row.opens_at),
    };
    let closes_at = match &input.closes_at {
        Some(text) => parse_instant("closes_at", text, tz, &mut errors),
        None => Some(row.closes_at),
    };
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        check_range(o, c, cmd.now(), &mut errors);
    }
    let (Some(opens_at), Some(closes_at), true) = (opens_at, closes_at, errors.is_empty()) else {
        return Err(ExamError::Invalid(errors));
    };
    let before = json!({"opens_at": row.opens_at, "closes_at": row.closes_at, "hard_end": row.hard_end});
    let mut active = row.into_active_model();
    active.opens_at = Set(opens_at);
    active.closes_at = Set(closes_at);
    if let Some(hard_end) = input.hard_end {
        active.hard_end = Set(hard_end);
    }
    active.updated_at = Set(cmd.now());
    let row = active.update(cmd.txn()).await?;
    cmd.audit(
        AuditEntry::new("exam_window.update", "exam_window", row.id)
            .branch(row.branch_id)
            .details(json!({"before": before, "after": {"opens_at": row.opens_at, "closes_at": row.closes_at, "hard_end": row.hard_end}})),
    );
    cmd.commit().await?;
    Ok((row, code, tz))
}

/// Removes a window: the exam is then open to those it applied to (or
/// governed by their branch's window, if a cohort's was removed).
pub(crate) async fn delete(state: &AppState, actor: &Actor, exam_id: Uuid, id: Uuid) -> Result<(), ExamError> {
    find_exam(&state.db, actor, exam_id).await?;
    let mut cmd = Command::begin(state, actor).await?;
    let row = find(cmd.txn(), actor, exam_id, id).await?;
    Windows::delete_by_id(row.id).exec(cmd.txn()).await?;
    cmd.audit(
        AuditEntry::new("exam_window.delete", "exam_window", row.id)
            .branch(row.branch_id)
            .details(json!({"exam_id": row.exam_id, "cohort_id": row.cohort_id, "opens_at": row.opens_at, "closes_at": row.closes_at})),
    );
    cmd.commit().await?;
    Ok(())
}

/// One page of the exam's windows in the caller's scope, optionally of one cohort.
pub(crate) async fn list(
    state: &AppState,
    caller: &Caller,
    exam_id: Uuid,
    cohort_id: Option<Uuid>,
    page: Page,
) -> Result<Vec<Placed>, ExamError> {
    find_exam(&state.db, caller, exam_id).await?;
    let mut query = tenancy::visible::<Windows>(caller).filter(window::Column::ExamId.eq(exam_id));
    if let Some(cohort_id) = cohort_id {
        query = query.filter(window::Column::CohortId.eq(cohort_id));
    }
    let rows = query.cursor_page(window::Column::Id, page).all(&state.db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.branch_id).collect();
    let zones = branch_zones(&state.db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let (code, tz) = zones.get(&r.branch_id)?.clone();
            Some((r, code, tz))
        })
        .collect())
}
