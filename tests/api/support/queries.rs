//! Counting the SQL statements a request runs, to catch a list that makes
//! one query per row. sqlx reports each statement as a `sqlx::query` event.
//! On PostgreSQL statements run on the test's own thread; SQLite runs them
//! on its own worker thread, out of reach, so there the count is `None`.
//!
//! Why a global subscriber and a thread-local counter rather than a scoped
//! `set_default`: tracing caches per call site whether anyone listens, and
//! the global maximum level is recomputed whenever a scoped dispatcher comes
//! or goes. With tests running side by side a scoped subscriber could miss
//! every statement of a request (seen as a count of 0). One subscriber for
//! the whole test binary, interested only in `sqlx::query`, never changes,
//! and each test thread counts only while it asks to.

use super::{Call, Response, TestApp};
use std::cell::Cell;
use std::sync::OnceLock;
use tracing::subscriber::Interest;
use tracing_subscriber::layer::{Context, SubscriberExt};

thread_local! {
    /// Statements seen on this thread while counting; `None` when not counting.
    static COUNT: Cell<Option<usize>> = const { Cell::new(None) };
}

struct Statements;

fn is_statement(meta: &tracing::Metadata<'_>) -> bool {
    meta.target().starts_with("sqlx::query")
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn register_callsite(&self, meta: &'static tracing::Metadata<'static>) -> Interest {
        if is_statement(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        is_statement(meta)
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if is_statement(event.metadata()) {
            COUNT.with(|c| c.set(c.get().map(|n| n + 1)));
        }
    }
}

/// Installs the counting subscriber once per test binary. When a test log
/// (`ZHIJIANG_TEST_LOG`) already took the global slot, counting is off and
/// counts are `None`.
fn install() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Statements)).is_ok())
}

/// GETs `path` with `token`: the response, and how many statements it ran
/// (PostgreSQL only).
pub async fn counted_get(app: &TestApp, token: &str, path: &str) -> (Response, Option<usize>) {
    counted(app.get(path).token(token)).await
}

/// Sends `call`: the response, and how many statements it ran (PostgreSQL
/// only).
pub async fn counted(call: Call<'_>) -> (Response, Option<usize>) {
    let counting = install() && super::postgres_url().is_some();
    COUNT.with(|c| c.set(Some(0)));
    let res = call.send().await;
    let n = COUNT.with(|c| c.replace(None));
    (res, if counting { n } else { None })
}
