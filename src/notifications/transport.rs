//! Where mail goes: a real SMTP server (pooled async lettre transport), or
//! `.eml` files in a folder when no server is configured, so a newcomer can
//! read what would have been sent.

use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

pub(crate) enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Why a delivery failed, and whether trying again may help.
#[derive(Debug)]
pub(crate) struct SendFailure {
    pub permanent: bool,
    pub reason: String,
}

impl Transport {
    /// `smtp://[user:pass@]host[:port][?tls=required|opportunistic]` or
    /// `smtps://...` (implicit TLS), as lettre understands them.
    pub(crate) fn from_config(smtp_url: Option<&str>, mail_dir: PathBuf) -> Result<Transport, String> {
        match smtp_url {
            Some(url) => {
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| e.to_string())?;
                // One pooled connection per concurrent send of the worker.
                let pool =
                    lettre::transport::smtp::PoolConfig::new().max_size(u32::try_from(super::worker::PARALLEL_SENDS).unwrap_or(u32::MAX));
                Ok(Transport::Smtp(
                    builder.timeout(Some(Duration::from_secs(20))).pool_config(pool).build(),
                ))
            }
            None => Ok(Transport::Files(mail_dir)),
        }
    }

    pub(crate) async fn send(&self, id: uuid::Uuid, message: Message) -> Result<(), SendFailure> {
        match self {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(classify),
            Transport::Files(dir) => {
                let write = async {
                    tokio::fs::create_dir_all(dir).await?;
                    let path = dir.join(format!("{id}.eml"));
                    let temp = dir.join(format!(".{id}.eml.tmp"));
                    tokio::fs::write(&temp, message.formatted()).await?;
                    tokio::fs::rename(&temp, &path).await
                };
                write.await.map_err(|e| SendFailure {
                    permanent: false,
                    reason: format!("cannot write mail file: {e}"),
                })
            }
        }
    }
}

/// 5xx replies are permanent; refused connections, timeouts and 4xx replies
/// are worth another try.
fn classify(err: SmtpError) -> SendFailure {
    let permanent = err.is_permanent();
    SendFailure {
        permanent,
        reason: err.to_string(),
    }
}
