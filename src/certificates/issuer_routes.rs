//! Public, anonymous routes for verifiers (see `issuer`): thin handlers
//! that set the media type each document is served as, and allow any
//! origin, since web verifiers fetch them from their own pages.

use super::issuer;
use crate::error::ApiResult;
use crate::http::negotiate;
use crate::http::routes::Routes;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

fn document(content_type: &str, max_age: u32, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, format!("public, max-age={max_age}")))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(body)
}

/// The issuer Profile of a branch (the `issuer.id` of its credentials).
#[utoipa::path(get, path = "/issuers/{code}", tag = "credentials", params(("code" = String, Path)),
    responses((status = 200, description = "Open Badges 3.0 Profile", content_type = "application/json", body = Object), (status = 404)))]
pub(crate) async fn profile(state: web::Data<AppState>, code: web::Path<String>) -> ApiResult<HttpResponse> {
    let doc = issuer::profile(&state, &code).await?;
    Ok(document("application/json", 3600, doc.to_string()))
}

/// One credential key as a JWK: a credential's JWT `kid` is this URL.
#[utoipa::path(get, path = "/issuers/{code}/keys/{kid}", tag = "credentials", params(("code" = String, Path), ("kid" = String, Path)),
    responses((status = 200, description = "JWK (EC P-256)", content_type = "application/jwk+json", body = Object), (status = 404)))]
pub(crate) async fn key(state: web::Data<AppState>, path: web::Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (code, kid) = path.into_inner();
    let jwk = issuer::key(&state, &code, &kid).await?;
    Ok(document("application/jwk+json", 3600, jwk.to_string()))
}

/// A branch's credential keys, retired ones included, as a JWK Set.
#[utoipa::path(get, path = "/issuers/{code}/jwks.json", tag = "credentials", params(("code" = String, Path)),
    responses((status = 200, description = "JWK Set", content_type = "application/jwk-set+json", body = Object), (status = 404)))]
pub(crate) async fn jwks(state: web::Data<AppState>, code: web::Path<String>) -> ApiResult<HttpResponse> {
    let set = issuer::jwks(&state, &code).await?;
    Ok(document("application/jwk-set+json", 300, set.to_string()))
}

/// Every branch's credential keys as one JWK Set, at the well-known location.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "credentials",
    responses((status = 200, description = "JWK Set", content_type = "application/jwk-set+json", body = Object)))]
pub(crate) async fn well_known_jwks(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let set = issuer::all_jwks(&state).await?;
    Ok(document("application/jwk-set+json", 300, set.to_string()))
}

/// A signed W3C Bitstring Status List (revocation) as a VC-JWT; short-lived
/// in caches, since a revocation shows in it at once.
#[utoipa::path(get, path = "/issuers/{code}/status-lists/{number}", tag = "credentials", params(("code" = String, Path), ("number" = i32, Path)),
    responses((status = 200, description = "BitstringStatusListCredential, VC-JWT", content_type = "application/vc+jwt", body = String), (status = 404)))]
pub(crate) async fn status_list(state: web::Data<AppState>, path: web::Path<(String, i32)>) -> ApiResult<HttpResponse> {
    let (code, number) = path.into_inner();
    let jwt = issuer::status_list(&state, &code, number).await?;
    Ok(document("application/vc+jwt", 60, jwt))
}

/// The achievement a published course's certificate stands for.
#[utoipa::path(get, path = "/achievements/{id}", tag = "credentials", params(("id" = Uuid, Path)),
    responses((status = 200, description = "Open Badges 3.0 Achievement", content_type = "application/json", body = Object), (status = 404)))]
pub(crate) async fn achievement(state: web::Data<AppState>, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let locale = negotiate(&req);
    let doc = issuer::achievement_of(&state, *id, locale).await?;
    Ok(crate::http::with_language(
        document("application/json", 3600, doc.to_string()),
        locale,
    ))
}

/// This area's public routes for verifiers.
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_profile, profile)
        .add(__path_key, key)
        .add(__path_jwks, jwks)
        .add(__path_well_known_jwks, well_known_jwks)
        .add(__path_status_list, status_list)
        .add(__path_achievement, achievement);
}
