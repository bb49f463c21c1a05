//! A trainee's consents: which organisations may follow their training.
//! Granting adds a row; withdrawing stamps it; nothing is deleted, so the
//! history stays, and each change is one audited command. Employer queries
//! read consent in the same statement as the data (see `reach`), so a
//! withdrawal takes effect with the next query.

use super::OrgError;
use super::consent_entity::{self as consent, Entity as Consents};
use super::service;
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::error::{FieldCode, FieldError};
use crate::http::CursorPage;
use crate::http::page::Page;
use crate::state::AppState;
use crate::tenancy::{Actor, Caller};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

/// The trainee's consents, active and withdrawn, oldest first (cursor-paged).
pub(crate) async fn mine(db: &impl ConnectionTrait, caller: &Caller, page: Page) -> Result<Vec<consent::Model>, DbErr> {
    Consents::find()
        .filter(consent::Column::UserId.eq(caller.user_id))
        .cursor_page(consent::Column::Id, page)
        .all(db)
        .await
}

/// Grants `organisation_id` consent. An active consent to the same
/// organisation is answered as it is (`false`: nothing new was created).
pub(crate) async fn grant(state: &AppState, actor: &Actor, organisation_id: Uuid) -> Result<(consent::Model, bool), OrgError> {
    let cmd = Command::begin(state, actor).await?;
    if service::usable_in_branch(cmd.txn(), actor.branch_id, organisation_id)
        .await?
        .is_none()
    {
        return Err(OrgError::Invalid(vec![FieldError::new(
            "organisation_id",
            FieldCode::UnknownOrganisation,
        )]));
    }
    if let Some(active) = Consents::find()
        .filter(consent::Column::UserId.eq(actor.user_id))
        .filter(consent::Column::OrganisationId.eq(organisation_id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .one(cmd.txn())
        .await?
    {
        return Ok((active, false));
    }
    let mut cmd = cmd;
    let row = consent::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(actor.user_id),
        organisation_id: Set(organisation_id),
        branch_id: Set(actor.branch_id),
        granted_at: Set(cmd.now()),
        withdrawn_at: Set(None),
    }
    .insert(cmd.txn())
    .await?;
    cmd.audit(
        AuditEntry::new("consent.grant", "consent", row.id)
            .branch(actor.branch_id)
            .details(json!({"organisation_id": organisation_id})),
    );
    cmd.commit().await?;
    Ok((row, true))
}

/// Withdraws one of the trainee's consents (and any other still active for
/// the same organisation). Withdrawing twice changes nothing.
pub(crate) async fn withdraw(state: &AppState, actor: &Actor, id: Uuid) -> Result<consent::Model, OrgError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = Consents::find_by_id(id)
        .filter(consent::Column::UserId.eq(actor.user_id))
        .one(cmd.txn())
        .await?
        .ok_or(OrgError::NotFound)?;
    if row.withdrawn_at.is_some() {
        return Ok(row);
    }
    Consents::update_many()
        .col_expr(consent::Column::WithdrawnAt, sea_orm::sea_query::Expr::value(cmd.now()))
        .filter(consent::Column::UserId.eq(actor.user_id))
        .filter(consent::Column::OrganisationId.eq(row.organisation_id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .exec(cmd.txn())
        .await?;
    cmd.audit(
        AuditEntry::new("consent.withdraw", "consent", row.id)
            .branch(actor.branch_id)
            .details(json!({"organisation_id": row.organisation_id})),
    );
    let now = cmd.now();
    cmd.commit().await?;
    Ok(consent::Model {
        withdrawn_at: Some(now),
        ..row
    })
}
