//! A JSON body extractor whose every failure is a problem document: wrong
//! media type 415, too large 413, broken syntax 400 `malformed_json`, wrong
//! types or missing fields 400 `invalid_json` naming the field.

use crate::error::FieldCode;
use crate::error::ProblemCode;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

pub struct Json<T>(pub T);

/// A body limit for the routes it is attached to (`resource.app_data(...)`),
/// smaller than the general `ZHIJIANG_JSON_LIMIT_BYTES`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JsonLimit(pub usize);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Whether the request declares a JSON body (`application/json` or `*+json`).
fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Reads the whole body, refusing more than `limit` bytes with 413.
pub(crate) async fn read_body(req: &HttpRequest, payload: &mut Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    let too_large = || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::PayloadTooLarge).arg("limit", limit);
    if let Some(length) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && length > limit
    {
        return Err(too_large());
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request(ProblemCode::MalformedBody))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parses JSON, naming the offending field on a type error.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de);
    if value.is_ok() && de.end().is_err() {
        return Err(ApiError::bad_request(ProblemCode::MalformedJson));
    }
    value.map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { String::new() } else { path };
                let code = if inner.to_string().starts_with("missing field") {
                    FieldCode::Required
                } else {
                    FieldCode::InvalidType
                };
                let field = if code == FieldCode::Required {
                    // serde reports the missing field in the message, not the path.
                    let name = inner.to_string().split('`').nth(1).unwrap_or("").to_string();
                    if field.is_empty() { name } else { format!("{field}.{name}") }
                } else {
                    field
                };
                let mut e = ApiError::bad_request(ProblemCode::InvalidJson);
                e.errors.push(FieldError::new(field, code));
                e
            }
            _ => ApiError::bad_request(ProblemCode::MalformedJson),
        }
    })
}

/// The body limit of a JSON request: the configured one, or a route's
/// smaller `JsonLimit`.
fn body_limit(req: &HttpRequest) -> usize {
    let general = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.json_limit)
        .unwrap_or(1024 * 1024);
    req.app_data::<JsonLimit>().map_or(general, |l| l.0.min(general))
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json(&req) {
                return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::UnsupportedMediaType)
                    .arg("expected", "application/json"));
            }
            let body = read_body(&req, &mut payload, body_limit(&req)).await?;
            parse(&body).map(Json)
        })
    }
}

/// A JSON object body that may be left out: an empty body is `None`; any
/// other body is read as [`Json`] is (415, 413, 400 alike), and must be an
/// object (serde would otherwise read `[true]` as a struct).
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let body = read_body(&req, &mut payload, body_limit(&req)).await?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalJson(None));
            }
            if !is_json(&req) {
                return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::UnsupportedMediaType)
                    .arg("expected", "application/json"));
            }
            if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
                let mut e = ApiError::bad_request(ProblemCode::InvalidJson);
                e.errors.push(FieldError::new("", FieldCode::InvalidType));
                return Err(e);
            }
            parse(&body).map(|v| OptionalJson(Some(v)))
        })
    }
}
