//! "My course": a trainee's enrolments with everything a course screen
//! shows in one call: the enrolment (course, cohort, status, lesson
//! progress), the course's exam as the trainee stands at it, and the
//! certificate. Each area builds its own part for the whole page at once;
//! this module only puts them side by side.
//!
//! Queries for a page, whatever its size: the page of enrolments (1); the
//! enrolment views: cohorts, course texts, course codes, lesson counts,
//! lessons done (5); the exams: published exams, their titles, the
//! published versions not yet cached (0 or 1), the trainee's attempts, the
//! windows with the enrolments' branches, the trainee's overrides (5 or 6);
//! the certificates (1). So 12 queries once the published versions are
//! cached, 13 at most (8 when no course of the page has a published exam).
//! A single enrolment adds its completed lessons.

use super::ProgressError;
use crate::certificates::dto::{CertificateRef, certificate_ref};
use crate::certificates::service as certificates;
use crate::courses::texts::chain;
use crate::enrolments::dto::{Enrolment, views};
use crate::enrolments::entity::{self as enrolment};
use crate::enrolments::service as enrolments;
use crate::exams::summary::{self, CourseExam};
use crate::http::page::{List, Page, split_page};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::Caller;
use serde::Serialize;
use uuid::Uuid;

/// One of the caller's enrolments with its course's exam and certificate.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct MyEnrolment {
    #[serde(flatten)]
    pub enrolment: Enrolment,
    /// The course's published exam as the trainee stands at it in this
    /// enrolment (the same rules as starting an attempt); null when the
    /// course has none.
    pub exam: Option<CourseExam>,
    /// The trainee's certificate for the course; null until certified.
    pub certificate: Option<CertificateRef>,
}

/// A page of the caller's own enrolments, optionally only those with `status`.
pub(crate) async fn page(
    state: &AppState,
    caller: &Caller,
    status: Option<enrolment::Status>,
    page: Page,
    locale: Locale,
) -> Result<List<MyEnrolment>, ProgressError> {
    crate::enrolments::activity_buffer::settle(state).await;
    let rows = enrolments::mine(&state.db, caller, status, page).await?;
    let (rows, next_cursor) = split_page(rows, page, |r| r.id);
    let items = build(state, caller, rows, locale).await?;
    Ok(List { items, next_cursor })
}

/// One of the caller's own enrolments, with the ids of the lessons done;
/// anyone else's answers 404.
pub(crate) async fn one(state: &AppState, caller: &Caller, id: Uuid, locale: Locale) -> Result<MyEnrolment, ProgressError> {
    crate::enrolments::activity_buffer::settle(state).await;
    let row = enrolments::find_mine(&state.db, caller, id).await?;
    let lessons = enrolments::completed_lessons(&state.db, row.id).await?;
    let mut view = build(state, caller, vec![row], locale)
        .await?
        .pop()
        .ok_or(crate::enrolments::EnrolmentError::NotFound)?;
    view.enrolment.completed_lesson_ids = Some(lessons);
    Ok(view)
}

async fn build(state: &AppState, caller: &Caller, rows: Vec<enrolment::Model>, locale: Locale) -> Result<Vec<MyEnrolment>, ProgressError> {
    let db = &state.db;
    let mut course_ids: Vec<Uuid> = rows.iter().map(|r| r.course_id).collect();
    course_ids.sort();
    course_ids.dedup();
    let languages = chain(locale, caller.branch_default_locale);
    let mine: Vec<&enrolment::Model> = rows.iter().collect();
    let mut exams = summary::for_enrolments(db, caller.user_id, &mine, &languages, state.clock.now()).await?;
    let certificates = certificates::for_user_courses(db, caller.user_id, &course_ids).await?;
    let views = views(db, rows, locale, caller.branch_default_locale, false).await?;
    Ok(views
        .into_iter()
        .map(|v| MyEnrolment {
            exam: exams.remove(&v.id),
            certificate: certificates.get(&v.course.id).map(|c| certificate_ref(&state.config.public_url, c)),
            enrolment: v,
        })
        .collect())
}
