//! Cohort rules: a cohort belongs to one branch and one course offered to
//! that branch; seats are counted with a conditional update so that
//! concurrent enrolments can never overfill it.

use super::entity::{self as cohort, Entity as Cohorts};
use crate::courses::course_entity::Entity as Courses;
use crate::courses::offering_entity::{self as offering, Entity as Offerings};
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::tenancy::Caller;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

pub const CAPACITY_MAX: i32 = 10_000;

/// The cohort if the caller's scope includes its branch; 404 otherwise.
pub async fn find_scoped(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> ApiResult<cohort::Model> {
    Cohorts::find_by_id(id)
        .filter(caller.scope().condition(cohort::Column::BranchId))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Whether `course_id` is published and offered to `branch_id`.
pub async fn course_offered(db: &impl ConnectionTrait, course_id: Uuid, branch_id: Uuid) -> Result<bool, DbErr> {
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

pub fn check_fields(
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

/// Parses a `YYYY-MM-DD` field.
pub fn parse_date(field: &'static str, text: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, FieldCode::InvalidDate));
            None
        }
    }
}

/// Takes one seat if one is free. False when the cohort is full.
pub async fn take_seat(db: &impl ConnectionTrait, cohort_id: Uuid) -> Result<bool, DbErr> {
    let result = Cohorts::update_many()
        .col_expr(cohort::Column::SeatsTaken, Expr::col(cohort::Column::SeatsTaken).add(1))
        .filter(cohort::Column::Id.eq(cohort_id))
        .filter(Expr::col(cohort::Column::SeatsTaken).lt(Expr::col(cohort::Column::Capacity)))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Takes up to `wanted` seats at once; returns how many were free and taken.
pub async fn take_seats(db: &impl ConnectionTrait, cohort: &cohort::Model, wanted: i32) -> Result<i32, DbErr> {
    let free = Ord::max(cohort.capacity - cohort.seats_taken, 0);
    let taking = Ord::min(wanted, free);
    if taking > 0 {
        Cohorts::update_many()
            .col_expr(cohort::Column::SeatsTaken, Expr::col(cohort::Column::SeatsTaken).add(taking))
            .filter(cohort::Column::Id.eq(cohort.id))
            .exec(db)
            .await?;
    }
    Ok(taking)
}

pub async fn free_seat(db: &impl ConnectionTrait, cohort_id: Uuid) -> Result<(), DbErr> {
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
pub async fn lock(db: &impl ConnectionTrait, cohort_id: Uuid) -> Result<Option<cohort::Model>, DbErr> {
    use sea_orm::QuerySelect;
    let mut query = Cohorts::find_by_id(cohort_id);
    if crate::db::is_postgres(db) {
        query = query.lock_exclusive();
    }
    query.one(db).await
}
