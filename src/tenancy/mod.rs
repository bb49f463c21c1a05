//! Tenancy: who is calling (`Caller`, `Role`) and the `Scope` every service
//! queries branch-owned rows through. A leaf module: it imports no area.
//! Building a `Caller` from a request (token verification) is `auth`'s job.

pub mod sessions;

use crate::error::ApiError;
use crate::i18n::Locale;
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
