//! Settings from `ZHIJIANG_*` environment variables and an optional TOML file.
//!
//! Every setting has a default that works on a laptop. The environment wins
//! over the file, so a container can override one value of a shared file.
//! A bad value stops start-up with one line that names the setting.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A setting that must never be printed: a password, a key, a URL that may
/// carry credentials. `Debug` and `Display` show `[redacted]`; the value is
/// read with [`Secret::expose`], which makes each use easy to find.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// May carry a password (`postgres://user:secret@...`).
    pub database_url: Secret,
    pub database_max_connections: u32,
    pub listen: SocketAddr,
    pub public_url: String,
    /// `None`: mail is written as `.eml` files under `mail_dir`.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub mail_dir: PathBuf,
    /// Base64 32-byte secret that encrypts branch signing keys at rest.
    pub master_key: Option<Secret>,
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub json_limit: usize,
    pub csv_limit: usize,
    /// Run the outbox worker inside `serve`.
    pub run_worker: bool,
    pub worker_poll: Duration,
    /// `/readyz` answers 503 when a background chore this process runs has
    /// not completed a run for this long (default: 10 polls, at least 2 minutes).
    pub worker_stale_after: Duration,
    pub bootstrap_email: Option<String>,
    pub bootstrap_password: Option<Secret>,
    pub workers: usize,
    /// Login attempts allowed per client address per minute.
    pub login_attempts_per_minute: usize,
    /// Attempts on one account from one client address that lock that pair
    /// for 15 minutes; 4 times as many failures from all clients space out
    /// further attempts on the account (see `auth::throttle`).
    pub login_failures_per_account: usize,
    /// Requests per client address per minute to the public verify page.
    pub verify_requests_per_minute: u32,
    /// Proxies whose forwarding header is believed, and which header that is.
    pub proxies: crate::net::Proxies,
    pub media: MediaSettings,
}

/// Lesson media: where files live and how large they may be.
#[derive(Clone, Debug)]
pub struct MediaSettings {
    /// `None`: files under `data_dir/media`; `s3://bucket/prefix`: an
    /// S3-compatible bucket (may carry nothing secret, but is kept with the
    /// other secrets as deployments tend to paste full URLs).
    pub storage_url: Option<Secret>,
    pub s3_endpoint: Option<String>,
    pub s3_region: String,
    pub s3_access_key_id: Option<Secret>,
    pub s3_secret_access_key: Option<Secret>,
    /// Allow `http://` endpoints (a local S3-compatible server).
    pub s3_allow_http: bool,
    pub max_image_bytes: u64,
    pub max_video_bytes: u64,
    pub max_audio_bytes: u64,
    pub max_pdf_bytes: u64,
    pub max_subtitle_bytes: u64,
    /// Widest or tallest image accepted, and most pixels (image bombs).
    pub max_image_side: u32,
    pub max_image_pixels: u64,
    /// All stored media together; 0: no quota.
    pub quota_bytes: u64,
    /// How long a signed media link stays valid at least.
    pub link_lifetime: Duration,
    /// Largest chunk of a resumable upload (one request's body).
    pub chunk_max_bytes: u64,
    /// How long a resumable upload is kept after its last chunk.
    pub upload_lifetime: Duration,
}

/// The same settings as optional values, as read from the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<Secret>,
    database_max_connections: Option<u32>,
    listen: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<Secret>,
    mail_from: Option<String>,
    mail_dir: Option<String>,
    master_key: Option<Secret>,
    data_dir: Option<String>,
    log_format: Option<String>,
    log: Option<String>,
    access_token_minutes: Option<u64>,
    refresh_token_days: Option<u64>,
    json_limit_bytes: Option<usize>,
    csv_limit_bytes: Option<usize>,
    run_worker: Option<bool>,
    worker_poll_ms: Option<u64>,
    worker_stale_seconds: Option<u64>,
    bootstrap_email: Option<String>,
    bootstrap_password: Option<Secret>,
    workers: Option<usize>,
    login_attempts_per_minute: Option<usize>,
    login_failures_per_account: Option<usize>,
    verify_requests_per_minute: Option<u32>,
    trusted_proxies: Option<String>,
    forwarded_header: Option<String>,
    storage_url: Option<Secret>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<Secret>,
    s3_secret_access_key: Option<Secret>,
    s3_allow_http: Option<bool>,
    media_max_image_bytes: Option<u64>,
    media_max_video_bytes: Option<u64>,
    media_max_audio_bytes: Option<u64>,
    media_max_pdf_bytes: Option<u64>,
    media_max_subtitle_bytes: Option<u64>,
    media_max_image_side: Option<u64>,
    media_max_image_pixels: Option<u64>,
    media_quota_bytes: Option<u64>,
    media_link_minutes: Option<u64>,
    media_chunk_max_bytes: Option<u64>,
    media_upload_hours: Option<u64>,
}

/// A setting that could not be used; its `Display` is the one line printed.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {name}: {reason}")]
pub struct ConfigError {
    pub name: String,
    pub reason: String,
}

/// A number read as `u64`, in the type the setting is kept in.
fn fits<T: TryFrom<u64>>(name: &str, value: u64) -> Result<T, ConfigError> {
    T::try_from(value).map_err(|_| bad(name, format!("{value} is too large")))
}

/// `usize` settings from the file, widened to the `u64` they are parsed as.
fn widen(value: usize) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

fn bad(name: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        name: name.to_string(),
        reason: reason.into(),
    }
}

impl Config {
    /// Reads the optional file named by `ZHIJIANG_CONFIG` (or `file`), then the environment.
    pub fn load(file: Option<PathBuf>) -> Result<Config, ConfigError> {
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        let file = file.or_else(|| env("ZHIJIANG_CONFIG").map(PathBuf::from));
        let from_file = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| bad("ZHIJIANG_CONFIG", format!("{}: {e}", path.display())))?;
                toml::from_str::<FileConfig>(&text).map_err(|e| bad("ZHIJIANG_CONFIG", format!("{}: {}", path.display(), e.message())))?
            }
            None => FileConfig::default(),
        };
        Self::resolve(from_file, env)
    }

    fn resolve(f: FileConfig, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let pick = |key: &str, from_file: Option<String>| env(key).or(from_file);
        let number = |key: &str, from_file: Option<u64>, default: u64| -> Result<u64, ConfigError> {
            match env(key) {
                Some(v) => v.trim().parse().map_err(|_| bad(key, format!("`{v}` is not a whole number"))),
                None => Ok(from_file.unwrap_or(default)),
            }
        };
        let flag = |key: &str, from_file: Option<bool>, default: bool| -> Result<bool, ConfigError> {
            match env(key).as_deref() {
                Some("1" | "true" | "yes" | "on") => Ok(true),
                Some("0" | "false" | "no" | "off") => Ok(false),
                Some(v) => Err(bad(key, format!("`{v}` is not true or false"))),
                None => Ok(from_file.unwrap_or(default)),
            }
        };

        let data_dir = PathBuf::from(pick("ZHIJIANG_DATA_DIR", f.data_dir).unwrap_or_else(|| ".".into()));
        let database_url =
            pick("ZHIJIANG_DATABASE_URL", f.database_url.map(|s| s.0)).unwrap_or_else(|| "sqlite://zhijiang.db?mode=rwc".to_string());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(bad(
                "ZHIJIANG_DATABASE_URL",
                "must start with sqlite:, postgres:// or postgresql://",
            ));
        }
        let listen_text = pick("ZHIJIANG_LISTEN", f.listen).unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_text
            .parse()
            .map_err(|_| bad("ZHIJIANG_LISTEN", format!("`{listen_text}` is not an address like 127.0.0.1:8080")))?;
        let public_url = pick("ZHIJIANG_PUBLIC_URL", f.public_url)
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(bad("ZHIJIANG_PUBLIC_URL", "must start with http:// or https://"));
        }
        let smtp_url = pick("ZHIJIANG_SMTP_URL", f.smtp_url.map(|s| s.0));
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(bad("ZHIJIANG_SMTP_URL", "must start with smtp:// or smtps://"));
        }
        let mail_from = pick("ZHIJIANG_MAIL_FROM", f.mail_from).unwrap_or_else(|| "Zhijiang <no-reply@zhijiang.localhost>".into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(bad("ZHIJIANG_MAIL_FROM", format!("`{mail_from}` is not a mailbox")));
        }
        let mail_dir = pick("ZHIJIANG_MAIL_DIR", f.mail_dir)
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("mail-out"));
        let master_key = pick("ZHIJIANG_MASTER_KEY", f.master_key.map(|s| s.0));
        if let Some(key) = &master_key {
            crate::crypto::MasterKey::from_base64(key).map_err(|reason| bad("ZHIJIANG_MASTER_KEY", reason))?;
        }
        let log_format = match pick("ZHIJIANG_LOG_FORMAT", f.log_format).as_deref() {
            None | Some("human") => LogFormat::Human,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(bad("ZHIJIANG_LOG_FORMAT", format!("`{other}` is not human or json")));
            }
        };
        let log_filter = pick("ZHIJIANG_LOG", f.log).unwrap_or_else(|| "info".into());
        let access_minutes = number("ZHIJIANG_ACCESS_TOKEN_MINUTES", f.access_token_minutes, 15)?;
        if access_minutes == 0 || access_minutes > 24 * 60 {
            return Err(bad("ZHIJIANG_ACCESS_TOKEN_MINUTES", "must be between 1 and 1440"));
        }
        let refresh_days = number("ZHIJIANG_REFRESH_TOKEN_DAYS", f.refresh_token_days, 30)?;
        if refresh_days == 0 || refresh_days > 365 {
            return Err(bad("ZHIJIANG_REFRESH_TOKEN_DAYS", "must be between 1 and 365"));
        }
        let json_limit = number("ZHIJIANG_JSON_LIMIT_BYTES", f.json_limit_bytes.map(widen), 1024 * 1024)?;
        let json_limit = fits("ZHIJIANG_JSON_LIMIT_BYTES", json_limit)?;
        let csv_limit = number("ZHIJIANG_CSV_LIMIT_BYTES", f.csv_limit_bytes.map(widen), 10 * 1024 * 1024)?;
        let csv_limit = fits("ZHIJIANG_CSV_LIMIT_BYTES", csv_limit)?;
        let max_connections = number("ZHIJIANG_DATABASE_MAX_CONNECTIONS", f.database_max_connections.map(u64::from), 16)?;
        if max_connections == 0 || max_connections > 1000 {
            return Err(bad("ZHIJIANG_DATABASE_MAX_CONNECTIONS", "must be between 1 and 1000"));
        }
        let workers = fits("ZHIJIANG_WORKERS", number("ZHIJIANG_WORKERS", f.workers.map(widen), 0)?)?;
        let login_attempts_per_minute = fits(
            "ZHIJIANG_LOGIN_ATTEMPTS_PER_MINUTE",
            number("ZHIJIANG_LOGIN_ATTEMPTS_PER_MINUTE", f.login_attempts_per_minute.map(widen), 30)?.max(1),
        )?;
        let login_failures_per_account = fits(
            "ZHIJIANG_LOGIN_FAILURES_PER_ACCOUNT",
            number("ZHIJIANG_LOGIN_FAILURES_PER_ACCOUNT", f.login_failures_per_account.map(widen), 5)?.max(1),
        )?;
        let verify_requests_per_minute = fits(
            "ZHIJIANG_VERIFY_REQUESTS_PER_MINUTE",
            number(
                "ZHIJIANG_VERIFY_REQUESTS_PER_MINUTE",
                f.verify_requests_per_minute.map(u64::from),
                120,
            )?
            .max(1),
        )?;
        let worker_poll = Duration::from_millis(number("ZHIJIANG_WORKER_POLL_MS", f.worker_poll_ms, 1000)?.max(10));
        let worker_stale_after = match number("ZHIJIANG_WORKER_STALE_SECONDS", f.worker_stale_seconds, 0)? {
            0 => (worker_poll * 10).max(Duration::from_secs(120)),
            seconds => Duration::from_secs(seconds),
        };
        if worker_stale_after <= worker_poll {
            return Err(bad("ZHIJIANG_WORKER_STALE_SECONDS", "must be longer than the worker poll interval"));
        }
        let trusted = pick("ZHIJIANG_TRUSTED_PROXIES", f.trusted_proxies).unwrap_or_default();
        let trusted = crate::net::Proxies::parse_list(&trusted).map_err(|reason| bad("ZHIJIANG_TRUSTED_PROXIES", reason))?;
        let header = match pick("ZHIJIANG_FORWARDED_HEADER", f.forwarded_header)
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("x-forwarded-for") => crate::net::ForwardedHeader::XForwardedFor,
            Some("forwarded") => crate::net::ForwardedHeader::Forwarded,
            Some(other) => {
                return Err(bad(
                    "ZHIJIANG_FORWARDED_HEADER",
                    format!("`{other}` is not x-forwarded-for or forwarded"),
                ));
            }
        };
        const MIB: u64 = 1024 * 1024;
        let storage_url = pick("ZHIJIANG_STORAGE_URL", f.storage_url.map(|s| s.0));
        if let Some(url) = &storage_url
            && !url.starts_with("s3://")
        {
            return Err(bad(
                "ZHIJIANG_STORAGE_URL",
                "must start with s3:// (unset: files under the data directory)",
            ));
        }
        let link_minutes = number("ZHIJIANG_MEDIA_LINK_MINUTES", f.media_link_minutes, 360)?;
        if link_minutes == 0 || link_minutes > 7 * 24 * 60 {
            return Err(bad("ZHIJIANG_MEDIA_LINK_MINUTES", "must be between 1 and 10080"));
        }
        let chunk_max_bytes = number("ZHIJIANG_MEDIA_CHUNK_MAX_BYTES", f.media_chunk_max_bytes, 16 * MIB)?;
        if !(MIB..=256 * MIB).contains(&chunk_max_bytes) {
            return Err(bad("ZHIJIANG_MEDIA_CHUNK_MAX_BYTES", "must be between 1 MiB and 256 MiB"));
        }
        let upload_hours = number("ZHIJIANG_MEDIA_UPLOAD_HOURS", f.media_upload_hours, 24)?;
        if upload_hours == 0 || upload_hours > 7 * 24 {
            return Err(bad("ZHIJIANG_MEDIA_UPLOAD_HOURS", "must be between 1 and 168"));
        }
        let media = MediaSettings {
            storage_url: storage_url.map(Secret),
            s3_endpoint: pick("ZHIJIANG_S3_ENDPOINT", f.s3_endpoint),
            s3_region: pick("ZHIJIANG_S3_REGION", f.s3_region).unwrap_or_else(|| "us-east-1".into()),
            s3_access_key_id: pick("ZHIJIANG_S3_ACCESS_KEY_ID", f.s3_access_key_id.map(|s| s.0)).map(Secret),
            s3_secret_access_key: pick("ZHIJIANG_S3_SECRET_ACCESS_KEY", f.s3_secret_access_key.map(|s| s.0)).map(Secret),
            s3_allow_http: flag("ZHIJIANG_S3_ALLOW_HTTP", f.s3_allow_http, false)?,
            max_image_bytes: number("ZHIJIANG_MEDIA_MAX_IMAGE_BYTES", f.media_max_image_bytes, 20 * MIB)?,
            max_video_bytes: number("ZHIJIANG_MEDIA_MAX_VIDEO_BYTES", f.media_max_video_bytes, 2048 * MIB)?,
            max_audio_bytes: number("ZHIJIANG_MEDIA_MAX_AUDIO_BYTES", f.media_max_audio_bytes, 200 * MIB)?,
            max_pdf_bytes: number("ZHIJIANG_MEDIA_MAX_PDF_BYTES", f.media_max_pdf_bytes, 100 * MIB)?,
            max_subtitle_bytes: number("ZHIJIANG_MEDIA_MAX_SUBTITLE_BYTES", f.media_max_subtitle_bytes, MIB)?,
            max_image_side: fits(
                "ZHIJIANG_MEDIA_MAX_IMAGE_SIDE",
                number("ZHIJIANG_MEDIA_MAX_IMAGE_SIDE", f.media_max_image_side, 12_000)?.max(1),
            )?,
            max_image_pixels: number("ZHIJIANG_MEDIA_MAX_IMAGE_PIXELS", f.media_max_image_pixels, 50_000_000)?.max(1),
            quota_bytes: number("ZHIJIANG_MEDIA_QUOTA_BYTES", f.media_quota_bytes, 0)?,
            link_lifetime: Duration::from_secs(link_minutes * 60),
            chunk_max_bytes,
            upload_lifetime: Duration::from_secs(upload_hours * 3600),
        };
        Ok(Config {
            media,
            database_url: Secret(database_url),
            database_max_connections: fits("ZHIJIANG_DATABASE_MAX_CONNECTIONS", max_connections)?,
            listen,
            public_url,
            smtp_url: smtp_url.map(Secret),
            mail_from,
            mail_dir,
            master_key: master_key.map(Secret),
            data_dir,
            log_format,
            log_filter,
            access_token_ttl: Duration::from_secs(access_minutes * 60),
            refresh_token_ttl: Duration::from_secs(refresh_days * 24 * 3600),
            json_limit,
            csv_limit,
            run_worker: flag("ZHIJIANG_RUN_WORKER", f.run_worker, true)?,
            worker_poll,
            worker_stale_after,
            bootstrap_email: pick("ZHIJIANG_BOOTSTRAP_EMAIL", f.bootstrap_email),
            bootstrap_password: pick("ZHIJIANG_BOOTSTRAP_PASSWORD", f.bootstrap_password.map(|s| s.0)).map(Secret),
            workers,
            login_attempts_per_minute,
            login_failures_per_account,
            verify_requests_per_minute,
            proxies: crate::net::Proxies { trusted, header },
        })
    }

    /// A configuration for tests and tools: defaults, no environment.
    pub fn for_database(database_url: &str) -> Config {
        let mut config = Self::resolve(FileConfig::default(), |_| None).expect("defaults are valid");
        config.database_url = Secret::new(database_url);
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_without_any_setting() {
        let c = Config::resolve(FileConfig::default(), |_| None).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert!(c.database_url.expose().starts_with("sqlite://"));
        assert_eq!(c.access_token_ttl, Duration::from_secs(900));
    }

    #[test]
    fn a_bad_value_names_its_setting() {
        let err = Config::resolve(FileConfig::default(), |k| (k == "ZHIJIANG_LISTEN").then(|| "nowhere".into())).unwrap_err();
        assert_eq!(err.name, "ZHIJIANG_LISTEN");
        assert!(err.to_string().starts_with("invalid setting ZHIJIANG_LISTEN"));
    }

    #[test]
    fn trusted_proxies_are_a_list_of_addresses_and_blocks() {
        let c = Config::resolve(FileConfig::default(), |k| {
            (k == "ZHIJIANG_TRUSTED_PROXIES").then(|| "10.0.0.0/8, 192.168.1.1,::1".into())
        })
        .unwrap();
        assert_eq!(c.proxies.trusted.len(), 3);
        let err = Config::resolve(FileConfig::default(), |k| {
            (k == "ZHIJIANG_TRUSTED_PROXIES").then(|| "10.0.0.0/8, 10.0.0.300".into())
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid setting ZHIJIANG_TRUSTED_PROXIES: `10.0.0.300` is not an IP address or CIDR block"
        );
        let err = Config::resolve(FileConfig::default(), |k| {
            (k == "ZHIJIANG_FORWARDED_HEADER").then(|| "x-real-ip".into())
        })
        .unwrap_err();
        assert_eq!(err.name, "ZHIJIANG_FORWARDED_HEADER");
    }

    #[test]
    fn resumable_uploads_have_bounded_chunks_and_lifetimes() {
        let c = Config::resolve(FileConfig::default(), |_| None).unwrap();
        assert_eq!(c.media.chunk_max_bytes, 16 * 1024 * 1024);
        assert_eq!(c.media.upload_lifetime, Duration::from_secs(24 * 3600));
        for (name, value) in [
            ("ZHIJIANG_MEDIA_CHUNK_MAX_BYTES", "1000"),
            ("ZHIJIANG_MEDIA_CHUNK_MAX_BYTES", "1073741824"),
            ("ZHIJIANG_MEDIA_UPLOAD_HOURS", "0"),
            ("ZHIJIANG_MEDIA_UPLOAD_HOURS", "169"),
        ] {
            let err = Config::resolve(FileConfig::default(), |k| (k == name).then(|| value.into())).unwrap_err();
            assert_eq!(err.name, name);
        }
    }

    #[test]
    fn environment_wins_over_file() {
        let file = FileConfig {
            listen: Some("127.0.0.1:1".into()),
            ..Default::default()
        };
        let c = Config::resolve(file, |k| (k == "ZHIJIANG_LISTEN").then(|| "127.0.0.1:2".into())).unwrap();
        assert_eq!(c.listen.port(), 2);
    }

    #[test]
    fn secrets_never_print() {
        let env = |k: &str| match k {
            "ZHIJIANG_DATABASE_URL" => Some("postgres://app:db-pass-123@db/zhijiang".to_string()),
            "ZHIJIANG_SMTP_URL" => Some("smtps://mailer:smtp-pass-456@mail.example".to_string()),
            "ZHIJIANG_MASTER_KEY" => Some(crate::crypto::MasterKey::generate().to_base64()),
            "ZHIJIANG_BOOTSTRAP_PASSWORD" => Some("boot-pass-789-long".to_string()),
            _ => None,
        };
        let c = Config::resolve(FileConfig::default(), env).unwrap();
        let key = c.master_key.as_ref().unwrap().expose().to_string();
        let printed = format!("{c:?} {c:#?}");
        for secret in ["db-pass-123", "smtp-pass-456", "boot-pass-789", key.as_str()] {
            assert!(!printed.contains(secret), "{secret} printed");
        }
        assert!(printed.contains("[redacted]"));
        assert_eq!(c.database_url.expose(), "postgres://app:db-pass-123@db/zhijiang");
    }
}
