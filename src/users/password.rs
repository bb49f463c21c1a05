//! Password hashing (argon2id, OWASP 2025 parameters: 19 MiB, 2 passes, 1
//! lane) and the password rules.

use crate::error::FieldCode;
use crate::error::FieldError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub(crate) fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing cannot fail with valid params")
        .to_string()
}

pub(crate) fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of nothing in particular, verified when the account does not exist
/// so that an unknown email takes as long as a wrong password.
pub(crate) fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("zhijiang-timing-equaliser"));
    let _ = verify(password, stored);
}

/// Length 10-128 characters and not all one kind of character. Returns the
/// field errors for `field`.
pub(crate) fn check_rules(field: &str, password: &str) -> Vec<FieldError> {
    let length = password.chars().count();
    let mut errors = Vec::new();
    if length < 10 {
        errors.push(FieldError::new(field, FieldCode::PasswordTooShort).arg("min", 10));
    } else if length > 128 {
        errors.push(FieldError::new(field, FieldCode::TooLong).arg("max", 128));
    } else {
        let first = password.chars().next();
        if password.chars().all(|c| Some(c) == first) {
            errors.push(FieldError::new(field, FieldCode::PasswordTooSimple));
        }
    }
    errors
}

/// Password hashes run on a few dedicated threads (one per core). Each
/// argon2id run takes 19 MiB: run on the general blocking pool, a burst of
/// logins (an exam-day morning, or an attacker) would spread over hundreds of
/// threads and leave each allocator arena holding its 19 MiB. With a fixed
/// set of threads, logins queue and memory stays flat.
type Job = Box<dyn FnOnce() + Send>;

fn hashers() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<Job>> {
    static SENDER: OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> = OnceLock::new();
    SENDER.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(2);
        for i in 0..threads {
            let receiver = receiver.clone();
            let _ = std::thread::Builder::new().name(format!("zhijiang-argon2-{i}")).spawn(move || {
                loop {
                    let job = match receiver.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        }
        std::sync::Mutex::new(sender)
    })
}

async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(work());
    });
    hashers().lock().ok()?.send(job).ok()?;
    rx.await.ok()
}

/// `hash`, off the async workers and within the concurrency bound.
pub(crate) async fn hash_async(password: String) -> Option<String> {
    bounded(move || hash(&password)).await
}

/// `verify`, off the async workers and within the concurrency bound.
pub(crate) async fn verify_async(password: String, stored: String) -> bool {
    bounded(move || verify(&password, &stored)).await.unwrap_or(false)
}

/// `verify_dummy`, the same way.
pub(crate) async fn verify_dummy_async(password: String) {
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
        assert_eq!(check_rules("p", "short")[0].code, FieldCode::PasswordTooShort);
        assert_eq!(check_rules("p", "aaaaaaaaaaaa")[0].code, FieldCode::PasswordTooSimple);
        assert!(check_rules("p", "long enough phrase").is_empty());
    }
}
