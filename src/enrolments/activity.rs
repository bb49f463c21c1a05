//! A trainee's activity on an enrolment: the time of the latest step
//! (lesson completion, attempt start, answer save) and the number of lessons
//! done. A lesson completion writes both with one UPDATE in its own
//! transaction and never reads the enrolment for it. The exam's hot paths
//! (a fast start, answer saves) record the time in
//! [`super::activity_buffer`] instead, written in batches.

use super::entity::{self as enrolment, Entity as Enrolments};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A lesson was recorded: the time, and one more lesson done when the
/// completion was new (a repeated completion only counts as activity).
pub(crate) async fn lesson_recorded(db: &impl ConnectionTrait, enrolment_id: Uuid, new: bool, now: DateTime<Utc>) -> Result<(), DbErr> {
    let mut update = Enrolments::update_many().col_expr(enrolment::Column::LastActivityAt, Expr::value(Some(now)));
    if new {
        update = update.col_expr(enrolment::Column::LessonsDone, Expr::col(enrolment::Column::LessonsDone).add(1));
    }
    update.filter(enrolment::Column::Id.eq(enrolment_id)).exec(db).await.map(|_| ())
}

/// An attempt started or resumed inside a transaction (the slow path of a
/// start, which grades or unlocks on the way).
pub(crate) async fn touch(db: &impl ConnectionTrait, enrolment_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    Enrolments::update_many()
        .col_expr(enrolment::Column::LastActivityAt, Expr::value(Some(now)))
        .filter(enrolment::Column::Id.eq(enrolment_id))
        .exec(db)
        .await
        .map(|_| ())
}
