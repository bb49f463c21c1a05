//! What can go wrong with an exam or an attempt, in the area's words;
//! mapped once into the problem document a client sees.

use crate::error::{ApiError, FieldError, ProblemCode};
use actix_web::http::StatusCode;
use sea_orm::DbErr;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ExamError {
    /// A missing exam, question or attempt, or one the caller may not see
    /// (answered alike).
    #[error("not found")]
    NotFound,
    #[error("invalid exam fields")]
    Invalid(Vec<FieldError>),
    /// Only trainees with an active enrolment in the course sit its exam.
    #[error("no active enrolment in the exam's course")]
    NotEnrolled,
    #[error("all {max} attempts used")]
    AttemptsExhausted { max: i32 },
    #[error("the attempt is already submitted")]
    AttemptSubmitted,
    #[error("the attempt's time is over")]
    ExamTimeOver,
    /// The trainee's latest attempt ran out of time (and is graded); a new
    /// one starts only when asked for explicitly.
    #[error("the latest attempt expired")]
    AttemptExpired(Box<super::views::MyAttempt>),
    #[error("the bank has {available} questions, {needed} are drawn")]
    QuestionBankTooSmall { needed: i32, available: usize },
    /// The exam window that applies to the trainee has not opened yet.
    #[error("the exam window has not opened yet")]
    NotOpenYet(Box<super::windows::Refusal>),
    /// The exam window that applies to the trainee has closed.
    #[error("the exam window has closed")]
    WindowClosed(Box<super::windows::Refusal>),
    /// The exam already has a window for this cohort (or branch-wide).
    #[error("a window for this cohort or branch exists")]
    WindowExists,
    /// An override for a trainee without an active enrolment in the course.
    #[error("the trainee has no active enrolment in the exam's course")]
    TraineeNotEnrolled,
    /// A concurrent start opened the trainee's attempt first.
    #[error("a concurrent start opened the attempt")]
    AttemptRace,
    /// A published version that should exist could not be read (a broken
    /// invariant: answered 500).
    #[error("published exam version {0} is missing or unreadable")]
    MissingVersion(Uuid),
    /// A closed attempt without a result (a broken invariant: 500).
    #[error("attempt {0} closed without a result")]
    Ungraded(Uuid),
    #[error("could not encode exam data")]
    Encode(#[from] serde_json::Error),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<ExamError> for ApiError {
    fn from(err: ExamError) -> Self {
        match err {
            ExamError::NotFound => ApiError::not_found(),
            ExamError::Invalid(errors) => ApiError::validation(errors),
            ExamError::NotEnrolled => ApiError::new(StatusCode::FORBIDDEN, ProblemCode::NotEnrolled),
            ExamError::AttemptsExhausted { max } => ApiError::conflict(ProblemCode::AttemptsExhausted).arg("max", i64::from(max)),
            ExamError::AttemptSubmitted => ApiError::conflict(ProblemCode::AttemptSubmitted),
            ExamError::ExamTimeOver => ApiError::conflict(ProblemCode::ExamTimeOver),
            ExamError::AttemptExpired(attempt) => {
                let attempt = serde_json::to_value(&*attempt).unwrap_or(serde_json::Value::Null);
                ApiError::conflict(ProblemCode::AttemptExpired).member("attempt", attempt)
            }
            ExamError::QuestionBankTooSmall { needed, available } => ApiError::conflict(ProblemCode::QuestionBankTooSmall)
                .arg("needed", i64::from(needed))
                .arg("available", i64::try_from(available).unwrap_or(i64::MAX)),
            ExamError::AttemptRace => ApiError::conflict(ProblemCode::AttemptRace),
            ExamError::NotOpenYet(r) => refused(ProblemCode::ExamNotOpenYet, &r),
            ExamError::WindowClosed(r) => refused(ProblemCode::ExamWindowClosed, &r),
            ExamError::WindowExists => ApiError::conflict(ProblemCode::WindowExists),
            ExamError::TraineeNotEnrolled => ApiError::conflict(ProblemCode::TraineeNotEnrolled),
            err @ (ExamError::MissingVersion(_) | ExamError::Ungraded(_) | ExamError::Encode(_)) => ApiError::internal_from(&err),
            ExamError::Db(e) => e.into(),
        }
    }
}

/// A start refused by the exam window: the window in UTC and in the
/// branch's local time, the zone, and the server's time, so that a phone
/// with a wrong clock can still say when to come back.
fn refused(code: ProblemCode, r: &super::windows::Refusal) -> ApiError {
    use super::window_time::local_rfc3339;
    use crate::i18n::Arg;
    let tz = r.time_zone;
    ApiError::conflict(code)
        .arg("opens_local", Arg::Zoned(r.opens_at, tz))
        .arg("closes_local", Arg::Zoned(r.closes_at, tz))
        .arg("time_zone", tz.name())
        .member("opens_at", serde_json::json!(r.opens_at))
        .member("closes_at", serde_json::json!(r.closes_at))
        .member("opens_at_local", serde_json::json!(local_rfc3339(r.opens_at, tz)))
        .member("closes_at_local", serde_json::json!(local_rfc3339(r.closes_at, tz)))
        .member("time_zone", serde_json::json!(tz.name()))
        .member("server_time", serde_json::json!(r.now))
}

impl From<Vec<FieldError>> for ExamError {
    fn from(errors: Vec<FieldError>) -> Self {
        ExamError::Invalid(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_keeps_its_status_and_code() {
        let cases = [
            (ExamError::NotFound, 404, ProblemCode::NotFound),
            (ExamError::NotEnrolled, 403, ProblemCode::NotEnrolled),
            (ExamError::AttemptsExhausted { max: 3 }, 409, ProblemCode::AttemptsExhausted),
            (ExamError::AttemptSubmitted, 409, ProblemCode::AttemptSubmitted),
            (ExamError::ExamTimeOver, 409, ProblemCode::ExamTimeOver),
            (ExamError::AttemptRace, 409, ProblemCode::AttemptRace),
            (
                ExamError::QuestionBankTooSmall { needed: 5, available: 2 },
                409,
                ProblemCode::QuestionBankTooSmall,
            ),
            (ExamError::MissingVersion(Uuid::now_v7()), 500, ProblemCode::Internal),
        ];
        for (err, status, code) in cases {
            let api = ApiError::from(err);
            assert_eq!((api.status.as_u16(), api.code), (status, code));
        }
        let expired = super::super::views::MyAttempt {
            id: Uuid::now_v7(),
            exam_id: Uuid::now_v7(),
            course_id: Uuid::now_v7(),
            attempt_number: 1,
            status: "submitted".into(),
            expired: true,
            started_at: chrono::Utc::now(),
            deadline: chrono::Utc::now(),
            submitted_at: Some(chrono::Utc::now()),
            result: None,
        };
        let id = expired.id;
        let api = ApiError::from(ExamError::AttemptExpired(Box::new(expired)));
        assert_eq!((api.status.as_u16(), api.code), (409, ProblemCode::AttemptExpired));
        let doc = api.to_problem(crate::i18n::Locale::En);
        assert_eq!(doc["attempt"]["id"], id.to_string());
        assert_eq!(doc["code"], "attempt_expired", "a member never overrides a standard one");
        let api = ApiError::from(ExamError::AttemptsExhausted { max: 3 });
        assert_eq!(api.args.len(), 1);
        assert_eq!(api.args[0].0, "max");
    }
}
