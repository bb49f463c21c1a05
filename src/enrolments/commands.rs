//! The enrolment commands a request runs: each owns its transaction and
//! audit entry (through `Command`) and applies the rules of `service`.

use super::EnrolmentError;
use super::entity as enrolment;
use super::service;
use crate::audit::AuditEntry;
use crate::cohorts::entity::Entity as Cohorts;
use crate::command::Command;
use crate::state::AppState;
use crate::tenancy::{self, Actor};
use serde_json::json;
use uuid::Uuid;

/// Enrols the trainee `user_id` of the cohort's branch into a cohort the
/// actor may see.
pub(crate) async fn enrol(state: &AppState, actor: &Actor, cohort_id: Uuid, user_id: Uuid) -> Result<enrolment::Model, EnrolmentError> {
    let mut cmd = Command::begin(state, actor).await?;
    let cohort = tenancy::find_visible::<Cohorts>(cmd.txn(), actor, cohort_id)
        .await?
        .ok_or(EnrolmentError::CohortNotFound)?;
    let row = service::enrol(cmd.txn(), &cohort, user_id, cmd.now()).await?;
    cmd.audit(
        AuditEntry::new("enrolment.create", "enrolment", row.id)
            .branch(cohort.branch_id)
            .details(json!({"cohort_id": cohort.id, "user_id": row.user_id})),
    );
    cmd.commit().await?;
    Ok(row)
}

/// Withdraws a trainee from their cohort, freeing the seat.
pub(crate) async fn withdraw(state: &AppState, actor: &Actor, id: Uuid) -> Result<enrolment::Model, EnrolmentError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = service::find_visible(cmd.txn(), actor, id).await?;
    let row = service::withdraw(cmd.txn(), row, cmd.now()).await?;
    cmd.audit(
        AuditEntry::new("enrolment.withdraw", "enrolment", row.id)
            .branch(row.branch_id)
            .details(json!({"user_id": row.user_id})),
    );
    cmd.commit().await?;
    Ok(row)
}
