//! Building the `Caller` (see `crate::tenancy`) from a request's bearer token.

use super::tokens;
use crate::error::ApiError;
use crate::http::LocaleHints;
use crate::http::request_id::RequestId;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Actor, Authorized, Caller, Origin, RoleSet};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string())
}

/// Authenticates a request; also used by the idempotency layer.
pub(crate) async fn authenticate(state: &AppState, req: &HttpRequest) -> Result<Caller, ApiError> {
    if let Some(caller) = req.extensions().get::<Caller>() {
        return Ok(caller.clone());
    }
    let token = bearer(req).ok_or_else(ApiError::unauthenticated)?;
    let (claims, verifier) = tokens::verify(state, &token).await?;
    let (role, locale) = super::sessions::admit(state, &claims, &verifier).await?;
    let branch_default_locale = Locale::from_canonical(&verifier.branch_default_locale).unwrap_or(Locale::En);
    let caller = Caller {
        user_id: claims.sub,
        branch_id: verifier.branch_id,
        branch_code: verifier.branch_code,
        role,
        locale,
        branch_default_locale,
        session_id: claims.sid,
    };
    req.extensions_mut().insert(LocaleHints {
        user: Some(locale),
        branch_default: Some(branch_default_locale),
    });
    req.extensions_mut().insert(caller.clone());
    Ok(caller)
}

/// `authenticate` as a plain function pointer, for the idempotency layer.
pub(crate) fn authenticate_boxed<'a>(state: &'a AppState, req: &'a HttpRequest) -> LocalBoxFuture<'a, Result<Caller, ApiError>> {
    Box::pin(authenticate(state, req))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req.app_data::<web::Data<AppState>>().ok_or_else(ApiError::internal)?.clone();
            authenticate(&state, &req).await
        })
    }
}

/// The request's origin for the audit log: the derived client address
/// (`http::client_address`, honouring trusted proxies only) and request id.
pub(crate) fn origin(req: &HttpRequest) -> Origin {
    Origin {
        address: Some(crate::http::client_address::client_address(req).to_string()),
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
    }
}

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let caller = caller.await?;
            Ok(Actor {
                caller,
                origin: origin(&req),
            })
        })
    }
}

impl<R: RoleSet + 'static> FromRequest for Authorized<R> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let actor = Actor::from_request(req, payload);
        Box::pin(async move { Authorized::new(actor.await?) })
    }
}
