//! The CSV import command: parse the file, plan every row against what
//! exists, and write the plan in batches in one transaction with its audit
//! entry. Missing trainees are created (and invited by email in their own
//! language), every good row is enrolled, and each bad row is reported with
//! its line number without affecting the others. Importing the same file
//! again enrols nobody twice.
//!
//! Parsing and planning are CPU work: they run on the blocking pool, so the
//! HTTP workers keep serving other requests meanwhile. Every step is linear
//! in the rows (hash lookups, batched statements).

use super::EnrolmentError;
use super::csv_import::{ParsedImport, RowFailure, parse_import};
use super::entity::{self as enrolment, Entity as Enrolments};
use super::import_plan::plan;
use crate::audit::AuditEntry;
use crate::cohorts::entity::{self as cohort, Entity as Cohorts};
use crate::cohorts::service as cohorts;
use crate::command::Command;
use crate::notifications::entity::Entity as Outbox;
use crate::num::to_i32;
use crate::state::AppState;
use crate::tenancy::{self, Actor};
use crate::users::entity::{self as user, Entity as Users};
use crate::users::invitation_entity::Entity as Invitations;
use crate::users::service::normalize_email;
use actix_web::web;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Set, Statement};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per multi-row INSERT (at most 17 columns: well under the bind
/// parameter limits of SQLite and PostgreSQL).
const BATCH: usize = 500;
/// Emails per `IN (...)` lookup on SQLite.
const LOOKUP_BATCH: usize = 1000;

/// What an import did, before it is put into the caller's language.
pub(crate) struct Outcome {
    pub created: usize,
    pub enrolled: usize,
    pub failed: Vec<RowFailure>,
    pub skipped: Vec<RowFailure>,
}

/// The cohort to import into, if the actor may see it: checked before the
/// request body is read, so that another branch's cohort costs no upload.
pub(crate) async fn importable(state: &AppState, actor: &Actor, cohort_id: Uuid) -> Result<cohort::Model, EnrolmentError> {
    tenancy::find_visible::<Cohorts>(&state.db, actor, cohort_id)
        .await?
        .ok_or(EnrolmentError::CohortNotFound)
}

/// Imports the CSV `body` (at most [`super::csv_import::MAX_ROWS`] rows) into the cohort:
/// enrols the good rows, creating (and inviting) missing trainees, in one
/// transaction.
pub(crate) async fn import(state: &AppState, actor: &Actor, cohort_id: Uuid, body: web::Bytes) -> Result<Outcome, EnrolmentError> {
    let parsed = web::block(move || parse_import(&body)).await??;
    let mut cmd = Command::begin(state, actor).await?;
    let visible = tenancy::find_visible::<Cohorts>(cmd.txn(), actor, cohort_id)
        .await?
        .ok_or(EnrolmentError::CohortNotFound)?;
    let cohort = cohorts::lock(cmd.txn(), visible.id).await?.ok_or(EnrolmentError::CohortNotFound)?;
    if cohort.status != cohort::Status::Open {
        return Err(EnrolmentError::CohortClosed);
    }
    let branch = crate::branches::entity::Entity::find_by_id(cohort.branch_id)
        .one(cmd.txn())
        .await?
        .ok_or(EnrolmentError::CohortNotFound)?;

    let users = existing_users(cmd.txn(), branch.id, &parsed).await?;
    let existing: HashMap<Uuid, enrolment::Model> = Enrolments::find()
        .filter(enrolment::Column::CohortId.eq(cohort.id))
        .all(cmd.txn())
        .await?
        .into_iter()
        .map(|e| (e.user_id, e))
        .collect();
    let rows = parsed.rows.len() + parsed.failures.len();
    let now = cmd.now();
    let organisations = if parsed.rows.iter().any(|r| r.organisation.is_some()) {
        crate::orgs::service::lookup_for_branch(cmd.txn(), branch.id).await?
    } else {
        HashMap::new()
    };

    // Deciding row by row (and making invitation tokens) is CPU work too.
    let plan = {
        let (state, cohort, branch) = (state.clone(), cohort.clone(), branch.clone());
        web::block(move || plan(&state, &cohort, &branch, parsed, users, existing, organisations, now)).await?
    };
    let created = plan.new_users.len();
    let enrolled = plan.new_enrolments.len() + plan.reactivated.len();
    let txn = cmd.txn();
    for chunk in plan.new_users.chunks(BATCH) {
        Users::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    for chunk in plan.invitations.chunks(BATCH) {
        Invitations::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    for chunk in plan.emails_out.chunks(BATCH) {
        Outbox::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    for chunk in plan.new_enrolments.chunks(BATCH) {
        Enrolments::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    for chunk in plan.reactivated.chunks(BATCH) {
        Enrolments::update_many()
            .col_expr(enrolment::Column::Status, Expr::value(enrolment::Status::Active))
            .col_expr(
                enrolment::Column::WithdrawnAt,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
            .filter(enrolment::Column::Id.is_in(chunk.to_vec()))
            .exec(txn)
            .await?;
    }
    for chunk in plan.memberships.chunks(BATCH) {
        crate::orgs::service::replace_memberships(txn, branch.id, chunk, now).await?;
    }
    if enrolled > 0 {
        let mut active: cohort::ActiveModel = cohort.clone().into();
        active.seats_taken = Set(cohort.seats_taken + to_i32(enrolled));
        active.update(txn).await?;
    }
    cmd.audit(
        AuditEntry::new("enrolment.import", "cohort", cohort.id)
            .branch(cohort.branch_id)
            .details(json!({"rows": rows, "created": created, "enrolled": enrolled, "failed": plan.failed.len(), "organisations_set": plan.memberships.len()})),
    );
    cmd.commit().await?;
    state
        .metrics
        .outbox
        .queued
        .fetch_add(created as u64, std::sync::atomic::Ordering::Relaxed);
    Ok(Outcome {
        created,
        enrolled,
        failed: plan.failed,
        skipped: plan.skipped,
    })
}

/// The branch's users named in the file, by normalized email.
///
/// On PostgreSQL this is one query: the emails travel as one text parameter
/// and are joined as a set. Long `IN ($1, ..., $1000)` lists were slow
/// there: once the cached statement gets a generic plan (and right after an
/// import, while the table's statistics still describe it as small), each
/// one scanned the users table comparing every row with every parameter.
async fn existing_users(
    txn: &impl ConnectionTrait,
    branch_id: Uuid,
    parsed: &ParsedImport,
) -> Result<HashMap<String, user::Model>, EnrolmentError> {
    let emails: Vec<String> = parsed.rows.iter().map(|r| normalize_email(&r.email)).collect();
    let mut users = HashMap::new();
    if emails.is_empty() {
        return Ok(users);
    }
    if crate::db::is_postgres(txn) {
        // Valid emails never contain a line feed.
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT * FROM users WHERE branch_id = $1 \
             AND email_normalized IN (SELECT unnest(string_to_array($2, chr(10))))",
            [branch_id.into(), emails.join("\n").into()],
        );
        for u in Users::find().from_raw_sql(statement).all(txn).await? {
            users.insert(u.email_normalized.clone(), u);
        }
        return Ok(users);
    }
    for chunk in emails.chunks(LOOKUP_BATCH) {
        for u in Users::find()
            .filter(user::Column::BranchId.eq(branch_id))
            .filter(user::Column::EmailNormalized.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            users.insert(u.email_normalized.clone(), u);
        }
    }
    Ok(users)
}
