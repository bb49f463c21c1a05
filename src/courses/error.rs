//! What can go wrong with the catalogue, in the area's words; mapped once
//! into the problem document a client sees.

use crate::error::{ApiError, FieldError, ProblemCode};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    /// Missing, or not visible to the caller (answered alike).
    #[error("course not found")]
    NotFound,
    /// Missing, or not a lesson of the course named in the path.
    #[error("lesson not found")]
    LessonNotFound,
    #[error("invalid catalogue fields")]
    Invalid(Vec<FieldError>),
    /// Another course already has this code.
    #[error("course code taken")]
    CourseExists,
    /// Cohorts or exams still refer to the course.
    #[error("course in use")]
    CourseInUse,
    /// Trainee progress still refers to the lesson.
    #[error("lesson in use")]
    LessonInUse,
    /// A course without lessons cannot be published.
    #[error("course has no lessons")]
    HasNoLessons,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl CourseError {
    /// One invalid field.
    pub fn field(field: impl Into<String>, code: crate::error::FieldCode) -> Self {
        CourseError::Invalid(vec![FieldError::new(field, code)])
    }
}

impl From<CourseError> for ApiError {
    fn from(err: CourseError) -> Self {
        match err {
            CourseError::NotFound | CourseError::LessonNotFound => ApiError::not_found(),
            CourseError::Invalid(errors) => ApiError::validation(errors),
            CourseError::CourseExists => ApiError::conflict(ProblemCode::CourseExists),
            CourseError::CourseInUse => ApiError::conflict(ProblemCode::CourseInUse),
            CourseError::LessonInUse => ApiError::conflict(ProblemCode::LessonInUse),
            CourseError::HasNoLessons => ApiError::conflict(ProblemCode::CourseHasNoLessons),
            CourseError::Db(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldCode;

    #[test]
    fn each_error_keeps_its_status_and_code() {
        let cases = [
            (CourseError::NotFound, 404, ProblemCode::NotFound),
            (CourseError::LessonNotFound, 404, ProblemCode::NotFound),
            (
                CourseError::field("code", FieldCode::InvalidCourseCode),
                422,
                ProblemCode::ValidationFailed,
            ),
            (CourseError::CourseExists, 409, ProblemCode::CourseExists),
            (CourseError::CourseInUse, 409, ProblemCode::CourseInUse),
            (CourseError::LessonInUse, 409, ProblemCode::LessonInUse),
            (CourseError::HasNoLessons, 409, ProblemCode::CourseHasNoLessons),
            (CourseError::Db(DbErr::Custom("boom".into())), 500, ProblemCode::Internal),
        ];
        for (err, status, code) in cases {
            let api = ApiError::from(err);
            assert_eq!((api.status.as_u16(), api.code), (status, code));
        }
        let api = ApiError::from(CourseError::field("lesson_ids", FieldCode::NotAPermutation));
        assert_eq!(api.errors.len(), 1);
        assert_eq!(api.errors[0].field, "lesson_ids");
    }
}
