//! What can go wrong with an enrolment or a CSV import, in the area's words;
//! mapped once into the problem document a client sees.

use crate::error::{ApiError, FieldCode, ProblemCode};
use actix_web::http::StatusCode;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum EnrolmentError {
    /// Missing, or not the caller's to see (answered alike).
    #[error("enrolment not found")]
    NotFound,
    /// The cohort is missing or in a branch the caller may not see.
    #[error("cohort not found")]
    CohortNotFound,
    /// The lesson is not part of the enrolment's course.
    #[error("lesson not found in the course")]
    LessonNotFound,
    /// No user of that id in the cohort's branch.
    #[error("no such user in the cohort's branch")]
    UnknownTrainee,
    #[error("the user is not a trainee")]
    NotATrainee,
    #[error("the cohort is closed")]
    CohortClosed,
    #[error("the trainee is already enrolled")]
    AlreadyEnrolled,
    #[error("the cohort is full")]
    CohortFull,
    /// Progress on a withdrawn enrolment.
    #[error("the enrolment is not active")]
    NotActive,
    /// A member-list cursor that names no member of the cohort (a sorted
    /// list continues after the row the cursor names).
    #[error("the cursor names no member of the cohort")]
    BadCursor,
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// The blocking pool could not run a step of an import.
    #[error("a blocking task of the import failed")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Why a CSV file is refused as a whole (a bad row is only reported).
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("the file is not UTF-8 text")]
    NotText,
    #[error("the header lacks email or display_name")]
    BadHeader,
    #[error("the file has no data rows")]
    Empty,
    #[error("more than {max} rows")]
    TooManyRows { max: usize },
}

impl From<EnrolmentError> for ApiError {
    fn from(err: EnrolmentError) -> Self {
        match err {
            EnrolmentError::NotFound | EnrolmentError::CohortNotFound | EnrolmentError::LessonNotFound => ApiError::not_found(),
            EnrolmentError::UnknownTrainee => ApiError::field("user_id", FieldCode::UnknownUser),
            EnrolmentError::NotATrainee => ApiError::field("user_id", FieldCode::NotATrainee),
            EnrolmentError::CohortClosed => ApiError::conflict(ProblemCode::CohortClosed),
            EnrolmentError::AlreadyEnrolled => ApiError::conflict(ProblemCode::AlreadyEnrolled),
            EnrolmentError::CohortFull => ApiError::conflict(ProblemCode::CohortFull),
            EnrolmentError::NotActive => ApiError::conflict(ProblemCode::EnrolmentNotActive),
            EnrolmentError::BadCursor => ApiError::field("cursor", FieldCode::InvalidCursor),
            EnrolmentError::Csv(e) => e.into(),
            EnrolmentError::Blocking(_) => ApiError::internal_from(&err),
            EnrolmentError::Db(e) => e.into(),
        }
    }
}

impl From<CsvError> for ApiError {
    fn from(err: CsvError) -> Self {
        match err {
            CsvError::NotText => ApiError::bad_request(ProblemCode::CsvNotText),
            CsvError::BadHeader => ApiError::bad_request(ProblemCode::CsvBadHeader),
            CsvError::Empty => ApiError::bad_request(ProblemCode::CsvEmpty),
            CsvError::TooManyRows { max } => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::CsvTooManyRows).arg("max", max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_keeps_its_status_and_code() {
        let cases: Vec<(EnrolmentError, u16, ProblemCode)> = vec![
            (EnrolmentError::NotFound, 404, ProblemCode::NotFound),
            (EnrolmentError::CohortNotFound, 404, ProblemCode::NotFound),
            (EnrolmentError::LessonNotFound, 404, ProblemCode::NotFound),
            (EnrolmentError::UnknownTrainee, 422, ProblemCode::ValidationFailed),
            (EnrolmentError::NotATrainee, 422, ProblemCode::ValidationFailed),
            (EnrolmentError::CohortClosed, 409, ProblemCode::CohortClosed),
            (EnrolmentError::AlreadyEnrolled, 409, ProblemCode::AlreadyEnrolled),
            (EnrolmentError::CohortFull, 409, ProblemCode::CohortFull),
            (EnrolmentError::NotActive, 409, ProblemCode::EnrolmentNotActive),
            (EnrolmentError::BadCursor, 422, ProblemCode::ValidationFailed),
            (CsvError::NotText.into(), 400, ProblemCode::CsvNotText),
            (CsvError::BadHeader.into(), 400, ProblemCode::CsvBadHeader),
            (CsvError::Empty.into(), 400, ProblemCode::CsvEmpty),
            (CsvError::TooManyRows { max: 7 }.into(), 413, ProblemCode::CsvTooManyRows),
        ];
        for (err, status, code) in cases {
            let api = ApiError::from(err);
            assert_eq!((api.status.as_u16(), api.code), (status, code));
        }
        let field = ApiError::from(EnrolmentError::NotATrainee);
        assert_eq!(
            (field.errors[0].field.as_str(), field.errors[0].code),
            ("user_id", FieldCode::NotATrainee)
        );
    }
}
