//! `GET /api/v1/courses/{id}/translation-status`: for each locale, which
//! texts are missing and which are older than the source text they
//! translate (the source locale's text changed after the translation).
//!
//! It works on generic "text records" so that other areas (exam questions)
//! can add theirs: see `TextRecord`.

use super::service;
use crate::auth::{Caller, Role};
use crate::error::ApiResult;
use crate::i18n::Locale;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One translatable thing: its fields per locale and when each locale's
/// version last changed.
pub struct TextRecord {
    pub kind: &'static str,
    pub id: Uuid,
    pub position: Option<i32>,
    /// Field names that must exist (`title`, `summary`, `body`, `prompt`, ...).
    pub fields: &'static [&'static str],
    pub versions: BTreeMap<Locale, (BTreeMap<&'static str, String>, DateTime<Utc>)>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TextRef {
    /// `course`, `lesson` or `question`.
    pub kind: &'static str,
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i32>,
    pub field: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LocaleStatus {
    pub locale: String,
    /// Nothing missing and nothing outdated.
    pub complete: bool,
    pub missing: Vec<TextRef>,
    /// Translated before the source text last changed.
    pub outdated: Vec<TextRef>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TranslationStatus {
    pub course_id: Uuid,
    pub source_locale: String,
    pub locales: Vec<LocaleStatus>,
}

pub fn compute(course_id: Uuid, source: Locale, records: &[TextRecord]) -> TranslationStatus {
    let locales = Locale::ALL
        .into_iter()
        .map(|locale| {
            let mut missing = Vec::new();
            let mut outdated = Vec::new();
            for record in records {
                let version = record.versions.get(&locale);
                let source_changed = record.versions.get(&source).map(|(_, at)| *at);
                for field in record.fields {
                    let present = version.and_then(|(f, _)| f.get(field)).is_some_and(|t| !t.trim().is_empty());
                    let r = TextRef {
                        kind: record.kind,
                        id: record.id,
                        position: record.position,
                        field,
                    };
                    if !present {
                        missing.push(r);
                    } else if locale != source
                        && let (Some((_, at)), Some(source_at)) = (version, source_changed)
                        && *at < source_at
                    {
                        outdated.push(r);
                    }
                }
            }
            LocaleStatus {
                locale: locale.as_str().to_string(),
                complete: missing.is_empty() && outdated.is_empty(),
                missing,
                outdated,
            }
        })
        .collect();
    TranslationStatus {
        course_id,
        source_locale: source.as_str().to_string(),
        locales,
    }
}

/// Per locale, which course and lesson texts are missing or outdated (headquarters).
#[utoipa::path(get, path = "/api/v1/courses/{id}/translation-status", tag = "courses", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = TranslationStatus), (status = 403), (status = 404)))]
pub async fn translation_status(state: web::Data<AppState>, caller: Caller, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    caller.require(&[Role::HqAdmin])?;
    let course = service::find_visible(&state.db, &caller, *id).await?;
    let source = Locale::from_canonical(&course.source_locale).unwrap_or(Locale::En);
    let bundle = service::load_bundle(&state.db, course).await?;
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
    records.extend(crate::exams::translation_records(&state.db, bundle.course.id).await?);
    Ok(HttpResponse::Ok().json(compute(bundle.course.id, source, &records)))
}
