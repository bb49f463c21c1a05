//! Where media bytes live: one `object_store` interface over a folder of the
//! data directory (the default, nothing to set up) or an S3-compatible
//! bucket (`ZHIJIANG_STORAGE_URL=s3://bucket/prefix`), shared by every node.
//!
//! Writes go to a staging key and become visible under their final key only
//! once complete ([`Staged::finish`], then [`Store::place`]): a failed, refused or cut-off upload
//! is aborted and leaves no object behind. Reads are streams (optionally of
//! one byte range), never whole files in memory. Keys are made by the
//! server from ids; nothing a client sends ever becomes part of a key.

use crate::config::MediaSettings;
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::WriteMultipart;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt};
use std::ops::Range;
use std::sync::Arc;
use uuid::Uuid;

pub use object_store::Error as StoreError;

/// Parts of a multipart write (S3 wants at least 5 MiB per part but the last).
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts in flight at once while writing.
const PARTS_IN_FLIGHT: usize = 2;

/// The configured object store.
#[derive(Clone)]
pub struct Store {
    inner: Arc<dyn ObjectStore>,
    /// `file` or `s3`, for logs and `/metrics`.
    backend: &'static str,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.backend)
    }
}

impl Store {
    /// The store the settings name: `media/` under `data_dir` without a
    /// storage URL, an S3-compatible bucket with one.
    pub fn open(settings: &MediaSettings, data_dir: &std::path::Path) -> Result<Store, String> {
        match settings.storage_url.as_ref().map(|s| s.expose().to_string()) {
            None => {
                let root = data_dir.join("media");
                std::fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
                let local = object_store::local::LocalFileSystem::new_with_prefix(&root)
                    .map_err(|e| e.to_string())?
                    .with_automatic_cleanup(true);
                Ok(Store {
                    inner: Arc::new(local),
                    backend: "file",
                })
            }
            Some(url) => Self::open_s3(settings, &url),
        }
    }

    fn open_s3(settings: &MediaSettings, url: &str) -> Result<Store, String> {
        let rest = url.strip_prefix("s3://").ok_or("must start with s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err("names no bucket".into());
        }
        // rustls needs one process-wide crypto provider; ring is the one
        // already built for mail. A second call finds it installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_region(settings.s3_region.clone())
            .with_allow_http(settings.s3_allow_http);
        if let Some(endpoint) = &settings.s3_endpoint {
            builder = builder.with_endpoint(endpoint.clone());
        }
        if let Some(key) = &settings.s3_access_key_id {
            builder = builder.with_access_key_id(key.expose());
        }
        if let Some(secret) = &settings.s3_secret_access_key {
            builder = builder.with_secret_access_key(secret.expose());
        }
        let s3 = builder.build().map_err(|e| e.to_string())?;
        let inner: Arc<dyn ObjectStore> = match prefix.trim_matches('/') {
            "" => Arc::new(s3),
            prefix => Arc::new(object_store::prefix::PrefixStore::new(s3, Path::from(prefix))),
        };
        Ok(Store { inner, backend: "s3" })
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Starts a write under a fresh staging key.
    pub async fn stage(&self) -> Result<Staged, StoreError> {
        let key = Path::from(format!("{STAGING}/{}", Uuid::new_v4()));
        let upload = self.inner.put_multipart(&key).await?;
        Ok(Staged {
            key,
            writer: Some(WriteMultipart::new_with_chunk_size(upload, PART_SIZE)),
        })
    }

    /// Starts a write straight to `key`: the object appears there only
    /// once [`Staged::finish`] completes it (a multipart upload, or a
    /// temporary file renamed), and needs no placing (the `Pending` that
    /// `finish` answers names `key` itself). For objects that
    /// are themselves staging, such as the chunks of a resumable upload.
    pub async fn write_at(&self, key: &str) -> Result<Staged, StoreError> {
        let key = Path::from(key);
        let upload = self.inner.put_multipart(&key).await?;
        Ok(Staged {
            key,
            writer: Some(WriteMultipart::new_with_chunk_size(upload, PART_SIZE)),
        })
    }

    /// Reads `key` (all of it, or `range`) as a stream of chunks.
    pub async fn read(&self, key: &str, range: Option<Range<u64>>) -> Result<BoxStream<'static, Result<Bytes, StoreError>>, StoreError> {
        let options = GetOptions::new().with_range(range.map(GetRange::Bounded));
        let result = self.inner.get_opts(&Path::from(key), options).await?;
        Ok(result.into_stream())
    }

    /// Reads a small object whole (tests, checks).
    pub async fn read_all(&self, key: &str) -> Result<Bytes, StoreError> {
        self.inner.get(&Path::from(key)).await?.bytes().await
    }

    /// Removes `key`; a key that is already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&Path::from(key)).await {
            Err(StoreError::NotFound { .. }) => Ok(()),
            other => other,
        }
    }

    /// Writes `bytes` (small: held in memory anyway) under a fresh staging key.
    pub async fn stage_bytes(&self, bytes: Bytes) -> Result<Pending, StoreError> {
        let key = Path::from(format!("{STAGING}/{}", Uuid::new_v4()));
        self.inner.put(&key, bytes.into()).await?;
        Ok(Pending { key })
    }

    /// Moves a finished staged object to `final_key` (replacing an object
    /// there: keys are content addresses, so it holds the same bytes). A
    /// failed move removes the staged object.
    pub async fn place(&self, pending: &Pending, final_key: &str) -> Result<(), StoreError> {
        if let Err(err) = self.inner.rename(&pending.key, &Path::from(final_key)).await {
            self.discard(pending).await;
            return Err(err);
        }
        Ok(())
    }

    /// Removes a staged object that will not be placed.
    pub async fn discard(&self, pending: &Pending) {
        if let Err(err) = self.inner.delete(&pending.key).await
            && !matches!(err, StoreError::NotFound { .. })
        {
            tracing::warn!(error = %err, key = %pending.key, "could not remove a staged media object");
        }
    }

    /// Every object under `prefix` with its size and age (the orphan sweep).
    pub async fn objects(&self, prefix: &str) -> Result<Vec<Object>, StoreError> {
        let prefix = Path::from(prefix);
        let mut out = Vec::new();
        let mut listing = self.inner.list(Some(&prefix));
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            out.push(Object {
                key: meta.location.to_string(),
                size: meta.size,
                modified: meta.last_modified,
            });
        }
        Ok(out)
    }

    /// Every key under `prefix` (tests and clean-up).
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let prefix = Path::from(prefix);
        let mut out = Vec::new();
        let mut listing = self.inner.list(Some(&prefix));
        while let Some(meta) = listing.next().await {
            out.push(meta?.location.to_string());
        }
        Ok(out)
    }
}

/// Where writes wait before they are placed.
pub const STAGING: &str = "staging";
/// Where files and variants live, each under the SHA-256 of its bytes.
pub const FILES: &str = "files";

/// The key of stored content: the same bytes are stored once.
pub fn content_key(sha256: &str) -> String {
    format!("{FILES}/{sha256}")
}

/// A stored object as listed.
#[derive(Clone, Debug)]
pub struct Object {
    pub key: String,
    pub size: u64,
    pub modified: chrono::DateTime<chrono::Utc>,
}

/// A complete object under a staging key, waiting to be placed or discarded.
#[derive(Debug)]
pub struct Pending {
    key: Path,
}

/// A write in progress under a staging key. Dropping it without
/// [`Staged::finish`], then [`Store::place`] or [`Staged::abort`] leaves at most an incomplete
/// multipart upload, never a readable object.
pub struct Staged {
    key: Path,
    writer: Option<WriteMultipart>,
}

impl Staged {
    /// Appends bytes, waiting while too many parts are in flight.
    pub async fn write(&mut self, bytes: Bytes) -> Result<(), StoreError> {
        let writer = self.writer.as_mut().expect("a staged write is open until finish or abort");
        writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
        writer.put(bytes);
        Ok(())
    }

    /// Completes the write; the object stays under its staging key until
    /// [`Store::place`] (once the rows naming it are committed).
    pub async fn finish(mut self) -> Result<Pending, StoreError> {
        let writer = self.writer.take().expect("a staged write is open until finish or abort");
        writer.finish().await?;
        Ok(Pending { key: self.key.clone() })
    }

    /// Gives the write up: nothing of it stays in the store.
    pub async fn abort(mut self) {
        if let Some(writer) = self.writer.take()
            && let Err(err) = writer.abort().await
        {
            tracing::warn!(error = %err, key = %self.key, "could not abort a staged media write");
        }
    }
}
