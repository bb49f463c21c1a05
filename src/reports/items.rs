//! Item statistics per locale for one exam version: for every question and
//! every language attempts were taken in, the number of answers, difficulty
//! (share fully right), discrimination (point-biserial against the rest of
//! the score) and how often each option was chosen; and a flag where one
//! locale's difficulty differs from the other locales' beyond chance.
//!
//! Two aggregate queries: per question × locale × selection the number of
//! answers and the sum and sum of squares of their attempts' scores (one
//! pass over the answers, no answer key in SQL), and attempts per locale.
//! Memory is bounded by the bank's questions and their distinct
//! selections, never by the number of answers.

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
use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    // Within one (question, locale, selection) group an answer is either
    // right or not, so the attempts' score sums there give every sum the
    // statistics need; the answer key is applied here, not in SQL.
    let mut groups = answers(scope);
    groups
        .column(("x", "question_id"))
        .column(("a", "locale"))
        .column(("x", "selected"))
        .expr_as(Func::count(Expr::col(Asterisk)), "n")
        .expr_as(Func::sum(Expr::col(("a", "score"))), "s")
        .expr_as(Func::sum(Expr::col(("a", "score")).mul(Expr::col(("a", "score")))), "ss")
        .group_by_col(("x", "question_id"))
        .group_by_col(("a", "locale"))
        .group_by_col(("x", "selected"));
    let keys: HashMap<Uuid, (BTreeSet<usize>, f64)> = snapshot
        .questions
        .iter()
        .map(|q| (q.id, (q.correct.iter().copied().collect(), f64::from(q.points))))
        .collect();
    let mut cells: BTreeMap<(Uuid, Option<String>), Cell> = BTreeMap::new();
    for row in db.query_all(&groups).await? {
        let question: Uuid = row.try_get("", "question_id")?;
        let Some((key, points)) = keys.get(&question) else { continue };
        let selected: Vec<usize> = serde_json::from_str(&row.try_get::<String>("", "selected")?).unwrap_or_default();
        let n: i64 = row.try_get("", "n")?;
        let s = row.try_get::<Option<f64>>("", "s")?.unwrap_or(0.0);
        let ss = row.try_get::<Option<f64>>("", "ss")?.unwrap_or(0.0);
        let right = selected.iter().copied().collect::<BTreeSet<usize>>() == *key;
        // The rest of the score: the attempt's score less this question's points when right.
        let earned = if right { *points } else { 0.0 };
        let count = n as f64;
        let rest = s - count * earned;
        let cell = cells.entry((question, row.try_get("", "locale")?)).or_insert_with(|| Cell {
            counts: Counts::default(),
            discrimination: None,
            chosen: BTreeMap::new(),
        });
        let c = &mut cell.counts;
        c.n += n;
        c.sy += rest;
        c.syy += ss - 2.0 * earned * s + count * earned * earned;
        if right {
            c.right += count;
            c.sxy += rest;
        }
        for index in selected {
            *cell.chosen.entry(index).or_default() += n;
        }
    }
    for cell in cells.values_mut() {
        let c = cell.counts;
        cell.discrimination = point_biserial(c.n as f64, c.right, c.sy, c.syy, c.sxy);
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
