//! User rules: creation (with a password or an invitation), email
//! normalisation, the first headquarters administrator.

use super::UserError;
use super::entity::{self as user, Entity as Users};
use super::invitation_entity as invitation;
use super::password;
use crate::audit::{AuditEntry, Author};
use crate::branches::entity as branch;
use crate::branches::service::{self as branches, HQ, NewBranch};
use crate::cluster::{self, Announced, Event};
use crate::command::Command;
use crate::crypto::{random_token, token_hash};
use crate::error::FieldCode;
use crate::error::{FieldError, is_unique_violation};
use crate::i18n::{self, Locale};
use crate::notifications::{Email, enqueue};
use crate::state::AppState;
use crate::tenancy::Role;
use crate::text::{self, EmailAddress};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

pub(crate) const ACTIVE: user::Status = user::Status::Active;
pub(crate) const INVITED: user::Status = user::Status::Invited;
/// Deactivated by an administrator: cannot sign in, sessions ended.
pub(crate) const DEACTIVATED: user::Status = user::Status::Deactivated;
pub const INVITATION_DAYS: i64 = 7;

/// Emails are unique per branch, compared on their NFKC, lower-cased form
/// (see `crate::text::email`).
pub fn normalize_email(email: &str) -> String {
    text::email::key_of(email)
}

pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub password: Option<String>,
}

/// Checks raw input, collecting every field error; `field_prefix` names the
/// fields in messages (empty for a JSON body, `row` columns for CSV).
pub fn validate_new(email: &str, display_name: &str, role: &str, locale: &str, password: Option<&str>) -> Result<NewUser, Vec<FieldError>> {
    let mut errors = Vec::new();
    let email = EmailAddress::parse("email", email).map_err(|e| errors.push(e)).ok();
    let name = text::PERSON_NAME.collect("display_name", display_name, &mut errors);
    let role = Role::parse(role);
    if role.is_none() {
        errors.push(FieldError::new("role", FieldCode::InvalidChoice));
    }
    let locale_value = Locale::from_canonical(locale);
    if locale_value.is_none() {
        errors.push(FieldError::new("locale", FieldCode::UnknownLocale));
    }
    if let Some(p) = password {
        errors.extend(password::check_rules("password", p));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(email), Some(display_name)) = (email, name) else {
        return Err(errors);
    };
    Ok(NewUser {
        email: email.as_str().to_string(),
        display_name,
        role: role.unwrap_or(Role::Trainee),
        locale: locale_value.unwrap_or(Locale::En),
        password: password.map(str::to_string),
    })
}

/// Inserts a user in `branch`. Without a password the user is `invited`: an
/// invitation token is stored (hashed) and its email queued, in the same
/// transaction.
pub async fn insert(
    state: &AppState,
    db: &impl ConnectionTrait,
    branch: &branch::Model,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<user::Model, UserError> {
    if new.role == Role::HqAdmin && branch.code != HQ {
        return Err(UserError::Invalid(vec![FieldError::new("role", FieldCode::RoleNotInBranch)]));
    }
    // Hashing is slow by design: do it off the async workers.
    let hash = match new.password.clone() {
        Some(p) => Some(password::hash_async(p).await.ok_or(UserError::Hashing)?),
        None => None,
    };
    let invited = hash.is_none();
    let row = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(branch.id),
        email: Set(new.email.clone()),
        email_normalized: Set(normalize_email(&new.email)),
        display_name: Set(new.display_name.clone()),
        role: Set(new.role),
        locale: Set(new.locale.as_str().to_string()),
        password_hash: Set(hash),
        status: Set(if invited { INVITED } else { ACTIVE }),
        tokens_valid_after: Set(None),
        search_key: Set(Some(text::search::user_key(&new.display_name, &new.email))),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| if is_unique_violation(&e) { UserError::EmailTaken } else { e.into() })?;
    if invited {
        invite(state, db, branch, &row, now).await?;
    }
    Ok(row)
}

/// Stores a new one-time invitation and queues its email.
pub async fn invite(
    state: &AppState,
    db: &impl ConnectionTrait,
    branch: &branch::Model,
    row: &user::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (invitation, email) = invitation_parts(state, branch, row, now);
    invitation.insert(db).await?;
    enqueue(db, email, now).await?;
    state.metrics.outbox.queued.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// A new invitation (its token stored only as a hash) and the email that
/// carries the token (sealed with the master key), for `invite` and for bulk imports.
pub fn invitation_parts(
    state: &AppState,
    branch: &branch::Model,
    row: &user::Model,
    now: DateTime<Utc>,
) -> (invitation::ActiveModel, Email) {
    let token = random_token();
    let expires_at = now + Duration::days(INVITATION_DAYS);
    let invitation = invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(row.id),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
    };
    // The reader's date, time and calendar, in the branch's time zone.
    let tz: chrono_tz::Tz = branch.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let locale = Locale::from_canonical(&row.locale).unwrap_or(Locale::En);
    let expires = Value::String(crate::i18n::format_date_time(expires_at, tz, locale));
    let email = link_email(state, branch, row, "invitation", "accept-invite", &token, [("expires", expires)]);
    (invitation, email)
}

/// An email to `row` in their language that carries a one-time link to
/// `{PUBLIC_URL}/{page}?token=…`, with their name, the branch's name and
/// `extra` as message arguments. The link is sealed in the outbox row and
/// opened only by the worker when it sends (then erased), so the queue
/// never holds a usable token.
pub(crate) fn link_email<const N: usize>(
    state: &AppState,
    branch: &branch::Model,
    row: &user::Model,
    template: &'static str,
    page: &str,
    token: &str,
    extra: [(&str, Value); N],
) -> Email {
    let locale = Locale::from_canonical(&row.locale).unwrap_or(Locale::En);
    let mut args = Map::new();
    args.insert("name".into(), Value::String(row.display_name.clone()));
    args.insert("branch".into(), Value::String(branch_name(branch, locale)));
    for (name, value) in extra {
        args.insert(name.into(), value);
    }
    let mut secrets = Map::new();
    secrets.insert(
        "link".into(),
        Value::String(format!("{}/{page}?token={token}", state.config.public_url)),
    );
    crate::notifications::outbox::seal_secrets(state.keys.master(), &row.email, &mut args, secrets);
    Email {
        branch_id: Some(branch.id),
        recipient: row.email.clone(),
        recipient_name: Some(row.display_name.clone()),
        locale,
        template,
        args,
        dedup_key: None,
    }
}

/// The branch's name in `locale` (or the nearest language it has), for emails.
pub fn branch_name(branch: &branch::Model, locale: Locale) -> String {
    let names = branches::parse_names(&branch.names);
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    i18n::pick_locale(&i18n::fallback_chain(locale, default), |l| names.contains_key(&l))
        .and_then(|l| names.get(&l).cloned())
        .unwrap_or_else(|| branch.code.clone())
}

/// Ends every access token of the user issued until the command's time, on
/// every node once the command commits; the user's refresh tokens stay
/// (logout: other devices refresh and carry on).
pub async fn end_access_tokens_in(cmd: &mut Command<'_>, user_id: Uuid) -> Result<(), DbErr> {
    cut_off_access_tokens(cmd.txn(), user_id, cmd.now()).await?;
    cmd.announce(Event::User(user_id));
    Ok(())
}

/// Ends all the user's sessions (access tokens issued until the command's
/// time and every refresh token), on every node once the command commits.
/// For a password change, and for whatever deactivates or deletes a user.
/// Password-reset links not used yet stop working as well.
pub async fn end_sessions_in(cmd: &mut Command<'_>, user_id: Uuid) -> Result<(), DbErr> {
    super::refresh::revoke_all_for_user(cmd.txn(), user_id, cmd.now()).await?;
    super::recovery::spend_all_resets(cmd.txn(), user_id, cmd.now()).await?;
    end_access_tokens_in(cmd, user_id).await
}

/// Refuses the user's access tokens issued until `now`.
async fn cut_off_access_tokens(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    let cutoff = crate::signing::cutoff_after(now);
    // Never moves back (a node whose clock is behind).
    Users::update_many()
        .col_expr(user::Column::TokensValidAfter, Expr::value(cutoff))
        .filter(user::Column::Id.eq(user_id))
        .filter(
            Condition::any()
                .add(user::Column::TokensValidAfter.is_null())
                .add(user::Column::TokensValidAfter.lt(cutoff)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// `end_sessions_in` for a caller holding a bare transaction: call it inside
/// the write's transaction, then `apply` the result after the commit:
///
/// ```ignore
/// let ended = users::service::end_sessions(&txn, user_id, now).await?;
/// txn.commit().await?;
/// ended.apply(&state);
/// ```
pub async fn end_sessions(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<Announced, DbErr> {
    super::refresh::revoke_all_for_user(db, user_id, now).await?;
    super::recovery::spend_all_resets(db, user_id, now).await?;
    cut_off_access_tokens(db, user_id, now).await?;
    cluster::announce(db, Event::User(user_id)).await
}

pub async fn find_in_branch(db: &impl ConnectionTrait, branch_id: Uuid, email: &str) -> Result<Option<user::Model>, DbErr> {
    Users::find()
        .filter(user::Column::BranchId.eq(branch_id))
        .filter(user::Column::EmailNormalized.eq(normalize_email(email)))
        .one(db)
        .await
}

/// Creates the HQ branch if needed and an hq_admin with this email and
/// password. Running it again with the same email changes nothing.
pub async fn create_hq_admin(state: &AppState, email: &str, password: &str) -> Result<user::Model, String> {
    let describe = |errors: Vec<FieldError>| {
        errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message(Locale::En)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let new = validate_new(email, "Headquarters administrator", Role::HqAdmin.as_str(), "en", Some(password)).map_err(describe)?;
    let bootstrap = Author {
        email: Some("bootstrap".into()),
        ..Author::default()
    };
    let mut cmd = Command::begin_as(state, bootstrap).await.map_err(|e| e.to_string())?;
    let hq = match branches::find_by_code(cmd.txn(), HQ).await.map_err(|e| e.to_string())? {
        Some(hq) => hq,
        None => {
            let names = BTreeMap::from([(Locale::ZhCn, "总部".to_string()), (Locale::En, "Headquarters".to_string())]);
            let new_branch = NewBranch {
                code: HQ.into(),
                country: "CN".into(),
                default_locale: Locale::ZhCn,
                time_zone: "Asia/Shanghai".into(),
                names,
            };
            let row = branches::insert(state, cmd.txn(), new_branch, cmd.now())
                .await
                .map_err(|e| e.to_string())?;
            cmd.audit(AuditEntry::new("branch.create", "branch", HQ).branch(row.id));
            row
        }
    };
    if let Some(existing) = find_in_branch(cmd.txn(), hq.id, email).await.map_err(|e| e.to_string())? {
        cmd.commit().await.map_err(|e| e.to_string())?;
        tracing::info!(email, "headquarters administrator already exists");
        return Ok(existing);
    }
    let row = insert(state, cmd.txn(), &hq, new, cmd.now()).await.map_err(|e| e.to_string())?;
    cmd.audit(
        AuditEntry::new("user.create", "user", row.id)
            .branch(hq.id)
            .details(json!({"role": "hq_admin"})),
    );
    cmd.commit().await.map_err(|e| e.to_string())?;
    tracing::info!(email, "headquarters administrator created");
    Ok(row)
}
