//! How media refusals reach a client: each `IngestError` as the problem
//! document it stands for.

use super::ingest::IngestError;
use crate::error::{ApiError, ProblemCode};
use actix_web::http::StatusCode;

impl From<IngestError> for ApiError {
    fn from(err: IngestError) -> Self {
        match err {
            IngestError::Empty => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::MediaEmpty),
            IngestError::NotAllowed => ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::MediaTypeNotAllowed),
            IngestError::Mismatch { found } => {
                ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::MediaTypeMismatch).arg("found", found)
            }
            IngestError::TooLarge { limit, .. } => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::PayloadTooLarge).arg("limit", limit_arg(limit))
            }
            IngestError::QuotaExceeded { .. } => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::StorageQuotaExceeded),
            IngestError::ImageTooLarge { width, height } => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::ImageTooLarge)
                .arg("width", i64::from(width))
                .arg("height", i64::from(height)),
            IngestError::Corrupt(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::MediaCorrupt),
            IngestError::Truncated => ApiError::bad_request(ProblemCode::UploadTruncated),
            IngestError::Store(err) => ApiError::internal_from(&err),
        }
    }
}

fn limit_arg(limit: u64) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::Kind;

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        let cases = [
            (IngestError::Empty, 422, ProblemCode::MediaEmpty),
            (IngestError::NotAllowed, 415, ProblemCode::MediaTypeNotAllowed),
            (IngestError::Mismatch { found: "image/png" }, 415, ProblemCode::MediaTypeMismatch),
            (
                IngestError::TooLarge {
                    kind: Kind::Image,
                    limit: 10,
                },
                413,
                ProblemCode::PayloadTooLarge,
            ),
            (IngestError::QuotaExceeded { quota: 1 }, 413, ProblemCode::StorageQuotaExceeded),
            (IngestError::ImageTooLarge { width: 1, height: 1 }, 422, ProblemCode::ImageTooLarge),
            (IngestError::Corrupt("image"), 422, ProblemCode::MediaCorrupt),
            (IngestError::Truncated, 400, ProblemCode::UploadTruncated),
        ];
        for (err, status, code) in cases {
            let api = ApiError::from(err);
            assert_eq!((api.status.as_u16(), api.code), (status, code));
        }
    }
}
