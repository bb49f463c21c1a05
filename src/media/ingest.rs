//! Taking a file in: the bytes of an upload, as they arrive, are sniffed,
//! counted against the limit of their kind and the storage quota, hashed
//! (SHA-256), and written to a staging key that becomes the file only when
//! everything checked out. Images and subtitles are small enough to be held
//! (within their limit) so that an image's header can be checked and its
//! metadata removed, and a subtitle's text checked; video, audio and PDF
//! stream straight through. An image also gets its smaller copies
//! (`media::variants`) here, within the upload.
//!
//! What is taken waits under staging keys ([`Pending`]); the caller records
//! the rows first and then places the objects under their content keys
//! (`files/{sha256}`), so that a stored object is never without the rows
//! that keep it (see `media::gc`).

use super::image::{self, ImageBounds, ImageError};
use super::sniff::{self, Kind, SNIFF_BYTES, Sniffed};
use super::store::{Pending, Store, StoreError, content_key};
use super::variants;
use crate::config::MediaSettings;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};

/// How many images may be decoded at once (for their smaller copies), over
/// all uploads of this process.
static DECODES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Why a file was not taken. Nothing of it is left in the store.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("empty file")]
    Empty,
    #[error("not a type a lesson can carry")]
    NotAllowed,
    #[error("content is {found}, not the claimed type")]
    Mismatch { found: &'static str },
    #[error("larger than the {limit} bytes allowed for {kind:?}")]
    TooLarge { kind: Kind, limit: u64 },
    #[error("over the storage quota")]
    QuotaExceeded { quota: u64 },
    #[error("image of {width}x{height} pixels")]
    ImageTooLarge { width: u32, height: u32 },
    #[error("malformed {0}")]
    Corrupt(&'static str),
    #[error("upload cut short")]
    Truncated,
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

/// A file that is now in the store, staged, to be placed under `key`.
#[derive(Debug)]
pub struct Ingested {
    /// Its content key.
    pub key: String,
    pub pending: Pending,
    pub kind: Kind,
    pub content_type: &'static str,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Smaller copies of an image, smallest first.
    pub variants: Vec<IngestedVariant>,
}

/// A smaller copy of an image, staged like its file.
#[derive(Debug)]
pub struct IngestedVariant {
    pub key: String,
    pub pending: Pending,
    pub width: u32,
    pub height: u32,
    pub size: u64,
    pub sha256: String,
}

impl Ingested {
    /// Every staged object with the key it goes to.
    pub fn objects(&self) -> Vec<(&Pending, &str)> {
        let mut all = vec![(&self.pending, self.key.as_str())];
        all.extend(self.variants.iter().map(|v| (&v.pending, v.key.as_str())));
        all
    }

    /// Places every object under its key (after the rows are committed).
    pub async fn place(&self, store: &Store) -> Result<(), StoreError> {
        for (pending, key) in self.objects() {
            store.place(pending, key).await?;
        }
        Ok(())
    }

    /// Removes every staged object (the rows were not written).
    pub async fn discard(&self, store: &Store) {
        for (pending, _) in self.objects() {
            store.discard(pending).await;
        }
    }
}

/// What the caller knows before the bytes arrive.
pub struct Intake<'a> {
    pub settings: &'a MediaSettings,
    /// The media type the client claimed, if any.
    pub claimed: Option<&'a str>,
    /// Bytes still free under the quota (`u64::MAX`: no quota).
    pub room: u64,
    /// Where the file goes: a key of the caller's, or `None` for its content
    /// key (`files/{sha256}`, shared by equal files; see `media::gc`).
    pub key: Option<String>,
    /// Whether an image gets its smaller copies.
    pub variants: bool,
}

/// The most one file of `kind` may weigh.
pub fn max_bytes(settings: &MediaSettings, kind: Kind) -> u64 {
    match kind {
        Kind::Image => settings.max_image_bytes,
        Kind::Video => settings.max_video_bytes,
        Kind::Audio => settings.max_audio_bytes,
        Kind::Pdf => settings.max_pdf_bytes,
        Kind::Subtitle => settings.max_subtitle_bytes,
    }
}

/// The bounds an image must keep, from the settings.
fn bounds(settings: &MediaSettings) -> ImageBounds {
    ImageBounds {
        max_side: settings.max_image_side,
        max_pixels: settings.max_image_pixels,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Intake<'_> {
    /// The most this file may weigh once its kind is known, and the error
    /// for going past it.
    fn ceiling(&self, kind: Kind) -> (u64, IngestError) {
        let limit = max_bytes(self.settings, kind);
        if self.room < limit {
            (
                self.room,
                IngestError::QuotaExceeded {
                    quota: self.settings.quota_bytes,
                },
            )
        } else {
            (limit, IngestError::TooLarge { kind, limit })
        }
    }

    /// Reads `body` to its end and stores it (see the module comment).
    pub async fn take<S, E>(self, store: &Store, mut body: S) -> Result<Ingested, IngestError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let mut head = BytesMut::new();
        let mut ended = false;
        while head.len() < SNIFF_BYTES {
            match body.next().await {
                Some(Ok(chunk)) => head.extend_from_slice(&chunk),
                Some(Err(err)) => {
                    tracing::info!(error = %err, "upload stream failed");
                    return Err(IngestError::Truncated);
                }
                None => {
                    ended = true;
                    break;
                }
            }
        }
        if head.is_empty() {
            return Err(IngestError::Empty);
        }
        let found = sniff::sniff(&head, self.claimed).ok_or(IngestError::NotAllowed)?;
        if !sniff::agrees_with_claim(found, self.claimed) {
            return Err(IngestError::Mismatch { found: found.content_type });
        }
        let (ceiling, over) = self.ceiling(found.kind);
        if head.len() as u64 > ceiling {
            return Err(over);
        }
        match found.kind {
            Kind::Image | Kind::Subtitle => self.take_held(store, found, head, ended, body, ceiling, over).await,
            _ => self.take_streamed(store, found, head.freeze(), ended, body, ceiling, over).await,
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn take_held<S, E>(
        self,
        store: &Store,
        found: Sniffed,
        mut held: BytesMut,
        ended: bool,
        mut body: S,
        ceiling: u64,
        over: IngestError,
    ) -> Result<Ingested, IngestError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        if !ended {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|_| IngestError::Truncated)?;
                if (held.len() + chunk.len()) as u64 > ceiling {
                    return Err(over);
                }
                held.extend_from_slice(&chunk);
            }
        }
        let (bytes, width, height) = match found.kind {
            Kind::Image => {
                let (width, height) = image::dimensions(found.content_type, &held).map_err(|_| IngestError::Corrupt("image"))?;
                bounds(self.settings).check(width, height).map_err(|e| match e {
                    ImageError::TooLarge { width, height } => IngestError::ImageTooLarge { width, height },
                    ImageError::Corrupt => IngestError::Corrupt("image"),
                })?;
                let clean = image::strip_metadata(found.content_type, &held).map_err(|_| IngestError::Corrupt("image"))?;
                (Bytes::from(clean), Some(width), Some(height))
            }
            _ => {
                let text = std::str::from_utf8(&held).map_err(|_| IngestError::Corrupt("subtitle"))?;
                if text.contains('\0') {
                    return Err(IngestError::Corrupt("subtitle"));
                }
                (held.freeze(), None, None)
            }
        };
        let made = match (width, height) {
            (Some(w), Some(h)) if self.variants => {
                let (source, content_type, limits) = (bytes.clone(), found.content_type, bounds(self.settings));
                let started = std::time::Instant::now();
                // A decode may hold up to `max_pixels` x 8 bytes: uploads
                // beyond `DECODES` at once wait their turn instead of adding
                // up in memory.
                let _turn = DECODES.acquire().await.map_err(|_| IngestError::Corrupt("image"))?;
                let made = tokio::task::spawn_blocking(move || variants::make(content_type, &source, w, h, limits))
                    .await
                    .map_err(|_| IngestError::Corrupt("image"))?
                    .map_err(|err| {
                        tracing::info!(error = %err, "image refused: its data does not decode");
                        IngestError::Corrupt("image")
                    })?;
                tracing::debug!(
                    width = w,
                    height = h,
                    ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    copies = made.len(),
                    "image copies made"
                );
                made
            }
            _ => Vec::new(),
        };
        let sha256 = hex(&Sha256::digest(&bytes));
        let size = bytes.len() as u64;
        let pending = store.stage_bytes(bytes).await?;
        let mut ingested = Ingested {
            key: self.key.clone().unwrap_or_else(|| content_key(&sha256)),
            pending,
            kind: found.kind,
            content_type: found.content_type,
            size,
            sha256,
            width,
            height,
            variants: Vec::new(),
        };
        for copy in made {
            let sha256 = hex(&Sha256::digest(&copy.bytes));
            let size = copy.bytes.len() as u64;
            match store.stage_bytes(Bytes::from(copy.bytes)).await {
                Ok(pending) => ingested.variants.push(IngestedVariant {
                    key: content_key(&sha256),
                    pending,
                    width: copy.width,
                    height: copy.height,
                    size,
                    sha256,
                }),
                Err(err) => {
                    ingested.discard(store).await;
                    return Err(err.into());
                }
            }
        }
        Ok(ingested)
    }

    #[allow(clippy::too_many_arguments)]
    async fn take_streamed<S, E>(
        self,
        store: &Store,
        found: Sniffed,
        head: Bytes,
        ended: bool,
        mut body: S,
        ceiling: u64,
        over: IngestError,
    ) -> Result<Ingested, IngestError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let mut staged = store.stage().await?;
        let mut hasher = Sha256::new();
        let mut size = head.len() as u64;
        hasher.update(&head);
        if let Err(err) = staged.write(head).await {
            staged.abort().await;
            return Err(err.into());
        }
        // `ended`: the whole body already arrived with the head.
        while let Some(next) = if ended { None } else { body.next().await } {
            let failure = match next {
                Err(_) => IngestError::Truncated,
                Ok(chunk) => {
                    size += chunk.len() as u64;
                    if size > ceiling {
                        over
                    } else {
                        hasher.update(&chunk);
                        match staged.write(chunk).await {
                            Ok(()) => continue,
                            Err(err) => err.into(),
                        }
                    }
                }
            };
            staged.abort().await;
            return Err(failure);
        }
        let pending = staged.finish().await?;
        let sha256 = hex(&hasher.finalize());
        Ok(Ingested {
            key: self.key.unwrap_or_else(|| content_key(&sha256)),
            pending,
            kind: found.kind,
            content_type: found.content_type,
            size,
            sha256,
            width: None,
            height: None,
            variants: Vec::new(),
        })
    }
}
