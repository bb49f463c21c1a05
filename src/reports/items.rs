//! Item statistics per locale for one exam version: for every question and
//! every language attempts were taken in, the number of answers, difficulty
//! (share fully right), discrimination (point-biserial against the rest of
//! the score) and how often each option was chosen; and a flag where one
//! locale's difficulty differs from the other locales' beyond chance.
//!
//! Three aggregate queries (per question × locale sums, per selection
//! counts, attempts per locale), so memory is bounded by the size of the
//! bank, never by the number of answers. The answer key enters the query
//! as a `CASE` over the version's questions: an answer is right when its
//! stored selection equals the key (both are sorted index lists).

use super::item_math::{chi_square_2x2, point_biserial};
use super::items_view::{self as view, Cell, Counts};
use super::scope::{Coverage, coverage};
use crate::error::{ApiError, ApiResult};
use crate::exams::attempt_entity::Status as AttemptStatus;
use crate::exams::bank::Snapshot;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::Caller;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Asterisk, Condition, Expr, ExprTrait, Func, JoinType, Query, SelectStatement};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Fewer answers than this in a locale (or in the other locales together)
/// show "not enough answers" instead of figures, and take no part in the
/// comparison.
pub(crate) const MIN_ANSWERS: i64 = 30;
/// The family-wise significance level: a comparison is flagged when its
/// p-value is below this divided by the number of comparisons made
/// (Bonferroni), so a bank of many questions does not flag by chance.
pub(crate) const ALPHA: f64 = 0.05;

/// Which attempts count: graded attempts of one version, of one branch or all.
pub(crate) struct Scope {
    pub version_id: Uuid,
    pub branch_id: Option<Uuid>,
}

fn attempts_of(scope: &Scope) -> Condition {
    Condition::all()
        .add(Expr::col(("a", "version_id")).eq(scope.version_id))
        .add(Expr::col(("a", "status")).eq(AttemptStatus::Submitted))
        .add(Expr::col(("a", "score")).is_not_null())
        .add_option(scope.branch_id.map(|b| Expr::col(("a", "branch_id")).eq(b)))
}

/// The sorted, deduplicated answer key as stored selections are written.
fn key_of(correct: &[usize]) -> String {
    let mut key = correct.to_vec();
    key.sort_unstable();
    key.dedup();
    serde_json::to_string(&key).unwrap_or_default()
}

/// `CASE WHEN <answer is right> THEN then(question) ... ELSE 0 END`.
fn when_right(snapshot: &Snapshot, then: impl Fn(f64) -> f64) -> Expr {
    let right = |q: &crate::exams::bank::SnapQuestion| {
        Expr::col(("x", "question_id"))
            .eq(q.id)
            .and(Expr::col(("x", "selected")).eq(key_of(&q.correct)))
    };
    let Some((first, rest)) = snapshot.questions.split_first() else {
        return Expr::val(0.0);
    };
    let mut case = Expr::case(right(first), then(f64::from(first.points)));
    for q in rest {
        case = case.case(right(q), then(f64::from(q.points)));
    }
    case.finally(0.0).into()
}

/// Answers joined with their attempts, in scope.
fn answers(scope: &Scope) -> SelectStatement {
    Query::select()
        .from_as("attempt_answers", "x")
        .join_as(
            JoinType::InnerJoin,
            "attempts",
            "a",
            Expr::col(("a", "id")).equals(("x", "attempt_id")),
        )
        .cond_where(attempts_of(scope))
        .take()
}

/// The statistics of `snapshot`'s questions over the attempts in `scope`.
pub(crate) async fn statistics(
    db: &impl ConnectionTrait,
    snapshot: &Snapshot,
    scope: &Scope,
    shown_in: &[Locale],
) -> ApiResult<view::Report> {
    let right = when_right(snapshot, |_| 1.0);
    let earned = when_right(snapshot, |points| points);
    let rest = Expr::col(("a", "score")).sub(earned);
    let mut sums = answers(scope);
    sums.column(("x", "question_id"))
        .column(("a", "locale"))
        .expr_as(Func::count(Expr::col(Asterisk)), "n")
        .expr_as(Func::sum(right.clone()), "sx")
        .expr_as(Func::sum(rest.clone()), "sy")
        .expr_as(Func::sum(rest.clone().mul(rest.clone())), "syy")
        .expr_as(Func::sum(right.mul(rest)), "sxy")
        .group_by_col(("x", "question_id"))
        .group_by_col(("a", "locale"));
    let mut cells: BTreeMap<(Uuid, Option<String>), Cell> = BTreeMap::new();
    for row in db.query_all(&sums).await? {
        let n: i64 = row.try_get("", "n")?;
        let sum = |name: &str| -> ApiResult<f64> { Ok(row.try_get::<Option<f64>>("", name)?.unwrap_or(0.0)) };
        let counts = Counts {
            n,
            right: sum("sx")?,
            sy: sum("sy")?,
            syy: sum("syy")?,
            sxy: sum("sxy")?,
        };
        let key = (row.try_get("", "question_id")?, row.try_get("", "locale")?);
        cells.insert(
            key,
            Cell {
                discrimination: point_biserial(n as f64, counts.right, counts.sy, counts.syy, counts.sxy),
                counts,
                chosen: BTreeMap::new(),
            },
        );
    }

    let mut choices = answers(scope);
    choices
        .column(("x", "question_id"))
        .column(("a", "locale"))
        .column(("x", "selected"))
        .expr_as(Func::count(Expr::col(Asterisk)), "n")
        .group_by_col(("x", "question_id"))
        .group_by_col(("a", "locale"))
        .group_by_col(("x", "selected"));
    for row in db.query_all(&choices).await? {
        let key: (Uuid, Option<String>) = (row.try_get("", "question_id")?, row.try_get("", "locale")?);
        let selected: String = row.try_get("", "selected")?;
        let n: i64 = row.try_get("", "n")?;
        if let Some(cell) = cells.get_mut(&key) {
            for index in serde_json::from_str::<Vec<usize>>(&selected).unwrap_or_default() {
                *cell.chosen.entry(index).or_default() += n;
            }
        }
    }

    let per_locale = Query::select()
        .column(("a", "locale"))
        .expr_as(Func::count(Expr::col(Asterisk)), "n")
        .from_as("attempts", "a")
        .cond_where(attempts_of(scope))
        .group_by_col(("a", "locale"))
        .take();
    let mut attempts: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for row in db.query_all(&per_locale).await? {
        attempts.insert(row.try_get("", "locale")?, row.try_get("", "n")?);
    }
    Ok(view::assemble(snapshot, cells, attempts, shown_in, compare))
}

/// One locale's share of right answers against the other locales' together.
fn compare(here: &Counts, elsewhere: &Counts) -> Option<view::Test> {
    if here.n < MIN_ANSWERS || elsewhere.n < MIN_ANSWERS {
        return None;
    }
    let (a, b) = (here.right, here.n as f64 - here.right);
    let (c, d) = (elsewhere.right, elsewhere.n as f64 - elsewhere.right);
    let test = chi_square_2x2(a, b, c, d)?;
    Some(view::Test {
        statistic: test.statistic,
        p_value: test.p_value,
        difficulty_elsewhere: c / elsewhere.n as f64,
        answers_elsewhere: elsewhere.n,
    })
}

/// The statistics of an exam the caller may see (another branch's course:
/// 404), for `version` (default: the current one), over the attempts of
/// the branches the caller's scope and `branch` allow.
pub(crate) async fn for_exam(
    state: &AppState,
    caller: &Caller,
    exam_id: Uuid,
    version: Option<i32>,
    branch: Option<&str>,
    shown_in: &[Locale],
) -> ApiResult<view::Report> {
    use crate::exams::version_entity::{self as version_row, Entity as Versions};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let exam = crate::exams::service::find_exam(&state.db, caller, exam_id).await?;
    let version_id = match version {
        None => exam.current_version_id,
        Some(n) => Versions::find()
            .filter(version_row::Column::ExamId.eq(exam.id))
            .filter(version_row::Column::Version.eq(n))
            .one(&state.db)
            .await?
            .map(|v| v.id),
    }
    .ok_or_else(ApiError::not_found)?;
    let snapshot = crate::exams::authoring::snapshot(&state.db, version_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let branch_id = match coverage(state, caller, branch).await? {
        Coverage::Every => None,
        Coverage::One(id) => Some(id),
        Coverage::Nothing => return Ok(view::assemble(&snapshot, BTreeMap::new(), BTreeMap::new(), shown_in, compare)),
    };
    let mut report = statistics(&state.db, &snapshot, &Scope { version_id, branch_id }, shown_in).await?;
    if let Some(id) = branch_id {
        report.branch = crate::branches::entity::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .map(|b| b.code);
    }
    Ok(report)
}
