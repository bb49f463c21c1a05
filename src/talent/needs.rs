//! An organisation's needs: a skill (course), a country, how many, by when.
//! Posted and read by the organisation's representatives.

use super::need_entity::{self as need, Entity as Needs};
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::error::{ApiError, FieldCode, FieldError};
use crate::http::CursorPage;
use crate::http::page::Page;
use crate::orgs::entity as organisation;
use crate::state::AppState;
use crate::tenancy::Actor;
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

/// At most this many people in one need.
pub(crate) const MAX_HEADCOUNT: i32 = 10_000;

pub(crate) struct NeedInput<'a> {
    pub course_id: Uuid,
    pub country: &'a str,
    pub headcount: i32,
    pub needed_by: &'a str,
}

pub(crate) async fn post(
    state: &AppState,
    actor: &Actor,
    org: &organisation::Model,
    input: NeedInput<'_>,
) -> Result<need::Model, ApiError> {
    let mut errors = Vec::new();
    let country = input.country.trim().to_ascii_uppercase();
    if !crate::branches::countries::is_country(&country) {
        errors.push(FieldError::new("country", FieldCode::InvalidCountry));
    }
    if !(1..=MAX_HEADCOUNT).contains(&input.headcount) {
        errors.push(
            FieldError::new("headcount", FieldCode::OutOfRange)
                .arg("min", 1)
                .arg("max", MAX_HEADCOUNT),
        );
    }
    let needed_by = NaiveDate::parse_from_str(input.needed_by, "%Y-%m-%d").ok();
    if needed_by.is_none() {
        errors.push(FieldError::new("needed_by", FieldCode::InvalidDate));
    }
    if crate::courses::service::find_visible(&state.db, actor, input.course_id)
        .await
        .is_err()
    {
        errors.push(FieldError::new("course_id", FieldCode::CourseNotOffered));
    }
    let Some(needed_by) = needed_by.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let mut cmd = Command::begin(state, actor).await?;
    let row = need::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(org.id),
        branch_id: Set(actor.branch_id),
        course_id: Set(input.course_id),
        country: Set(country),
        headcount: Set(input.headcount),
        needed_by: Set(needed_by),
        created_by: Set(actor.user_id),
        created_at: Set(cmd.now()),
        closed_at: Set(None),
    }
    .insert(cmd.txn())
    .await?;
    cmd.audit(
        AuditEntry::new("talent.need", "talent_need", row.id)
            .branch(actor.branch_id)
            .details(json!({"organisation_id": org.id, "course_id": row.course_id, "country": row.country, "headcount": row.headcount})),
    );
    cmd.commit().await?;
    Ok(row)
}

/// The organisation's needs, a page at a time.
pub(crate) async fn of_organisation(db: &impl ConnectionTrait, org: &organisation::Model, page: Page) -> Result<Vec<need::Model>, DbErr> {
    Needs::find()
        .filter(need::Column::OrganisationId.eq(org.id))
        .cursor_page(need::Column::Id, page)
        .all(db)
        .await
}
