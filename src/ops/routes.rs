use crate::db;
use crate::error::ProblemCode;
use crate::error::{ApiError, ApiResult};
use crate::http::routes::Routes;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    /// `ok`, or `unavailable` when the database cannot be reached.
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
pub(crate) async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The database answers and, where this process runs the worker, its
/// background chores keep running: 503 while the database cannot be reached
/// (the pool reconnects by itself), or a problem document `job_stale` naming
/// the outbox worker or the exam sweep when it has not completed a run for
/// longer than `ZHIJIANG_WORKER_STALE_SECONDS`.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses((status = 200, body = Health),
    (status = 503, description = "database unreachable (`Health`), or a background chore stale (problem `job_stale`)",
        content((Health = "application/json"), (crate::error::ProblemSchema = "application/problem+json")))))]
pub(crate) async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    if let Err(err) = db::ping(&state.db).await {
        tracing::warn!(error = %err, "readiness check failed");
        return Ok(HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "5"))
            .content_type("application/json")
            .body(r#"{"status":"unavailable"}"#));
    }
    if let Some(stale) = state.metrics.jobs.stale(state.clock.now(), state.config.worker_stale_after) {
        tracing::warn!(
            job = stale.job,
            seconds = stale.seconds,
            "a background chore has not run for too long"
        );
        let mut problem = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, ProblemCode::JobStale)
            .arg("job", stale.job)
            .arg("seconds", stale.seconds);
        problem.retry_after = Some(5);
        return Err(problem);
    }
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub(crate) async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let mut gauges: Vec<(&str, &str, f64)> = Vec::new();
    let (size, idle) = pool_sizes(&state.db);
    gauges.push(("zhijiang_db_pool_connections", "Open database connections.", size as f64));
    gauges.push(("zhijiang_db_pool_idle_connections", "Idle database connections.", idle as f64));
    let extra = crate::notifications::metrics::gauges(&state).await;
    let mut body = state.metrics.render(&gauges);
    body.push_str(&extra);
    body.push_str(&state.metrics.jobs.render());
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body)
}

fn pool_sizes(db: &sea_orm::DatabaseConnection) -> (u32, usize) {
    if db::is_postgres(db) {
        let pool = db.get_postgres_connection_pool();
        (pool.size(), pool.num_idle())
    } else {
        let pool = db.get_sqlite_connection_pool();
        (pool.size(), pool.num_idle())
    }
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_healthz, healthz)
        .add(__path_readyz, readyz)
        .add(__path_metrics, metrics);
}
