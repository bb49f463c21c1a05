//! Outbox gauges measured at scrape time.

use super::entity::{self as outbox, Entity as Outbox};
use crate::state::AppState;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::fmt::Write;

pub(crate) async fn gauges(state: &AppState) -> String {
    let pending = Outbox::find().filter(outbox::Column::Status.eq(outbox::Status::Pending));
    let count = pending.clone().count(&state.db).await.unwrap_or(0);
    let oldest = pending.order_by_asc(outbox::Column::CreatedAt).one(&state.db).await.ok().flatten();
    let age = oldest
        .map(|row| (state.clock.now() - row.created_at).num_milliseconds() as f64 / 1000.0)
        .unwrap_or(0.0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP zhijiang_outbox_pending Emails waiting to be sent.\n# TYPE zhijiang_outbox_pending gauge\nzhijiang_outbox_pending {count}"
    );
    let _ = writeln!(
        out,
        "# HELP zhijiang_outbox_oldest_pending_seconds Age of the oldest email waiting to be sent.\n# TYPE zhijiang_outbox_oldest_pending_seconds gauge\nzhijiang_outbox_oldest_pending_seconds {age}"
    );
    out
}
