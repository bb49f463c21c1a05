//! Reading a trainee's allowance at an exam (see `windows` for the rules):
//! the exam window that applies to their enrolment, their override and
//! their attempt counts, in ONE query, optionally with their latest attempt,
//! so that a start on an exam day costs one read before its insert.

use super::attempt_entity as attempt;
use super::window_time::zone;
use super::windows::{Allowance, Applied, Granted};
use crate::enrolments::entity as enrolment;
use crate::num::to_i32;
use sea_orm::sea_query::{Asterisk, Condition, Expr, ExprTrait as _, Func, JoinType, Order, Query};
use sea_orm::{ActiveEnum, ConnectionTrait, DbErr, FromQueryResult, IdenStatic, Iterable, QueryResult};
use uuid::Uuid;

/// Whose allowance to read: a given enrolment's, or the trainee's current
/// enrolment in a course (the newest active one), found by the same query.
#[derive(Clone, Copy)]
enum Anchor<'a> {
    Enrolment(&'a enrolment::Model),
    Current { user_id: Uuid, course_id: Uuid },
}

/// Reads the allowance in one query: anchored on the enrolment's branch
/// row, left-joined to the cohort's window, the branch-wide window and the
/// trainee's override, with the two attempt counts as scalar subqueries.
pub(crate) async fn allowance(db: &impl ConnectionTrait, exam_id: Uuid, enrolment: &enrolment::Model) -> Result<Allowance, DbErr> {
    let row = query_allowance(db, exam_id, Anchor::Enrolment(enrolment), false)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the enrolment's branch".into()))?;
    read_allowance(&row)
}

/// The trainee's current enrolment in the course and its allowance at the
/// exam, in one query (`None`: no active enrolment). A start on an exam day
/// runs this instead of two queries.
pub(crate) async fn current_allowance(
    db: &impl ConnectionTrait,
    exam_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Option<(enrolment::Model, Allowance)>, DbErr> {
    let Some(row) = query_allowance(db, exam_id, Anchor::Current { user_id, course_id }, false).await? else {
        return Ok(None);
    };
    let enrolment = enrolment::Model::from_query_result(&row, "e_")?;
    Ok(Some((enrolment, read_allowance(&row)?)))
}

/// What one read tells a start: the trainee's current enrolment, its
/// allowance, and the trainee's latest attempt at the exam (in any
/// enrolment: only the latest can be open).
pub(crate) struct Current {
    pub enrolment: enrolment::Model,
    pub allowance: Allowance,
    pub latest: Option<attempt::Model>,
}

/// `current_allowance` and the latest attempt (`attempts::latest`) in ONE
/// query: on an exam day most presses of "start" need nothing else from
/// the database before the insert. `None`: no active enrolment.
pub(crate) async fn current_with_latest(
    db: &impl ConnectionTrait,
    exam_id: Uuid,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Option<Current>, DbErr> {
    let Some(row) = query_allowance(db, exam_id, Anchor::Current { user_id, course_id }, true).await? else {
        return Ok(None);
    };
    let latest = match row.try_get::<Option<Uuid>>("", "la_id")? {
        Some(_) => Some(attempt::Model::from_query_result(&row, "la_")?),
        None => None,
    };
    Ok(Some(Current {
        enrolment: enrolment::Model::from_query_result(&row, "e_")?,
        allowance: read_allowance(&row)?,
        latest,
    }))
}

/// With `with_latest`, the trainee's latest attempt at the exam comes too,
/// its columns prefixed `la_` (left-joined on the id of the attempt with the
/// highest number: a scalar subquery both databases plan as one index probe).
async fn query_allowance(
    db: &impl ConnectionTrait,
    exam_id: Uuid,
    anchor: Anchor<'_>,
    with_latest: bool,
) -> Result<Option<QueryResult>, DbErr> {
    // What the joins and counts refer to: values of a known enrolment, or
    // columns of the enrolment row the query finds.
    let (user, cohort, branch, this): (Expr, Expr, Expr, Expr) = match anchor {
        Anchor::Enrolment(e) => (
            Expr::val(e.user_id),
            Expr::val(e.cohort_id),
            Expr::val(e.branch_id),
            Expr::val(e.id),
        ),
        Anchor::Current { user_id, .. } => (
            Expr::val(user_id),
            Expr::col(("e", "cohort_id")),
            Expr::col(("e", "branch_id")),
            Expr::col(("e", "id")),
        ),
    };
    let count = |current: bool| {
        let mut q = Query::select();
        q.expr(Func::count(Expr::col(Asterisk)))
            .from("attempts")
            .and_where(Expr::col(("attempts", "exam_id")).eq(exam_id))
            .and_where(Expr::col(("attempts", "user_id")).eq(user.clone()));
        if current {
            q.and_where(Expr::col(("attempts", "enrolment_id")).eq(this.clone()));
        }
        Expr::SubQuery(None, Box::new(q.into()))
    };
    let mut q = Query::select();
    q.expr_as(count(false), "attempts_total")
        .expr_as(count(true), "attempts_current")
        .column(("b", "time_zone"));
    for w in ["cw", "bw"] {
        for c in ["id", "opens_at", "closes_at", "hard_end"] {
            q.expr_as(Expr::col((w, c)), format!("{w}_{c}"));
        }
    }
    for c in ["id", "extra_attempts", "extra_minutes", "unlock_window"] {
        q.expr_as(Expr::col(("o", c)), format!("o_{c}"));
    }
    match anchor {
        Anchor::Enrolment(e) => {
            q.from_as("branches", "b").and_where(Expr::col(("b", "id")).eq(e.branch_id));
        }
        Anchor::Current { user_id, course_id } => {
            for c in enrolment::Column::iter() {
                let name = c.as_str();
                q.expr_as(Expr::col(("e", name)), format!("e_{name}"));
            }
            q.from_as("enrolments", "e")
                .join_as(
                    JoinType::InnerJoin,
                    "branches",
                    "b",
                    Expr::col(("b", "id")).equals(("e", "branch_id")),
                )
                .and_where(Expr::col(("e", "user_id")).eq(user_id))
                .and_where(Expr::col(("e", "course_id")).eq(course_id))
                .and_where(Expr::col(("e", "status")).eq(enrolment::Status::Active.to_value()))
                // The newest active enrolment is the current one (a re-take cohort's).
                .order_by(("e", "enrolled_at"), Order::Desc)
                .limit(1);
        }
    }
    q.join_as(
        JoinType::LeftJoin,
        "exam_windows",
        "cw",
        Condition::all()
            .add(Expr::col(("cw", "exam_id")).eq(exam_id))
            .add(Expr::col(("cw", "cohort_id")).eq(cohort)),
    )
    .join_as(
        JoinType::LeftJoin,
        "exam_windows",
        "bw",
        Condition::all()
            .add(Expr::col(("bw", "exam_id")).eq(exam_id))
            .add(Expr::col(("bw", "branch_id")).eq(branch))
            .add(Expr::col(("bw", "cohort_id")).is_null()),
    )
    .join_as(
        JoinType::LeftJoin,
        "exam_overrides",
        "o",
        Condition::all()
            .add(Expr::col(("o", "exam_id")).eq(exam_id))
            .add(Expr::col(("o", "user_id")).eq(user.clone())),
    );
    if with_latest {
        let mut newest = Query::select();
        newest
            .column(("a", "id"))
            .from_as("attempts", "a")
            .and_where(Expr::col(("a", "exam_id")).eq(exam_id))
            .and_where(Expr::col(("a", "user_id")).eq(user))
            .order_by(("a", "attempt_number"), Order::Desc)
            .limit(1);
        for c in attempt::Column::iter() {
            let name = c.as_str();
            q.expr_as(Expr::col(("la", name)), format!("la_{name}"));
        }
        q.join_as(
            JoinType::LeftJoin,
            "attempts",
            "la",
            Expr::col(("la", "id")).eq(Expr::SubQuery(None, Box::new(newest.into()))),
        );
    }
    db.query_one(&q).await
}

fn read_allowance(row: &QueryResult) -> Result<Allowance, DbErr> {
    let window = |w: &str| -> Result<Option<Applied>, DbErr> {
        let Some(id) = row.try_get::<Option<Uuid>>("", &format!("{w}_id"))? else {
            return Ok(None);
        };
        Ok(Some(Applied {
            id,
            opens_at: row.try_get("", &format!("{w}_opens_at"))?,
            closes_at: row.try_get("", &format!("{w}_closes_at"))?,
            hard_end: row.try_get("", &format!("{w}_hard_end"))?,
        }))
    };
    let granted = match row.try_get::<Option<Uuid>>("", "o_id")? {
        Some(id) => Some(Granted {
            id,
            extra_attempts: row.try_get("", "o_extra_attempts")?,
            extra_minutes: row.try_get("", "o_extra_minutes")?,
            unlock: row.try_get("", "o_unlock_window")?,
        }),
        None => None,
    };
    Ok(Allowance::new(
        window("cw")?,
        window("bw")?,
        zone(&row.try_get::<String>("", "time_zone")?),
        granted,
        to_i32(row.try_get::<i64>("", "attempts_total")?),
        to_i32(row.try_get::<i64>("", "attempts_current")?),
    ))
}
