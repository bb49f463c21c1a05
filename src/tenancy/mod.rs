//! Tenancy: who is calling (`Caller`, `Role`) and the `Scope` every service
//! queries branch-owned rows through. A leaf module: it imports no area.
//! Building a `Caller` from a request (token verification) is `auth`'s job.

pub(crate) mod owned;
pub(crate) mod sessions;

pub(crate) use owned::{BranchOwned, branch_rows, find_visible, own_or_shared, visible};

use crate::error::ApiError;
use crate::i18n::Locale;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use sea_orm::sea_query::StringLen;
use uuid::Uuid;

/// A user's role; also the `users.role` column (string-backed, the API's strings).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema, sea_orm::EnumIter, sea_orm::DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Role {
    #[sea_orm(string_value = "hq_admin")]
    HqAdmin,
    #[sea_orm(string_value = "branch_admin")]
    BranchAdmin,
    #[sea_orm(string_value = "trainee")]
    Trainee,
    /// An organisation's representative: sees the organisation's own people
    /// (its employees, and others who consented) and nothing else.
    #[sea_orm(string_value = "employer")]
    Employer,
    /// Records practical assessments of the trainees of their branch.
    #[sea_orm(string_value = "assessor")]
    Assessor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::HqAdmin => "hq_admin",
            Role::BranchAdmin => "branch_admin",
            Role::Trainee => "trainee",
            Role::Employer => "employer",
            Role::Assessor => "assessor",
        }
    }
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "hq_admin" => Some(Role::HqAdmin),
            "branch_admin" => Some(Role::BranchAdmin),
            "trainee" => Some(Role::Trainee),
            "employer" => Some(Role::Employer),
            "assessor" => Some(Role::Assessor),
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
    /// The user's saved locale (read per request, not from the token).
    pub locale: Locale,
    pub branch_default_locale: Locale,
    /// The session (refresh-token family) the access token was issued for.
    pub session_id: Option<Uuid>,
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

    /// A condition restricting `column`, a nullable branch id column where
    /// null means "shared by every branch", to this scope and shared rows.
    pub fn condition_with_shared(&self, column: impl ColumnTrait) -> Condition {
        match self {
            Scope::All => Condition::all(),
            Scope::Branch(id) => Condition::any().add(column.eq(*id)).add(column.is_null()),
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

    /// Whether the caller reads every row of its scope (administrators), as
    /// opposed to only the rows about themselves (everyone else).
    pub fn is_staff(&self) -> bool {
        matches!(self.role, Role::HqAdmin | Role::BranchAdmin)
    }
}

/// Where a request came from, for the audit log: the derived client address
/// (never a raw header) and the request id.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub address: Option<String>,
    pub request_id: Option<String>,
}

/// An authenticated caller acting through one request: who (the `Caller`)
/// and from where (`Origin`). Service commands take it, so the audit entry a
/// command writes always names its author without the handler passing
/// request details around. It dereferences to the `Caller`.
#[derive(Clone, Debug)]
pub struct Actor {
    pub caller: Caller,
    pub origin: Origin,
}

impl std::ops::Deref for Actor {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

/// A set of roles a route admits (see [`Authorized`]).
pub(crate) trait RoleSet {
    const ROLES: &'static [Role];
}

/// Headquarters administrators only.
pub(crate) struct HqOnly;
/// Administrators: headquarters and branch administrators.
pub(crate) struct Staff;
/// Trainees only.
pub(crate) struct Trainees;
/// Organisations' representatives only.
pub(crate) struct Employers;
/// Who records practical assessments: assessors and administrators.
pub(crate) struct Assessors;

impl RoleSet for HqOnly {
    const ROLES: &'static [Role] = &[Role::HqAdmin];
}
impl RoleSet for Staff {
    const ROLES: &'static [Role] = &[Role::HqAdmin, Role::BranchAdmin];
}
impl RoleSet for Trainees {
    const ROLES: &'static [Role] = &[Role::Trainee];
}
impl RoleSet for Employers {
    const ROLES: &'static [Role] = &[Role::Employer];
}
impl RoleSet for Assessors {
    const ROLES: &'static [Role] = &[Role::HqAdmin, Role::BranchAdmin, Role::Assessor];
}

/// An [`Actor`] whose role is in `R`: taking `Authorized<Staff>` as a handler
/// argument answers 401 without a valid token and 403 for other roles
/// before the handler runs (the extractor is in `auth::caller`).
pub(crate) struct Authorized<R: RoleSet>(pub Actor, pub std::marker::PhantomData<R>);

impl<R: RoleSet> Authorized<R> {
    pub(crate) fn new(actor: Actor) -> Result<Self, ApiError> {
        if R::ROLES.contains(&actor.role) {
            Ok(Authorized(actor, std::marker::PhantomData))
        } else {
            Err(ApiError::forbidden())
        }
    }
}

impl<R: RoleSet> std::ops::Deref for Authorized<R> {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.0
    }
}
