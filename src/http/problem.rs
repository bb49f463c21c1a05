//! Turns every error answer into a localized RFC 9457 problem document.
//!
//! Three sources of errors meet here: `ApiError`s from handlers (rendered in
//! the response language, now that authentication has run), bare statuses
//! from actix itself (no route 404, wrong method 405), and panics, which
//! become a 500 without internals instead of a dropped connection.

use super::{PROBLEM_JSON, negotiate, with_language};
use crate::error::ApiError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

pub(crate) async fn problem_documents(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // The request cannot be cloned here: routing still needs it unshared.
    let path = req.path().to_string();
    let outcome = AssertUnwindSafe(next.call(req)).catch_unwind().await;
    let response = match outcome {
        Ok(Ok(res)) => res.map_into_boxed_body(),
        // Errors raised by middleware, not handlers; actix renders them with
        // `error_response`, which for ApiError is a problem document.
        Ok(Err(err)) => return Err(err),
        Err(_) => {
            tracing::error!(%path, "handler panicked");
            return Err(ApiError::internal().into());
        }
    };
    let request = response.request().clone();

    let pending = response.response().extensions().get::<ApiError>().cloned();
    let problem = match pending {
        Some(err) => Some(err),
        None if response.status().is_client_error() || response.status().is_server_error() => {
            // Bare statuses from actix carry no body or plain text; pages we
            // render on purpose (the HTML verify page's 404) are left alone.
            let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
            let bare = match content_type {
                None => true,
                Some(v) => v.starts_with("text/plain"),
            };
            bare.then(|| ApiError::from_status(response.status()))
        }
        None => None,
    };
    let Some(problem) = problem else {
        return Ok(response);
    };

    let locale = negotiate(&request);
    let mut rendered = HttpResponse::build(problem.status);
    rendered.content_type(PROBLEM_JSON);
    // Keep headers the original answer set on purpose (Allow on 405,
    // Retry-After, WWW-Authenticate), but not its body's framing.
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
    Ok(ServiceResponse::new(request, with_language(rendered.body(body), locale)))
}
