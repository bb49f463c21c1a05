//! A trainee's standing at the exams of many courses at once, for the "my
//! course" view: which exam, attempts used and left, the open attempt, the
//! best result. Built for a whole page of enrolments with a fixed number of
//! queries (see `for_courses`), never one per course.

use super::attempt_entity::{self as attempt, Entity as Attempts};
use super::authoring;
use super::exam_entity::{self as exam, Entity as Exams};
use crate::courses::texts::pick;
use crate::i18n::Locale;
use crate::num::to_i32;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The attempt a trainee can go back to: started and not yet past its
/// deadline.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct OpenAttempt {
    pub id: Uuid,
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
}

/// The best graded attempt: a pass before a fail, then the higher percent.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct BestResult {
    pub attempt_id: Uuid,
    pub score: f64,
    pub max_score: f64,
    pub percent: f64,
    pub passed: bool,
}

/// A course's exam as its trainee stands at it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CourseExam {
    pub id: Uuid,
    pub title: String,
    /// The language of `title`.
    pub locale: Option<String>,
    /// Of the published version new attempts start on.
    pub max_attempts: i32,
    /// Attempts started at this exam (open, submitted or expired), counted
    /// as a start counts them.
    pub attempts_used: i32,
    /// How many more may be started (0 when exhausted).
    pub attempts_left: i32,
    /// The attempt in progress, if one is open and its deadline has not
    /// passed. An attempt past its deadline is graded when it is next read
    /// or by the sweep, and then shows in `best_result`.
    pub open_attempt: Option<OpenAttempt>,
    /// Null until an attempt has been graded.
    pub best_result: Option<BestResult>,
    /// When the exam can be sat by the trainee's cohort, filled from the
    /// exam's window; null when the exam has none.
    #[schema(value_type = Option<Object>)]
    pub window: Option<serde_json::Value>,
}

/// The exam of each course in `course_ids` that has a published one (the
/// first published, by creation), with `user_id`'s attempts at it, in the
/// `chain` of languages. Queries: published exams, their titles, the
/// published versions not yet cached (none once warm), the user's attempts
/// at those exams: 3 or 4 whatever the number of courses, none without
/// courses.
pub(crate) async fn for_courses(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    course_ids: &[Uuid],
    chain: &[Locale],
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, CourseExam>, DbErr> {
    if course_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut exams: HashMap<Uuid, exam::Model> = HashMap::new();
    for row in Exams::find()
        .filter(exam::Column::CourseId.is_in(course_ids.to_vec()))
        .filter(exam::Column::Status.eq(exam::Status::Published))
        .order_by_desc(exam::Column::Id)
        .all(db)
        .await?
    {
        // Newest first, so the earliest published exam of a course stays.
        exams.insert(row.course_id, row);
    }
    if exams.is_empty() {
        return Ok(HashMap::new());
    }
    let exam_ids: Vec<Uuid> = exams.values().map(|e| e.id).collect();
    let version_ids: Vec<Uuid> = exams.values().filter_map(|e| e.current_version_id).collect();
    let titles = authoring::titles(db, &exam_ids).await?;
    let versions = authoring::snapshots(db, &version_ids).await?;
    let mut attempts: HashMap<Uuid, Vec<attempt::Model>> = HashMap::new();
    for row in Attempts::find()
        .filter(attempt::Column::UserId.eq(user_id))
        .filter(attempt::Column::ExamId.is_in(exam_ids))
        .all(db)
        .await?
    {
        attempts.entry(row.exam_id).or_default().push(row);
    }
    Ok(exams
        .into_values()
        .map(|e| {
            let title = pick(chain, |l| titles.get(&e.id).and_then(|t| t.get(&l)).map(String::as_str));
            let max_attempts = e
                .current_version_id
                .and_then(|v| versions.get(&v))
                .map_or(e.max_attempts, |s| s.max_attempts);
            let mine = attempts.remove(&e.id).unwrap_or_default();
            let used = to_i32(mine.len());
            let view = CourseExam {
                id: e.id,
                title: title.text,
                locale: title.locale.map(|l| l.as_str().to_string()),
                max_attempts,
                attempts_used: used,
                attempts_left: (max_attempts - used).max(0),
                open_attempt: open(&mine, now),
                best_result: best(&mine),
                window: None,
            };
            (e.course_id, view)
        })
        .collect())
}

fn open(attempts: &[attempt::Model], now: DateTime<Utc>) -> Option<OpenAttempt> {
    attempts
        .iter()
        .find(|a| a.status == attempt::Status::Open && now <= a.deadline)
        .map(|a| OpenAttempt {
            id: a.id,
            started_at: a.started_at,
            deadline: a.deadline,
        })
}

fn best(attempts: &[attempt::Model]) -> Option<BestResult> {
    attempts
        .iter()
        .filter_map(|a| {
            Some(BestResult {
                attempt_id: a.id,
                score: a.score?,
                max_score: a.max_score?,
                percent: a.percent?,
                passed: a.passed?,
            })
        })
        .max_by(|a, b| a.passed.cmp(&b.passed).then(a.percent.total_cmp(&b.percent)))
}
