//! An enrolment's exam results, kept on the enrolment row (graded
//! attempts, best percentage, passed, late-synced attempts) so that the
//! completion report counts them from the enrolments alone: aggregating
//! half a million attempts per report took seconds at a million enrolments.
//!
//! They are recomputed from the enrolment's attempts (a handful of rows,
//! read through `ix_attempts_enrolment_results`), never incremented, in the
//! transaction that grades an attempt or flags one late-synced: whatever
//! order those steps commit in, the last one sees the others' rows. The
//! migration that added them fills them the same way for every enrolment.

use super::attempt_entity::{self as attempt, Entity as Attempts};
use crate::enrolments::entity::{self as enrolment, Entity as Enrolments};
use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

/// A scalar subquery over the enrolment's graded attempts.
fn over_graded(enrolment_id: Uuid, select: SimpleExpr, only: Option<attempt::Column>) -> SimpleExpr {
    let mut query = Attempts::find()
        .select_only()
        .expr(select)
        .filter(attempt::Column::EnrolmentId.eq(enrolment_id))
        .filter(attempt::Column::Status.eq(attempt::Status::Submitted));
    if let Some(flag) = only {
        query = query.filter(flag.eq(true));
    }
    SimpleExpr::SubQuery(None, Box::new(query.into_query().into()))
}

/// Recomputes the enrolment's exam results from its graded attempts.
pub(crate) async fn keep_on_enrolment(db: &impl ConnectionTrait, enrolment_id: Uuid) -> Result<(), DbErr> {
    let count = || Func::count(Expr::col(attempt::Column::Id)).into();
    Enrolments::update_many()
        .col_expr(enrolment::Column::GradedAttempts, over_graded(enrolment_id, count(), None))
        .col_expr(
            enrolment::Column::BestPercent,
            over_graded(enrolment_id, Func::max(Expr::col(attempt::Column::Percent)).into(), None),
        )
        .col_expr(
            enrolment::Column::ExamPassed,
            over_graded(enrolment_id, count(), Some(attempt::Column::Passed)).gt(0),
        )
        .col_expr(
            enrolment::Column::LateSyncedAttempts,
            over_graded(enrolment_id, count(), Some(attempt::Column::LateSynced)),
        )
        .filter(enrolment::Column::Id.eq(enrolment_id))
        .exec(db)
        .await
        .map(|_| ())
}
