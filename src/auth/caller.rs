//! Who is calling, and the tenancy scope every service queries through.

use super::tokens;
use crate::error::ApiError;
use crate::http::LocaleHints;
use crate::i18n::Locale;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    HqAdmin,
    BranchAdmin,
    Trainee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::HqAdmin => "hq_admin",
            Role::BranchAdmin => "branch_admin",
            Role::Trainee => "trainee",
        }
    }
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "hq_admin" => Some(Role::HqAdmin),
            "branch_admin" => Some(Role::BranchAdmin),
            "trainee" => Some(Role::Trainee),
            _ => None,
        }
    }
}

/// The authenticated caller. Taking it as a handler argument is what makes a
/// route require a valid token.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: Uuid,
    pub branch_id: Uuid,
    pub branch_code: String,
    pub role: Role,
    pub locale: Locale,
    pub branch_default_locale: Locale,
}

/// Which branches' data a caller may see. Services filter every query of
/// branch-owned rows with it, so a handler cannot forget tenancy; a row
/// outside the scope is answered exactly like a missing one (404).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Headquarters administrators: every branch.
    All,
    Branch(Uuid),
}

impl Scope {
    pub fn allows(&self, branch_id: Uuid) -> bool {
        match self {
            Scope::All => true,
            Scope::Branch(own) => *own == branch_id,
        }
    }

    /// A condition restricting `column` (a branch id column) to this scope.
    pub fn condition(&self, column: impl ColumnTrait) -> Condition {
        match self {
            Scope::All => Condition::all(),
            Scope::Branch(id) => Condition::all().add(column.eq(*id)),
        }
    }
}

impl Caller {
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::HqAdmin => Scope::All,
            _ => Scope::Branch(self.branch_id),
        }
    }

    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    pub fn is_hq(&self) -> bool {
        self.role == Role::HqAdmin
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string())
}

/// Authenticates a request; also used by the idempotency layer.
pub async fn authenticate(state: &AppState, req: &HttpRequest) -> Result<Caller, ApiError> {
    if let Some(caller) = req.extensions().get::<Caller>() {
        return Ok(caller.clone());
    }
    let token = bearer(req).ok_or_else(ApiError::unauthenticated)?;
    let (claims, verifier) = tokens::verify(state, &token).await?;
    let role = super::sessions::admit(state, &claims, &verifier).await?;
    let locale = Locale::from_canonical(&claims.locale).unwrap_or(Locale::En);
    let branch_default_locale = Locale::from_canonical(&verifier.branch_default_locale).unwrap_or(Locale::En);
    let caller = Caller {
        user_id: claims.sub,
        branch_id: verifier.branch_id,
        branch_code: verifier.branch_code,
        role,
        locale,
        branch_default_locale,
    };
    req.extensions_mut().insert(LocaleHints {
        user: Some(locale),
        branch_default: Some(branch_default_locale),
    });
    req.extensions_mut().insert(caller.clone());
    Ok(caller)
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
