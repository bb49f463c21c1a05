//! Creating the first headquarters administrator.

use crate::state::AppState;

/// `ZHIJIANG_BOOTSTRAP_EMAIL` / `_PASSWORD` at `serve` start (containers).
pub async fn from_environment(state: &AppState) -> Result<(), String> {
    match (&state.config.bootstrap_email, &state.config.bootstrap_password) {
        (Some(email), Some(password)) => crate::users::service::create_hq_admin(state, email, password).await.map(|_| ()),
        (None, None) => Ok(()),
        _ => Err("ZHIJIANG_BOOTSTRAP_EMAIL and ZHIJIANG_BOOTSTRAP_PASSWORD must be set together".into()),
    }
}
