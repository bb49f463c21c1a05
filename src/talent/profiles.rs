//! A trainee's own profile, and employers' search of published ones.

use super::profile_entity::{self as profile, Entity as Profiles};
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::error::{ApiError, FieldCode, FieldError};
use crate::http::CursorPage;
use crate::http::page::Page;
use crate::orgs::entity as organisation;
use crate::state::AppState;
use crate::tenancy::{self, Actor, Caller, Role};
use crate::users::entity::{self as user, Entity as Users};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// At most this many languages on a profile.
pub(crate) const MAX_LANGUAGES: usize = 10;

/// A profile as sent.
pub(crate) struct ProfileInput<'a> {
    pub published: bool,
    pub country: &'a str,
    pub languages: &'a [String],
    pub available_from: Option<&'a str>,
}

/// A BCP 47 language tag of the simple kind people list: `th`, `en`,
/// `zh-Hans`, `pt-BR` (letters and digits, 2-8 per subtag, at most 3).
fn language_tag(tag: &str) -> bool {
    let parts: Vec<&str> = tag.split('-').collect();
    parts.len() <= 3
        && parts[0].len() >= 2
        && parts[0].len() <= 3
        && parts[0].bytes().all(|b| b.is_ascii_alphabetic())
        && parts[1..]
            .iter()
            .all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

pub(crate) async fn mine(db: &impl ConnectionTrait, caller: &Caller) -> Result<Option<profile::Model>, DbErr> {
    Profiles::find_by_id(caller.user_id).one(db).await
}

/// Saves the trainee's profile (audited: publishing is a consent).
pub(crate) async fn save(state: &AppState, actor: &Actor, input: ProfileInput<'_>) -> Result<profile::Model, ApiError> {
    let mut errors = Vec::new();
    let country = input.country.trim().to_ascii_uppercase();
    if !crate::branches::countries::is_country(&country) {
        errors.push(FieldError::new("country", FieldCode::InvalidCountry));
    }
    if input.languages.len() > MAX_LANGUAGES {
        errors.push(FieldError::new("languages", FieldCode::TooManyItems).arg("max", MAX_LANGUAGES));
    }
    let mut languages: Vec<String> = Vec::new();
    for (i, tag) in input.languages.iter().enumerate() {
        if language_tag(tag) {
            if !languages.iter().any(|l| l.eq_ignore_ascii_case(tag)) {
                languages.push(tag.clone());
            }
        } else {
            errors.push(FieldError::new(format!("languages[{i}]"), FieldCode::InvalidValue));
        }
    }
    let available_from = match input.available_from {
        None | Some("") => None,
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new("available_from", FieldCode::InvalidDate));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let mut cmd = Command::begin(state, actor).await?;
    let previous = Profiles::find_by_id(actor.user_id).one(cmd.txn()).await?;
    let was_published = previous.as_ref().is_some_and(|p| p.published);
    let row = profile::ActiveModel {
        user_id: Set(actor.user_id),
        branch_id: Set(actor.branch_id),
        published: Set(input.published),
        country: Set(country),
        languages: Set(json!(languages).to_string()),
        available_from: Set(available_from),
        updated_at: Set(cmd.now()),
    };
    let row = match previous {
        Some(_) => row.update(cmd.txn()).await?,
        None => row.insert(cmd.txn()).await?,
    };
    let action = match (was_published, row.published) {
        (false, true) => "talent.publish",
        (true, false) => "talent.unpublish",
        _ => "talent.update",
    };
    cmd.audit(
        AuditEntry::new(action, "talent_profile", row.user_id)
            .branch(row.branch_id)
            .details(json!({"published": row.published, "country": row.country})),
    );
    cmd.commit().await?;
    Ok(row)
}

/// What an employer searches for.
pub(crate) struct Search {
    pub course_id: Option<Uuid>,
    pub country: Option<String>,
}

/// Trainees of the caller's branch with a published profile matching
/// `search` (and for a course, a valid certificate of it), a page at a
/// time, each with their profile. Publication is a condition of the query
/// itself, and the profiles are read again as published.
pub(crate) async fn search(
    db: &impl ConnectionTrait,
    caller: &Caller,
    _org: &organisation::Model,
    search: &Search,
    page: Page,
    now: DateTime<Utc>,
) -> Result<Vec<(user::Model, profile::Model)>, DbErr> {
    let mut published = Query::select()
        .column(profile::Column::UserId)
        .from(Profiles)
        .and_where(profile::Column::Published.eq(true))
        .to_owned();
    if let Some(country) = &search.country {
        published.and_where(profile::Column::Country.eq(country.to_ascii_uppercase()));
    }
    let mut query = tenancy::branch_rows::<Users>(caller)
        .filter(user::Column::Role.eq(Role::Trainee))
        .filter(user::Column::Id.in_subquery(published));
    if let Some(course) = search.course_id {
        query = query.filter(user::Column::Id.in_subquery(super::skills::holders(course, now)));
    }
    let users = query.cursor_page(user::Column::Id, page).all(db).await?;
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let profiles: HashMap<Uuid, profile::Model> = Profiles::find()
        .filter(profile::Column::UserId.is_in(ids))
        .filter(profile::Column::Published.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    Ok(users
        .into_iter()
        .filter_map(|u| profiles.get(&u.id).cloned().map(|p| (u, p)))
        .collect())
}
