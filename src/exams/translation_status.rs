//! `GET /api/v1/courses/{id}/translation-status`: the course's and its
//! lessons' texts (see `courses::status`) together with its exams' texts.
//! Served from here because it reads both areas: exams build on courses,
//! never the other way round.

use crate::courses::service as courses;
use crate::courses::status::{TextRecord, TranslationStatus, compute};
use crate::error::ApiResult;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Authorized, HqOnly};
use actix_web::{HttpResponse, web};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Per locale, which course and lesson texts are missing or outdated (headquarters).
#[utoipa::path(get, path = "/api/v1/courses/{id}/translation-status", tag = "courses", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = TranslationStatus), (status = 403), (status = 404)))]
pub(crate) async fn translation_status(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<HqOnly>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let course = courses::find_visible(&state.db, &caller, *id).await?;
    let source = Locale::from_canonical(&course.source_locale).unwrap_or(Locale::En);
    let bundle = courses::load_bundle(&state.db, course).await?;
    let mut records = vec![TextRecord {
        kind: "course",
        id: bundle.course.id,
        position: None,
        fields: &["title", "summary"],
        versions: bundle
            .texts
            .iter()
            .map(|(l, t)| {
                (
                    *l,
                    (
                        BTreeMap::from([("title", t.title.clone()), ("summary", t.summary.clone())]),
                        t.updated_at,
                    ),
                )
            })
            .collect(),
    }];
    for lesson in &bundle.lessons {
        records.push(TextRecord {
            kind: "lesson",
            id: lesson.lesson.id,
            position: Some(lesson.lesson.position),
            fields: &["title", "body"],
            versions: lesson
                .texts
                .iter()
                .map(|(l, t)| {
                    (
                        *l,
                        (BTreeMap::from([("title", t.title.clone()), ("body", t.body.clone())]), t.updated_at),
                    )
                })
                .collect(),
        });
    }
    records.extend(super::translation_records(&state.db, bundle.course.id).await?);
    Ok(HttpResponse::Ok().json(compute(bundle.course.id, source, &records)))
}
