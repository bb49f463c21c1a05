//! The long-running commands: `serve`, `worker`, `migrate`.

use crate::config::Config;
use crate::notifications::worker::Worker;
use crate::{StartError, app, build_state};
use actix_web::HttpServer;
use tokio::sync::watch;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

pub async fn migrate(config: Config) -> Result<(), RunError> {
    build_state(config).await?;
    tracing::info!("migrations applied");
    Ok(())
}

/// Runs the API (and, unless disabled, the outbox worker) until SIGINT or
/// SIGTERM; in-flight requests are drained before exit.
pub async fn serve(config: Config, demo: bool) -> Result<(), RunError> {
    let listen = config.listen;
    let workers = config.workers;
    let run_worker = config.run_worker;
    let state = build_state(config).await?;
    crate::bootstrap::from_environment(&state).await.map_err(RunError::Other)?;
    if demo {
        crate::demo::seed(&state).await.map_err(RunError::Other)?;
    }

    let (stop_worker, stopped) = watch::channel(false);
    let worker_task = if run_worker {
        let worker = Worker::new(state.clone()).map_err(RunError::Other)?;
        Some(worker.start(stopped))
    } else {
        None
    };

    let app_state = state.clone();
    let mut server = HttpServer::new(move || app(app_state.clone()))
        .shutdown_timeout(30)
        .on_connect(no_delay);
    if workers > 0 {
        server = server.workers(workers);
    }
    let server = server.bind(listen).map_err(|source| RunError::Listen { addr: listen, source })?;
    tracing::info!(%listen, public_url = %state.config.public_url, "zhijiang is listening");
    let result = server.run().await.map_err(|e| RunError::Other(e.to_string()));
    // Activity times recorded by the last requests (see
    // `enrolments::activity_buffer`) are written before the process ends.
    if let Err(e) = crate::enrolments::activity_buffer::write_pending(&state).await {
        tracing::warn!(error = %e, "could not write the last enrolment activity times");
    }
    let _ = stop_worker.send(true);
    if let Some(task) = worker_task {
        let _ = task.await;
    }
    result
}

/// `admin create-hq`: the first headquarters administrator.
pub async fn create_hq(config: Config, email: &str, password: &str) -> Result<(), RunError> {
    if let Some(reason) = crate::bootstrap::weak_bootstrap_password(password) {
        return Err(RunError::Other(reason));
    }
    let state = build_state(config).await?;
    let user = crate::users::service::create_hq_admin(&state, email, password)
        .await
        .map_err(RunError::Other)?;
    println!("headquarters administrator {} ({}) can sign in at branch HQ", user.email, user.id);
    Ok(())
}

/// `admin media-sweep`: removes stored media objects no row names.
pub async fn media_sweep(config: Config, dry_run: bool, grace_minutes: u32) -> Result<(), RunError> {
    let state = build_state(config).await?;
    // Object ages come from the store's clock: compare with real time.
    let report = crate::media::gc::sweep_orphans(
        &state.db,
        &state.media.store,
        chrono::Duration::minutes(i64::from(grace_minutes)),
        chrono::Utc::now(),
        dry_run,
    )
    .await
    .map_err(RunError::Other)?;
    println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    Ok(())
}

/// `admin seed-load`: a large world for benchmarks.
pub async fn seed_load(
    config: Config,
    branches: usize,
    per_branch: usize,
    password: &str,
    with_results: bool,
    with_answers: bool,
) -> Result<(), RunError> {
    let state = build_state(config).await?;
    let started = std::time::Instant::now();
    let world = crate::demo::load::seed_load(&state, branches, per_branch, password, with_results, with_answers)
        .await
        .map_err(RunError::Other)?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        trainees = world.trainees,
        "load world seeded"
    );
    println!("{}", serde_json::to_string_pretty(&world).unwrap_or_default());
    Ok(())
}

/// Runs only the outbox worker (and the housekeeping chores) until SIGINT or SIGTERM.
pub async fn worker(config: Config) -> Result<(), RunError> {
    let state = build_state(config).await?;
    let worker = Worker::new(state).map_err(RunError::Other)?;
    let (stop, stopped) = watch::channel(false);
    let task = worker.start(stopped);
    shutdown_signal().await;
    let _ = stop.send(true);
    let _ = task.await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("signal handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// Turns Nagle's algorithm off on every accepted connection (actix-web does
/// so for HTTP/2 only). A compressed answer is written in several pieces;
/// with Nagle on, a piece after the first waits for the client's ACK, which
/// the client delays by up to 40 ms: measured, one start in ten on a quiet
/// machine took 40-50 ms instead of 4 with `Accept-Encoding: gzip`.
fn no_delay(connection: &dyn std::any::Any, _: &mut actix_web::dev::Extensions) {
    if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>()
        && let Err(err) = stream.set_nodelay(true)
    {
        tracing::debug!(error = %err, "could not set TCP_NODELAY");
    }
}
