//! The employer's reads. Each one is a single query that starts from the
//! caller's branch rows (`tenancy::branch_rows`) and adds the
//! organisation's reach as a condition, so nothing about a person outside
//! it is ever loaded, and a consent withdrawn before the query runs hides
//! the person from it. Someone outside the reach answers 404, like a
//! missing record.

use crate::certificates::entity::{self as certificate, Entity as Certificates};
use crate::enrolments::entity::{self as enrolment, Entity as Enrolments};
use crate::error::ApiError;
use crate::http::CursorPage;
use crate::http::page::Page;
use crate::orgs::entity as organisation;
use crate::orgs::reach;
use crate::tenancy::{self, Caller, Role};
use crate::users::entity::{self as user, Entity as Users};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// A person's enrolments or certificates are few; this bounds them anyway.
const MAX_ROWS: u64 = 200;

/// The organisation the caller represents; 404 when none is assigned (an
/// employer without one sees nobody).
pub(crate) async fn organisation(db: &impl ConnectionTrait, caller: &Caller) -> Result<organisation::Model, ApiError> {
    crate::orgs::service::represented(db, caller).await?.ok_or_else(ApiError::not_found)
}

/// The trainees `org` reaches in the caller's branch, a page at a time.
pub(crate) async fn people(
    db: &impl ConnectionTrait,
    caller: &Caller,
    org: &organisation::Model,
    page: Page,
) -> Result<Vec<user::Model>, DbErr> {
    tenancy::branch_rows::<Users>(caller)
        .filter(user::Column::Role.eq(Role::Trainee))
        .filter(reach::condition(org, user::Column::Id))
        .cursor_page(user::Column::Id, page)
        .all(db)
        .await
}

/// One person `org` reaches (404 otherwise).
pub(crate) async fn person(
    db: &impl ConnectionTrait,
    caller: &Caller,
    org: &organisation::Model,
    id: Uuid,
) -> Result<user::Model, ApiError> {
    tenancy::branch_rows::<Users>(caller)
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Role.eq(Role::Trainee))
        .filter(reach::condition(org, user::Column::Id))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The person's enrolments, if `org` still reaches them when this runs.
pub(crate) async fn enrolments(
    db: &impl ConnectionTrait,
    caller: &Caller,
    org: &organisation::Model,
    person_id: Uuid,
) -> Result<Vec<enrolment::Model>, DbErr> {
    tenancy::branch_rows::<Enrolments>(caller)
        .filter(enrolment::Column::UserId.eq(person_id))
        .filter(reach::condition(org, enrolment::Column::UserId))
        .order_by_asc(enrolment::Column::Id)
        .limit(MAX_ROWS)
        .all(db)
        .await
}

/// The person's certificates, if `org` still reaches them when this runs.
pub(crate) async fn certificates(
    db: &impl ConnectionTrait,
    caller: &Caller,
    org: &organisation::Model,
    person_id: Uuid,
) -> Result<Vec<certificate::Model>, DbErr> {
    tenancy::branch_rows::<Certificates>(caller)
        .filter(certificate::Column::UserId.eq(person_id))
        .filter(reach::condition(org, certificate::Column::UserId))
        .order_by_asc(certificate::Column::Id)
        .limit(MAX_ROWS)
        .all(db)
        .await
}

/// The person's practical assessments, if `org` still reaches them when this runs.
pub(crate) async fn practical(
    db: &impl ConnectionTrait,
    caller: &Caller,
    org: &organisation::Model,
    person_id: Uuid,
) -> Result<Vec<crate::practical::assessment_entity::Model>, DbErr> {
    use crate::practical::assessment_entity::{Column, Entity as Assessments};
    let query = tenancy::branch_rows::<Assessments>(caller).filter(reach::condition(org, Column::UserId));
    crate::practical::assessments::list(db, query, person_id, MAX_ROWS).await
}
