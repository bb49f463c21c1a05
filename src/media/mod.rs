//! Media files for any area: storage behind one streaming interface
//! (`store`: put through a staging key, read whole or by range, delete),
//! content sniffing (`sniff`), image checks and metadata stripping
//! (`image`), the intake that ties them together for an upload (`ingest`),
//! signed delivery links (`links`) and the delivery route itself (`routes`).
//!
//! Lesson media (assets of courses, their per-locale files, their rows) is
//! kept here too so that the catalogue can resolve `asset:` references
//! without the areas importing each other; what HQ does with assets
//! (upload, list, delete) is in `courses::assets`.

pub mod asset_entity;
pub(crate) mod error;
pub mod file_entity;
pub mod image;
pub mod ingest;
pub mod links;
pub mod png;
pub(crate) mod range;
pub(crate) mod resolve;
pub(crate) mod routes;
pub mod sniff;
pub mod store;

pub use ingest::{IngestError, Ingested, Intake};
pub use sniff::Kind;
pub use store::Store;

use crate::config::MediaSettings;
use crate::crypto::MasterKey;

/// What a node holds for media: the store, the link signer, the limits.
pub struct Media {
    pub store: Store,
    pub links: links::LinkSigner,
    pub settings: MediaSettings,
}

impl Media {
    pub fn open(settings: &MediaSettings, data_dir: &std::path::Path, master: &MasterKey) -> Result<Media, String> {
        let lifetime = i64::try_from(settings.link_lifetime.as_secs()).unwrap_or(i64::MAX / 2);
        Ok(Media {
            store: Store::open(settings, data_dir)?,
            links: links::LinkSigner::new(master, lifetime),
            settings: settings.clone(),
        })
    }
}
