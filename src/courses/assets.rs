//! `/api/v1/courses/{id}/assets` and `/api/v1/assets/{id}`: lesson media for
//! headquarters (upload as `multipart/form-data`, list, delete) and, for
//! anyone who can see the course, an asset with a signed link to its file
//! in the reader's language.

use super::asset_commands::{self as commands, Target, Upload};
use super::service;
use crate::error::{ApiError, ApiResult, FieldCode, ProblemCode};
use crate::http::routes::Routes;
use crate::http::{negotiate, with_language};
use crate::i18n::Locale;
use crate::media::asset_entity as asset;
use crate::media::file_entity as file;
use crate::media::resolve::{CourseMedia, MediaLink, Resolver, VariantLink, pick};
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, HqOnly};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Routes whose bodies stream into storage (see `http::idempotency`).
pub(crate) const UPLOAD_ROUTES: &[&str] = &["/api/v1/courses/{id}/assets", "/api/v1/assets/{id}/files"];

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct NewAssetParams {
    /// The lesson the asset belongs to (a lesson of this course); absent: the course.
    pub lesson_id: Option<Uuid>,
    /// The locale this file is for (`zh-CN`, `en`, `th`, `vi`); absent: every locale.
    pub locale: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct FileParams {
    /// The locale this file is for; absent: every locale. Replaces that locale's file.
    pub locale: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct AssetFilter {
    /// `true`: only assets that no lesson text references (candidates for removal).
    pub unreferenced: Option<bool>,
}

/// The upload form: one part named `file`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct UploadForm {
    /// The file (image: PNG or JPEG; video: MP4 or WebM; audio: MP3, M4A,
    /// Ogg, WAV or WebM; PDF; subtitles: WebVTT). Its type is read from its
    /// content; a declared part type must agree.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// One stored file of an asset, for editors.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AssetFile {
    pub version: Uuid,
    /// Null: the file for every locale.
    pub locale: Option<String>,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub url: String,
    /// Smaller copies of an image (narrowest first), made at upload.
    pub variants: Vec<VariantLink>,
    pub created_at: DateTime<Utc>,
}

/// An asset as headquarters sees it: every file, and whether a lesson uses it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Asset {
    pub id: Uuid,
    pub course_id: Uuid,
    pub lesson_id: Option<Uuid>,
    pub kind: String,
    pub name: String,
    /// Whether some lesson text references it (`asset:{id}`); referenced assets cannot be deleted.
    pub referenced: bool,
    /// What lessons write to show it.
    pub reference: String,
    pub files: Vec<AssetFile>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AssetList {
    pub items: Vec<Asset>,
}

fn locale_param(value: Option<&str>) -> ApiResult<Option<Locale>> {
    value
        .map(|v| Locale::from_canonical(v).ok_or_else(|| ApiError::field("locale", FieldCode::UnknownLocale)))
        .transpose()
}

fn asset_view(resolver: &Resolver<'_>, row: &asset::Model, files: &[file::Model], referenced: bool) -> Asset {
    let mut files: Vec<AssetFile> = files
        .iter()
        .map(|f| {
            let link = resolver.link(row, f);
            AssetFile {
                version: f.id,
                locale: link.locale,
                content_type: f.content_type.clone(),
                size: f.size_bytes,
                sha256: f.sha256.clone(),
                width: f.width,
                height: f.height,
                url: link.url,
                variants: link.variants,
                created_at: f.created_at,
            }
        })
        .collect();
    files.sort_by(|a, b| a.locale.cmp(&b.locale));
    Asset {
        id: row.id,
        course_id: row.course_id,
        lesson_id: row.lesson_id,
        kind: row.kind.clone(),
        name: row.name.clone(),
        referenced,
        reference: format!("asset:{}", row.id),
        files,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// The view of one asset after a write.
pub(crate) async fn editor_view(state: &AppState, id: Uuid) -> ApiResult<Asset> {
    let row = commands::find_asset(&state.db, id).await?;
    let course = CourseMedia::load(&state.db, row.course_id).await?;
    let referenced = commands::referenced(&state.db, row.course_id).await?.contains(&id);
    let resolver = Resolver {
        media: &state.media,
        course: &course,
        base: &state.config.public_url,
        now: state.clock.now(),
    };
    let (row, files) = course.assets.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(asset_view(&resolver, row, files, referenced))
}

/// Reads the multipart body up to its `file` part and hands that part over
/// (the form must outlive it: the part reads through it).
async fn file_part(form: &mut Multipart) -> ApiResult<(actix_multipart::Field, String, Option<String>)> {
    loop {
        let field = match form.next().await {
            None => return Err(ApiError::field("file", FieldCode::Required)),
            Some(Err(actix_multipart::MultipartError::ContentTypeMissing))
            | Some(Err(actix_multipart::MultipartError::ContentTypeParse))
            | Some(Err(actix_multipart::MultipartError::ContentTypeIncompatible))
            | Some(Err(actix_multipart::MultipartError::BoundaryMissing)) => {
                return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::UnsupportedMediaType)
                    .arg("expected", "multipart/form-data"));
            }
            Some(Err(actix_multipart::MultipartError::Incomplete)) => return Err(ApiError::bad_request(ProblemCode::UploadTruncated)),
            Some(Err(err)) => {
                tracing::debug!(error = %err, "malformed multipart body");
                return Err(ApiError::bad_request(ProblemCode::MalformedBody));
            }
            Some(Ok(field)) => field,
        };
        if field.name() != Some("file") {
            // Other parts are small form fields: skip them.
            let mut field = field;
            while let Some(chunk) = field.next().await {
                chunk.map_err(|_| ApiError::bad_request(ProblemCode::UploadTruncated))?;
            }
            continue;
        }
        // `filename*` (RFC 5987, any characters) wins over `filename`.
        let disposition = field.content_disposition();
        let extended = disposition
            .and_then(|d| d.get_filename_ext())
            .map(|ext| String::from_utf8_lossy(&ext.value).into_owned());
        let raw_name = extended
            .or_else(|| disposition.and_then(|d| d.get_filename()).map(str::to_string))
            .unwrap_or_else(|| "file".to_string());
        let name = commands::check_name(&raw_name).map_err(|e| ApiError::validation(vec![e]))?;
        let claimed = field.content_type().map(|m| m.essence_str().to_string());
        return Ok((field, name, claimed));
    }
}

/// Uploads a file as a new asset of the course (headquarters only).
#[utoipa::path(post, path = "/api/v1/courses/{id}/assets", tag = "media", params(("id" = Uuid, Path), NewAssetParams),
    request_body(content = UploadForm, content_type = "multipart/form-data"), security(("bearer" = [])),
    responses((status = 201, body = Asset), (status = 400, description = "upload cut short"), (status = 403), (status = 404),
        (status = 413, description = "over the size limit of its kind, or over the storage quota"),
        (status = 415, description = "not an accepted type, or not the type claimed"),
        (status = 422, description = "bad file name, damaged file, or an image too large in pixels")))]
pub(crate) async fn upload(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    params: crate::http::Query<NewAssetParams>,
    mut form: Multipart,
) -> ApiResult<HttpResponse> {
    let locale = locale_param(params.locale.as_deref())?;
    let (field, name, claimed) = file_part(&mut form).await?;
    let target = Target::NewAsset {
        course_id: *id,
        lesson_id: params.lesson_id,
    };
    let body = Box::pin(field);
    let asset_id = commands::upload(
        &state,
        &actor,
        target,
        Upload {
            name,
            claimed,
            locale,
            body,
        },
    )
    .await?;
    let view = editor_view(&state, asset_id).await?;
    Ok(with_language(HttpResponse::Created().json(view), negotiate(&req)))
}

/// Adds (or replaces) one locale's file of an asset; the kind must stay the same.
#[utoipa::path(post, path = "/api/v1/assets/{id}/files", tag = "media", params(("id" = Uuid, Path), FileParams),
    request_body(content = UploadForm, content_type = "multipart/form-data"), security(("bearer" = [])),
    responses((status = 201, body = Asset), (status = 400), (status = 403), (status = 404), (status = 413), (status = 415),
        (status = 422, description = "also: a file of another kind than the asset")))]
pub(crate) async fn add_file(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    params: crate::http::Query<FileParams>,
    mut form: Multipart,
) -> ApiResult<HttpResponse> {
    let locale = locale_param(params.locale.as_deref())?;
    commands::find_asset(&state.db, *id).await?;
    let (field, name, claimed) = file_part(&mut form).await?;
    let body = Box::pin(field);
    let asset_id = commands::upload(
        &state,
        &actor,
        Target::Asset(*id),
        Upload {
            name,
            claimed,
            locale,
            body,
        },
    )
    .await?;
    let view = editor_view(&state, asset_id).await?;
    Ok(with_language(HttpResponse::Created().json(view), negotiate(&req)))
}

/// A course's assets with every file and whether a lesson uses them (headquarters).
#[utoipa::path(get, path = "/api/v1/courses/{id}/assets", tag = "media", params(("id" = Uuid, Path), AssetFilter),
    security(("bearer" = [])), responses((status = 200, body = AssetList), (status = 403), (status = 404)))]
pub(crate) async fn list(
    state: web::Data<AppState>,
    Authorized(_actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    filter: crate::http::Query<AssetFilter>,
) -> ApiResult<HttpResponse> {
    service::find(&state.db, *id).await?;
    let course = CourseMedia::load(&state.db, *id).await?;
    let used = commands::referenced(&state.db, *id).await?;
    let resolver = Resolver {
        media: &state.media,
        course: &course,
        base: &state.config.public_url,
        now: state.clock.now(),
    };
    let only_unused = filter.unreferenced.unwrap_or(false);
    let items = course
        .assets
        .values()
        .filter(|(row, _)| !(only_unused && used.contains(&row.id)))
        .map(|(row, files)| asset_view(&resolver, row, files, used.contains(&row.id)))
        .collect();
    Ok(with_language(HttpResponse::Ok().json(AssetList { items }), negotiate(&req)))
}

/// An asset in the reader's language: the file for their locale (else the
/// file for every locale, else the catalogue's fallback), with a signed link.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "media", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = MediaLink), (status = 401), (status = 404)))]
pub(crate) async fn get(state: web::Data<AppState>, caller: Caller, req: HttpRequest, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let row = commands::find_asset(&state.db, *id).await?;
    // Visible only through a course the caller can see (404 otherwise).
    service::find_visible(&state.db, &caller, row.course_id).await?;
    let course = CourseMedia::load(&state.db, row.course_id).await?;
    let locale = negotiate(&req);
    let chain = super::texts::chain(locale, caller.branch_default_locale);
    let resolver = Resolver {
        media: &state.media,
        course: &course,
        base: &state.config.public_url,
        now: state.clock.now(),
    };
    let (row, files) = course.assets.get(&row.id).ok_or_else(ApiError::not_found)?;
    let file = pick(files, &chain).ok_or_else(ApiError::not_found)?;
    Ok(with_language(HttpResponse::Ok().json(resolver.link(row, file)), locale))
}

/// Removes an asset and its files; refused (409 `asset_in_use`) while a lesson references it.
#[utoipa::path(delete, path = "/api/v1/assets/{id}", tag = "media", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "a lesson uses it")))]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    commands::delete(&state, &actor, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_upload, upload)
        .add(__path_list, list)
        .add(__path_add_file, add_file)
        .add(__path_get, get)
        .add(__path_delete, delete);
}
