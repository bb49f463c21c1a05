//! What headquarters does to branches: create one (with its first signing
//! key), change its details, rotate its keys. Each is one `Command`; the
//! changes that make cached verifiers wrong announce `Event::Keys`.

use super::BranchError;
use super::entity as branch;
use super::service::{self, check_names, names_json, valid_time_zone};
use crate::audit::AuditEntry;
use crate::cluster::Event;
use crate::command::Command;
use crate::error::{FieldCode, FieldError};
use crate::i18n::Locale;
use crate::signing::JwkSet;
use crate::state::AppState;
use crate::tenancy::Actor;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;
use std::collections::BTreeMap;

/// A new branch as sent (checked by `create`).
pub(crate) struct NewBranchInput<'a> {
    pub code: &'a str,
    pub country: &'a str,
    pub default_locale: &'a str,
    pub time_zone: &'a str,
    pub names: &'a BTreeMap<String, String>,
}

/// Creates a branch with its own signing key.
pub(crate) async fn create(state: &AppState, actor: &Actor, input: NewBranchInput<'_>) -> Result<branch::Model, BranchError> {
    let new = service::validate_new(input.code, input.country, input.default_locale, input.time_zone, input.names)?;
    let mut cmd = Command::begin(state, actor).await?;
    let row = service::insert(state, cmd.txn(), new, cmd.now()).await?;
    cmd.audit(
        AuditEntry::new("branch.create", "branch", &row.code)
            .branch(row.id)
            .details(json!({"country": row.country})),
    );
    cmd.commit().await?;
    Ok(row)
}

/// A partial update (the request body): absent fields stay as they are.
#[derive(Default)]
pub(crate) struct BranchChanges<'a> {
    pub country: Option<&'a str>,
    pub default_locale: Option<&'a str>,
    pub time_zone: Option<&'a str>,
    pub names: Option<&'a BTreeMap<String, String>>,
}

/// Changes a branch's details. Cached verifiers carry them, so the change
/// is announced to every node.
pub(crate) async fn update(state: &AppState, actor: &Actor, code: &str, changes: BranchChanges<'_>) -> Result<branch::Model, BranchError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = service::visible(cmd.txn(), actor, code).await?;
    let mut errors = Vec::new();
    let mut active: branch::ActiveModel = row.into();
    if let Some(country) = changes.country {
        if super::countries::is_country(country) {
            active.country = Set(country.to_string());
        } else {
            errors.push(FieldError::new("country", FieldCode::InvalidCountry));
        }
    }
    if let Some(locale) = changes.default_locale {
        match Locale::from_canonical(locale) {
            Some(l) => active.default_locale = Set(l.as_str().to_string()),
            None => errors.push(FieldError::new("default_locale", FieldCode::UnknownLocale)),
        }
    }
    if let Some(tz) = changes.time_zone {
        if valid_time_zone(tz) {
            active.time_zone = Set(tz.to_string());
        } else {
            errors.push(FieldError::new("time_zone", FieldCode::InvalidTimeZone));
        }
    }
    if let Some(names) = changes.names {
        let clean = check_names("names", names, &mut errors);
        if names.is_empty() {
            errors.push(FieldError::new("names", FieldCode::Required));
        }
        active.names = Set(names_json(&clean));
    }
    if !errors.is_empty() {
        return Err(BranchError::Invalid(errors));
    }
    active.updated_at = Set(cmd.now());
    let updated = active.update(cmd.txn()).await?;
    cmd.audit(
        AuditEntry::new("branch.update", "branch", &updated.code)
            .branch(updated.id)
            .details(json!({
                "country": changes.country, "default_locale": changes.default_locale, "time_zone": changes.time_zone,
                "names": changes.names.is_some(),
            })),
    );
    cmd.announce(Event::Keys(updated.id));
    cmd.commit().await?;
    Ok(updated)
}

/// A finished rotation: the new key's id and the branch's public keys now.
pub(crate) struct Rotation {
    pub kid: String,
    pub jwks: JwkSet,
}

/// Makes a new signing key for the branch; the old ones are retired (still
/// verify) or, with `revoke_old`, revoked at once. Every node forgets the
/// keys it cached.
pub(crate) async fn rotate_keys(state: &AppState, actor: &Actor, code: &str, revoke_old: bool) -> Result<Rotation, BranchError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = service::visible(cmd.txn(), actor, code).await?;
    let key = state.keys.rotate(cmd.txn(), row.id, &row.code, revoke_old, cmd.now()).await?;
    cmd.audit(
        AuditEntry::new("branch.rotate_keys", "branch", &row.code)
            .branch(row.id)
            .details(json!({"kid": key.kid, "revoke_old": revoke_old})),
    );
    cmd.announce(Event::Keys(row.id));
    cmd.commit().await?;
    let jwks = state.keys.jwks(&state.db, row.id).await?;
    Ok(Rotation { kid: key.kid, jwks })
}
