//! Branch rules: validation, creation with a first signing key, updates,
//! key rotation.

use super::BranchError;
use super::countries::is_country;
use super::entity::{self as branch, Entity as Branches};
use crate::error::FieldCode;
use crate::error::{FieldError, is_unique_violation};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{self, Caller};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const HQ: &str = "HQ";

pub fn valid_code(code: &str) -> bool {
    (2..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

pub fn valid_time_zone(tz: &str) -> bool {
    tz.parse::<chrono_tz::Tz>().is_ok()
}

/// Localized names `{locale: text}`: known locale keys, each a `text::BRANCH_NAME`.
pub fn check_names(field: &str, names: &BTreeMap<String, String>, errors: &mut Vec<FieldError>) -> BTreeMap<Locale, String> {
    let mut clean = BTreeMap::new();
    for (key, text) in names {
        let Some(locale) = Locale::from_canonical(key) else {
            errors.push(FieldError::new(format!("{field}.{key}"), FieldCode::UnknownLocale));
            continue;
        };
        if let Some(text) = crate::text::BRANCH_NAME.collect(format!("{field}.{key}"), text, errors) {
            clean.insert(locale, text);
        }
    }
    clean
}

pub fn names_json(names: &BTreeMap<Locale, String>) -> String {
    let map: BTreeMap<&str, &str> = names.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
}

pub fn parse_names(json: &str) -> BTreeMap<Locale, String> {
    let raw: BTreeMap<String, String> = serde_json::from_str(json).unwrap_or_default();
    raw.into_iter()
        .filter_map(|(k, v)| Locale::from_canonical(&k).map(|l| (l, v)))
        .collect()
}

pub struct NewBranch {
    pub code: String,
    pub country: String,
    pub default_locale: Locale,
    pub time_zone: String,
    pub names: BTreeMap<Locale, String>,
}

/// Validates raw input into a `NewBranch`, collecting every field error.
pub fn validate_new(
    code: &str,
    country: &str,
    default_locale: &str,
    time_zone: &str,
    names: &BTreeMap<String, String>,
) -> Result<NewBranch, BranchError> {
    let mut errors = Vec::new();
    if !valid_code(code) {
        errors.push(FieldError::new("code", FieldCode::InvalidBranchCode));
    }
    if !is_country(country) {
        errors.push(FieldError::new("country", FieldCode::InvalidCountry));
    }
    let locale = Locale::from_canonical(default_locale);
    if locale.is_none() {
        errors.push(FieldError::new("default_locale", FieldCode::UnknownLocale));
    }
    if !valid_time_zone(time_zone) {
        errors.push(FieldError::new("time_zone", FieldCode::InvalidTimeZone));
    }
    let clean = check_names("names", names, &mut errors);
    if names.is_empty() {
        errors.push(FieldError::new("names", FieldCode::Required));
    }
    if !errors.is_empty() {
        return Err(BranchError::Invalid(errors));
    }
    Ok(NewBranch {
        code: code.to_string(),
        country: country.to_string(),
        default_locale: locale.unwrap_or(Locale::En),
        time_zone: time_zone.to_string(),
        names: clean,
    })
}

/// Inserts a branch and its first signing key (inside `db`'s transaction).
pub async fn insert(state: &AppState, db: &impl ConnectionTrait, new: NewBranch, now: DateTime<Utc>) -> Result<branch::Model, BranchError> {
    let row = branch::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(new.code.clone()),
        country: Set(new.country),
        default_locale: Set(new.default_locale.as_str().to_string()),
        time_zone: Set(new.time_zone),
        names: Set(names_json(&new.names)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| if is_unique_violation(&e) { BranchError::Exists } else { e.into() })?;
    state.keys.create_key(db, row.id, &row.code, now).await?;
    Ok(row)
}

/// The branch with this code (any case). A value that cannot be a code
/// finds nothing without a query, so that no caller-sent text (a path, a
/// filter, a list of codes) can make the database fail on NUL and the like.
pub async fn find_by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<branch::Model>, DbErr> {
    if !valid_code(&code.to_ascii_uppercase()) {
        return Ok(None);
    }
    Branches::find()
        .filter(branch::Column::Code.eq(code.to_ascii_uppercase()))
        .one(db)
        .await
}

/// The branch `code` if the caller may see it; otherwise `NotFound`, as if
/// it did not exist.
pub async fn visible(db: &impl ConnectionTrait, caller: &Caller, code: &str) -> Result<branch::Model, BranchError> {
    let code = code.to_ascii_uppercase();
    if !valid_code(&code) {
        return Err(BranchError::NotFound);
    }
    tenancy::visible::<Branches>(caller)
        .filter(branch::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or(BranchError::NotFound)
}

/// One branch as a sign-in picker shows it.
pub(crate) struct PickerEntry {
    pub code: String,
    /// In the requested language, with the catalogue's fallback (the branch
    /// default, English, then any); the code if the branch has no name.
    pub name: String,
    pub country: String,
    pub default_locale: String,
}

/// Every branch a trainee signs in to, by code, named in `locale`.
/// Headquarters is left out: its accounts are headquarters administrators,
/// who know their branch code, and no trainee signs in there.
pub(crate) async fn picker(db: &impl ConnectionTrait, locale: Locale) -> Result<Vec<PickerEntry>, DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let rows = branch::Entity::find()
        .filter(branch::Column::Code.ne(HQ))
        .order_by_asc(branch::Column::Code)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let names = parse_names(&row.names);
            let default = Locale::from_canonical(&row.default_locale).unwrap_or(Locale::En);
            let chain = crate::i18n::fallback_chain(locale, default);
            let name = crate::i18n::pick_locale(&chain, |l| names.contains_key(&l))
                .and_then(|l| names.get(&l).cloned())
                .unwrap_or_else(|| row.code.clone());
            PickerEntry {
                code: row.code,
                name,
                country: row.country,
                default_locale: row.default_locale,
            }
        })
        .collect())
}
