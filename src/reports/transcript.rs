//! A trainee's transcript as CSV, in the caller's language: per enrolment
//! the course and cohort, each lesson with the date it was done, each
//! attempt with its result, and the certificate. One query per kind of
//! record, whatever the trainee's history.

use super::csv::{BOM, Cell, Dialect, header, line};
use super::register::time;
use crate::certificates::entity::{self as certificate, Entity as Certificates};
use crate::cohorts::entity::Entity as Cohorts;
use crate::courses::lesson_entity::{self as lesson, Entity as Lessons};
use crate::courses::lesson_translation_entity::{self as lesson_text, Entity as LessonTexts};
use crate::courses::texts::{chain, pick};
use crate::enrolments::completion_entity::{self as completion, Entity as Completions};
use crate::enrolments::entity::{self as enrolment, Entity as Enrolments};
use crate::error::{ApiError, ApiResult};
use crate::exams::attempt_entity::{self as attempt, Entity as Attempts};
use crate::i18n::{self, Locale};
use crate::state::AppState;
use crate::tenancy::{self, Caller};
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub(crate) const COLUMNS: &[&str] = &[
    "record",
    "course_code",
    "course_title",
    "cohort_name",
    "item",
    "date",
    "record_status",
    "score",
    "percent",
    "passed",
    "certificate_code",
];

fn word(locale: Locale, id: &str) -> Cell {
    Cell::Text(i18n::t(locale, id, &[]))
}

/// The transcript of `user_id` (the caller's own, or a trainee the caller
/// administers; anyone else's: 404), as CSV bytes.
pub(crate) async fn transcript(state: &AppState, caller: &Caller, user_id: Uuid, locale: Locale) -> ApiResult<Vec<u8>> {
    let db = &state.db;
    let user = tenancy::find_visible::<crate::users::entity::Entity>(db, caller, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let enrolments = Enrolments::find()
        .filter(enrolment::Column::UserId.eq(user.id))
        .order_by_asc(enrolment::Column::EnrolledAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = enrolments.iter().map(|e| e.id).collect();
    let course_ids: Vec<Uuid> = enrolments.iter().map(|e| e.course_id).collect();
    let cohorts: HashMap<Uuid, String> = Cohorts::find()
        .filter(crate::cohorts::entity::Column::Id.is_in(enrolments.iter().map(|e| e.cohort_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let course_texts = crate::courses::service::course_texts(db, &course_ids).await?;
    let codes = crate::courses::service::course_codes(db, &course_ids).await?;
    let lessons = Lessons::find()
        .filter(lesson::Column::CourseId.is_in(course_ids.clone()))
        .order_by_asc(lesson::Column::Position)
        .all(db)
        .await?;
    let mut lesson_texts: HashMap<Uuid, BTreeMap<Locale, String>> = HashMap::new();
    for t in LessonTexts::find()
        .filter(lesson_text::Column::LessonId.is_in(lessons.iter().map(|l| l.id)))
        .all(db)
        .await?
    {
        if let Some(l) = Locale::from_canonical(&t.locale) {
            lesson_texts.entry(t.lesson_id).or_default().insert(l, t.title);
        }
    }
    let done: HashMap<(Uuid, Uuid), completion::Model> = Completions::find()
        .filter(completion::Column::EnrolmentId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| ((c.enrolment_id, c.lesson_id), c))
        .collect();
    let attempts = Attempts::find()
        .filter(attempt::Column::EnrolmentId.is_in(ids.clone()))
        .order_by_asc(attempt::Column::StartedAt)
        .all(db)
        .await?;
    let certificates = Certificates::find()
        .filter(certificate::Column::EnrolmentId.is_in(ids))
        .all(db)
        .await?;

    let chain = chain(locale, caller.branch_default_locale);
    let mut out = [BOM.to_vec(), header(locale, COLUMNS, Dialect::Comma)].concat();
    for e in &enrolments {
        let texts = course_texts.get(&e.course_id);
        let course = [
            codes.get(&e.course_id).cloned().unwrap_or_default(),
            pick(&chain, |l| texts.and_then(|m| m.get(&l)).map(|t| t.title.as_str())).text,
            cohorts.get(&e.cohort_id).cloned().unwrap_or_default(),
        ];
        let row = |record: &str, item: String, date: String, status: Cell, result: [Cell; 3], code: String| {
            let mut cells = vec![word(locale, &format!("transcript-record-{record}"))];
            cells.extend(course.iter().cloned().map(Cell::Text));
            cells.extend([Cell::Text(item), Cell::Text(date), status]);
            cells.extend(result);
            cells.push(Cell::Text(code));
            line(&cells, Dialect::Comma)
        };
        let none = || [Cell::Num(None), Cell::Num(None), Cell::Text(String::new())];
        let status = word(locale, &format!("report-status-{}", e.status.to_value()));
        out.extend(row("enrolment", String::new(), time(e.enrolled_at), status, none(), String::new()));
        for l in lessons.iter().filter(|l| l.course_id == e.course_id) {
            let title = pick(&chain, |c| lesson_texts.get(&l.id).and_then(|m| m.get(&c)).map(String::as_str)).text;
            let completed = done.get(&(e.id, l.id));
            let status = word(
                locale,
                if completed.is_some() {
                    "report-status-done"
                } else {
                    "report-status-not_done"
                },
            );
            let date = completed.map(|c| time(c.completed_at)).unwrap_or_default();
            out.extend(row(
                "lesson",
                format!("{}. {title}", l.position),
                date,
                status,
                none(),
                String::new(),
            ));
        }
        for a in attempts.iter().filter(|a| a.enrolment_id == e.id) {
            let item = i18n::t(locale, "transcript-attempt", &[("number", i64::from(a.attempt_number).into())]);
            let status = word(locale, &format!("report-status-{}", a.status.to_value()));
            let passed = a
                .passed
                .map(|p| i18n::t(locale, if p { "report-yes" } else { "report-no" }, &[]))
                .unwrap_or_default();
            let result = [Cell::Num(a.score), Cell::Num(a.percent), Cell::Text(passed)];
            let date = time(a.submitted_at.unwrap_or(a.started_at));
            out.extend(row("attempt", item, date, status, result, String::new()));
        }
        for c in certificates.iter().filter(|c| c.enrolment_id == e.id) {
            let status = word(locale, &format!("report-status-{}", c.status.to_value()));
            out.extend(row("certificate", String::new(), time(c.issued_at), status, none(), c.code.clone()));
        }
    }
    Ok(out)
}
