//! `GET /verify/{code}`: the public check of a certificate, for anyone who
//! holds its code or scans its QR code. JSON for a client that asks for it,
//! otherwise the printable bilingual page of `page`.

use super::dto::Verification;
use super::entity as certificate;
use super::page::{VerifyView, render_busy_page, render_not_found_page, render_verify_page, second_language};
use super::service::{self, Verified, branch_name};
use crate::error::{ApiError, ApiResult};
use crate::http::{negotiate, with_language};
use crate::i18n::Locale;
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{ConnectionTrait, DbErr};

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
) -> Result<(String, String), DbErr> {
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
        (status = 429, description = "Too many checks from this client: a problem document, or an HTML page; `Retry-After` says when to try again",
            content((crate::error::ProblemSchema = "application/problem+json"), (String = "text/html")))))]
pub(crate) async fn verify(state: web::Data<AppState>, req: HttpRequest, code: web::Path<String>) -> ApiResult<HttpResponse> {
    let mut response = match verification(&state, &req, &code).await {
        Ok(response) => response,
        // A browser over the rate limit gets the page's own kind of answer,
        // in its language, with the wait; JSON clients the problem document.
        Err(err) if err.status == StatusCode::TOO_MANY_REQUESTS && !wants_json(&req) => {
            let seconds = err.retry_after.unwrap_or(60);
            let viewer = negotiate(&req);
            let mut page = html_page(err.status, render_busy_page(seconds, viewer), viewer);
            if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
                page.headers_mut().insert(header::RETRY_AFTER, value);
            }
            page
        }
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
    let found = match &canonical {
        Some(c) => service::verified(&state.db, c).await?,
        None => None,
    };
    let Some(Verified {
        certificate: row,
        branch,
        course,
    }) = found
    else {
        if json {
            return Err(ApiError::not_found());
        }
        let page = render_not_found_page(code, viewer);
        return Ok(html_page(StatusCode::NOT_FOUND, page, viewer));
    };
    if json {
        let (course_title, branch_label) = texts_in(&state.db, &row, &branch, viewer).await?;
        let body = Verification {
            code: row.code.clone(),
            status: row.status_at(state.clock.now()).to_string(),
            expires_at: row.expires_at,
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
        expired: row.status_at(state.clock.now()) == "expired",
        expires_at: row.expires_at,
        revoked_reason: row.revoked_reason.clone(),
        holder_name: row.holder_name.clone(),
        course_title_zh,
        course_title_viewer,
        branch_name_zh,
        branch_name_viewer,
        issued_at: row.issued_at,
        time_zone: branch.time_zone.parse().unwrap_or(chrono_tz::UTC),
        verify_url: super::dto::verify_url(&state.config.public_url, &row.code),
    };
    let page = render_verify_page(&view, viewer);
    Ok(html_page(StatusCode::OK, page, viewer))
}
