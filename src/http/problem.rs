//! Turns every error answer into a localized RFC 9457 problem document.
//!
//! Three sources of errors meet here: `ApiError`s from handlers and from the
//! layers around them (the idempotency layer, extractors), bare statuses
//! from actix itself (no route 404, wrong method 405), and panics, which
//! become a 500 without internals instead of a dropped connection.
//!
//! The renderer sits outside every layer that can fail, so none of them
//! answers in English by accident. When no handler ran (an unknown route, a
//! bad path value, a refused `Idempotency-Key`) nobody has authenticated the
//! caller yet; if a bearer token is there, it is checked now, only to learn
//! the caller's saved language.

use super::idempotency::Settings;
use super::locale::{LocaleHints, requested};
use super::{PROBLEM_JSON, negotiate, with_language};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

pub(crate) async fn problem_documents(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // The request cannot be cloned here: routing still needs it unshared.
    let path = req.path().to_string();
    let outcome = AssertUnwindSafe(next.call(req)).catch_unwind().await;
    match outcome {
        Ok(Ok(res)) => Ok(render(res.map_into_boxed_body()).await),
        // Errors raised by middleware rather than answered; actix renders
        // them with `error_response`, which for ApiError is a problem document.
        Ok(Err(err)) => Err(err),
        Err(_) => {
            tracing::error!(%path, "handler panicked");
            Err(ApiError::internal().into())
        }
    }
}

/// The error a response stands for, if it is one still to be rendered: an
/// `ApiError` left by `error_response`, or a bare status from actix.
fn pending_problem(response: &ServiceResponse<BoxBody>) -> Option<ApiError> {
    if let Some(err) = response.response().extensions().get::<ApiError>() {
        return Some(err.clone());
    }
    if !(response.status().is_client_error() || response.status().is_server_error()) {
        return None;
    }
    // Bare statuses from actix carry no body or plain text; pages we render
    // on purpose (the HTML verify page's 404) are left alone.
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let bare = content_type.is_none_or(|v| v.starts_with("text/plain"));
    bare.then(|| ApiError::from_status(response.status()))
}

/// Re-renders an error answer as a problem document in the caller's
/// language; any other answer passes unchanged. Also used by the
/// idempotency layer, so that the answers it remembers are localized.
pub(crate) async fn render(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let Some(problem) = pending_problem(&response) else {
        return response;
    };
    let request = response.request().clone();
    learn_caller_language(&request).await;
    let locale = negotiate(&request);
    let mut rendered = HttpResponse::build(problem.status);
    rendered.content_type(PROBLEM_JSON);
    // Keep headers the original answer set on purpose (Allow on 405,
    // Retry-After, WWW-Authenticate, Vary), but not its body's framing.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && name != header::CONTENT_ENCODING {
            rendered.insert_header((name.clone(), value.clone()));
        }
    }
    if let Some(seconds) = problem.retry_after {
        rendered.insert_header((header::RETRY_AFTER, seconds.to_string()));
    }
    if problem.status == actix_web::http::StatusCode::UNAUTHORIZED {
        rendered.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
    }
    let body = problem.to_problem(locale).to_string();
    let (request, _old) = response.into_parts();
    ServiceResponse::new(request, with_language(rendered.body(body), locale))
}

/// Authenticates the caller when the request names no language itself and
/// no handler has done it: the saved locale is then known for the answer.
/// A token that does not verify simply teaches nothing.
async fn learn_caller_language(request: &HttpRequest) {
    if requested(request).is_some() || request.extensions().get::<LocaleHints>().is_some() {
        return;
    }
    if !request.headers().contains_key(header::AUTHORIZATION) {
        return;
    }
    let (Some(state), Some(settings)) = (
        request.app_data::<web::Data<AppState>>().cloned(),
        request.app_data::<web::Data<Settings>>().cloned(),
    ) else {
        return;
    };
    let _ = (settings.authenticate)(&state, request).await;
}
