//! Putting an email in the outbox, inside the caller's transaction: the
//! business row and its email commit or roll back together.

use super::entity::{self as outbox, Entity as Outbox};
use crate::crypto::MasterKey;
use crate::i18n::Locale;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Key in `args` holding the secret arguments (an invitation link), sealed
/// with the master key. Only the worker opens them, at send time, and it
/// erases them once the email is sent or has failed for good: whoever reads
/// the outbox table cannot use them.
pub const SEALED: &str = "sealed";
/// Left in `args` where sealed arguments were erased, so that an email
/// retried after its secret is gone fails with a clear reason instead of
/// going out without its link.
pub const SEALED_ERASED: &str = "sealed_erased";

/// An email to send later.
#[derive(Clone, Debug)]
pub struct Email {
    pub branch_id: Option<Uuid>,
    pub recipient: String,
    pub recipient_name: Option<String>,
    pub locale: Locale,
    /// A template in `locales/*/email.ftl`: `invitation`, `certificate`, ...
    pub template: &'static str,
    pub args: Map<String, Value>,
    /// Enqueueing twice with the same key is a no-op.
    pub dedup_key: Option<String>,
}

/// Writes the email row with `db` (a transaction, usually). Returns the id, or
/// `None` if an email with the same dedup key is already queued.
pub async fn enqueue(db: &impl ConnectionTrait, email: Email, now: DateTime<Utc>) -> Result<Option<Uuid>, DbErr> {
    let row = model(email, now);
    let id = row.id.clone().unwrap();
    let inserted = Outbox::insert(row)
        .on_conflict_do_nothing_on([outbox::Column::DedupKey])
        .exec(db)
        .await?;
    Ok(match inserted {
        sea_orm::TryInsertResult::Inserted(_) => Some(id),
        _ => None,
    })
}

/// The row `enqueue` writes, for callers that insert many at once.
pub fn model(email: Email, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(email.branch_id),
        recipient: Set(email.recipient),
        recipient_name: Set(email.recipient_name),
        locale: Set(email.locale.as_str().to_string()),
        template: Set(email.template.to_string()),
        args: Set(Value::Object(email.args).to_string()),
        dedup_key: Set(email.dedup_key),
        status: Set(outbox::Status::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_owner: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Adds `secrets` to `args`, sealed under the master key and bound to the
/// recipient (a sealed value copied into a row for another address does not open).
pub fn seal_secrets(master: &MasterKey, recipient: &str, args: &mut Map<String, Value>, secrets: Map<String, Value>) {
    let plain = Value::Object(secrets).to_string();
    let sealed = master.seal(plain.as_bytes(), &secret_aad(recipient));
    args.insert(SEALED.into(), Value::String(STANDARD.encode(sealed)));
}

/// Moves the sealed secrets of `args` back among the plain arguments.
pub fn open_secrets(master: &MasterKey, recipient: &str, args: &mut Map<String, Value>) -> Result<(), String> {
    if args.contains_key(SEALED_ERASED) {
        return Err("its one-time link was erased after it was sent or failed; send a new invitation".into());
    }
    let Some(sealed) = args.remove(SEALED) else {
        return Ok(());
    };
    let bytes = sealed
        .as_str()
        .and_then(|s| STANDARD.decode(s).ok())
        .ok_or("sealed arguments are not base64")?;
    let plain = master
        .open(&bytes, &secret_aad(recipient))
        .ok_or("sealed arguments do not open with this master key and recipient")?;
    let secrets: Map<String, Value> = serde_json::from_slice(&plain).map_err(|_| "sealed arguments are not a JSON object")?;
    args.extend(secrets);
    Ok(())
}

/// `args` (as stored) without its sealed secrets, if it had any.
pub fn erase_secrets(args: &str) -> Option<String> {
    let mut map: Map<String, Value> = serde_json::from_str(args).ok()?;
    map.remove(SEALED)?;
    map.insert(SEALED_ERASED.into(), Value::Bool(true));
    Some(Value::Object(map).to_string())
}

fn secret_aad(recipient: &str) -> Vec<u8> {
    format!("outbox-secrets:{recipient}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_open_for_their_recipient_only_and_can_be_erased() {
        let key = MasterKey::generate();
        let mut secrets = Map::new();
        secrets.insert("link".into(), Value::String("http://x/accept-invite?token=abc".into()));
        let mut args = Map::new();
        args.insert("name".into(), Value::String("Lan".into()));
        seal_secrets(&key, "lan@example.test", &mut args, secrets);
        let stored = Value::Object(args.clone()).to_string();
        assert!(!stored.contains("token=abc"));

        let mut opened = args.clone();
        open_secrets(&key, "lan@example.test", &mut opened).unwrap();
        assert_eq!(opened["link"], "http://x/accept-invite?token=abc");
        assert!(open_secrets(&key, "eve@example.test", &mut args.clone()).is_err());
        assert!(open_secrets(&MasterKey::generate(), "lan@example.test", &mut args.clone()).is_err());

        let erased = erase_secrets(&stored).unwrap();
        let mut after: Map<String, Value> = serde_json::from_str(&erased).unwrap();
        assert!(!after.contains_key(SEALED));
        assert!(open_secrets(&key, "lan@example.test", &mut after).unwrap_err().contains("erased"));
        assert_eq!(erase_secrets(r#"{"name":"x"}"#), None, "nothing to erase");
    }
}
