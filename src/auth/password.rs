//! Password hashing (argon2id, OWASP 2025 parameters: 19 MiB, 2 passes, 1
//! lane) and the password rules.

use crate::error::FieldError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing cannot fail with valid params")
        .to_string()
}

pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of nothing in particular, verified when the account does not exist
/// so that an unknown email takes as long as a wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("zhijiang-timing-equaliser"));
    let _ = verify(password, stored);
}

/// Length 10-128 characters and not all one kind of character. Returns the
/// field errors for `field`.
pub fn check_rules(field: &str, password: &str) -> Vec<FieldError> {
    let length = password.chars().count();
    let mut errors = Vec::new();
    if length < 10 {
        errors.push(FieldError::new(field, "password_too_short").arg("min", 10));
    } else if length > 128 {
        errors.push(FieldError::new(field, "too_long").arg("max", 128));
    } else {
        let first = password.chars().next();
        if password.chars().all(|c| Some(c) == first) {
            errors.push(FieldError::new(field, "password_too_simple"));
        }
    }
    errors
}

/// At most this many password hashes are computed at once. Each argon2id run
/// takes 19 MiB: without a bound, a burst of logins (an exam-day morning, or
/// an attacker) would run hundreds at once on the blocking pool and take
/// gigabytes; with it, logins queue and memory stays flat.
fn permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        tokio::sync::Semaphore::new(cores.max(2))
    })
}

async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _permit = permits().acquire().await.ok()?;
    actix_web::web::block(work).await.ok()
}

/// `hash`, off the async workers and within the concurrency bound.
pub async fn hash_async(password: String) -> Option<String> {
    bounded(move || hash(&password)).await
}

/// `verify`, off the async workers and within the concurrency bound.
pub async fn verify_async(password: String, stored: String) -> bool {
    bounded(move || verify(&password, &stored)).await.unwrap_or(false)
}

/// `verify_dummy`, the same way.
pub async fn verify_dummy_async(password: String) {
    bounded(move || verify_dummy(&password)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash("correct horse battery");
        let b = hash("correct horse battery");
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong", &a));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn rules() {
        assert_eq!(check_rules("p", "short")[0].code, "password_too_short");
        assert_eq!(check_rules("p", "aaaaaaaaaaaa")[0].code, "password_too_simple");
        assert!(check_rules("p", "long enough phrase").is_empty());
    }
}
