//! A trainee's standing at the exams of many enrolments at once, for the
//! "my course" view: which exam, attempts used and left, extra time, the
//! window, the open attempt, the best result. Built for a whole page of
//! enrolments with a fixed number of queries (see `for_enrolments`), never
//! one per course.

use super::allowances;
use super::attempt_entity::{self as attempt, Entity as Attempts};
use super::authoring;
use super::exam_entity::{self as exam, Entity as Exams};
use super::window_views::{ExamWindow, window_view};
use crate::courses::texts::pick;
use crate::enrolments::entity as enrolment;
use crate::i18n::Locale;
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

/// A course's exam as the trainee stands at it in one enrolment, by the
/// rules of a start (see `windows`): attempts count per enrolment, an
/// override adds attempts and time, the cohort's window wins over the
/// branch's.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CourseExam {
    pub id: Uuid,
    pub title: String,
    /// The language of `title`.
    pub locale: Option<String>,
    /// Of the published version new attempts start on.
    pub max_attempts: i32,
    /// `max_attempts` plus the trainee's extra attempts (override).
    pub attempts_allowed: i32,
    /// Attempts started in this enrolment (open, submitted or expired);
    /// a re-take enrolment starts again from 0.
    pub attempts_used: i32,
    /// How many more this enrolment may start (0 when exhausted).
    pub attempts_left: i32,
    /// Minutes the trainee's override adds to the time limit of new attempts.
    pub extra_minutes: i32,
    /// The trainee holds a one-off unlock: one start outside the window.
    pub unlock_available: bool,
    /// The attempt in progress, if one is open and its deadline has not
    /// passed (there is at most one per exam, whatever the enrolment: a
    /// start returns it). An attempt past its deadline is graded when it
    /// is next read or by the sweep, and then shows in `best_result`.
    pub open_attempt: Option<OpenAttempt>,
    /// The best graded attempt of this enrolment; null until one is graded.
    pub best_result: Option<BestResult>,
    /// The window that applies to this enrolment (its cohort's own, else
    /// its branch's), with its status by the server's time; null when
    /// there is none (the exam can be started at any time).
    pub window: Option<ExamWindow>,
}

/// The exam of each enrolment's course that has a published one (the
/// first published, by creation), with the trainee's standing in that
/// enrolment, in the `chain` of languages; keyed by enrolment id. All the
/// enrolments are `user_id`'s. Queries: published exams, their titles, the
/// published versions not yet cached (none once warm), the user's attempts
/// at those exams, the windows with the enrolments' branches, the user's
/// overrides (`allowances::load`): 5 or 6 whatever the number of
/// enrolments; 1 when no course has a published exam, none without
/// enrolments.
pub(crate) async fn for_enrolments(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    enrolments: &[&enrolment::Model],
    chain: &[Locale],
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, CourseExam>, DbErr> {
    if enrolments.is_empty() {
        return Ok(HashMap::new());
    }
    let mut course_ids: Vec<Uuid> = enrolments.iter().map(|e| e.course_id).collect();
    course_ids.sort();
    course_ids.dedup();
    let mut exams: HashMap<Uuid, exam::Model> = HashMap::new();
    for row in Exams::find()
        .filter(exam::Column::CourseId.is_in(course_ids))
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
        .filter(attempt::Column::ExamId.is_in(exam_ids.clone()))
        .all(db)
        .await?
    {
        attempts.entry(row.exam_id).or_default().push(row);
    }
    let loaded = allowances::load(db, user_id, &exam_ids, enrolments).await?;
    let mut views = HashMap::new();
    for enrolment in enrolments {
        let Some(e) = exams.get(&enrolment.course_id) else {
            continue;
        };
        let title = pick(chain, |l| titles.get(&e.id).and_then(|t| t.get(&l)).map(String::as_str));
        let max_attempts = e
            .current_version_id
            .and_then(|v| versions.get(&v))
            .map_or(e.max_attempts, |s| s.max_attempts);
        let all = attempts.get(&e.id).map_or(&[][..], Vec::as_slice);
        let mine: Vec<&attempt::Model> = all.iter().filter(|a| a.enrolment_id == enrolment.id).collect();
        let a = loaded.allowance(e.id, enrolment, all);
        let (code, tz) = loaded.branch(enrolment.branch_id);
        let window = a
            .window
            .and_then(|w| loaded.window(w.id))
            .map(|row| window_view(row.clone(), code, tz, now));
        let view = CourseExam {
            id: e.id,
            title: title.text,
            locale: title.locale.map(|l| l.as_str().to_string()),
            max_attempts,
            attempts_allowed: a.attempts_allowed(max_attempts),
            attempts_used: a.attempts_current,
            attempts_left: a.attempts_left(max_attempts),
            extra_minutes: a.extra_minutes,
            unlock_available: a.unlock,
            open_attempt: open(all, now),
            best_result: best(&mine),
            window,
        };
        views.insert(enrolment.id, view);
    }
    Ok(views)
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

fn best(attempts: &[&attempt::Model]) -> Option<BestResult> {
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
