//! What administrators do with one user account: read it, correct it
//! (display name, email, locale, role), deactivate and reactivate it, and
//! find users of a branch. Each write is one `Command` with one audit entry
//! naming the changed fields (never a password).
//!
//! Who may do what:
//! - headquarters administrators manage every user; only they change roles,
//!   and never across the HQ/branch line (an HQ administrator stays one, a
//!   branch user never becomes one);
//! - a branch administrator sees the users of their branch and manages its
//!   trainees and their own account; users of other branches (HQ included)
//!   are answered as missing (404);
//! - nobody deactivates themselves.

use super::UserError;
use super::entity::{self as user, Entity as Users};
use super::invitation_entity::{self as invitation, Entity as Invitations};
use super::service::{self, ACTIVE, DEACTIVATED, INVITED, normalize_email};
use crate::audit::AuditEntry;
use crate::branches::entity::{self as branch, Entity as Branches};
use crate::cluster::Event;
use crate::command::Command;
use crate::error::{FieldCode, FieldError, is_unique_violation};
use crate::http::CursorPage;
use crate::http::page::Page;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{self, Actor, Caller, Role};
use crate::text::{self, EmailAddress, search};
use sea_orm::ActiveEnum;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// A user the caller may see, with their branch (for the DTO).
pub(crate) async fn find(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<(user::Model, branch::Model), UserError> {
    let row = tenancy::find_visible::<Users>(db, caller, id).await?.ok_or(UserError::NotFound)?;
    let branch = Branches::find_by_id(row.branch_id).one(db).await?.ok_or(UserError::NotFound)?;
    Ok((row, branch))
}

/// A user the actor may change: visible, and for a branch administrator a
/// trainee or themselves.
async fn find_manageable(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<(user::Model, branch::Model), UserError> {
    let (row, branch) = find(db, actor, id).await?;
    if actor.role == Role::BranchAdmin && !super::commands::branch_admin_may_manage(row.role) && row.id != actor.user_id {
        return Err(UserError::RoleNotAllowed);
    }
    Ok((row, branch))
}

/// Changes to a user (the request body); absent fields stay.
#[derive(Default)]
pub(crate) struct UserChanges<'a> {
    pub display_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub role: Option<&'a str>,
    /// `Some(None)` clears the user's organisation.
    pub organisation_id: Option<Option<Uuid>>,
}

/// Records `field` changing from `from` to `to` in the audit details.
fn changed(details: &mut Map<String, Value>, field: &str, from: &str, to: &str) {
    details.insert(field.to_string(), json!({"from": from, "to": to}));
}

/// Applies `changes` to user `id`. A new email must be free in the branch
/// (compared normalized); an invited user's pending invitation then goes
/// to the new address instead. A role change ends the user's access tokens
/// (they carry the role): the next refresh carries the new one.
pub(crate) async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    changes: UserChanges<'_>,
) -> Result<(user::Model, branch::Model), UserError> {
    let (row, branch) = find_manageable(&state.db, actor, id).await?;
    if changes.role.is_some() && !actor.is_hq() {
        return Err(UserError::RoleChangeNotAllowed);
    }
    let mut errors = Vec::new();
    let name = changes
        .display_name
        .and_then(|n| text::PERSON_NAME.collect("display_name", n, &mut errors));
    let email = changes
        .email
        .and_then(|e| EmailAddress::parse("email", e).map_err(|err| errors.push(err)).ok());
    let locale = changes.locale.and_then(|l| {
        let parsed = Locale::from_canonical(l);
        if parsed.is_none() {
            errors.push(FieldError::new("locale", FieldCode::UnknownLocale));
        }
        parsed
    });
    let role = changes.role.and_then(|r| {
        let parsed = Role::parse(r);
        match parsed {
            None => errors.push(FieldError::new("role", FieldCode::InvalidChoice)),
            Some(new) if (new == Role::HqAdmin) != (row.role == Role::HqAdmin) => {
                errors.push(FieldError::new("role", FieldCode::RoleCrossesHq));
            }
            Some(_) => {}
        }
        parsed
    });
    if !errors.is_empty() {
        return Err(UserError::Invalid(errors));
    }

    let mut details = Map::new();
    let mut active: user::ActiveModel = row.clone().into();
    let mut new_name = row.display_name.clone();
    let mut new_email = row.email.clone();
    if let Some(name) = name.filter(|n| *n != row.display_name) {
        changed(&mut details, "display_name", &row.display_name, &name);
        active.display_name = Set(name.clone());
        new_name = name;
    }
    let mut email_changed = false;
    if let Some(email) = email.filter(|e| e.as_str() != row.email) {
        let key = email.key();
        if key != row.email_normalized
            && let Some(other) = service::find_in_branch(&state.db, row.branch_id, email.as_str()).await?
            && other.id != row.id
        {
            return Err(UserError::EmailTaken);
        }
        changed(&mut details, "email", &row.email, email.as_str());
        active.email = Set(email.as_str().to_string());
        active.email_normalized = Set(normalize_email(email.as_str()));
        email_changed = key != row.email_normalized;
        new_email = email.as_str().to_string();
    }
    if let Some(locale) = locale.filter(|l| l.as_str() != row.locale) {
        changed(&mut details, "locale", &row.locale, locale.as_str());
        active.locale = Set(locale.as_str().to_string());
    }
    let mut role_changed = false;
    if let Some(role) = role.filter(|r| *r != row.role) {
        changed(&mut details, "role", row.role.as_str(), role.as_str());
        active.role = Set(role);
        role_changed = true;
    }
    let mut cmd = Command::begin(state, actor).await?;
    if let Some(organisation) = changes.organisation_id {
        let previous = crate::orgs::service::set_membership(cmd.txn(), "organisation_id", row.id, row.branch_id, organisation, cmd.now())
            .await?
            .map_err(|e| UserError::Invalid(vec![e]))?;
        if previous != organisation {
            details.insert("organisation_id".to_string(), json!({"from": previous, "to": organisation}));
        }
    }
    if details.is_empty() {
        return Ok((row, branch));
    }
    active.search_key = Set(Some(search::user_key(&new_name, &new_email)));
    active.updated_at = Set(cmd.now());
    let updated = active
        .update(cmd.txn())
        .await
        .map_err(|e| if is_unique_violation(&e) { UserError::EmailTaken } else { e.into() })?;
    let mut resent = false;
    if email_changed && updated.status == INVITED {
        // The pending link went to the old address: it stops working, and a
        // new one goes to the corrected address.
        Invitations::delete_many()
            .filter(invitation::Column::UserId.eq(updated.id))
            .filter(invitation::Column::UsedAt.is_null())
            .exec(cmd.txn())
            .await?;
        service::invite(state, cmd.txn(), &branch, &updated, cmd.now()).await?;
        resent = true;
    }
    if role_changed {
        service::end_access_tokens_in(&mut cmd, updated.id).await?;
    }
    // The locale and name are read per request from the cached standing:
    // every node forgets it, so the next request already uses the change.
    cmd.announce(Event::User(updated.id));
    cmd.audit(
        AuditEntry::new("user.update", "user", updated.id)
            .branch(updated.branch_id)
            .details(json!({"changed": Value::Object(details), "invitation_resent": resent})),
    );
    cmd.commit().await?;
    let updated = Users::find_by_id(updated.id).one(&state.db).await?.ok_or(UserError::NotFound)?;
    Ok((updated, branch))
}

/// Deactivates user `id`: they can no longer sign in, and every session
/// they hold ends at once on every node (refresh tokens revoked, access
/// tokens cut off). Deactivating a deactivated user changes nothing.
pub(crate) async fn deactivate(state: &AppState, actor: &Actor, id: Uuid) -> Result<(user::Model, branch::Model), UserError> {
    let (row, branch) = find_manageable(&state.db, actor, id).await?;
    if row.id == actor.user_id {
        return Err(UserError::CannotDeactivateSelf);
    }
    if row.status == DEACTIVATED {
        return Ok((row, branch));
    }
    let mut cmd = Command::begin(state, actor).await?;
    let mut active: user::ActiveModel = row.clone().into();
    active.status = Set(DEACTIVATED);
    active.updated_at = Set(cmd.now());
    active.update(cmd.txn()).await?;
    service::end_sessions_in(&mut cmd, row.id).await?;
    cmd.audit(
        AuditEntry::new("user.deactivate", "user", row.id)
            .branch(row.branch_id)
            .details(json!({"changed": {"status": {"from": row.status, "to": DEACTIVATED}}})),
    );
    cmd.commit().await?;
    let updated = Users::find_by_id(row.id).one(&state.db).await?.ok_or(UserError::NotFound)?;
    Ok((updated, branch))
}

/// Reactivates user `id`: `active` again if they have a password, else
/// `invited`. Sessions ended by the deactivation stay ended; the user signs
/// in anew. Reactivating a user who is not deactivated changes nothing.
pub(crate) async fn reactivate(state: &AppState, actor: &Actor, id: Uuid) -> Result<(user::Model, branch::Model), UserError> {
    let (row, branch) = find_manageable(&state.db, actor, id).await?;
    if row.status != DEACTIVATED {
        return Ok((row, branch));
    }
    let status = if row.password_hash.is_some() { ACTIVE } else { INVITED };
    let mut cmd = Command::begin(state, actor).await?;
    let mut active: user::ActiveModel = row.clone().into();
    active.status = Set(status);
    active.updated_at = Set(cmd.now());
    let updated = active.update(cmd.txn()).await?;
    cmd.announce(Event::User(row.id));
    cmd.audit(
        AuditEntry::new("user.reactivate", "user", row.id)
            .branch(row.branch_id)
            .details(json!({"changed": {"status": {"from": DEACTIVATED, "to": status}}})),
    );
    cmd.commit().await?;
    Ok((updated, branch))
}

/// How a branch's user list is narrowed (query parameters, unchecked).
#[derive(Default)]
pub(crate) struct UserQuery<'a> {
    /// Found in the display name or email, ignoring case and accents.
    pub q: Option<&'a str>,
    pub role: Option<&'a str>,
    pub status: Option<&'a str>,
}

/// One page of a branch's users the caller may see, narrowed by `query`
/// (up to `limit + 1` rows: see `List::from_rows`). Bad filter values are
/// field errors (`invalid_choice`, `invalid_characters`, `too_long`).
pub(crate) async fn search(
    db: &impl ConnectionTrait,
    caller: &Caller,
    branch_id: Uuid,
    query: UserQuery<'_>,
    page: Page,
) -> Result<Vec<user::Model>, UserError> {
    let mut errors = Vec::new();
    let role = query.role.and_then(|r| {
        let parsed = Role::parse(r);
        if parsed.is_none() {
            errors.push(FieldError::new("role", FieldCode::InvalidChoice));
        }
        parsed
    });
    let status = query.status.and_then(|s| {
        let found = user::Status::try_from_value(&s.to_string()).ok();
        if found.is_none() {
            errors.push(FieldError::new("status", FieldCode::InvalidChoice));
        }
        found
    });
    let pattern = query.q.and_then(|q| match text::check_lookup("q", q, search::QUERY_MAX) {
        Ok(()) => Some(search::like_pattern(q)).filter(|p| p != "%%"),
        Err(e) => {
            errors.push(e);
            None
        }
    });
    if !errors.is_empty() {
        return Err(UserError::Invalid(errors));
    }
    let mut select = tenancy::visible::<Users>(caller).filter(user::Column::BranchId.eq(branch_id));
    if let Some(role) = role {
        select = select.filter(user::Column::Role.eq(role.as_str()));
    }
    if let Some(status) = status {
        select = select.filter(user::Column::Status.eq(status));
    }
    if let Some(pattern) = pattern {
        select = select.filter(Expr::col((Users, user::Column::SearchKey)).like(LikeExpr::new(pattern).escape('\\')));
    }
    Ok(select.cursor_page(user::Column::Id, page).all(db).await?)
}

/// Fills `search_key` for users that have none (rows written before the
/// column existed). Run at start-up after the migrations; idempotent.
pub(crate) async fn backfill_search_keys(db: &impl ConnectionTrait) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    let mut filled = 0;
    loop {
        let rows: Vec<(Uuid, String, String)> = Users::find()
            .select_only()
            .columns([user::Column::Id, user::Column::DisplayName, user::Column::Email])
            .filter(user::Column::SearchKey.is_null())
            .order_by_asc(user::Column::Id)
            .limit(500)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for (id, name, email) in rows {
            Users::update_many()
                .col_expr(user::Column::SearchKey, Expr::value(search::user_key(&name, &email)))
                .filter(user::Column::Id.eq(id))
                .exec(db)
                .await?;
            filled += 1;
        }
    }
}
