//! `GET /api/v1/courses/{id}/package?lang=`: everything an app needs to
//! take a course offline, in one manifest: the lessons in the reader's
//! language, the exams' metadata (never questions or answers), and every
//! asset with its signed URL, size, SHA-256 and version. Each item has a
//! version, and the manifest an ETag computed from those versions (not from
//! the links, which are re-signed over time), so `If-None-Match` answers
//! 304 exactly when the app already holds everything current. Served from
//! its own area because it reads both the catalogue and the exams.

use crate::courses::routes::resolver;
use crate::courses::service as courses;
use crate::courses::texts::{chain, pick};
use crate::error::ApiResult;
use crate::exams::exam_entity::{self as exam, Entity as Exams};
use crate::exams::exam_translation_entity::{self as exam_text, Entity as ExamTexts};
use crate::http::routes::Routes;
use crate::http::{negotiate, with_language};
use crate::i18n::Locale;
use crate::media::resolve::{CourseMedia, MediaLink};
use crate::state::AppState;
use crate::tenancy::Caller;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PackageLesson {
    pub id: Uuid,
    pub position: i32,
    pub title: String,
    /// Markdown; media appear as `asset:{id}` links, listed in `assets`.
    pub body: String,
    pub locale: Option<String>,
    /// Ids of the assets the body references.
    pub assets: Vec<Uuid>,
    /// Changes when the lesson's text or one of its files changes.
    pub version: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PackageExam {
    pub id: Uuid,
    pub title: String,
    pub locale: Option<String>,
    pub status: String,
    pub pass_mark_percent: i32,
    pub time_limit_minutes: i32,
    pub max_attempts: i32,
    pub question_count: i32,
    pub version: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Package {
    pub course_id: Uuid,
    pub code: String,
    pub title: String,
    pub summary: String,
    /// The locale the title was served in.
    pub locale: Option<String>,
    /// The manifest's version (also its `ETag`).
    pub version: String,
    pub lessons: Vec<PackageLesson>,
    pub exams: Vec<PackageExam>,
    /// Every asset of the course in the reader's language; `version` is the file.
    pub assets: Vec<MediaLink>,
    /// Sum of the assets' sizes, for "download 12 MB?" prompts.
    pub total_bytes: i64,
}

fn short_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&hasher.finalize()[..12])
}

fn code(locale: Option<Locale>) -> Option<String> {
    locale.map(|l| l.as_str().to_string())
}

/// The offline manifest of a course the caller can see (404 otherwise).
#[utoipa::path(get, path = "/api/v1/courses/{id}/package", tag = "courses",
    params(("id" = Uuid, Path), ("lang" = Option<String>, Query, description = "the language of the texts and files")),
    security(("bearer" = [])), responses((status = 200, body = Package), (status = 304), (status = 401), (status = 404)))]
pub(crate) async fn package(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let locale = negotiate(&req);
    let row = courses::find_visible(&state.db, &caller, *id).await?;
    let media = CourseMedia::load(&state.db, row.id).await?;
    let bundle = courses::load_bundle(&state.db, row).await?;
    let chain = chain(locale, caller.branch_default_locale);
    let resolver = resolver(&state, &media);

    let mut assets: Vec<MediaLink> = media
        .assets
        .values()
        .filter_map(|(asset, files)| crate::media::resolve::pick(files, &chain).map(|f| resolver.link(asset, f)))
        .collect();
    assets.sort_by_key(|a| a.id);
    let versions: HashMap<Uuid, String> = assets.iter().map(|a| (a.id, a.version.to_string())).collect();

    let lessons: Vec<PackageLesson> = bundle
        .lessons
        .iter()
        .map(|l| {
            let title = pick(&chain, |c| l.texts.get(&c).map(|t| t.title.as_str()));
            let body = pick(&chain, |c| l.texts.get(&c).map(|t| t.body.as_str()));
            let refs: Vec<Uuid> = crate::media::resolve::references(&body.text)
                .into_iter()
                .filter(|id| versions.contains_key(id))
                .collect();
            let file_versions: Vec<&str> = refs.iter().filter_map(|id| versions.get(id).map(String::as_str)).collect();
            let mut parts = vec![title.text.as_str(), body.text.as_str()];
            parts.extend(file_versions);
            PackageLesson {
                id: l.lesson.id,
                position: l.lesson.position,
                version: short_hash(&parts),
                locale: code(title.locale),
                title: title.text,
                body: body.text,
                assets: refs,
            }
        })
        .collect();

    let mut exam_query = Exams::find().filter(exam::Column::CourseId.eq(bundle.course.id));
    if !caller.is_hq() {
        exam_query = exam_query.filter(exam::Column::Status.eq(exam::Status::Published));
    }
    let exam_rows = exam_query.order_by_asc(exam::Column::Id).all(&state.db).await?;
    let exam_ids: Vec<Uuid> = exam_rows.iter().map(|e| e.id).collect();
    let mut titles: HashMap<Uuid, BTreeMap<Locale, String>> = HashMap::new();
    if !exam_ids.is_empty() {
        for t in ExamTexts::find().filter(exam_text::Column::ExamId.is_in(exam_ids)).all(&state.db).await? {
            if let Some(l) = Locale::from_canonical(&t.locale) {
                titles.entry(t.exam_id).or_default().insert(l, t.title);
            }
        }
    }
    let exams: Vec<PackageExam> = exam_rows
        .into_iter()
        .map(|e| {
            let texts = titles.remove(&e.id).unwrap_or_default();
            let title = pick(&chain, |c| texts.get(&c).map(String::as_str));
            let status = sea_orm::ActiveEnum::to_value(&e.status);
            let version = short_hash(&[
                &title.text,
                &status,
                &e.pass_mark_percent.to_string(),
                &e.time_limit_minutes.to_string(),
                &e.max_attempts.to_string(),
                &e.question_count.to_string(),
                &e.updated_at.to_rfc3339(),
            ]);
            PackageExam {
                id: e.id,
                locale: code(title.locale),
                title: title.text,
                status,
                pass_mark_percent: e.pass_mark_percent,
                time_limit_minutes: e.time_limit_minutes,
                max_attempts: e.max_attempts,
                question_count: e.question_count,
                version,
            }
        })
        .collect();

    let course_title = pick(&chain, |c| bundle.texts.get(&c).map(|t| t.title.as_str()));
    let summary = pick(&chain, |c| bundle.texts.get(&c).map(|t| t.summary.as_str()));
    let mut parts: Vec<String> = vec![
        bundle.course.id.to_string(),
        bundle.course.code.clone(),
        course_title.text.clone(),
        summary.text.clone(),
        locale.as_str().to_string(),
    ];
    parts.extend(lessons.iter().map(|l| format!("l{}:{}", l.id, l.version)));
    parts.extend(exams.iter().map(|e| format!("e{}:{}", e.id, e.version)));
    parts.extend(assets.iter().map(|a| format!("a{}:{}:{}", a.id, a.version, a.sha256)));
    let version = short_hash(&parts.iter().map(String::as_str).collect::<Vec<_>>());
    let etag = format!("\"{version}\"");
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|c| c.trim().trim_start_matches("W/") == etag));
    let mut response = if not_modified {
        HttpResponse::NotModified().finish()
    } else {
        let total_bytes = assets.iter().map(|a| a.size).sum();
        HttpResponse::Ok().json(Package {
            course_id: bundle.course.id,
            code: bundle.course.code.clone(),
            locale: code(course_title.locale),
            title: course_title.text,
            summary: summary.text,
            version,
            lessons,
            exams,
            assets,
            total_bytes,
        })
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, header::HeaderValue::from_str(&etag).expect("ascii"));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-cache"));
    headers.insert(header::VARY, header::HeaderValue::from_static("Accept-Language, Authorization"));
    Ok(with_language(response, locale))
}

pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_package, package);
}
