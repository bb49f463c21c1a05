//! Tenancy by type. A branch-owned table implements [`BranchOwned`], naming
//! its branch column (and, for rows a trainee may only see when they are
//! theirs, its owner column). [`visible`] and [`find_visible`] are then the
//! one way to read such rows for a caller: a handler never writes the
//! branch condition itself, and a row outside the caller's scope is
//! answered exactly like a missing one. `tests/architecture.rs` fails when a
//! route file queries a branch-owned entity directly.

use super::{Caller, Role};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PrimaryKeyTrait, QueryFilter, Select};
use uuid::Uuid;

/// A table whose rows belong to one branch.
pub(crate) trait BranchOwned: EntityTrait {
    /// The column holding the owning branch's id.
    const BRANCH: Self::Column;
    /// The column holding the user a row is about, when a trainee may see
    /// only their own rows (enrolments, attempts, certificates).
    const OWNER: Option<Self::Column> = None;
}

/// Every row of `E` that `caller` may see: all for headquarters, their
/// branch's for branch administrators, and for every other role (trainees,
/// employers, assessors) only their own rows when `E` has an owner column.
/// A role that is not an administrator never reads a branch's personal
/// rows through this; areas that give such a role a wider view (an
/// employer's people, an assessor's trainees) start from [`branch_rows`]
/// and add their own condition in the same query.
pub(crate) fn visible<E: BranchOwned>(caller: &Caller) -> Select<E> {
    restrict(E::find(), caller)
}

fn restrict<E: BranchOwned>(query: Select<E>, caller: &Caller) -> Select<E> {
    let mut query = query.filter(caller.scope().condition(E::BRANCH));
    if !matches!(caller.role, Role::HqAdmin | Role::BranchAdmin)
        && let Some(owner) = E::OWNER
    {
        query = query.filter(owner.eq(caller.user_id));
    }
    query
}

/// Every row of `E` in the caller's branch scope, whoever they are about.
/// Only for areas that have authorized a role for a wider view than its own
/// rows and narrow the query further themselves (see [`visible`]).
pub(crate) fn branch_rows<E: BranchOwned>(caller: &Caller) -> Select<E> {
    E::find().filter(caller.scope().condition(E::BRANCH))
}

/// A condition for tables whose nullable branch column means "shared by
/// every branch" when null (organisations): the caller's scope, plus the
/// shared rows.
pub(crate) fn own_or_shared(caller: &Caller, column: impl ColumnTrait) -> sea_orm::sea_query::Condition {
    caller.scope().condition_with_shared(column)
}

/// One row of `E` by id, if `caller` may see it (`None` otherwise, which
/// callers answer as 404).
pub(crate) async fn find_visible<E>(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<Option<E::Model>, DbErr>
where
    E: BranchOwned,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    restrict(E::find_by_id(id), caller).one(db).await
}
