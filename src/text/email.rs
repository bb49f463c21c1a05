//! Email addresses as people type them, and the one form accounts are
//! identified by.
//!
//! Look-alike addresses must not make separate accounts: `ｓｏｍｃｈａｉ@ｂｋｋ.ｔｅｓｔ`
//! (fullwidth), `somchai\u{200B}@bkk.test` (zero-width space),
//! `sоmchai@bkk.test` (a Cyrillic `о`) and decomposed accents (NFD) would
//! otherwise all be new users that look like an existing one. So:
//! - invisible and control characters are refused (the text policy of
//!   `crate::text`, with no exception for ZWJ/ZWNJ);
//! - the address is NFKC-normalized: fullwidth and other compatibility forms
//!   become their plain letters, NFD accents are composed;
//! - a local part mixing scripts (Latin with Cyrillic or Greek, ...) is
//!   refused (UTS #39 single-script test); one script alone, such as Thai or
//!   Chinese, is fine, and digits and punctuation go with any script;
//! - accounts are matched on the lower-cased form (`EmailAddress::key`);
//! - 254 characters at most, 64 in the local part (RFC 5321).

use crate::error::FieldCode;
use crate::error::FieldError;
use unicode_normalization::UnicodeNormalization;
use unicode_security::MixedScript;

/// The longest address SMTP carries.
pub(crate) const MAX: usize = 254;
const LOCAL_MAX: usize = 64;

/// A checked address: NFKC-normalized, trimmed, case kept for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EmailAddress(String);

impl EmailAddress {
    /// Checks an address sent in `field`. Codes: `invalid_characters`,
    /// `too_long`, `invalid_email`, `mixed_scripts`.
    pub(crate) fn parse(field: &str, raw: &str) -> Result<EmailAddress, FieldError> {
        let address = normalized(field, raw)?;
        let Some((local, domain)) = address.rsplit_once('@') else {
            return Err(FieldError::new(field, FieldCode::InvalidEmail));
        };
        let well_formed = !local.is_empty()
            && local.len() <= LOCAL_MAX
            && !address.chars().any(char::is_whitespace)
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && address.parse::<lettre::Address>().is_ok();
        if !well_formed {
            return Err(FieldError::new(field, FieldCode::InvalidEmail));
        }
        if !local.is_single_script() {
            return Err(FieldError::new(field, FieldCode::MixedScripts));
        }
        Ok(EmailAddress(address))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// What accounts are told apart by (`users.email_normalized`).
    pub(crate) fn key(&self) -> String {
        fold(&self.0)
    }
}

/// The lookup key of an address someone signs in with, without the format
/// checks of `parse`, so that accounts made before those checks can still
/// sign in. Refuses what could never be stored (controls, NUL, invisible
/// characters, over-long input) before it reaches the database.
pub(crate) fn lookup_key(field: &str, raw: &str) -> Result<String, FieldError> {
    normalized(field, raw).map(|a| fold(&a))
}

/// Trimmed, free of refused characters, NFKC, bounded.
fn normalized(field: &str, raw: &str) -> Result<String, FieldError> {
    let raw = raw.trim();
    // Bound the work before normalizing: NFKC can only grow a string a little.
    if raw.chars().count() > MAX {
        return Err(FieldError::new(field, FieldCode::TooLong).arg("max", MAX));
    }
    if let Some(c) = raw.chars().find(|c| *c == '\u{200C}' || *c == '\u{200D}') {
        return Err(super::invalid_characters(field, c));
    }
    if let Some(c) = super::first_disallowed(raw, false) {
        return Err(super::invalid_characters(field, c));
    }
    let address: String = raw.nfkc().collect();
    if let Some(c) = super::first_disallowed(&address, false) {
        return Err(super::invalid_characters(field, c));
    }
    if address.chars().count() > MAX {
        return Err(FieldError::new(field, FieldCode::TooLong).arg("max", MAX));
    }
    Ok(address)
}

/// The account key of an address already accepted (trimmed, NFKC, lower
/// case). Infallible: for values that passed `EmailAddress::parse` or `lookup_key`.
pub(crate) fn key_of(address: &str) -> String {
    fold(&address.trim().nfkc().collect::<String>())
}

/// Lower case, normalized again (lower-casing can decompose, e.g. `İ`).
fn fold(address: &str) -> String {
    address.to_lowercase().nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str) -> Result<String, FieldCode> {
        EmailAddress::parse("email", raw).map(|e| e.key()).map_err(|e| e.code)
    }

    #[test]
    fn look_alikes_fold_to_one_account_or_are_refused() {
        assert_eq!(key("Somchai@BKK.test"), Ok("somchai@bkk.test".into()));
        assert_eq!(key("ｓｏｍｃｈａｉ@ｂｋｋ.ｔｅｓｔ"), Ok("somchai@bkk.test".into()));
        assert_eq!(key("somchai\u{200B}@bkk.test"), Err(FieldCode::InvalidCharacters));
        assert_eq!(key("som\u{200D}chai@bkk.test"), Err(FieldCode::InvalidCharacters));
        assert_eq!(key("s\u{043E}mchai@bkk.test"), Err(FieldCode::MixedScripts));
        assert_eq!(key("andre\u{301}@x.test"), key("andr\u{E9}@x.test"));
        assert_eq!(key("a\0@x.test"), Err(FieldCode::InvalidCharacters));
        assert_eq!(key("a\r\nBcc: x@y.test@x.test"), Err(FieldCode::InvalidCharacters));
    }

    #[test]
    fn single_script_addresses_and_bounds() {
        assert!(key("สมชาย@example.th").is_ok());
        assert!(key("王小明2024@example.cn").is_ok());
        assert!(key("nguyen.van.a+tag@example.vn").is_ok());
        assert_eq!(key("not-an-email"), Err(FieldCode::InvalidEmail));
        assert_eq!(key(&format!("{}@x.test", "a".repeat(65))), Err(FieldCode::InvalidEmail));
        assert_eq!(key(&format!("a@{}.test", "b".repeat(250))), Err(FieldCode::TooLong));
        assert_eq!(EmailAddress::parse("email", " Lan@X.test ").unwrap().as_str(), "Lan@X.test");
        assert_eq!(lookup_key("email", "LAN@x.test").unwrap(), "lan@x.test");
        assert_eq!(lookup_key("email", "a\0").unwrap_err().code, FieldCode::InvalidCharacters);
    }
}
