//! Creating the first headquarters administrator.

use crate::state::AppState;

/// A bootstrap password shorter than this is refused.
pub const MIN_BOOTSTRAP_PASSWORD: usize = 12;

/// Passwords that appear in examples, old compose files and everyone's first
/// guess, compared without case, spaces or punctuation.
const KNOWN_PASSWORDS: &[&str] = &[
    "changemeplease",
    "changeme",
    "password",
    "password123",
    "passw0rd",
    "administrator",
    "admin123",
    "adminadmin",
    "zhijiang",
    "zhijiangadmin",
    "zhijiangdemo2026",
    "loadtestpassword",
    "secret",
    "letmein",
    "welcome",
    "qwerty",
    "qwertyuiop",
    "123456789012",
    "1234567890",
    "0123456789",
    "default",
    "example",
];

/// Why `password` may not create the first administrator, if it may not.
/// The bootstrap password often ends up in a compose file or a shell
/// history, so it must at least be neither short nor a published default.
pub fn weak_bootstrap_password(password: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_BOOTSTRAP_PASSWORD {
        return Some(format!(
            "ZHIJIANG_BOOTSTRAP_PASSWORD is too short ({length} characters): use at least {MIN_BOOTSTRAP_PASSWORD}, for example from `openssl rand -base64 18`"
        ));
    }
    let folded: String = password
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let known = KNOWN_PASSWORDS.contains(&folded.as_str()) || folded.contains("changeme");
    let first = folded.chars().next();
    let one_kind = folded.chars().all(|c| Some(c) == first);
    (known || one_kind).then(|| {
        "ZHIJIANG_BOOTSTRAP_PASSWORD is a known default or trivial password: choose your own, for example from `openssl rand -base64 18`".to_string()
    })
}

/// `ZHIJIANG_BOOTSTRAP_EMAIL` / `_PASSWORD` at `serve` start (containers).
pub async fn from_environment(state: &AppState) -> Result<(), String> {
    match (&state.config.bootstrap_email, &state.config.bootstrap_password) {
        (Some(email), Some(password)) => {
            if let Some(reason) = weak_bootstrap_password(password.expose()) {
                return Err(reason);
            }
            crate::users::service::create_hq_admin(state, email, password.expose())
                .await
                .map(|_| ())
        }
        (None, None) => Ok(()),
        _ => Err("ZHIJIANG_BOOTSTRAP_EMAIL and ZHIJIANG_BOOTSTRAP_PASSWORD must be set together".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_short_and_trivial_passwords_are_refused() {
        for weak in [
            "change-me-please",
            "Change Me Please!",
            "changeme-2026-prod",
            "short",
            "Password123",
            "zhijiang-demo-2026",
            "aaaaaaaaaaaaaaaa",
            "123456789012",
        ] {
            let reason = weak_bootstrap_password(weak).unwrap_or_else(|| panic!("{weak} accepted"));
            assert!(reason.starts_with("ZHIJIANG_BOOTSTRAP_PASSWORD"), "{reason}");
            assert!(!reason.contains('\n'));
        }
        assert_eq!(weak_bootstrap_password("q8Vx-lantern-Mekong-41"), None);
    }
}
