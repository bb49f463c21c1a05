//! The allowances of a whole page of one trainee's enrolments (the "my
//! course" view): the same rules as the start of an attempt
//! (`windows::Allowance::new`), with the parts read for every exam and
//! cohort of the page at once, in two queries whatever the page's size:
//! - the enrolments' branches (code and time zone), left-joined to every
//!   window of the page's exams that is branch-wide or for one of the
//!   page's cohorts;
//! - the trainee's overrides at the page's exams.
//!
//! Attempts are not read here: the caller has them already and passes
//! those of the exam (see `Loaded::allowance`).

use super::attempt_entity as attempt;
use super::override_entity::{self as grant, Entity as Overrides};
use super::window_entity as window;
use super::window_time::zone;
use super::windows::{Allowance, Applied, Granted};
use crate::enrolments::entity as enrolment;
use crate::num::to_i32;
use chrono_tz::Tz;
use sea_orm::sea_query::{Condition, Expr, ExprTrait as _, JoinType, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

const WINDOW_COLUMNS: [&str; 9] = [
    "id",
    "exam_id",
    "branch_id",
    "cohort_id",
    "opens_at",
    "closes_at",
    "hard_end",
    "created_at",
    "updated_at",
];

/// Windows, branches and overrides of one page.
pub(crate) struct Loaded {
    windows: Vec<window::Model>,
    branches: HashMap<Uuid, (String, Tz)>,
    grants: HashMap<Uuid, grant::Model>,
}

/// Reads the parts for `user_id`'s `enrolments` at `exam_ids` (two queries;
/// none when either is empty).
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    exam_ids: &[Uuid],
    enrolments: &[&enrolment::Model],
) -> Result<Loaded, DbErr> {
    let mut loaded = Loaded {
        windows: Vec::new(),
        branches: HashMap::new(),
        grants: HashMap::new(),
    };
    if exam_ids.is_empty() || enrolments.is_empty() {
        return Ok(loaded);
    }
    let mut branch_ids: Vec<Uuid> = enrolments.iter().map(|e| e.branch_id).collect();
    branch_ids.sort();
    branch_ids.dedup();
    let mut cohort_ids: Vec<Uuid> = enrolments.iter().map(|e| e.cohort_id).collect();
    cohort_ids.sort();
    cohort_ids.dedup();
    let mut q = Query::select();
    q.expr_as(Expr::col(("b", "id")), "b_id")
        .expr_as(Expr::col(("b", "code")), "b_code")
        .expr_as(Expr::col(("b", "time_zone")), "b_time_zone");
    for c in WINDOW_COLUMNS {
        q.expr_as(Expr::col(("w", c)), format!("w_{c}"));
    }
    q.from_as("branches", "b")
        .join_as(
            JoinType::LeftJoin,
            "exam_windows",
            "w",
            Condition::all()
                .add(Expr::col(("w", "branch_id")).equals(("b", "id")))
                .add(Expr::col(("w", "exam_id")).is_in(exam_ids.iter().copied()))
                .add(
                    Condition::any()
                        .add(Expr::col(("w", "cohort_id")).is_null())
                        .add(Expr::col(("w", "cohort_id")).is_in(cohort_ids)),
                ),
        )
        .and_where(Expr::col(("b", "id")).is_in(branch_ids));
    for row in db.query_all(&q).await? {
        let branch_id: Uuid = row.try_get("", "b_id")?;
        let code: String = row.try_get("", "b_code")?;
        let tz = zone(&row.try_get::<String>("", "b_time_zone")?);
        loaded.branches.insert(branch_id, (code, tz));
        let Some(id) = row.try_get::<Option<Uuid>>("", "w_id")? else {
            continue;
        };
        loaded.windows.push(window::Model {
            id,
            exam_id: row.try_get("", "w_exam_id")?,
            branch_id: row.try_get("", "w_branch_id")?,
            cohort_id: row.try_get("", "w_cohort_id")?,
            opens_at: row.try_get("", "w_opens_at")?,
            closes_at: row.try_get("", "w_closes_at")?,
            hard_end: row.try_get("", "w_hard_end")?,
            created_at: row.try_get("", "w_created_at")?,
            updated_at: row.try_get("", "w_updated_at")?,
        });
    }
    loaded.grants = Overrides::find()
        .filter(grant::Column::UserId.eq(user_id))
        .filter(grant::Column::ExamId.is_in(exam_ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.exam_id, g))
        .collect();
    Ok(loaded)
}

impl Loaded {
    /// The allowance of `enrolment` at `exam_id`, given the trainee's
    /// `attempts` at that exam (over every enrolment).
    pub(crate) fn allowance(&self, exam_id: Uuid, enrolment: &enrolment::Model, attempts: &[attempt::Model]) -> Allowance {
        let of_exam = |w: &&window::Model| w.exam_id == exam_id;
        let cohort = self
            .windows
            .iter()
            .filter(of_exam)
            .find(|w| w.cohort_id == Some(enrolment.cohort_id));
        let branch = self
            .windows
            .iter()
            .filter(of_exam)
            .find(|w| w.cohort_id.is_none() && w.branch_id == enrolment.branch_id);
        let current = attempts.iter().filter(|a| a.enrolment_id == enrolment.id).count();
        Allowance::new(
            cohort.map(applied),
            branch.map(applied),
            self.branch(enrolment.branch_id).1,
            self.grants.get(&exam_id).map(granted),
            to_i32(attempts.len()),
            to_i32(current),
        )
    }

    /// The stored window an allowance applies (for its view).
    pub(crate) fn window(&self, id: Uuid) -> Option<&window::Model> {
        self.windows.iter().find(|w| w.id == id)
    }

    /// A branch's code and zone (UTC for one not read: never expected).
    pub(crate) fn branch(&self, id: Uuid) -> (&str, Tz) {
        self.branches
            .get(&id)
            .map_or(("", chrono_tz::UTC), |(code, tz)| (code.as_str(), *tz))
    }
}

fn applied(row: &window::Model) -> Applied {
    Applied {
        id: row.id,
        opens_at: row.opens_at,
        closes_at: row.closes_at,
        hard_end: row.hard_end,
    }
}

fn granted(row: &grant::Model) -> Granted {
    Granted {
        id: row.id,
        extra_attempts: row.extra_attempts,
        extra_minutes: row.extra_minutes,
        unlock: row.unlock_window,
    }
}
