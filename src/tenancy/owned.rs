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
/// branch's for others, and only their own for a trainee when `E` has an
/// owner column.
pub(crate) fn visible<E: BranchOwned>(caller: &Caller) -> Select<E> {
    restrict(E::find(), caller)
}

fn restrict<E: BranchOwned>(query: Select<E>, caller: &Caller) -> Select<E> {
    let mut query = query.filter(caller.scope().condition(E::BRANCH));
    if caller.role == Role::Trainee
        && let Some(owner) = E::OWNER
    {
        query = query.filter(owner.eq(caller.user_id));
    }
    query
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
