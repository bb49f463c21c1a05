//! The request and response types of the enrolment routes, and the views
//! that turn enrolment rows into them (a fixed number of queries per page).

use super::entity as enrolment;
use super::service;
use crate::cohorts::entity::Entity as Cohorts;
use crate::courses::service as courses;
use crate::courses::texts::{chain, pick};
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult};
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
        self.status
            .as_ref()
            .map(|s| enrolment::Status::try_from_value(s).map_err(|_| ApiError::field("status", FieldCode::InvalidChoice)))
            .transpose()
    }
}

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
    pub enrolled_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
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
                enrolled_at: r.enrolled_at,
                completed_at: r.completed_at,
                withdrawn_at: r.withdrawn_at,
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
