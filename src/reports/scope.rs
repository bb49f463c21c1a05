//! Which branches a report covers: headquarters any (all by default), a
//! branch administrator only its own; a branch outside the caller's scope
//! gives an empty report, not an error.

use crate::error::ApiResult;
use crate::state::AppState;
use crate::tenancy::Caller;
use uuid::Uuid;

/// Which branches a report covers.
pub(crate) enum Coverage {
    /// Every branch (headquarters without a branch filter).
    Every,
    One(Uuid),
    /// None: the requested branch does not exist or is outside the caller's
    /// scope (an empty report, not an error).
    Nothing,
}

pub(crate) async fn coverage(state: &AppState, caller: &Caller, code: Option<&str>) -> ApiResult<Coverage> {
    let requested = match code {
        Some(code) => match crate::branches::service::find_by_code(&state.db, code).await? {
            Some(branch) => Some(branch.id),
            None => return Ok(Coverage::Nothing),
        },
        None => None,
    };
    Ok(match (caller.is_hq(), requested) {
        (true, None) => Coverage::Every,
        (true, Some(b)) => Coverage::One(b),
        (false, Some(b)) if b != caller.branch_id => Coverage::Nothing,
        (false, _) => Coverage::One(caller.branch_id),
    })
}
