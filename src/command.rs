//! Running a service command: one transaction, the audit entries that
//! describe it, and the cluster events it announces, committed together.
//!
//! Every write in a service has the same tail: begin, write, audit, commit,
//! then clear this node's caches (other nodes hear it through
//! `cluster`). `Command` is that tail written once:
//!
//! ```ignore
//! let mut cmd = Command::begin(state, actor).await?;
//! let row = insert_course(cmd.txn(), &input, cmd.now()).await?;
//! cmd.audit(AuditEntry::new("course.create", "course", row.id));
//! cmd.announce(Event::Catalogue);
//! cmd.commit().await?;
//! ```
//!
//! Dropping a `Command` without committing rolls everything back.

use crate::audit::{AuditEntry, Author, write_entry};
use crate::cluster::{self, Event};
use crate::state::AppState;
use crate::tenancy::Actor;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseTransaction, DbErr};

pub struct Command<'s> {
    state: &'s AppState,
    txn: DatabaseTransaction,
    author: Author,
    now: DateTime<Utc>,
    audits: Vec<AuditEntry>,
    events: Vec<Event>,
}

impl<'s> Command<'s> {
    /// Starts a command for a signed-in actor (a write transaction: see
    /// `db::begin`).
    pub async fn begin(state: &'s AppState, actor: &Actor) -> Result<Self, DbErr> {
        Self::begin_as(state, Author::from(actor)).await
    }

    /// Starts a command for an anonymous flow or the command line.
    pub async fn begin_as(state: &'s AppState, author: Author) -> Result<Self, DbErr> {
        let txn = crate::db::begin(&state.db).await?;
        Ok(Command {
            state,
            txn,
            author,
            now: state.clock.now(),
            audits: Vec::new(),
            events: Vec::new(),
        })
    }

    /// The transaction to write through.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The command's one timestamp (from the injectable clock).
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn state(&self) -> &'s AppState {
        self.state
    }

    /// Records `entry` with the command (written at commit).
    pub fn audit(&mut self, entry: AuditEntry) {
        self.audits.push(entry);
    }

    /// Announces `event` to every node once the command commits.
    pub fn announce(&mut self, event: Event) {
        if !self.events.contains(&event) {
            self.events.push(event);
        }
    }

    /// Writes the audit entries, queues the announcements, commits, and
    /// then clears this node's caches for what changed.
    pub async fn commit(self) -> Result<(), DbErr> {
        let Command {
            state,
            txn,
            author,
            now,
            audits,
            events,
        } = self;
        for entry in audits {
            write_entry(&txn, &author, entry, now).await?;
        }
        let mut announced = Vec::with_capacity(events.len());
        for event in events {
            announced.push(cluster::announce(&txn, event).await?);
        }
        txn.commit().await?;
        for change in announced {
            change.apply(state);
        }
        Ok(())
    }
}
