//! Password throttling, for logins and for the `current_password` of a
//! password change. Counted in the database (`throttle_counters`), so several
//! nodes on one database allow exactly what one node would.
//!
//! The policy, with the default settings:
//!
//! - **Per account and client**: 5 attempts on one account (branch + email)
//!   from one client address within 15 minutes; the 6th gets 429 until the
//!   15 minutes are over. A correct password clears the count. This stops an
//!   attacker guessing from one client, while the owner of the account, from
//!   any client that has not failed, still gets in.
//! - **Per client**: 30 attempts a minute from one client address, whatever
//!   the accounts (stops spraying many accounts).
//! - **Per account, from all clients**: once an account has had 20 failed
//!   attempts (4 × the per-client bound) within 15 minutes, attempts on it are
//!   spaced out: the next one is allowed 2 seconds after the last, doubling
//!   with every further failure up to 60 seconds. A distributed guess is
//!   slowed to about one a minute; the owner waits at most a minute, never
//!   15 minutes.
//!
//! The client is the derived address (see `http::client_address`); an IPv6
//! client counts per /64. The counted keys are hashes of fixed size, so
//! nothing a client sends makes a counter bigger.

use crate::http::client_address::throttle_key;
use crate::state::AppState;
use crate::state::counters::{self, Hit, millis};
use sea_orm::DbErr;
use std::net::IpAddr;
use std::time::Duration;

const CLIENT_WINDOW: Duration = Duration::from_secs(60);
const ACCOUNT_WINDOW: Duration = Duration::from_secs(15 * 60);
/// How many times the per-client bound an account takes from all clients
/// before attempts on it are spaced out.
const ACCOUNT_BOUND_FACTOR: i64 = 4;
const FIRST_GAP: Duration = Duration::from_secs(2);
const LONGEST_GAP: Duration = Duration::from_secs(60);

/// Why a password check may not go ahead.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// Too many attempts: the client may try again in `retry_after` seconds.
    #[error("too many attempts; retry in {retry_after}s")]
    TooMany { retry_after: u64 },
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn too_many(retry_after: u64) -> Refused {
    Refused::TooMany { retry_after }
}

/// A password check the throttle allowed; report its outcome.
pub(crate) struct Attempt {
    pair_key: String,
    account_key: String,
}

/// The account a password belongs to: branch code and normalized email.
pub(crate) fn account(branch: &str, email: &str) -> String {
    format!("{}/{}", branch.to_ascii_uppercase(), super::service::normalize_email(email))
}

/// The spacing of attempts on an account that has had `failures` in its window.
fn gap_after(failures: i64, bound: i64) -> Duration {
    let doublings = u32::try_from((failures - bound).clamp(0, 16)).unwrap_or(16);
    (FIRST_GAP * 2u32.pow(doublings)).min(LONGEST_GAP)
}

fn now_ms(state: &AppState) -> i64 {
    state.clock.now().timestamp_millis()
}

/// Counts an attempt on `account` from `client`; refused, with the wait, if
/// it must not go ahead.
pub(crate) async fn begin(state: &AppState, account: &str, client: IpAddr) -> Result<Attempt, Refused> {
    let counters = &state.counters;
    let now = now_ms(state);
    let client = throttle_key(client);
    let client_key = counters::key(&["login.client", &client]);
    let pair_key = counters::key(&["login.account_client", account, &client]);
    let account_key = counters::key(&["login.account", account]);
    for key in [&client_key, &pair_key] {
        if let Some(until) = counters.refused_until(key, now) {
            return Err(too_many(counters::seconds_until(until, now)));
        }
    }
    let hits = [
        Hit {
            key: &client_key,
            add: 1,
            window: CLIENT_WINDOW,
        },
        Hit {
            key: &pair_key,
            add: 1,
            window: ACCOUNT_WINDOW,
        },
        // Read only: this counts failures, reported after the password check.
        Hit {
            key: &account_key,
            add: 0,
            window: ACCOUNT_WINDOW,
        },
    ];
    let [by_client, by_pair, by_account] = <[_; 3]>::try_from(counters.hit(&state.db, &hits, now).await?).unwrap_or_default();
    let per_client = i64::try_from(state.config.login_attempts_per_minute).unwrap_or(i64::MAX);
    let per_pair = i64::try_from(state.config.login_failures_per_account).unwrap_or(i64::MAX);
    if by_pair.hits > per_pair {
        counters.remember_refusal(&pair_key, by_pair.window_ends_at, now);
        return Err(too_many(by_pair.seconds_left(now)));
    }
    if by_client.hits > per_client {
        counters.remember_refusal(&client_key, by_client.window_ends_at, now);
        counters.undo(&state.db, &pair_key).await?;
        return Err(too_many(by_client.seconds_left(now)));
    }
    let bound = per_pair * ACCOUNT_BOUND_FACTOR;
    if by_account.hits >= bound {
        let gap = gap_after(by_account.hits, bound);
        if !counters.claim_slot(&state.db, &account_key, gap, now).await? {
            // Refused by others' failures: this client's own count is not charged.
            counters.undo(&state.db, &pair_key).await?;
            let next = by_account.last_at.max(now - millis(gap)) + millis(gap);
            return Err(too_many(counters::seconds_until(next, now)));
        }
    }
    Ok(Attempt { pair_key, account_key })
}

/// The password was wrong: it counts against the account from all clients
/// (the attempt already counted for this client).
pub(crate) async fn failed(state: &AppState, attempt: &Attempt) -> Result<(), DbErr> {
    let hit = Hit {
        key: &attempt.account_key,
        add: 1,
        window: ACCOUNT_WINDOW,
    };
    state.counters.hit(&state.db, &[hit], now_ms(state)).await.map(|_| ())
}

/// The password was right: this client's attempts on the account start over.
pub(crate) async fn succeeded(state: &AppState, attempt: &Attempt) -> Result<(), DbErr> {
    state.counters.clear(&state.db, &attempt.pair_key).await
}

/// The password of `account` was just set with a link from its owner's
/// email, from `client`: that client's failed logins on it are forgiven.
pub(crate) async fn forgive(state: &AppState, account: &str, client: IpAddr) -> Result<(), DbErr> {
    let pair_key = counters::key(&["login.account_client", account, &throttle_key(client)]);
    state.counters.clear(&state.db, &pair_key).await
}

/// A bound on how often something may happen: at most `max` times per
/// `window` for what `key` names (built with `counters::key`).
pub(crate) struct Limit {
    pub key: String,
    pub max: i64,
    pub window: Duration,
}

impl Limit {
    /// A bound on `what` (a purpose such as `reset.account`) for the `parts` it is about.
    pub(crate) fn new(what: &str, parts: &[&str], max: u32, window: Duration) -> Limit {
        let mut all = vec![what];
        all.extend_from_slice(parts);
        Limit {
            key: counters::key(&all),
            max: i64::from(max),
            window,
        }
    }

    /// A bound per client address (an IPv6 client counts per /64).
    pub(crate) fn per_client(what: &str, client: IpAddr, max: u32, window: Duration) -> Limit {
        Limit::new(what, &[&throttle_key(client)], max, window)
    }
}

/// Counts one event against every limit; refused, with the longest wait, if
/// any of them is over its bound. For sending emails (password resets,
/// invitations) and for redeeming their links: each event counts, whatever
/// its outcome.
pub(crate) async fn limit(state: &AppState, limits: &[Limit]) -> Result<(), Refused> {
    let counters = &state.counters;
    let now = now_ms(state);
    for l in limits {
        if let Some(until) = counters.refused_until(&l.key, now) {
            return Err(too_many(counters::seconds_until(until, now)));
        }
    }
    let hits: Vec<Hit<'_>> = limits
        .iter()
        .map(|l| Hit {
            key: &l.key,
            add: 1,
            window: l.window,
        })
        .collect();
    let counts = counters.hit(&state.db, &hits, now).await?;
    let mut wait = None;
    for (l, count) in limits.iter().zip(counts) {
        if count.hits > l.max {
            counters.remember_refusal(&l.key, count.window_ends_at, now);
            wait = wait.max(Some(count.seconds_left(now)));
        }
    }
    match wait {
        Some(seconds) => Err(too_many(seconds)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_on_a_busy_account_are_spaced_progressively() {
        assert_eq!(gap_after(20, 20), Duration::from_secs(2));
        assert_eq!(gap_after(21, 20), Duration::from_secs(4));
        assert_eq!(gap_after(24, 20), Duration::from_secs(32));
        assert_eq!(gap_after(25, 20), Duration::from_secs(60));
        assert_eq!(gap_after(10_000, 20), Duration::from_secs(60));
    }

    #[test]
    fn accounts_ignore_case_of_branch_and_email() {
        assert_eq!(account("bkk", "A@X.test"), account("BKK", "a@x.test"));
    }
}
