//! Certificates for signed-in callers: lists, one certificate, its signed
//! credential, revocation. Thin handlers over `service` and `commands`; the
//! public check is in `verify`.

use super::commands;
use super::dto::{Certificate, CertificateFilter, Revoke, views};
use super::entity as certificate;
use super::service::{self, ListFilter};
use crate::error::{ApiError, ApiResult};
use crate::http::page::List;
use crate::http::routes::Routes;
use crate::http::{Json, Page, PageParams, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, HqOnly};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

/// A page of the certificates `filter` picks, as views in the response language.
async fn list_page(state: &AppState, req: &HttpRequest, caller: &Caller, page: Page, filter: ListFilter<'_>) -> ApiResult<HttpResponse> {
    let rows = service::list(&state.db, caller, filter, page).await?;
    let (rows, next_cursor) = crate::http::page::split_page(rows, page, |r| r.id);
    let locale = negotiate(req);
    let items = views(state, rows, locale, caller.branch_default_locale).await?;
    Ok(with_language(HttpResponse::Ok().json(List { items, next_cursor }), locale))
}

/// One certificate's view in the response language.
async fn one(state: &AppState, req: &HttpRequest, caller: &Caller, row: certificate::Model) -> ApiResult<HttpResponse> {
    let locale = negotiate(req);
    let view = views(state, vec![row], locale, caller.branch_default_locale)
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)?;
    Ok(with_language(HttpResponse::Ok().json(view), locale))
}

/// The caller's own certificates.
#[utoipa::path(get, path = "/api/v1/users/me/certificates", tag = "certificates", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Certificate>)), (status = 401)))]
pub(crate) async fn mine(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    page: crate::http::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let filter = ListFilter {
        mine: true,
        ..ListFilter::default()
    };
    list_page(&state, &req, &caller, page.page()?, filter).await
}

/// Certificates in the caller's scope: all for headquarters, the branch's for its admin, their own for a trainee.
#[utoipa::path(get, path = "/api/v1/certificates", tag = "certificates", params(PageParams, CertificateFilter), security(("bearer" = [])),
    responses((status = 200, body = inline(List<Certificate>)), (status = 401)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    page: crate::http::Query<PageParams>,
    filter: crate::http::Query<CertificateFilter>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let filter = ListFilter {
        mine: false,
        branch: filter.branch.as_deref(),
        course_id: filter.course_id,
        status: filter.status()?,
    };
    list_page(&state, &req, &caller, page, filter).await
}

#[utoipa::path(get, path = "/api/v1/certificates/{id}", tag = "certificates", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Certificate), (status = 404)))]
pub(crate) async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let row = service::find_visible(&state.db, &caller, *id).await?;
    one(&state, &req, &caller, row).await
}

/// The certificate as an Open Badges 3.0 `OpenBadgeCredential`, signed once
/// at issuance as a VC-JWT (ES256) by the branch's credential key; the JWT
/// `kid` is the URL of that key.
#[utoipa::path(get, path = "/api/v1/certificates/{id}/credential", tag = "certificates", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "VC-JWT", content_type = "application/vc+jwt", body = String), (status = 404)))]
pub(crate) async fn credential(state: web::Data<AppState>, caller: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let token = service::signed_credential(&state, &caller, *id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vc+jwt")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(token))
}

/// Revokes a certificate (headquarters): the verify page and the public
/// status list say so at once, and the holder is emailed with the reason.
/// Revoking a revoked certificate answers it unchanged (200).
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "certificates", params(("id" = Uuid, Path)), request_body = Revoke,
    security(("bearer" = [])), responses((status = 200, body = Certificate), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn revoke(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<Revoke>,
) -> ApiResult<HttpResponse> {
    let row = commands::revoke(&state, &actor, *id, &body.reason).await?;
    one(&state, &req, &actor, row).await
}

/// Signs the certificate's credential again after the holder's name was
/// corrected (headquarters): same `id`, new `validFrom`; see `commands::reissue`.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/reissue", tag = "certificates", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = Certificate), (status = 403), (status = 404), (status = 409, description = "certificate_revoked")))]
pub(crate) async fn reissue(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let row = commands::reissue(&state, &actor, *id).await?;
    one(&state, &req, &actor, row).await
}

/// Rotates a branch's credential key (headquarters): new credentials are
/// signed with a new key; the old one is retired and stays published.
/// Answers the branch's credential JWK Set.
#[utoipa::path(post, path = "/api/v1/branches/{code}/credential-keys/rotate", tag = "certificates", params(("code" = String, Path)),
    security(("bearer" = [])), responses((status = 200, description = "JWK Set", body = Object), (status = 403), (status = 404)))]
pub(crate) async fn rotate_credential_key(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let set = commands::rotate_credential_key(&state, &actor, &code).await?;
    Ok(HttpResponse::Ok().json(set))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_mine, mine)
        .add(__path_list, list)
        .add(__path_get, get)
        .add(__path_credential, credential)
        .add(__path_revoke, revoke)
        .add(__path_reissue, reissue)
        .add(__path_rotate_credential_key, rotate_credential_key)
        .add(super::verify::__path_verify, super::verify::verify);
    super::issuer_routes::routes(r);
}
