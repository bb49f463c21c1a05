//! `POST /api/v1/cohorts/{id}/enrolments/import`: a CSV of trainees. Missing
//! trainees are created (and invited by email in their own language), every
//! good row is enrolled, and each bad row is reported with its line number
//! without affecting the others. Importing the same file again enrols
//! nobody twice. Everything is written in batches in one transaction.

use super::csv_import::{ParsedImport, RowFailure, parse_import};
use super::entity::{self as enrolment, Entity as Enrolments};
use crate::audit;
use crate::cohorts::service as cohorts;
use crate::error::ImportRowCode;
use crate::error::ProblemCode;
use crate::error::{ApiError, ApiResult};
use crate::http::json::read_body;
use crate::http::{negotiate, with_language};
use crate::i18n::Locale;
use crate::notifications::entity::Entity as Outbox;
use crate::notifications::outbox::model as outbox_row;
use crate::state::AppState;
use crate::tenancy::{Caller, Role};
use crate::users::entity::{self as user, Entity as Users};
use crate::users::invitation_entity::Entity as Invitations;
use crate::users::service::{INVITED, invitation_parts, normalize_email};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Set, Statement};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub struct RowReport {
    /// Line in the file (the header is line 1).
    pub row: usize,
    pub code: &'static str,
    pub message: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Trainees created (and invited).
    pub created: usize,
    /// Trainees enrolled by this import.
    pub enrolled: usize,
    pub failed: Vec<RowReport>,
    /// Rows that needed nothing: already enrolled.
    pub skipped: Vec<RowReport>,
}

/// The route of the import (its body limit is the CSV limit).
pub const ROUTE: &str = "/api/v1/cohorts/{id}/enrolments/import";

/// Rows per multi-row INSERT (at most 17 columns: well under the bind
/// parameter limits of SQLite and PostgreSQL).
const BATCH: usize = 500;
/// Emails per `IN (...)` lookup on SQLite.
const LOOKUP_BATCH: usize = 1000;

fn is_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .is_some_and(|v| v == "text/csv" || v == "application/csv")
}

/// Imports trainees from CSV (`email,display_name,locale`) and enrols them.
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/enrolments/import", tag = "enrolments", params(("id" = Uuid, Path)),
    request_body(content = String, content_type = "text/csv", description = "header email,display_name,locale"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 400, description = "not CSV text, wrong header, empty"), (status = 403), (status = 404), (status = 413, description = "more than 50,000 rows, or a body over the CSV size limit"), (status = 415)))]
pub async fn import(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    if !is_csv(&req) {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::UnsupportedMediaType).arg("expected", "text/csv"));
    }
    // Refuse other branches' cohorts before reading a large body.
    cohorts::find_scoped(&state.db, &caller, *id).await?;
    let mut raw = payload.into_inner();
    let body = read_body(&req, &mut raw, state.config.csv_limit).await?;
    // Parsing is CPU work: it runs on the blocking pool, so the HTTP worker
    // keeps serving other requests meanwhile.
    let parsed = web::block(move || parse_import(&body)).await.map_err(|_| ApiError::internal())??;
    let locale = negotiate(&req);
    let outcome = enrol_rows(&state, &caller, &req, *id, parsed).await?;
    // Up to 50,000 localized row messages: also off the HTTP worker.
    let body = web::block(move || serde_json::to_vec(&outcome.report(locale)))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|_| ApiError::internal())?;
    Ok(with_language(
        HttpResponse::Ok().content_type("application/json").body(body),
        locale,
    ))
}

/// What an import did, before it is put into the caller's language.
struct Outcome {
    created: usize,
    enrolled: usize,
    failed: Vec<RowFailure>,
    skipped: Vec<RowFailure>,
}

impl Outcome {
    fn report(mut self, locale: Locale) -> ImportReport {
        self.failed.sort_by_key(|f| f.row);
        let report = |f: &RowFailure| RowReport {
            row: f.row,
            code: f.code.as_str(),
            message: f.message(locale),
        };
        ImportReport {
            created: self.created,
            enrolled: self.enrolled,
            failed: self.failed.iter().map(report).collect(),
            skipped: self.skipped.iter().map(report).collect(),
        }
    }
}

/// The rows to write, decided from the parsed file and what exists already.
#[derive(Default)]
struct Plan {
    failed: Vec<RowFailure>,
    skipped: Vec<RowFailure>,
    new_users: Vec<user::ActiveModel>,
    invitations: Vec<crate::users::invitation_entity::ActiveModel>,
    emails_out: Vec<crate::notifications::entity::ActiveModel>,
    new_enrolments: Vec<enrolment::ActiveModel>,
    reactivated: Vec<Uuid>,
}

/// Enrols the good rows of a parsed file into the cohort, creating (and
/// inviting) missing trainees, in one transaction.
async fn enrol_rows(state: &AppState, caller: &Caller, req: &HttpRequest, cohort_id: Uuid, parsed: ParsedImport) -> ApiResult<Outcome> {
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let cohort = cohorts::lock(&txn, cohort_id).await?.ok_or_else(ApiError::not_found)?;
    if cohort.status != crate::cohorts::entity::Status::Open {
        return Err(ApiError::conflict(ProblemCode::CohortClosed));
    }
    let branch = crate::branches::entity::Entity::find_by_id(cohort.branch_id)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;

    let users = existing_users(&txn, branch.id, &parsed).await?;
    let existing: HashMap<Uuid, enrolment::Model> = Enrolments::find()
        .filter(enrolment::Column::CohortId.eq(cohort.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|e| (e.user_id, e))
        .collect();
    let rows = parsed.rows.len() + parsed.failures.len();

    // Deciding row by row (and making invitation tokens) is CPU work too.
    let plan = {
        let (state, cohort, branch) = (state.clone(), cohort.clone(), branch.clone());
        web::block(move || plan(&state, &cohort, &branch, parsed, users, existing, now))
            .await
            .map_err(|_| ApiError::internal())?
    };
    let created = plan.new_users.len();
    let enrolled = plan.new_enrolments.len() + plan.reactivated.len();
    for chunk in plan.new_users.chunks(BATCH) {
        Users::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in plan.invitations.chunks(BATCH) {
        Invitations::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in plan.emails_out.chunks(BATCH) {
        Outbox::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in plan.new_enrolments.chunks(BATCH) {
        Enrolments::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
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
            .exec(&txn)
            .await?;
    }
    if enrolled > 0 {
        let mut active: crate::cohorts::entity::ActiveModel = cohort.clone().into();
        active.seats_taken = Set(cohort.seats_taken + enrolled as i32);
        active.update(&txn).await?;
    }
    audit::record(
        &txn,
        req,
        caller,
        Some(cohort.branch_id),
        "enrolment.import",
        "cohort",
        &cohort.id.to_string(),
        json!({"rows": rows, "created": created, "enrolled": enrolled, "failed": plan.failed.len()}),
    )
    .await?;
    txn.commit().await?;
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
async fn existing_users(txn: &impl ConnectionTrait, branch_id: Uuid, parsed: &ParsedImport) -> ApiResult<HashMap<String, user::Model>> {
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

/// Decides each good row: skip (already enrolled), fail (not a trainee,
/// cohort full), or enrol, creating and inviting the trainee if missing.
fn plan(
    state: &AppState,
    cohort: &crate::cohorts::entity::Model,
    branch: &crate::branches::entity::Model,
    parsed: ParsedImport,
    mut users: HashMap<String, user::Model>,
    existing: HashMap<Uuid, enrolment::Model>,
    now: chrono::DateTime<chrono::Utc>,
) -> Plan {
    let branch_locale = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let mut plan = Plan {
        failed: parsed.failures,
        ..Plan::default()
    };
    let mut free = (cohort.capacity - cohort.seats_taken).max(0);
    for row in parsed.rows {
        let key = normalize_email(&row.email);
        let (user_id, is_new) = match users.get(&key) {
            Some(u) if u.role != Role::Trainee.as_str() => {
                plan.failed.push(RowFailure {
                    row: row.row,
                    code: ImportRowCode::NotATrainee,
                });
                continue;
            }
            Some(u) => (u.id, false),
            None => (Uuid::now_v7(), true),
        };
        let previous = existing.get(&user_id);
        if previous.is_some_and(|e| e.status != enrolment::Status::Withdrawn) {
            plan.skipped.push(RowFailure {
                row: row.row,
                code: ImportRowCode::AlreadyEnrolled,
            });
            continue;
        }
        if free == 0 {
            plan.failed.push(RowFailure {
                row: row.row,
                code: ImportRowCode::CohortFull,
            });
            continue;
        }
        free -= 1;
        if is_new {
            let model = user::Model {
                id: user_id,
                branch_id: branch.id,
                email: row.email,
                email_normalized: key.clone(),
                display_name: row.display_name,
                role: Role::Trainee.as_str().to_string(),
                locale: row.locale.unwrap_or(branch_locale).as_str().to_string(),
                password_hash: None,
                status: INVITED.to_string(),
                tokens_valid_after: None,
                created_at: now,
                updated_at: now,
            };
            let (invitation, email) = invitation_parts(state, branch, &model, now);
            plan.invitations.push(invitation);
            plan.emails_out.push(outbox_row(email, now));
            plan.new_users.push(user::ActiveModel::from(model.clone()));
            users.insert(key, model);
        }
        match previous {
            Some(e) => plan.reactivated.push(e.id),
            None => plan.new_enrolments.push(enrolment::ActiveModel {
                id: Set(Uuid::now_v7()),
                cohort_id: Set(cohort.id),
                branch_id: Set(cohort.branch_id),
                course_id: Set(cohort.course_id),
                user_id: Set(user_id),
                status: Set(enrolment::Status::Active),
                enrolled_at: Set(now),
                completed_at: Set(None),
                withdrawn_at: Set(None),
                updated_at: Set(now),
            }),
        }
    }
    plan
}
