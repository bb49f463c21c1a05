//! What a signed-in caller does with user accounts: listing and creating
//! them in a branch, reading and changing their own profile. Each write is one `Command`
//! (transaction, audit entry, session announcements).

use super::UserError;
use super::entity::{self as user, Entity as Users};
use super::password;
use super::service::{self, INVITED, validate_new};
use super::throttle;
use crate::audit::AuditEntry;
use crate::branches::entity as branch;
use crate::cluster::Event;
use crate::command::Command;
use crate::error::{FieldCode, FieldError};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{self, Actor, Caller, Role};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr};

/// A new user as sent (checked by `create`).
pub(crate) struct NewUserInput<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub locale: &'a str,
    pub password: Option<&'a str>,
    /// The organisation the user belongs to (a trainee's employer or school)
    /// or represents (an `employer`, for whom it is required).
    pub organisation_id: Option<uuid::Uuid>,
}

/// Roles a branch administrator may give: the branch's trainees, the
/// representatives of its organisations and its assessors.
pub(crate) fn branch_admin_may_manage(role: Role) -> bool {
    matches!(role, Role::Trainee | Role::Employer | Role::Assessor)
}

/// Creates a user in `branch` (one the actor may see). Headquarters creates
/// anyone; a branch administrator creates trainees, employers and assessors.
pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    branch: &branch::Model,
    input: NewUserInput<'_>,
) -> Result<user::Model, UserError> {
    if actor.role == Role::BranchAdmin && !Role::parse(input.role).is_some_and(branch_admin_may_manage) {
        return Err(UserError::RoleNotAllowed);
    }
    let mut new = validate_new(input.email, input.display_name, input.role, input.locale, input.password);
    if input.role == Role::Employer.as_str() && input.organisation_id.is_none() {
        let missing = FieldError::new("organisation_id", FieldCode::Required);
        match &mut new {
            Ok(_) => new = Err(vec![missing]),
            Err(errors) => errors.push(missing),
        }
    }
    let new = new.map_err(UserError::Invalid)?;
    let mut cmd = Command::begin(state, actor).await?;
    let row = service::insert(state, cmd.txn(), branch, new, cmd.now()).await?;
    if let Some(org) = input.organisation_id {
        crate::orgs::service::set_membership(cmd.txn(), "organisation_id", row.id, branch.id, Some(org), cmd.now())
            .await?
            .map_err(|e| UserError::Invalid(vec![e]))?;
    }
    cmd.audit(
        AuditEntry::new("user.create", "user", row.id)
            .branch(branch.id)
            .details(json!({"role": row.role, "invited": row.status == INVITED, "organisation_id": input.organisation_id})),
    );
    cmd.commit().await?;
    Ok(row)
}

/// The signed-in user's own row (gone: answered as signed out).
pub(crate) async fn find_me(db: &impl ConnectionTrait, caller: &Caller) -> Result<user::Model, UserError> {
    tenancy::find_visible::<Users>(db, caller, caller.user_id)
        .await?
        .ok_or(UserError::SignedOut)
}

/// Changes to one's own profile (the request body); absent fields stay.
#[derive(Default)]
pub(crate) struct ProfileChanges<'a> {
    pub locale: Option<&'a str>,
    pub display_name: Option<&'a str>,
    /// A new password; needs `current_password`.
    pub password: Option<&'a str>,
    pub current_password: Option<&'a str>,
}

/// Updates the actor's own profile. A new password needs the current one
/// (guessing it is throttled like a login) and ends every session.
pub(crate) async fn update_me(state: &AppState, actor: &Actor, changes: ProfileChanges<'_>) -> Result<user::Model, UserError> {
    let row = find_me(&state.db, actor).await?;
    let mut errors = Vec::new();
    let mut active: user::ActiveModel = row.clone().into();
    let mut locale_changed = false;
    if let Some(locale) = changes.locale {
        match Locale::from_canonical(locale) {
            Some(l) => {
                locale_changed = l.as_str() != row.locale;
                active.locale = Set(l.as_str().to_string());
            }
            None => errors.push(FieldError::new("locale", FieldCode::UnknownLocale)),
        }
    }
    if let Some(name) = changes.display_name
        && let Some(name) = crate::text::PERSON_NAME.collect("display_name", name, &mut errors)
    {
        active.search_key = Set(Some(crate::text::search::user_key(&name, &row.email)));
        active.display_name = Set(name);
    }
    let mut password_changed = false;
    if let Some(new_password) = changes.password {
        let rules = password::check_rules("password", new_password);
        if !rules.is_empty() {
            errors.extend(rules);
        } else if check_current(state, actor, &row, changes.current_password.unwrap_or_default()).await? {
            let hash = password::hash_async(new_password.to_string()).await.ok_or(UserError::Hashing)?;
            active.password_hash = Set(Some(hash));
            password_changed = true;
        } else {
            errors.push(FieldError::new("current_password", FieldCode::WrongPassword));
        }
    }
    if !errors.is_empty() {
        return Err(UserError::Invalid(errors));
    }
    let mut cmd = Command::begin(state, actor).await?;
    active.updated_at = Set(cmd.now());
    let updated = active.update(cmd.txn()).await?;
    if locale_changed {
        // Answers follow the saved locale from the next request on, on every
        // node (it is read with the session standing, see `auth::sessions`).
        cmd.announce(Event::User(updated.id));
        cmd.audit(
            AuditEntry::new("user.locale_change", "user", updated.id)
                .branch(actor.branch_id)
                .details(json!({"from": row.locale, "to": updated.locale})),
        );
    }
    if password_changed {
        // Every session ends, this one too: the client signs in again.
        service::end_sessions_in(&mut cmd, updated.id).await?;
        cmd.audit(AuditEntry::new("user.password_change", "user", updated.id).branch(actor.branch_id));
    }
    cmd.commit().await?;
    Ok(updated)
}

/// Whether `given` is the user's current password. Guessing it is guessing
/// a login: the same throttle counts it.
async fn check_current(state: &AppState, actor: &Actor, row: &user::Model, given: &str) -> Result<bool, UserError> {
    let account = throttle::account(&actor.branch_code, &row.email);
    let attempt = throttle::begin(state, &account, client_of(actor)).await?;
    let stored = row.password_hash.clone().unwrap_or_default();
    let ok = password::verify_async(given.to_string(), stored).await;
    if ok {
        throttle::succeeded(state, &attempt).await?;
    } else {
        throttle::failed(state, &attempt).await?;
    }
    Ok(ok)
}

/// The client address the request came from (derived, see `http::client_address`).
pub(super) fn client_of(actor: &Actor) -> IpAddr {
    actor
        .origin
        .address
        .as_deref()
        .and_then(|a| a.parse().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}
