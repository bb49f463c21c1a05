//! `GET /api/v1/media/{asset_id}/{version}`: a media file by signed link, without
//! the bearer token (a video player cannot send one). The link was signed
//! for a caller who could see the course; the signature, not the path,
//! grants access, and the path only names ids (no storage key, no name).
//! One byte range per request (206, or 416 past the end), `ETag` (the
//! content's SHA-256) with `If-None-Match`, and long private caching: a
//! version's bytes never change. The body is streamed from the store.
//! (A module of its own: `media` is shared infrastructure and serves no
//! routes itself.)

use crate::error::{ApiError, ApiResult, ProblemCode};
use crate::http::routes::Routes;
use crate::media::file_entity::{self as file, Entity as Files};
use crate::media::links::{self, Link, LinkError};
use crate::media::range::{Wanted, wanted};
use crate::media::variant_entity::{self as variant, Entity as Variants};
use crate::state::AppState;
use actix_web::body::SizedStream;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct LinkParams {
    /// `original` (the default), or `w{width}` for a smaller copy of an image.
    pub variant: Option<String>,
    /// Unix seconds.
    pub expires: Option<i64>,
    pub signature: Option<String>,
}

/// What a link names: the file as stored, or one of its copies.
struct Served {
    key: String,
    content_type: String,
    size: i64,
    sha256: String,
}

/// A media file by signed link (see the module comment).
#[utoipa::path(get, path = "/api/v1/media/{asset_id}/{version}", tag = "media",
    params(("asset_id" = Uuid, Path), ("version" = Uuid, Path, description = "the file (version) id"), LinkParams,
        ("Range" = Option<String>, Header, description = "one range: bytes=a-b, bytes=a- or bytes=-n")),
    responses(
        (status = 200, description = "the whole file", content_type = "application/octet-stream"),
        (status = 206, description = "the range asked for, with Content-Range"),
        (status = 304, description = "not modified (If-None-Match)"),
        (status = 403, description = "the link has expired: ask the API for a fresh one"),
        (status = 404, description = "no such file, or a link that is not genuine"),
        (status = 416, description = "the range starts past the end")))]
pub(crate) async fn serve(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    query: crate::http::Query<LinkParams>,
) -> ApiResult<HttpResponse> {
    let (asset_id, file_id) = path.into_inner();
    let (Some(expires), Some(signature)) = (query.expires, query.signature.as_deref()) else {
        return Err(ApiError::not_found());
    };
    let link = Link {
        asset_id,
        file_id,
        variant: query.variant.clone().unwrap_or_else(|| links::ORIGINAL.to_string()),
        expires,
    };
    match state.media.links.verify(&link, signature, state.clock.now().timestamp()) {
        Ok(()) => {}
        Err(LinkError::Invalid) => return Err(ApiError::not_found()),
        Err(LinkError::Expired) => return Err(ApiError::new(StatusCode::FORBIDDEN, ProblemCode::MediaLinkExpired)),
    }
    let row = Files::find_by_id(file_id)
        .filter(file::Column::AssetId.eq(asset_id))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let served = if link.variant == links::ORIGINAL {
        Served {
            key: row.storage_key,
            content_type: row.content_type,
            size: row.size_bytes,
            sha256: row.sha256,
        }
    } else {
        let width = links::variant_width(&link.variant).ok_or_else(ApiError::not_found)?;
        let copy = Variants::find()
            .filter(variant::Column::FileId.eq(row.id))
            .filter(variant::Column::Width.eq(width))
            .one(&state.db)
            .await?
            .ok_or_else(ApiError::not_found)?;
        Served {
            key: copy.storage_key,
            content_type: copy.content_type,
            size: copy.size_bytes,
            sha256: copy.sha256,
        }
    };
    let size = u64::try_from(served.size).unwrap_or(0);
    let etag = format!("\"{}\"", served.sha256);
    let max_age = (expires - state.clock.now().timestamp()).max(0);
    let cache = format!("private, max-age={max_age}, immutable");
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|c| c.trim().trim_start_matches("W/") == etag || c.trim() == "*"));
    if not_modified {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let range_header = req.headers().get(header::RANGE).and_then(|v| v.to_str().ok());
    // A conditional range (If-Range) that no longer matches gets the whole file.
    let if_range_ok = req
        .headers()
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == etag);
    let (status, range) = match wanted(range_header.filter(|_| if_range_ok), size) {
        Wanted::Whole => (StatusCode::OK, 0..size),
        Wanted::Part(range) => (StatusCode::PARTIAL_CONTENT, range),
        Wanted::Unsatisfiable => {
            // The problem document is localized on the way out; the header
            // a client needs (`bytes */size`) is kept.
            use actix_web::ResponseError;
            let err = ApiError::new(StatusCode::RANGE_NOT_SATISFIABLE, ProblemCode::RangeNotSatisfiable).arg("size", size);
            let mut response = err.error_response();
            let value = header::HeaderValue::from_str(&format!("bytes */{size}")).expect("ascii");
            response.headers_mut().insert(header::CONTENT_RANGE, value);
            return Ok(response);
        }
    };
    let length = range.end - range.start;
    let stream = if length == 0 {
        futures_util::stream::empty().boxed_local()
    } else {
        state
            .media
            .store
            .read(&served.key, (status == StatusCode::PARTIAL_CONTENT).then_some(range.clone()))
            .await
            .map_err(|e| ApiError::internal_from(&e))?
            .map(|chunk| chunk.map_err(actix_web::error::ErrorInternalServerError))
            .boxed_local()
    };
    let mut response = HttpResponse::build(status);
    response
        .content_type(served.content_type.as_str())
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        // Media is compressed already; never gzip it (ranges would break).
        .insert_header((header::CONTENT_ENCODING, "identity"));
    if status == StatusCode::PARTIAL_CONTENT {
        response.insert_header((header::CONTENT_RANGE, format!("bytes {}-{}/{size}", range.start, range.end - 1)));
    }
    Ok(response.body(SizedStream::new(length, stream)))
}

pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_serve, serve);
}
