//! Counting the SQL statements a request runs, to catch a list that makes
//! one query per row. sqlx reports each statement as a `sqlx::query` event;
//! they are counted on the test's own thread. On PostgreSQL that is where
//! statements run; SQLite runs them on its own worker thread, out of
//! reach, so there the count is `None`.

use super::{Response, TestApp};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tracing_subscriber::layer::{Context, SubscriberExt};

struct Statements(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target().starts_with("sqlx::query") {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// GETs `path` with `token`: the response, and how many statements it ran
/// (PostgreSQL only).
pub async fn counted_get(app: &TestApp, token: &str, path: &str) -> (Response, Option<usize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(Statements(count.clone()));
    let guard = tracing::subscriber::set_default(subscriber);
    let res = app.get(path).token(token).send().await;
    drop(guard);
    let n = count.load(Ordering::SeqCst);
    (res, super::postgres_url().map(|_| n))
}
