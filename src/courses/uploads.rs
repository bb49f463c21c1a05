//! `/api/v1/uploads`: resumable uploads of lesson media for headquarters,
//! for large files over networks that drop. Open a session (`POST`), send
//! the file in order in chunks (`PATCH` with `Upload-Offset` and
//! `application/offset+octet-stream`), ask where it stands after a drop
//! (`HEAD` or `GET`), give up (`DELETE`). The chunk carrying the last byte
//! answers as a multipart upload does: 201 with the asset.

use super::assets::{Asset, editor_view};
use super::upload_chunks::{self as chunks, Appended, Chunk};
use super::upload_commands::{self as commands, NewUpload, as_u64};
use super::upload_entity as upload;
use crate::error::{ApiError, ApiResult, ProblemCode};
use crate::http::routes::Routes;
use crate::http::{Json, negotiate, with_language};
use crate::state::AppState;
use crate::tenancy::{Authorized, HqOnly};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// The media type of a chunk's body.
pub(crate) const CHUNK_TYPE: &str = "application/offset+octet-stream";
/// Request: where a chunk starts. Response: how many bytes are held.
const UPLOAD_OFFSET: &str = "Upload-Offset";
/// Response: the declared size of the whole file.
const UPLOAD_LENGTH: &str = "Upload-Length";

/// A resumable upload as its owner sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UploadSession {
    pub id: Uuid,
    pub course_id: Uuid,
    pub lesson_id: Option<Uuid>,
    /// The asset the file is added to; for a new asset, null until the
    /// upload is complete, then the asset made.
    pub asset_id: Option<Uuid>,
    /// Null: the file for every locale.
    pub locale: Option<String>,
    pub name: String,
    /// The type claimed; the content must agree once complete.
    pub content_type: Option<String>,
    /// The declared size of the whole file, in bytes.
    pub size: i64,
    /// Bytes received so far: the next chunk starts here.
    pub offset: i64,
    /// Whether the last byte arrived and the file was taken.
    pub complete: bool,
    /// The largest chunk taken in one request.
    pub chunk_max_bytes: u64,
    /// The session and its chunks are removed after this (moved on by each chunk).
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

fn session_view(state: &AppState, row: upload::Model) -> UploadSession {
    UploadSession {
        id: row.id,
        course_id: row.course_id,
        lesson_id: row.lesson_id,
        asset_id: row.asset_id,
        locale: Some(row.locale).filter(|l| !l.is_empty()),
        name: row.name,
        content_type: row.claimed_type,
        size: row.size_bytes,
        offset: row.offset_bytes,
        complete: row.completed_at.is_some(),
        chunk_max_bytes: state.media.settings.chunk_max_bytes,
        expires_at: row.expires_at,
        created_at: row.created_at,
    }
}

/// The resumption headers; answers about an upload are never cached.
fn positioned(mut response: HttpResponseBuilder, offset: u64, size: u64) -> HttpResponseBuilder {
    response
        .insert_header((UPLOAD_OFFSET, offset.to_string()))
        .insert_header((UPLOAD_LENGTH, size.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

fn number_header(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Opens a resumable upload (headquarters only): the target and the file
/// as for a multipart upload, plus the whole file's size. The size is
/// checked at once against the limit of the kind the claimed type (or the
/// asset) announces and against the storage quota.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "media", request_body = NewUpload, security(("bearer" = [])),
    responses((status = 201, body = UploadSession, description = "`Location` names the session; `Upload-Offset: 0`",
        headers(("Location" = String), ("Upload-Offset" = u64, description = "bytes held: 0"))),
        (status = 403), (status = 404, description = "no such course or asset"),
        (status = 413, description = "the declared size is over the limit of its kind, or over the storage quota"),
        (status = 415, description = "a claimed type lessons do not take"),
        (status = 422, description = "bad name, locale, size or target; a claimed kind other than the asset's")))]
pub(crate) async fn open_upload(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    body: Json<NewUpload>,
) -> ApiResult<HttpResponse> {
    let row = commands::create(&state, &actor, &body).await?;
    let size = as_u64(row.size_bytes);
    let mut response = positioned(HttpResponse::Created(), 0, size);
    response.insert_header((header::LOCATION, format!("/api/v1/uploads/{}", row.id)));
    Ok(with_language(response.json(session_view(&state, row)), negotiate(&req)))
}

/// The caller's upload: how far it got (also in `Upload-Offset`), when it expires.
#[utoipa::path(get, path = "/api/v1/uploads/{id}", tag = "media", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = UploadSession), (status = 403), (status = 404, description = "not the caller's, or expired")))]
pub(crate) async fn upload_status(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let row = commands::find(&state, &actor, *id).await?;
    let response = positioned(HttpResponse::Ok(), as_u64(row.offset_bytes), as_u64(row.size_bytes)).json(session_view(&state, row));
    Ok(with_language(response, negotiate(&req)))
}

/// Where to resume: `Upload-Offset` (bytes held) and `Upload-Length` (declared size), no body.
#[utoipa::path(head, path = "/api/v1/uploads/{id}", tag = "media", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "`Upload-Offset` and `Upload-Length` headers",
        headers(("Upload-Offset" = u64, description = "bytes held, where the next chunk starts"), ("Upload-Length" = u64, description = "the declared size"))),
        (status = 403), (status = 404)))]
pub(crate) async fn upload_offset(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let row = commands::find(&state, &actor, *id).await?;
    Ok(positioned(HttpResponse::Ok(), as_u64(row.offset_bytes), as_u64(row.size_bytes)).finish())
}

/// Sends the next chunk, starting at `Upload-Offset` (which must be the
/// bytes held so far). A chunk counts only once wholly received; one cut
/// off is dropped. A chunk the server already holds is answered 204 and
/// ignored. The chunk with the last byte answers 201 with the asset, as a
/// multipart upload does, or the problem the file was refused for (the
/// upload is then gone).
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", tag = "media",
    params(("id" = Uuid, Path), ("Upload-Offset" = u64, Header, description = "where in the file this chunk starts")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"), security(("bearer" = [])),
    responses((status = 201, body = Asset, description = "the last chunk: the file was taken"),
        (status = 204, description = "stored; `Upload-Offset` says where the next chunk starts",
            headers(("Upload-Offset" = u64, description = "bytes held, where the next chunk starts"))),
        (status = 400, description = "no `Upload-Offset`, or the chunk was cut short"), (status = 403),
        (status = 404, description = "not the caller's, or expired"),
        (status = 409, description = "not where the upload stands; `offset` says where it does"),
        (status = 413, description = "past the declared size, or larger than a chunk may be; nothing of it kept"),
        (status = 415, description = "not application/offset+octet-stream, or (last chunk) content not of an accepted or the claimed type"),
        (status = 422, description = "last chunk: a damaged file, an image too large in pixels, another kind than the asset")))]
pub(crate) async fn send_chunk(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let headers = req.headers();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(CHUNK_TYPE) {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::UnsupportedMediaType).arg("expected", CHUNK_TYPE));
    }
    let start = number_header(headers, UPLOAD_OFFSET).ok_or_else(|| ApiError::bad_request(ProblemCode::UploadOffsetMissing))?;
    let chunk = Chunk {
        start,
        length: number_header(headers, header::CONTENT_LENGTH),
        body,
    };
    match chunks::append(&state, &actor, *id, chunk).await? {
        Appended::Stored { offset, size } => Ok(positioned(HttpResponse::NoContent(), offset, size).finish()),
        Appended::Completed { asset_id, size } => {
            let view = editor_view(&state, asset_id).await?;
            Ok(with_language(
                positioned(HttpResponse::Created(), size, size).json(view),
                negotiate(&req),
            ))
        }
    }
}

/// Cancels an upload and removes what was sent (a finished upload's asset stays).
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", tag = "media", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403), (status = 404)))]
pub(crate) async fn cancel_upload(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<HqOnly>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    commands::cancel(&state, &actor, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_open_upload, open_upload)
        .add(__path_upload_status, upload_status)
        .add(__path_upload_offset, upload_offset)
        .add(__path_send_chunk, send_chunk)
        .add(__path_cancel_upload, cancel_upload);
}
