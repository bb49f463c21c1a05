//! The OpenAPI document, generated from the handlers' annotations.

use crate::http::routes::Routes;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

/// Every operation may answer with a problem document for these statuses
/// (bad input, authentication, scope, conflicts, limits, a fault, an
/// unavailable database); they are added where an operation does not describe
/// them, and every 4xx/5xx answer an operation does describe gets the problem
/// document as content (and the standard description if it has none), so
/// generated clients can read every error.
struct Problems;

/// Status, name in `components/responses`, description.
const STANDARD_PROBLEMS: [(&str, &str, &str); 12] = [
    ("400", "BadRequest", "Malformed request (RFC 9457 problem)"),
    ("401", "Unauthenticated", "No or a bad token"),
    ("403", "Forbidden", "This role may not use this endpoint"),
    ("404", "NotFound", "Not found, or not visible to the caller"),
    ("405", "MethodNotAllowed", "Method not allowed"),
    ("409", "Conflict", "Conflict with the current state"),
    ("413", "PayloadTooLarge", "Body too large"),
    ("415", "UnsupportedMediaType", "Unsupported media type"),
    ("422", "ValidationFailed", "Validation failed"),
    ("429", "TooManyRequests", "Too many requests"),
    ("500", "Internal", "Internal error"),
    ("503", "ServiceUnavailable", "The database is unavailable"),
];

impl Modify for Problems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .schemas
            .insert("Problem".into(), <crate::error::ProblemSchema as utoipa::PartialSchema>::schema());
        components.schemas.insert(
            "ProblemField".into(),
            <crate::error::ProblemField as utoipa::PartialSchema>::schema(),
        );
        let content = || ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
        for (_, name, description) in STANDARD_PROBLEMS {
            let response = ResponseBuilder::new()
                .description(description)
                .content(crate::http::PROBLEM_JSON, content())
                .build();
            components.responses.insert(name.to_string(), response.into());
        }
        for operation in operations(openapi) {
            let responses = &mut operation.responses.responses;
            for (code, response) in responses.iter_mut() {
                if !(code.starts_with('4') || code.starts_with('5')) {
                    continue;
                }
                let RefOr::T(described) = response else { continue };
                let standard = STANDARD_PROBLEMS.iter().find(|(c, _, _)| c == code);
                match standard {
                    // A bare `(status = 404)`: the standard answer.
                    Some((_, name, _)) if described.description.trim().is_empty() && described.content.is_empty() => {
                        *response = Ref::new(format!("#/components/responses/{name}")).into();
                    }
                    _ => {
                        if described.description.trim().is_empty() {
                            described.description = standard.map_or("Error (RFC 9457 problem)", |(_, _, d)| d).to_string();
                        }
                        described
                            .content
                            .entry(crate::http::PROBLEM_JSON.to_string())
                            .or_insert_with(content);
                    }
                }
            }
            for (code, name, _) in STANDARD_PROBLEMS {
                responses
                    .entry(code.to_string())
                    .or_insert_with(|| Ref::new(format!("#/components/responses/{name}")).into());
            }
        }
    }
}

/// Operation ids are the handlers' names, which repeat across areas (`list`,
/// `get`, `create`): each is prefixed with its tag (`branches_list`) so that
/// every id is unique, as OpenAPI requires and client generators need.
struct OperationIds;

impl Modify for OperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in operations(openapi) {
            let tag = operation.tags.as_ref().and_then(|t| t.first()).cloned();
            if let (Some(tag), Some(id)) = (tag, operation.operation_id.as_mut())
                && !id.starts_with(&format!("{tag}_"))
            {
                *id = format!("{tag}_{id}");
            }
        }
    }
}

/// Every operation of every path, whatever its method.
fn operations(openapi: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    openapi.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.head,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
    })
}

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Zhijiang API", description = "Training platform backend for an international network of EV technician academies. Errors are RFC 9457 problem documents (application/problem+json)."),
    tags(
        (name = "operations", description = "Health, readiness, metrics"),
        (name = "auth", description = "Per-branch JWT authentication"),
        (name = "branches", description = "Branches (tenants)"),
        (name = "users", description = "Users of a branch"),
        (name = "courses", description = "The headquarters course catalogue"),
        (name = "cohorts", description = "A branch's intakes"),
        (name = "enrolments", description = "Trainees in cohorts and their progress"),
        (name = "exams", description = "Exams, question banks and attempts"),
        (name = "certificates", description = "Certificates and their public verification"),
        (name = "audit", description = "Who did what, when"),
        (name = "reports", description = "Completion and talent-pool reports"),
        (name = "notifications", description = "The email outbox"),
    )
)]
pub(crate) struct ApiDoc;

/// The OpenAPI document: the info and tags above, the paths and schemas of
/// every registered route (`http::routes`), then the problem responses,
/// operation ids and the bearer scheme.
pub(crate) fn document(routes: &Routes) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    routes.document(&mut doc);
    for modifier in [&BearerAuth as &dyn Modify, &Problems, &OperationIds] {
        modifier.modify(&mut doc);
    }
    doc
}
