//! `POST /api/v1/cohorts/{id}/enrolments/import`: a CSV of trainees. Missing
//! trainees are created (and invited by email in their own language), every
//! good row is enrolled, and each bad row is reported with its line number
//! without affecting the others. Importing the same file again enrols
//! nobody twice. Everything is written in batches in one transaction.

use super::csv_import::{RowFailure, parse_import};
use super::entity::{self as enrolment, Entity as Enrolments};
use super::service::{ACTIVE, WITHDRAWN};
use crate::audit;
use crate::auth::{Caller, Role};
use crate::cohorts::service as cohorts;
use crate::error::{ApiError, ApiResult};
use crate::http::json::read_body;
use crate::http::{negotiate, with_language};
use crate::i18n::Locale;
use crate::notifications::entity::Entity as Outbox;
use crate::notifications::outbox::model as outbox_row;
use crate::state::AppState;
use crate::users::entity::{self as user, Entity as Users};
use crate::users::invitation_entity::Entity as Invitations;
use crate::users::service::{INVITED, invitation_parts, normalize_email};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
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

const BATCH: usize = 500;

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
    responses((status = 200, body = ImportReport), (status = 400, description = "not CSV text, wrong header, empty"), (status = 403), (status = 404), (status = 413), (status = 415)))]
pub async fn import(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin, Role::BranchAdmin])?;
    if !is_csv(&req) {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").arg("expected", "text/csv"));
    }
    // Refuse other branches' cohorts before reading a large body.
    cohorts::find_scoped(&state.db, &caller, *id).await?;
    let mut raw = payload.into_inner();
    let body = read_body(&req, &mut raw, state.config.csv_limit).await?;
    let parsed = parse_import(&body)?;
    let locale = negotiate(&req);
    let now = state.clock.now();

    let txn = crate::db::begin(&state.db).await?;
    let cohort = cohorts::lock(&txn, *id).await?.ok_or_else(ApiError::not_found)?;
    if cohort.status != cohorts::OPEN {
        return Err(ApiError::conflict("cohort_closed"));
    }
    let branch = crate::branches::entity::Entity::find_by_id(cohort.branch_id)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let branch_locale = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);

    // What exists already: users of the branch by email, enrolments of the cohort by user.
    let emails: Vec<String> = parsed.rows.iter().map(|r| normalize_email(&r.email)).collect();
    let mut users: HashMap<String, user::Model> = HashMap::new();
    for chunk in emails.chunks(BATCH) {
        for u in Users::find()
            .filter(user::Column::BranchId.eq(branch.id))
            .filter(user::Column::EmailNormalized.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            users.insert(u.email_normalized.clone(), u);
        }
    }
    let existing: HashMap<Uuid, enrolment::Model> = Enrolments::find()
        .filter(enrolment::Column::CohortId.eq(cohort.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|e| (e.user_id, e))
        .collect();

    let mut failed: Vec<RowFailure> = parsed.failures.clone();
    let mut skipped: Vec<RowFailure> = Vec::new();
    let mut new_users = Vec::new();
    let mut invitations = Vec::new();
    let mut emails_out = Vec::new();
    let mut new_enrolments = Vec::new();
    let mut reactivated = Vec::new();
    let mut free = (cohort.capacity - cohort.seats_taken).max(0);
    for row in &parsed.rows {
        let key = normalize_email(&row.email);
        let (user_id, is_new) = match users.get(&key) {
            Some(u) if u.role != Role::Trainee.as_str() => {
                failed.push(RowFailure {
                    row: row.row,
                    code: "not_a_trainee",
                });
                continue;
            }
            Some(u) => (u.id, false),
            None => (Uuid::now_v7(), true),
        };
        let previous = existing.get(&user_id);
        if previous.is_some_and(|e| e.status != WITHDRAWN) {
            skipped.push(RowFailure {
                row: row.row,
                code: "already_enrolled",
            });
            continue;
        }
        if free == 0 {
            failed.push(RowFailure {
                row: row.row,
                code: "cohort_full",
            });
            continue;
        }
        free -= 1;
        if is_new {
            let model = user::Model {
                id: user_id,
                branch_id: branch.id,
                email: row.email.clone(),
                email_normalized: key.clone(),
                display_name: row.display_name.clone(),
                role: Role::Trainee.as_str().to_string(),
                locale: row.locale.unwrap_or(branch_locale).as_str().to_string(),
                password_hash: None,
                status: INVITED.to_string(),
                tokens_valid_after: None,
                created_at: now,
                updated_at: now,
            };
            let (invitation, email) = invitation_parts(&state, &branch, &model, now);
            invitations.push(invitation);
            emails_out.push(outbox_row(email, now));
            new_users.push(user::ActiveModel::from(model.clone()));
            users.insert(key, model);
        }
        match previous {
            Some(e) => reactivated.push(e.id),
            None => new_enrolments.push(enrolment::ActiveModel {
                id: Set(Uuid::now_v7()),
                cohort_id: Set(cohort.id),
                branch_id: Set(cohort.branch_id),
                course_id: Set(cohort.course_id),
                user_id: Set(user_id),
                status: Set(ACTIVE.to_string()),
                enrolled_at: Set(now),
                completed_at: Set(None),
                withdrawn_at: Set(None),
                updated_at: Set(now),
            }),
        }
    }
    let created = new_users.len();
    let enrolled = new_enrolments.len() + reactivated.len();
    for chunk in new_users.chunks(BATCH) {
        Users::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in invitations.chunks(BATCH) {
        Invitations::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in emails_out.chunks(BATCH) {
        Outbox::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in new_enrolments.chunks(BATCH) {
        Enrolments::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    if !reactivated.is_empty() {
        Enrolments::update_many()
            .col_expr(enrolment::Column::Status, Expr::value(ACTIVE))
            .col_expr(
                enrolment::Column::WithdrawnAt,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .col_expr(enrolment::Column::UpdatedAt, Expr::value(now))
            .filter(enrolment::Column::Id.is_in(reactivated))
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
        &req,
        &caller,
        Some(cohort.branch_id),
        "enrolment.import",
        "cohort",
        &cohort.id.to_string(),
        json!({"rows": parsed.rows.len() + parsed.failures.len(), "created": created, "enrolled": enrolled, "failed": failed.len()}),
    )
    .await?;
    txn.commit().await?;
    state
        .metrics
        .outbox
        .queued
        .fetch_add(created as u64, std::sync::atomic::Ordering::Relaxed);

    failed.sort_by_key(|f| f.row);
    let report = |f: &RowFailure| RowReport {
        row: f.row,
        code: f.code,
        message: f.message(locale),
    };
    let body = ImportReport {
        created,
        enrolled,
        failed: failed.iter().map(report).collect(),
        skipped: skipped.iter().map(report).collect(),
    };
    Ok(with_language(HttpResponse::Ok().json(body), locale))
}
