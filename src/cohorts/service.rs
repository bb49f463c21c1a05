//! Cohort rules: a cohort belongs to one branch and one course offered to
//! that branch; seats are counted with a conditional update so that
//! concurrent enrolments can never overfill it.

use super::CohortError;
use super::entity::{self as cohort, Entity as Cohorts};
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::courses::course_entity::Entity as Courses;
use crate::courses::offering_entity::{self as offering, Entity as Offerings};
use crate::error::FieldCode;
use crate::error::FieldError;
use crate::state::AppState;
use crate::tenancy::Caller;
use crate::tenancy::{self, Actor};
use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{ActiveEnum, ActiveModelTrait, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

pub(crate) const CAPACITY_MAX: i32 = 10_000;

/// The cohort if the caller's scope includes its branch.
pub(crate) async fn find_scoped(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<cohort::Model, CohortError> {
    tenancy::find_visible::<Cohorts>(db, caller, id).await?.ok_or(CohortError::NotFound)
}

/// What a new cohort is made of (the request body).
pub(crate) struct NewCohort<'a> {
    pub course_id: Uuid,
    pub name: &'a str,
    /// Translations of the name, per locale.
    pub names: Option<&'a super::names::Names>,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub capacity: i32,
    /// The sponsoring organisation: the branch's or a shared one.
    pub sponsor_id: Option<Uuid>,
}

/// Checks that `sponsor` may sponsor a cohort of `branch_id`.
async fn check_sponsor(
    db: &impl ConnectionTrait,
    branch_id: Uuid,
    sponsor: Option<Uuid>,
    errors: &mut Vec<FieldError>,
) -> Result<(), DbErr> {
    if let Some(id) = sponsor
        && crate::orgs::service::usable_in_branch(db, branch_id, id).await?.is_none()
    {
        errors.push(FieldError::new("sponsor_id", FieldCode::UnknownOrganisation));
    }
    Ok(())
}

/// Opens a cohort in `branch_id` for a course offered to that branch.
pub(crate) async fn create(state: &AppState, actor: &Actor, branch_id: Uuid, new: NewCohort<'_>) -> Result<cohort::Model, CohortError> {
    let mut errors = Vec::new();
    let starts_on = parse_date("starts_on", new.starts_on, &mut errors);
    let ends_on = parse_date("ends_on", new.ends_on, &mut errors);
    check_fields(Some(new.name), starts_on, ends_on, Some(new.capacity), &mut errors);
    let names = new.names.and_then(|n| super::names::check(n, &mut errors));
    if !course_offered(&state.db, new.course_id, branch_id).await? {
        errors.push(FieldError::new("course_id", FieldCode::CourseNotOffered));
    }
    check_sponsor(&state.db, branch_id, new.sponsor_id, &mut errors).await?;
    if !errors.is_empty() {
        return Err(CohortError::Invalid(errors));
    }
    let mut cmd = Command::begin(state, actor).await?;
    let row = cohort::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(branch_id),
        course_id: Set(new.course_id),
        name: Set(new.name.trim().to_string()),
        names: Set(names),
        starts_on: Set(starts_on.unwrap_or_default()),
        ends_on: Set(ends_on.unwrap_or_default()),
        capacity: Set(new.capacity),
        seats_taken: Set(0),
        status: Set(cohort::Status::Open),
        created_at: Set(cmd.now()),
        updated_at: Set(cmd.now()),
        sponsor_id: Set(new.sponsor_id),
    }
    .insert(cmd.txn())
    .await?;
    cmd.audit(
        AuditEntry::new("cohort.create", "cohort", row.id)
            .branch(branch_id)
            .details(json!({"course_id": row.course_id, "capacity": row.capacity, "sponsor_id": row.sponsor_id})),
    );
    cmd.commit().await?;
    Ok(row)
}

/// A partial update (the request body): absent fields stay as they are.
#[derive(Default)]
pub(crate) struct CohortChanges<'a> {
    pub name: Option<&'a str>,
    /// Replaces every translation of the name (`{}` removes them).
    pub names: Option<&'a super::names::Names>,
    pub starts_on: Option<&'a str>,
    pub ends_on: Option<&'a str>,
    pub capacity: Option<i32>,
    pub status: Option<&'a str>,
    /// `Some(None)` removes the sponsor.
    pub sponsor_id: Option<Option<Uuid>>,
}

/// Changes a cohort; its capacity can never drop below the seats taken.
pub(crate) async fn update(state: &AppState, actor: &Actor, id: Uuid, changes: CohortChanges<'_>) -> Result<cohort::Model, CohortError> {
    let cmd = Command::begin(state, actor).await?;
    let row = find_scoped(cmd.txn(), actor, id).await?;
    let row = lock(cmd.txn(), row.id).await?.ok_or(CohortError::NotFound)?;
    let mut errors = Vec::new();
    let starts_on = changes.starts_on.and_then(|d| parse_date("starts_on", d, &mut errors));
    let ends_on = changes.ends_on.and_then(|d| parse_date("ends_on", d, &mut errors));
    check_fields(
        changes.name,
        starts_on.or(Some(row.starts_on)),
        ends_on.or(Some(row.ends_on)),
        changes.capacity,
        &mut errors,
    );
    let names = changes.names.map(|n| super::names::check(n, &mut errors));
    if let Some(sponsor) = changes.sponsor_id {
        check_sponsor(cmd.txn(), row.branch_id, sponsor, &mut errors).await?;
    }
    let status = changes.status.and_then(|s| {
        cohort::Status::try_from_value(&s.to_string())
            .map_err(|_| errors.push(FieldError::new("status", FieldCode::InvalidChoice)))
            .ok()
    });
    if !errors.is_empty() {
        return Err(CohortError::Invalid(errors));
    }
    if let Some(capacity) = changes.capacity
        && capacity < row.seats_taken
    {
        return Err(CohortError::CapacityBelowEnrolled { enrolled: row.seats_taken });
    }
    let mut active: cohort::ActiveModel = row.into();
    if let Some(name) = changes.name {
        active.name = Set(name.trim().to_string());
    }
    if let Some(names) = names {
        active.names = Set(names);
    }
    if let Some(d) = starts_on {
        active.starts_on = Set(d);
    }
    if let Some(d) = ends_on {
        active.ends_on = Set(d);
    }
    if let Some(c) = changes.capacity {
        active.capacity = Set(c);
    }
    if let Some(s) = status {
        active.status = Set(s);
    }
    if let Some(sponsor) = changes.sponsor_id {
        active.sponsor_id = Set(sponsor);
    }
    active.updated_at = Set(cmd.now());
    let updated = active.update(cmd.txn()).await?;
    let mut cmd = cmd;
    cmd.audit(
        AuditEntry::new("cohort.update", "cohort", updated.id)
            .branch(updated.branch_id)
            .details(json!({
                "name": changes.name, "starts_on": changes.starts_on, "ends_on": changes.ends_on,
                "capacity": changes.capacity, "status": changes.status, "sponsor_id": changes.sponsor_id,
            })),
    );
    cmd.commit().await?;
    Ok(updated)
}

/// Whether `course_id` is published and offered to `branch_id`.
pub(crate) async fn course_offered(db: &impl ConnectionTrait, course_id: Uuid, branch_id: Uuid) -> Result<bool, DbErr> {
    let Some(course) = Courses::find_by_id(course_id).one(db).await? else {
        return Ok(false);
    };
    if course.status != crate::courses::course_entity::Status::Published {
        return Ok(false);
    }
    Ok(Offerings::find()
        .filter(offering::Column::CourseId.eq(course_id))
        .filter(offering::Column::BranchId.eq(branch_id))
        .one(db)
        .await?
        .is_some())
}

pub(crate) fn check_fields(
    name: Option<&str>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    capacity: Option<i32>,
    errors: &mut Vec<FieldError>,
) {
    if let Some(name) = name {
        crate::text::COHORT_NAME.collect("name", name, errors);
    }
    if let (Some(start), Some(end)) = (starts_on, ends_on)
        && end < start
    {
        errors.push(FieldError::new("ends_on", FieldCode::EndsBeforeStart));
    }
    if let Some(capacity) = capacity
        && !(1..=CAPACITY_MAX).contains(&capacity)
    {
        errors.push(
            FieldError::new("capacity", FieldCode::OutOfRange)
                .arg("min", 1)
                .arg("max", CAPACITY_MAX),
        );
    }
}

/// The years a cohort may start or end in.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// Buddhist Era minus Common Era, in years.
const BUDDHIST_ERA_OFFSET: i32 = 543;

/// Parses a `YYYY-MM-DD` field (Common Era). A year far outside the
/// plausible range is refused; one that is a plausible year plus 543 is
/// refused naming the likely mistake, a Buddhist-era year typed the way
/// Thai documents write it (2569 for 2026).
pub(crate) fn parse_date(field: &'static str, text: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let Ok(date) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") else {
        errors.push(FieldError::new(field, FieldCode::InvalidDate));
        return None;
    };
    let year = date.year();
    if PLAUSIBLE_YEARS.contains(&year) {
        return Some(date);
    }
    // Years are text arguments: a number would be grouped ("2,569").
    let error = if PLAUSIBLE_YEARS.contains(&(year - BUDDHIST_ERA_OFFSET)) {
        FieldError::new(field, FieldCode::BuddhistEraYear)
            .arg("year", year.to_string())
            .arg("year_ce", (year - BUDDHIST_ERA_OFFSET).to_string())
    } else {
        FieldError::new(field, FieldCode::ImplausibleYear)
            .arg("min", PLAUSIBLE_YEARS.start().to_string())
            .arg("max", PLAUSIBLE_YEARS.end().to_string())
    };
    errors.push(error);
    None
}

/// Takes one seat if one is free. False when the cohort is full.
pub(crate) async fn take_seat(db: &impl ConnectionTrait, cohort_id: Uuid) -> Result<bool, DbErr> {
    let result = Cohorts::update_many()
        .col_expr(cohort::Column::SeatsTaken, Expr::col(cohort::Column::SeatsTaken).add(1))
        .filter(cohort::Column::Id.eq(cohort_id))
        .filter(Expr::col(cohort::Column::SeatsTaken).lt(Expr::col(cohort::Column::Capacity)))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub(crate) async fn free_seat(db: &impl ConnectionTrait, cohort_id: Uuid) -> Result<(), DbErr> {
    Cohorts::update_many()
        .col_expr(cohort::Column::SeatsTaken, Expr::col(cohort::Column::SeatsTaken).sub(1))
        .filter(cohort::Column::Id.eq(cohort_id))
        .filter(cohort::Column::SeatsTaken.gt(0))
        .exec(db)
        .await
        .map(|_| ())
}

/// Locks the cohort row for the rest of the transaction (PostgreSQL; SQLite's
/// immediate transactions already hold the write lock) and reads it fresh.
pub(crate) async fn lock(db: &impl ConnectionTrait, cohort_id: Uuid) -> Result<Option<cohort::Model>, DbErr> {
    use sea_orm::QuerySelect;
    let mut query = Cohorts::find_by_id(cohort_id);
    if crate::db::is_postgres(db) {
        query = query.lock_exclusive();
    }
    query.one(db).await
}
