//! A trainee's activity on an enrolment: the time of the latest step
//! (lesson completion, attempt start, answer save) and the number of lessons
//! done. Each step writes it with one UPDATE in its own transaction and
//! never reads the enrolment for it, so the hot paths of an exam stay cheap.

use super::entity::{self as enrolment, Entity as Enrolments};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Answer saves arrive every few seconds during an exam; the activity time
/// is rewritten at most this often by them (an UPDATE that matches no row
/// writes nothing), which is precise enough to tell who is stuck.
pub(crate) const SAVE_RESOLUTION_SECONDS: i64 = 60;

/// A lesson was recorded: the time, and one more lesson done when the
/// completion was new (a repeated completion only counts as activity).
pub(crate) async fn lesson_recorded(db: &impl ConnectionTrait, enrolment_id: Uuid, new: bool, now: DateTime<Utc>) -> Result<(), DbErr> {
    let mut update = Enrolments::update_many().col_expr(enrolment::Column::LastActivityAt, Expr::value(Some(now)));
    if new {
        update = update.col_expr(enrolment::Column::LessonsDone, Expr::col(enrolment::Column::LessonsDone).add(1));
    }
    update.filter(enrolment::Column::Id.eq(enrolment_id)).exec(db).await.map(|_| ())
}

/// An attempt started or resumed.
pub(crate) async fn touch(db: &impl ConnectionTrait, enrolment_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    Enrolments::update_many()
        .col_expr(enrolment::Column::LastActivityAt, Expr::value(Some(now)))
        .filter(enrolment::Column::Id.eq(enrolment_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// An answer saved: the time, unless it was written less than
/// [`SAVE_RESOLUTION_SECONDS`] ago.
pub(crate) async fn answer_saved(db: &impl ConnectionTrait, enrolment_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    let stale = Condition::any()
        .add(enrolment::Column::LastActivityAt.is_null())
        .add(enrolment::Column::LastActivityAt.lt(now - Duration::seconds(SAVE_RESOLUTION_SECONDS)));
    Enrolments::update_many()
        .col_expr(enrolment::Column::LastActivityAt, Expr::value(Some(now)))
        .filter(enrolment::Column::Id.eq(enrolment_id))
        .filter(stale)
        .exec(db)
        .await
        .map(|_| ())
}
