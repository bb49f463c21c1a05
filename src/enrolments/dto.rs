//! The request and response types of the enrolment routes, and the views
//! that turn enrolment rows into them (a fixed number of queries per page).

use super::entity as enrolment;
use super::members::{MemberQuery, SortKey};
use super::service;
use crate::cohorts::entity::Entity as Cohorts;
use crate::courses::service as courses;
use crate::courses::texts::{chain, pick};
use crate::error::{ApiError, ApiResult};
use crate::error::{FieldCode, FieldError};
use crate::i18n::Locale;
use crate::users::entity::Entity as Users;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Enrol {
    pub user_id: Uuid,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct MemberFilter {
    /// `active`, `completed` or `withdrawn`.
    #[param(pattern = "^(active|completed|withdrawn)$")]
    pub status: Option<String>,
}

impl MemberFilter {
    /// The status asked for, if any (422 for an unknown one).
    pub(crate) fn status(&self) -> ApiResult<Option<enrolment::Status>> {
        parse_status(self.status.as_deref())
    }
}

fn parse_status(status: Option<&str>) -> ApiResult<Option<enrolment::Status>> {
    status
        .map(|s| enrolment::Status::try_from_value(&s.to_string()).map_err(|_| ApiError::field("status", FieldCode::InvalidChoice)))
        .transpose()
}

/// A cohort's member list: filters and order.
#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct MemberListFilter {
    /// `active`, `completed` or `withdrawn`.
    #[param(pattern = "^(active|completed|withdrawn)$")]
    pub status: Option<String>,
    /// `enrolled` (the default: enrolment order), `progress`,
    /// `last_activity` (the latest activity, or the enrolment for a trainee
    /// who never started) or `status`; a leading `-` sorts descending.
    #[param(pattern = "^-?(enrolled|progress|last_activity|status)$")]
    pub sort: Option<String>,
    /// Only trainees without any activity for at least this many days
    /// (counted from the enrolment for one who never started), 1-3650.
    #[param(value_type = u32, required = false, minimum = 1, maximum = 3650)]
    pub inactive_days: Option<String>,
    /// Only trainees with at least this progress, in percent (0-100).
    #[param(value_type = u32, required = false, minimum = 0, maximum = 100)]
    pub min_progress: Option<String>,
    /// Only trainees with at most this progress, in percent (0-100).
    #[param(value_type = u32, required = false, minimum = 0, maximum = 100)]
    pub max_progress: Option<String>,
}

impl MemberListFilter {
    /// The whole query, every bad parameter named in one 422.
    pub(crate) fn query(&self) -> ApiResult<MemberQuery> {
        let mut errors = Vec::new();
        let status = parse_status(self.status.as_deref())
            .map_err(|_| errors.push(FieldError::new("status", FieldCode::InvalidChoice)))
            .ok()
            .flatten();
        let (sort, descending) = match self.sort.as_deref() {
            None => (SortKey::Enrolled, false),
            Some(text) => SortKey::parse(text).unwrap_or_else(|| {
                errors.push(FieldError::new("sort", FieldCode::InvalidChoice));
                (SortKey::Enrolled, false)
            }),
        };
        let mut number = |field: &'static str, text: &Option<String>, min: i64, max: i64| {
            let text = text.as_deref()?;
            match text.trim().parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError::new(field, FieldCode::OutOfRange).arg("min", min).arg("max", max));
                    None
                }
            }
        };
        let inactive_days = number("inactive_days", &self.inactive_days, 1, INACTIVE_DAYS_MAX);
        let min_progress = number("min_progress", &self.min_progress, 0, 100);
        let max_progress = number("max_progress", &self.max_progress, 0, 100);
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        Ok(MemberQuery {
            status,
            sort,
            descending,
            inactive_days,
            min_progress,
            max_progress,
        })
    }
}

/// The longest idleness a member list filters on (ten years).
const INACTIVE_DAYS_MAX: i64 = 3650;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Progress {
    /// Lessons completed.
    pub done: i64,
    /// Lessons in the course.
    pub total: i64,
    pub percent: f64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CourseRef {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub locale: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CohortRef {
    pub id: Uuid,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Trainee {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Enrolment {
    pub id: Uuid,
    pub user_id: Uuid,
    /// Present in administrators' lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainee: Option<Trainee>,
    pub course: CourseRef,
    pub cohort: CohortRef,
    /// `active`, `completed` or `withdrawn`.
    pub status: String,
    pub progress: Progress,
    /// Present on a single enrolment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_lesson_ids: Option<Vec<Uuid>>,
    /// Present on a single enrolment: each completed lesson and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_lessons: Option<Vec<LessonDone>>,
    pub enrolled_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The trainee's latest lesson completion, attempt start or answer save
    /// in this enrolment (answer saves to within a minute); null before any.
    pub last_activity_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LessonDone {
    pub lesson_id: Uuid,
    pub completed_at: DateTime<Utc>,
}

/// Builds views of many enrolments with a fixed number of queries.
pub(crate) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<enrolment::Model>,
    requested: Locale,
    default: Locale,
    with_trainee: bool,
) -> Result<Vec<Enrolment>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let cohort_ids: Vec<Uuid> = rows.iter().map(|r| r.cohort_id).collect();
    let course_ids: Vec<Uuid> = rows.iter().map(|r| r.course_id).collect();
    let cohort_map: HashMap<Uuid, crate::cohorts::entity::Model> = Cohorts::find()
        .filter(crate::cohorts::entity::Column::Id.is_in(cohort_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let texts = courses::course_texts(db, &course_ids).await?;
    let codes = crate::courses::service::course_codes(db, &course_ids).await?;
    let totals = courses::lesson_counts(db, &course_ids).await?;
    let done = service::done_counts(db, &ids).await?;
    let users: HashMap<Uuid, crate::users::entity::Model> = if with_trainee {
        let user_ids: Vec<Uuid> = rows.iter().map(|r| r.user_id).collect();
        Users::find()
            .filter(crate::users::entity::Column::Id.is_in(user_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect()
    } else {
        HashMap::new()
    };
    let chain = chain(requested, default);
    let name_chain = crate::cohorts::names::chain(requested, default);
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = texts.get(&r.course_id);
            let title = pick(&chain, |l| t.and_then(|m| m.get(&l)).map(|x| x.title.as_str()));
            let total = totals.get(&r.course_id).copied().unwrap_or(0);
            let done = done.get(&r.id).copied().unwrap_or(0).min(total);
            let cohort = cohort_map.get(&r.cohort_id);
            Enrolment {
                id: r.id,
                user_id: r.user_id,
                trainee: users.get(&r.user_id).map(|u| Trainee {
                    id: u.id,
                    email: u.email.clone(),
                    display_name: u.display_name.clone(),
                }),
                course: CourseRef {
                    id: r.course_id,
                    code: codes.get(&r.course_id).cloned().unwrap_or_default(),
                    title: title.text,
                    locale: title.locale.map(|l| l.as_str().to_string()),
                },
                cohort: CohortRef {
                    id: r.cohort_id,
                    name: cohort
                        .map(|c| crate::cohorts::names::resolve(&c.name, c.names.as_deref(), &name_chain))
                        .unwrap_or_default(),
                    starts_on: cohort.map(|c| c.starts_on).unwrap_or_default(),
                    ends_on: cohort.map(|c| c.ends_on).unwrap_or_default(),
                },
                status: r.status.to_value(),
                progress: Progress {
                    done,
                    total,
                    percent: if total == 0 {
                        0.0
                    } else {
                        (done as f64 * 1000.0 / total as f64).round() / 10.0
                    },
                },
                completed_lesson_ids: None,
                completed_lessons: None,
                enrolled_at: r.enrolled_at,
                completed_at: r.completed_at,
                withdrawn_at: r.withdrawn_at,
                last_activity_at: r.last_activity_at,
            }
        })
        .collect())
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RowReport {
    /// Line in the file (the header is line 1).
    pub row: usize,
    pub code: &'static str,
    pub message: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ImportReport {
    /// Trainees created (and invited).
    pub created: usize,
    /// Trainees enrolled by this import.
    pub enrolled: usize,
    pub failed: Vec<RowReport>,
    /// Rows that needed nothing: already enrolled.
    pub skipped: Vec<RowReport>,
}
