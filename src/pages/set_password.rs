//! The set-a-password pages behind email links: accepting an invitation and
//! resetting a password share their shell. `GET /{path}?token=…` shows the
//! form in the token's user's language (`?lang=` switches), or a page that
//! says the link is no longer valid (410); `POST /{path}` (form-urlencoded
//! `token`, `password`, `password_confirmation`, `csrf`, `lang`) checks the
//! CSRF token (403 and the form again), the password rules (422 and the form
//! again, each message next to its field), then hands over to the same
//! service the API uses and shows what to do next.
//!
//! A flow (`Flow`) names its path, its texts and its two service calls; the
//! handlers here are generic over it. Every answer is an HTML page in the
//! frame of `super::frame`, never a problem document.

use super::csrf;
use super::set_password_view::{
    CONFIRMATION, FieldMessage, FormView, PASSWORD, render_done, render_failure, render_form, render_invalid, respond,
};
use crate::auth::AuthError;
use crate::error::FieldError;
use crate::http::locale::requested_by_browser;
use crate::i18n::{Arg, Locale};
use crate::state::AppState;
use crate::tenancy::Origin;
use crate::users::entity as user;
use crate::users::password;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{DbErr, EntityTrait};

/// One set-a-password flow.
pub(crate) trait Flow {
    /// The path of its page, without the leading slash (`accept-invite`).
    const PATH: &'static str;
    /// The prefix of its messages in `pages.ftl` (`invite` → `invite-title`).
    const TEXTS: &'static str;
    /// The user the token would set the password of, while it is valid.
    async fn user(state: &AppState, token: &str) -> Result<Option<user::Model>, DbErr>;
    /// Sets the password with the token, through the API's own service.
    async fn set_password(state: &AppState, origin: Origin, token: &str, password: &str) -> Result<(), AuthError>;
    /// Whether an error of `set_password` means that the link can no longer
    /// be used (the page says so) rather than a fault (a 500 page).
    fn link_spent(err: &AuthError) -> bool {
        matches!(
            err,
            AuthError::InvitationInvalid | AuthError::SignedOut | AuthError::InvalidCredentials
        )
    }
}

/// The texts a flow must have, in every locale (suffixes of `Flow::TEXTS`).
#[cfg(test)]
pub(crate) const FLOW_TEXTS: [&str; 9] = [
    "title",
    "intro",
    "submit",
    "done-title",
    "done-body",
    "done-next",
    "invalid-title",
    "invalid-body",
    "invalid-hint",
];

/// The path of a page as the browser sees it: under the path of
/// `PUBLIC_URL`, if it has one (the CSRF cookie is limited to it).
fn public_path(state: &AppState, path: &str) -> String {
    let url = state.config.public_url.trim_end_matches('/');
    let after_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let base = after_scheme.find('/').map(|at| &after_scheme[at..]).unwrap_or("");
    format!("{base}/{path}")
}

/// The form page with a CSRF token in its field and cookie: `token`, or a
/// fresh one.
fn form_with_token<F: Flow>(state: &AppState, status: StatusCode, view: FormView<'_>, token: Option<String>) -> HttpResponse {
    let token = token.unwrap_or_else(csrf::new_token);
    let view = FormView { csrf: &token, ..view };
    let page = render_form::<F>(&view);
    let mut response = respond(status, view.locale, page);
    let cookie = csrf::set_cookie(
        &token,
        &public_path(state, F::PATH),
        state.config.public_url.starts_with("https://"),
    );
    if let Ok(value) = header::HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The first value of each name in a query string or form body.
fn fields(encoded: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(encoded).unwrap_or_default()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The page language: the one asked for (`?lang=` or the form's), else the
/// user's saved locale, else the browser's, else English.
fn page_locale(req: &HttpRequest, asked: Option<&str>, user: Option<&user::Model>) -> Locale {
    asked
        .and_then(Locale::from_tag)
        .or_else(|| user.and_then(|u| Locale::from_canonical(&u.locale)))
        .or_else(|| requested_by_browser(req))
        .unwrap_or(Locale::En)
}

async fn branch_code(state: &AppState, row: &user::Model) -> Result<String, DbErr> {
    Ok(crate::branches::entity::Entity::find_by_id(row.branch_id)
        .one(&state.db)
        .await?
        .map(|b| b.code)
        .unwrap_or_default())
}

fn failure(req: &HttpRequest, asked: Option<&str>, cause: &(dyn std::error::Error + 'static)) -> HttpResponse {
    tracing::error!(error = %crate::error::cause_chain(cause), "a page could not be served");
    let locale = page_locale(req, asked, None);
    respond(StatusCode::INTERNAL_SERVER_ERROR, locale, render_failure(locale))
}

fn invalid<F: Flow>(req: &HttpRequest, asked: Option<&str>) -> HttpResponse {
    let locale = page_locale(req, asked, None);
    respond(StatusCode::GONE, locale, render_invalid::<F>(locale))
}

/// The user `token` sets the password of, with their branch's code; or the
/// page to answer instead (the link is invalid, or a fault).
async fn open_link<F: Flow>(
    state: &AppState,
    req: &HttpRequest,
    asked: Option<&str>,
    token: &str,
) -> Result<(user::Model, String), HttpResponse> {
    let found = F::user(state, token).await.map_err(|e| failure(req, asked, &e))?;
    let row = found.ok_or_else(|| invalid::<F>(req, asked))?;
    let branch = branch_code(state, &row).await.map_err(|e| failure(req, asked, &e))?;
    Ok((row, branch))
}

/// `GET /{path}?token=…[&lang=…]`: the form, or the page of an invalid link.
pub(crate) async fn show<F: Flow>(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let query = fields(req.query_string());
    let asked = field(&query, "lang");
    let token = field(&query, "token").unwrap_or_default();
    let (row, branch) = match open_link::<F>(&state, &req, asked, token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let view = FormView {
        locale: page_locale(&req, asked, Some(&row)),
        token,
        csrf: "",
        user: &row,
        branch_code: &branch,
        errors: Vec::new(),
        general: None,
    };
    form_with_token::<F>(&state, StatusCode::OK, view, csrf::current(&req))
}

/// The page's own checks of the two password fields: the API's rules on the
/// password, and a confirmation that repeats it.
fn check_fields(locale: Locale, given: &str, confirmation: &str) -> Vec<FieldMessage> {
    let mut errors: Vec<FieldMessage> = password::check_rules(PASSWORD, given)
        .iter()
        .map(|e| FieldMessage {
            field: PASSWORD,
            text: e.message(locale),
        })
        .collect();
    let confirm = if confirmation.is_empty() {
        Some("page-confirmation-missing")
    } else if confirmation != given {
        Some("page-confirmation-mismatch")
    } else {
        None
    };
    if let Some(id) = confirm {
        errors.push(FieldMessage {
            field: CONFIRMATION,
            text: crate::i18n::t(locale, id, &[]),
        });
    }
    errors
}

/// Field errors of the service, placed next to the page's fields.
fn service_errors(locale: Locale, errors: &[FieldError]) -> Vec<FieldMessage> {
    errors
        .iter()
        .map(|e| FieldMessage {
            field: if e.field == CONFIRMATION { CONFIRMATION } else { PASSWORD },
            text: e.message(locale),
        })
        .collect()
}

/// `POST /{path}`: checks the CSRF token and the fields, sets the password
/// through the service, and shows what to do next.
pub(crate) async fn submit<F: Flow>(state: web::Data<AppState>, req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let Some(body) = read_form(payload).await else {
        let locale = page_locale(&req, None, None);
        return respond(StatusCode::PAYLOAD_TOO_LARGE, locale, render_invalid::<F>(locale));
    };
    let form = fields(std::str::from_utf8(&body).unwrap_or_default());
    let asked = field(&form, "lang");
    let token = field(&form, "token").unwrap_or_default();
    let (row, branch) = match open_link::<F>(&state, &req, asked, token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let locale = page_locale(&req, asked, Some(&row));
    let mut view = FormView {
        locale,
        token,
        csrf: "",
        user: &row,
        branch_code: &branch,
        errors: Vec::new(),
        general: None,
    };
    let Some(csrf_token) = csrf::verified(&req, field(&form, csrf::FIELD)) else {
        view.general = Some(crate::i18n::t(locale, "page-csrf-failed", &[]));
        return form_with_token::<F>(&state, StatusCode::FORBIDDEN, view, None);
    };
    view.csrf = &csrf_token;
    let given = field(&form, PASSWORD).unwrap_or_default();
    let confirmation = field(&form, CONFIRMATION).unwrap_or_default();
    view.errors = check_fields(locale, given, confirmation);
    if !view.errors.is_empty() {
        return respond(StatusCode::UNPROCESSABLE_ENTITY, locale, render_form::<F>(&view));
    }
    let origin = crate::auth::caller::origin(&req);
    match F::set_password(&state, origin, token, given).await {
        Ok(()) => {
            let mut response = respond(StatusCode::OK, locale, render_done::<F>(locale, &branch, &row.email));
            // The form is done with: its CSRF cookie goes.
            let gone = csrf::expired_cookie(&public_path(&state, F::PATH));
            if let Ok(value) = header::HeaderValue::from_str(&gone) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(AuthError::Invalid(errors)) if errors.iter().any(|e| e.field == "token") => invalid::<F>(&req, asked),
        Err(AuthError::Invalid(errors)) => {
            view.errors = service_errors(locale, &errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, locale, render_form::<F>(&view))
        }
        Err(AuthError::Throttled { retry_after }) => {
            let minutes = retry_after.div_ceil(60).max(1);
            view.general = Some(crate::i18n::t(locale, "page-throttled", &[("minutes", Arg::from(minutes))]));
            let mut response = respond(StatusCode::TOO_MANY_REQUESTS, locale, render_form::<F>(&view));
            if let Ok(value) = header::HeaderValue::from_str(&retry_after.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(e) if F::link_spent(&e) => invalid::<F>(&req, asked),
        Err(e) => failure(&req, asked, &e),
    }
}

/// A form of a few short fields: anything bigger is refused unread.
const FORM_LIMIT: usize = 8 * 1024;

/// The body of a form post, or `None` past [`FORM_LIMIT`] (or a broken read).
async fn read_form(mut payload: web::Payload) -> Option<Vec<u8>> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.ok()?;
        if body.len() + chunk.len() > FORM_LIMIT {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body)
}

/// Serves a flow's page: `GET` and `POST` on its path. Pages are not API
/// operations, so they stay out of the OpenAPI document (like `/docs`).
pub(crate) fn add_routes<F: Flow + 'static>(r: &mut crate::http::routes::Routes) {
    let path = format!("/{}", F::PATH);
    r.undocumented(&path, web::get().to(show::<F>))
        .undocumented(&path, web::post().to(submit::<F>));
}
