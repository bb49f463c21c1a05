//! Certificates: listing, reading, the signed credential, revocation, and
//! the public verify page.

use super::credential::{CredentialInput, open_badge, sign_vc_jwt};
use super::entity::{self as certificate, Entity as Certificates};
use super::page::{VerifyView, render_not_found_page, render_verify_page, second_language};
use super::service::{self, branch_name};
use crate::audit;
use crate::branches::entity::Entity as Branches;
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, PageParams, negotiate, with_language};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Caller, Role};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Certificate {
    pub id: Uuid,
    /// Short, human-typable, e.g. `BKK-7F3K-9QPX`.
    pub code: String,
    /// `valid` or `revoked`.
    pub status: String,
    pub user_id: Uuid,
    pub holder_name: String,
    pub branch: String,
    pub course_id: Uuid,
    pub course_code: String,
    pub course_title: String,
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub verify_url: String,
}

async fn views(state: &AppState, rows: Vec<certificate::Model>, locale: Locale, default: Locale) -> ApiResult<Vec<Certificate>> {
    let course_ids: Vec<Uuid> = rows.iter().map(|r| r.course_id).collect();
    let branch_ids: Vec<Uuid> = rows.iter().map(|r| r.branch_id).collect();
    let texts = crate::courses::service::course_texts(&state.db, &course_ids).await?;
    let codes = crate::courses::service::course_codes(&state.db, &course_ids).await?;
    let branches: HashMap<Uuid, String> = Branches::find()
        .filter(crate::branches::entity::Column::Id.is_in(branch_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.code))
        .collect();
    let chain = crate::courses::texts::chain(locale, default);
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = texts.get(&r.course_id);
            Certificate {
                id: r.id,
                verify_url: format!("{}/verify/{}", state.config.public_url, r.code),
                code: r.code,
                status: r.status.to_value(),
                user_id: r.user_id,
                holder_name: r.holder_name,
                branch: branches.get(&r.branch_id).cloned().unwrap_or_default(),
                course_id: r.course_id,
                course_code: codes.get(&r.course_id).cloned().unwrap_or_default(),
                course_title: crate::courses::texts::pick(&chain, |l| t.and_then(|m| m.get(&l)).map(|x| x.title.as_str())).text,
                issued_at: r.issued_at,
                revoked_at: r.revoked_at,
                revoked_reason: r.revoked_reason,
            }
        })
        .collect())
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CertificateFilter {
    /// Branch code (headquarters).
    pub branch: Option<String>,
    pub course_id: Option<Uuid>,
    /// `valid` or `revoked`.
    #[param(pattern = "^(valid|revoked)$")]
    pub status: Option<String>,
}

async fn list_for(
    state: &AppState,
    req: &HttpRequest,
    caller: &Caller,
    mine: bool,
    page: PageParams,
    filter: CertificateFilter,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let mut query = Certificates::find().filter(caller.scope().condition(certificate::Column::BranchId));
    if mine || caller.role == Role::Trainee {
        query = query.filter(certificate::Column::UserId.eq(caller.user_id));
    }
    if let Some(code) = &filter.branch {
        match crate::branches::service::find_by_code(&state.db, code).await? {
            Some(b) => query = query.filter(certificate::Column::BranchId.eq(b.id)),
            None => query = query.filter(certificate::Column::BranchId.eq(Uuid::nil())),
        }
    }
    if let Some(course) = filter.course_id {
        query = query.filter(certificate::Column::CourseId.eq(course));
    }
    if let Some(status) = &filter.status {
        let status = certificate::Status::try_from_value(status).map_err(|_| ApiError::field("status", FieldCode::InvalidChoice))?;
        query = query.filter(certificate::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(certificate::Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(certificate::Column::Id)
        .limit(page.limit + 1)
        .all(&state.db)
        .await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let locale = negotiate(req);
    let items = views(state, rows, locale, caller.branch_default_locale).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor }), locale))
}

/// The caller's own certificates.
#[utoipa::path(get, path = "/api/v1/users/me/certificates", tag = "certificates", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Certificate>)), (status = 401)))]
pub async fn mine(state: web::Data<AppState>, caller: Caller, req: HttpRequest, page: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    list_for(
        &state,
        &req,
        &caller,
        true,
        page.into_inner(),
        CertificateFilter {
            branch: None,
            course_id: None,
            status: None,
        },
    )
    .await
}

/// Certificates in the caller's scope: all for headquarters, the branch's for its admin, their own for a trainee.
#[utoipa::path(get, path = "/api/v1/certificates", tag = "certificates", params(PageParams, CertificateFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Certificate>)), (status = 401)))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    page: web::Query<PageParams>,
    filter: web::Query<CertificateFilter>,
) -> ApiResult<HttpResponse> {
    list_for(&state, &req, &caller, false, page.into_inner(), filter.into_inner()).await
}

#[utoipa::path(get, path = "/api/v1/certificates/{id}", tag = "certificates", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Certificate), (status = 404)))]
pub async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let row = service::find_visible(&state.db, &caller, *id).await?;
    let locale = negotiate(&req);
    let view = views(&state, vec![row], locale, caller.branch_default_locale)
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)?;
    Ok(with_language(HttpResponse::Ok().json(view), locale))
}

/// The certificate as an Open Badges 3.0 `OpenBadgeCredential`, signed as a
/// VC-JWT by the issuing branch's key (verify with its JWKS).
#[utoipa::path(get, path = "/api/v1/certificates/{id}/credential", tag = "certificates", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "VC-JWT", content_type = "application/vc+jwt", body = String), (status = 404)))]
pub async fn credential(state: web::Data<AppState>, caller: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let row = service::find_visible(&state.db, &caller, *id).await?;
    let branch = Branches::find_by_id(row.branch_id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let holder = crate::users::entity::Entity::find_by_id(row.user_id).one(&state.db).await?;
    let locale = holder
        .as_ref()
        .and_then(|u| Locale::from_canonical(&u.locale))
        .unwrap_or(Locale::En);
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let (title, summary) = service::course_title(&state.db, row.course_id, locale, default).await?;
    let course = service::course(&state.db, row.course_id).await?.ok_or_else(ApiError::not_found)?;
    let input = CredentialInput {
        certificate_id: row.id,
        code: row.code.clone(),
        holder_id: row.user_id,
        holder_name: row.holder_name.clone(),
        course_id: row.course_id,
        course_code: course.code,
        course_title: title,
        course_summary: summary,
        branch_code: branch.code.clone(),
        branch_name: branch_name(&branch, locale),
        branch_country: branch.country.clone(),
        issued_at: row.issued_at,
        revoked: row.status == certificate::Status::Revoked,
        public_url: state.config.public_url.clone(),
        locale,
    };
    let document = open_badge(&input);
    let signer = state.keys.signer(&state.db, branch.id).await?.ok_or_else(ApiError::internal)?;
    let token = sign_vc_jwt(
        &signer.kid,
        &signer.key,
        &document,
        row.issued_at,
        &input.issuer_id(),
        &input.subject_id(),
        &input.credential_id(),
    )?;
    Ok(HttpResponse::Ok()
        .content_type("application/vc+jwt")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(token))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revoke {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Revokes a certificate (headquarters); the verify page says so at once.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "certificates", params(("id" = Uuid, Path)), request_body = Revoke,
    security(("bearer" = [])), responses((status = 200, body = Certificate), (status = 403), (status = 404), (status = 422)))]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<Revoke>,
) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let reason = crate::text::REASON
        .check("reason", &body.reason)
        .map_err(|e| ApiError::validation(vec![e]))?;
    let reason = reason.as_str();
    let now = state.clock.now();
    let txn = crate::db::begin(&state.db).await?;
    let row = service::find_visible(&txn, &caller, *id).await?;
    let row = if row.status == certificate::Status::Revoked {
        row
    } else {
        let mut active: certificate::ActiveModel = row.into();
        active.status = Set(certificate::Status::Revoked);
        active.revoked_at = Set(Some(now));
        active.revoked_reason = Set(Some(reason.to_string()));
        active.updated_at = Set(now);
        let row = active.update(&txn).await?;
        audit::record(
            &txn,
            &req,
            &caller,
            Some(row.branch_id),
            "certificate.revoke",
            "certificate",
            &row.id.to_string(),
            json!({"code": row.code, "reason": reason}),
        )
        .await?;
        row
    };
    txn.commit().await?;
    let locale = negotiate(&req);
    let view = views(&state, vec![row], locale, caller.branch_default_locale)
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)?;
    Ok(with_language(HttpResponse::Ok().json(view), locale))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub code: String,
    /// `valid` or `revoked`.
    pub status: String,
    pub holder_name: String,
    pub course_title: String,
    pub course_code: String,
    /// The issuing branch's code.
    pub branch: String,
    pub branch_name: String,
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub locale: String,
}

/// JSON only for a client that prefers it to HTML by its `Accept` q-values;
/// browsers, `*/*` and ties get the page.
fn wants_json(req: &HttpRequest) -> bool {
    crate::http::accept::prefers(req, "application/json", "text/html")
}

/// An HTML page of the verify route, with the policy that lets its inline
/// stylesheet (and nothing else) apply.
fn html_page(status: StatusCode, page: String, viewer: Locale) -> HttpResponse {
    with_language(
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, super::page::content_security_policy()))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(page),
        viewer,
    )
}

async fn texts_in(
    db: &impl ConnectionTrait,
    row: &certificate::Model,
    branch: &crate::branches::entity::Model,
    locale: Locale,
) -> ApiResult<(String, String)> {
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let (title, _) = service::course_title(db, row.course_id, locale, default).await?;
    Ok((title, branch_name(branch, locale)))
}

/// The public check of a certificate: JSON for a client that prefers
/// `application/json` to `text/html` (by `Accept` q-values), otherwise a
/// printable bilingual HTML page with a QR code of its own URL. The answer
/// depends on `Accept` and `Accept-Language`, and says so in `Vary`.
#[utoipa::path(get, path = "/verify/{code}", tag = "certificates", params(("code" = String, Path)),
    responses(
        (status = 200, description = "The certificate: JSON, or the printable HTML page",
            content((Verification = "application/json"), (String = "text/html"))),
        (status = 404, description = "No such certificate: a problem document, or an HTML page",
            content((crate::error::ProblemSchema = "application/problem+json"), (String = "text/html"))),
        (status = 429)))]
pub async fn verify(state: web::Data<AppState>, req: HttpRequest, code: web::Path<String>) -> ApiResult<HttpResponse> {
    let mut response = match verification(&state, &req, &code).await {
        Ok(response) => response,
        // Rendered as a problem document by the middleware, which keeps Vary.
        Err(err) => actix_web::ResponseError::error_response(&err),
    };
    response
        .headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("Accept, Accept-Language"));
    Ok(response)
}

async fn verification(state: &AppState, req: &HttpRequest, code: &str) -> ApiResult<HttpResponse> {
    let client = crate::http::client_address::client_address(req);
    crate::http::rate_limit::check(state, "verify", client, state.config.verify_requests_per_minute).await?;
    let viewer = negotiate(req);
    let json = wants_json(req);
    let canonical = super::code::normalize_code(code);
    let row = match &canonical {
        Some(c) => service::by_code(&state.db, c).await?,
        None => None,
    };
    let Some(row) = row else {
        if json {
            return Err(ApiError::not_found());
        }
        let page = render_not_found_page(code, viewer);
        return Ok(html_page(StatusCode::NOT_FOUND, page, viewer));
    };
    let branch = Branches::find_by_id(row.branch_id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let course = service::course(&state.db, row.course_id).await?.ok_or_else(ApiError::not_found)?;
    if json {
        let (course_title, branch_label) = texts_in(&state.db, &row, &branch, viewer).await?;
        let body = Verification {
            code: row.code.clone(),
            status: row.status.to_value(),
            holder_name: row.holder_name.clone(),
            course_title,
            course_code: course.code,
            branch: branch.code.clone(),
            branch_name: branch_label,
            issued_at: row.issued_at,
            revoked_at: row.revoked_at,
            revoked_reason: row.revoked_reason.clone(),
            locale: viewer.as_str().to_string(),
        };
        return Ok(with_language(
            HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-cache")).json(body),
            viewer,
        ));
    }
    let second = second_language(viewer);
    let (course_title_zh, branch_name_zh) = texts_in(&state.db, &row, &branch, Locale::ZhCn).await?;
    let (course_title_viewer, branch_name_viewer) = texts_in(&state.db, &row, &branch, second).await?;
    let view = VerifyView {
        code: row.code.clone(),
        status_valid: row.status == certificate::Status::Valid,
        revoked_reason: row.revoked_reason.clone(),
        holder_name: row.holder_name.clone(),
        course_title_zh,
        course_title_viewer,
        branch_name_zh,
        branch_name_viewer,
        issued_at: row.issued_at,
        time_zone: branch.time_zone.parse().unwrap_or(chrono_tz::UTC),
        verify_url: format!("{}/verify/{}", state.config.public_url, row.code),
    };
    let page = render_verify_page(&view, viewer);
    Ok(html_page(StatusCode::OK, page, viewer))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub fn routes(r: &mut Routes) {
    r.add(__path_mine, mine)
        .add(__path_list, list)
        .add(__path_get, get)
        .add(__path_credential, credential)
        .add(__path_revoke, revoke)
        .add(__path_verify, verify);
}
