//! Organisations and membership. Headquarters creates organisations for a
//! branch or shared by every branch; a branch administrator creates and
//! edits those of their own branch. Everyone but an employer sees their
//! branch's organisations and the shared ones (trainees need them to give
//! consent); an employer sees only the one it represents.

use super::OrgError;
use super::entity::{self as organisation, Entity as Organisations, Kind};
use super::member_entity::{self as member, Entity as Members};
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::error::{FieldCode, FieldError};
use crate::state::AppState;
use crate::tenancy::{Actor, Caller, Role, Scope};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Select, Set};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Organisations `caller` may see.
pub(crate) fn visible(caller: &Caller) -> Select<Organisations> {
    let query = Organisations::find();
    if caller.role == Role::Employer {
        // Only the organisation it represents: a subquery on its membership.
        let own = sea_orm::sea_query::Query::select()
            .column(member::Column::OrganisationId)
            .from(Members)
            .and_where(member::Column::UserId.eq(caller.user_id))
            .to_owned();
        return query.filter(organisation::Column::Id.in_subquery(own));
    }
    query.filter(crate::tenancy::own_or_shared(caller, organisation::Column::BranchId))
}

pub(crate) async fn find_visible(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<organisation::Model, OrgError> {
    visible(caller)
        .filter(organisation::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(OrgError::NotFound)
}

/// The organisation an `employer` user represents (`None`: none assigned,
/// so it sees nobody).
pub(crate) async fn represented(db: &impl ConnectionTrait, caller: &Caller) -> Result<Option<organisation::Model>, DbErr> {
    if caller.role != Role::Employer {
        return Ok(None);
    }
    visible(caller).one(db).await
}

/// Organisations a user of `branch_id` may belong to or consent to: the
/// branch's own and the shared ones.
pub(crate) async fn usable_in_branch(db: &impl ConnectionTrait, branch_id: Uuid, id: Uuid) -> Result<Option<organisation::Model>, DbErr> {
    Organisations::find()
        .filter(organisation::Column::Id.eq(id))
        .filter(Scope::Branch(branch_id).condition_with_shared(organisation::Column::BranchId))
        .one(db)
        .await
}

/// A new organisation (the request body, checked here).
pub(crate) struct NewOrganisation<'a> {
    pub kind: Kind,
    pub name: &'a str,
    /// The owning branch; `None`: shared by every branch (headquarters only).
    pub branch_id: Option<Uuid>,
}

pub(crate) async fn create(state: &AppState, actor: &Actor, new: NewOrganisation<'_>) -> Result<organisation::Model, OrgError> {
    let mut errors = Vec::new();
    let name = crate::text::ORGANISATION_NAME.collect("name", new.name, &mut errors);
    if !actor.is_hq() && new.branch_id != Some(actor.branch_id) {
        // A branch administrator's organisations are its branch's.
        errors.push(FieldError::new("branch", FieldCode::UnknownBranch));
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(OrgError::Invalid(errors));
    };
    let mut cmd = Command::begin(state, actor).await?;
    let row = organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(new.branch_id),
        kind: Set(new.kind),
        name: Set(name),
        created_at: Set(cmd.now()),
        updated_at: Set(cmd.now()),
    }
    .insert(cmd.txn())
    .await?;
    let mut entry = AuditEntry::new("organisation.create", "organisation", row.id)
        .details(json!({"kind": row.kind, "shared": row.branch_id.is_none()}));
    if let Some(branch) = row.branch_id {
        entry = entry.branch(branch);
    }
    cmd.audit(entry);
    cmd.commit().await?;
    Ok(row)
}

/// Renames an organisation or changes its kind. Shared organisations are
/// headquarters' to change (403 for a branch administrator).
pub(crate) async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    name: Option<&str>,
    kind: Option<Kind>,
) -> Result<organisation::Model, crate::error::ApiError> {
    let row = find_visible(&state.db, actor, id).await?;
    if !actor.is_hq() && row.branch_id != Some(actor.branch_id) {
        return Err(crate::error::ApiError::forbidden());
    }
    let mut errors = Vec::new();
    let name = name.and_then(|n| crate::text::ORGANISATION_NAME.collect("name", n, &mut errors));
    if !errors.is_empty() {
        return Err(OrgError::Invalid(errors).into());
    }
    let mut cmd = Command::begin(state, actor).await.map_err(OrgError::from)?;
    let mut active: organisation::ActiveModel = row.clone().into();
    let mut details = serde_json::Map::new();
    if let Some(name) = name.filter(|n| *n != row.name) {
        details.insert("name".into(), json!({"from": row.name, "to": name}));
        active.name = Set(name);
    }
    if let Some(kind) = kind.filter(|k| *k != row.kind) {
        details.insert("kind".into(), json!({"from": row.kind, "to": kind}));
        active.kind = Set(kind);
    }
    active.updated_at = Set(cmd.now());
    let updated = active.update(cmd.txn()).await.map_err(OrgError::from)?;
    let mut entry = AuditEntry::new("organisation.update", "organisation", row.id).details(details.into());
    if let Some(branch) = row.branch_id {
        entry = entry.branch(branch);
    }
    cmd.audit(entry);
    cmd.commit().await.map_err(OrgError::from)?;
    Ok(updated)
}

/// The organisation of each of `user_ids` that has one.
pub(crate) async fn memberships(db: &impl ConnectionTrait, user_ids: &[Uuid]) -> Result<HashMap<Uuid, Uuid>, DbErr> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(Members::find()
        .filter(member::Column::UserId.is_in(user_ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.organisation_id))
        .collect())
}

/// Sets (or with `None` clears) the organisation of a user of `branch_id`,
/// inside the caller's transaction. The organisation must be the branch's
/// or shared; otherwise a field error on `field`. Answers the previous
/// organisation, for the audit entry.
pub(crate) async fn set_membership(
    db: &impl ConnectionTrait,
    field: &str,
    user_id: Uuid,
    branch_id: Uuid,
    organisation_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Result<Option<Uuid>, FieldError>, DbErr> {
    let previous = Members::find_by_id(user_id).one(db).await?;
    let previous_id = previous.as_ref().map(|m| m.organisation_id);
    if previous_id == organisation_id {
        return Ok(Ok(previous_id));
    }
    if let Some(org) = organisation_id
        && usable_in_branch(db, branch_id, org).await?.is_none()
    {
        return Ok(Err(FieldError::new(field, FieldCode::UnknownOrganisation)));
    }
    if previous.is_some() {
        Members::delete_by_id(user_id).exec(db).await?;
    }
    if let Some(org) = organisation_id {
        member::ActiveModel {
            user_id: Set(user_id),
            organisation_id: Set(org),
            branch_id: Set(branch_id),
            since: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(Ok(previous_id))
}

/// How an import cell names an organisation: its id, or its name ignoring
/// case (the same folding on both sides).
pub(crate) fn lookup_key(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The organisations a branch's users may belong to, by id and by name
/// (see [`lookup_key`]); where a branch's own and a shared one share a
/// name, the branch's own wins.
pub(crate) async fn lookup_for_branch(db: &impl ConnectionTrait, branch_id: Uuid) -> Result<HashMap<String, Uuid>, DbErr> {
    let mut rows = Organisations::find()
        .filter(Scope::Branch(branch_id).condition_with_shared(organisation::Column::BranchId))
        .all(db)
        .await?;
    // Shared ones first, so that the branch's own overwrite them.
    rows.sort_by_key(|r| r.branch_id.is_some());
    let mut map = HashMap::new();
    for row in rows {
        map.insert(lookup_key(&row.id.to_string()), row.id);
        map.insert(lookup_key(&row.name), row.id);
    }
    Ok(map)
}

/// Sets the organisation of many users of `branch_id` at once (organisations
/// already checked by the caller): their previous ones are replaced.
pub(crate) async fn replace_memberships(
    db: &impl ConnectionTrait,
    branch_id: Uuid,
    pairs: &[(Uuid, Uuid)],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if pairs.is_empty() {
        return Ok(());
    }
    Members::delete_many()
        .filter(member::Column::UserId.is_in(pairs.iter().map(|(u, _)| *u)))
        .exec(db)
        .await?;
    Members::insert_many(pairs.iter().map(|(user_id, organisation_id)| member::ActiveModel {
        user_id: Set(*user_id),
        organisation_id: Set(*organisation_id),
        branch_id: Set(branch_id),
        since: Set(now),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}
