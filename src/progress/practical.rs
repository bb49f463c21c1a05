//! `POST /api/v1/practical-assessments`: an assessor (or an administrator)
//! of the trainee's branch records a practical assessment
//! (`commands::record_practical`).

use crate::error::ApiResult;
use crate::http::routes::Routes;
use crate::http::{Json, negotiate, with_language};
use crate::practical::assessments::{AssessmentInput, ResultInput};
use crate::practical::views::{Assessment, assessment_views};
use crate::state::AppState;
use crate::tenancy::{Assessors, Authorized};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepResultInput {
    pub item_id: Uuid,
    pub passed: bool,
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordAssessment {
    /// The trainee (of the caller's branch, enrolled in the course).
    pub user_id: Uuid,
    /// A course with a practical checklist.
    pub course_id: Uuid,
    /// One result for every step of the checklist.
    pub results: Vec<StepResultInput>,
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    /// An earlier assessment of the same trainee and course that this one
    /// corrects (assessments are never changed).
    pub corrects: Option<Uuid>,
}

/// Records a practical assessment (assessors and administrators, for
/// trainees of their branch). Passing every step may complete the
/// enrolment and certify the trainee.
#[utoipa::path(post, path = "/api/v1/practical-assessments", tag = "practical", request_body = RecordAssessment,
    security(("bearer" = [])), responses((status = 201, body = Assessment), (status = 401), (status = 403), (status = 404),
    (status = 409, description = "`trainee_not_enrolled`", body = crate::error::ProblemSchema), (status = 422)))]
pub(crate) async fn create(
    state: web::Data<AppState>,
    Authorized(actor, _): Authorized<Assessors>,
    req: HttpRequest,
    body: Json<RecordAssessment>,
) -> ApiResult<HttpResponse> {
    let input = AssessmentInput {
        user_id: body.user_id,
        course_id: body.course_id,
        results: body
            .results
            .iter()
            .map(|r| ResultInput {
                item_id: r.item_id,
                passed: r.passed,
                comment: r.comment.as_deref(),
            })
            .collect(),
        notes: body.notes.as_deref(),
        corrects: body.corrects,
    };
    let row = super::commands::record_practical(&state, &actor, input).await?;
    let locale = negotiate(&req);
    let mut views = assessment_views(&state.db, vec![row], locale, actor.branch_default_locale).await?;
    let view = views.pop().ok_or_else(crate::error::ApiError::not_found)?;
    Ok(with_language(HttpResponse::Created().json(view), locale))
}

pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_create, create);
}
