//! Whom an organisation's representatives may see: its employees (members
//! of an enterprise or dealer) and anyone who has consented to it and not
//! withdrawn. This is a condition on a user-id column that employer queries
//! add to the very statement that reads the rows, so consent is checked
//! where the data is read: a withdrawal committed before the statement runs
//! hides everything at once, and there is no "load, then filter" window.

use super::consent_entity::{self as consent, Entity as Consents};
use super::entity as organisation;
use super::member_entity::{self as member, Entity as Members};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Query};

/// Rows whose `user_column` names someone `org` may see.
pub(crate) fn condition(org: &organisation::Model, user_column: impl ColumnTrait) -> Condition {
    let consented = Query::select()
        .column(consent::Column::UserId)
        .from(Consents)
        .and_where(consent::Column::OrganisationId.eq(org.id))
        .and_where(consent::Column::WithdrawnAt.is_null())
        .to_owned();
    let mut reach = Condition::any().add(user_column.in_subquery(consented));
    if org.kind.employs_members() {
        let employees = Query::select()
            .column(member::Column::UserId)
            .from(Members)
            .and_where(member::Column::OrganisationId.eq(org.id))
            .to_owned();
        reach = reach.add(user_column.in_subquery(employees));
    }
    reach
}

/// How `org` reaches a person: `employee` (a member of an enterprise or
/// dealer) or `consented`.
pub(crate) fn relation(org: &organisation::Model, member_of: Option<uuid::Uuid>) -> &'static str {
    if org.kind.employs_members() && member_of == Some(org.id) {
        "employee"
    } else {
        "consented"
    }
}
