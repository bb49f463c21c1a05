//! Login throttling: per account (branch + email) and per client address.
//!
//! Kept in memory per process: with N nodes an attacker gets at most N times
//! the budget, which argon2's cost already makes slow. Failures against an
//! account lock it for the rest of the window; the client budget counts every
//! attempt.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const ACCOUNT_WINDOW: Duration = Duration::from_secs(15 * 60);
const CLIENT_WINDOW: Duration = Duration::from_secs(60);

pub struct Throttle {
    account_failures: usize,
    client_attempts: usize,
    accounts: Mutex<HashMap<String, Vec<Instant>>>,
    clients: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(5, 30)
    }
}

fn prune(events: &mut Vec<Instant>, window: Duration, now: Instant) {
    events.retain(|t| now.duration_since(*t) < window);
}

/// Seconds until the oldest event in the window leaves it.
fn wait(events: &[Instant], window: Duration, now: Instant) -> u64 {
    events
        .first()
        .map(|t| window.saturating_sub(now.duration_since(*t)).as_secs() + 1)
        .unwrap_or(1)
}

impl Throttle {
    /// `account_failures` failed logins lock an account for 15 minutes;
    /// `client_attempts` attempts per minute are allowed from one address.
    pub fn new(account_failures: usize, client_attempts: usize) -> Throttle {
        Throttle {
            account_failures,
            client_attempts,
            accounts: Mutex::default(),
            clients: Mutex::default(),
        }
    }

    /// Counts an attempt from `client`; `Err(seconds)` if it must wait.
    pub fn check(&self, account: &str, client: &str) -> Result<(), u64> {
        let now = Instant::now();
        {
            let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(failures) = accounts.get_mut(account) {
                prune(failures, ACCOUNT_WINDOW, now);
                if failures.len() >= self.account_failures {
                    return Err(wait(failures, ACCOUNT_WINDOW, now));
                }
            }
        }
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if clients.len() > 100_000 {
            clients.retain(|_, events| events.last().is_some_and(|t| now.duration_since(*t) < CLIENT_WINDOW));
        }
        let events = clients.entry(client.to_string()).or_default();
        prune(events, CLIENT_WINDOW, now);
        if events.len() >= self.client_attempts {
            return Err(wait(events, CLIENT_WINDOW, now));
        }
        events.push(now);
        Ok(())
    }

    pub fn failed(&self, account: &str) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        accounts.entry(account.to_string()).or_default().push(Instant::now());
    }

    pub fn succeeded(&self, account: &str) {
        self.accounts.lock().unwrap_or_else(|p| p.into_inner()).remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_account_not_others() {
        let t = Throttle::default();
        for _ in 0..5 {
            assert!(t.check("HQ/a@x", "1.1.1.1").is_ok());
            t.failed("HQ/a@x");
        }
        assert!(t.check("HQ/a@x", "1.1.1.1").is_err());
        assert!(t.check("HQ/b@x", "1.1.1.1").is_ok());
    }
}
