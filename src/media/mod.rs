//! Media files for any area: storage behind one streaming interface
//! (`store`: put through a staging key, read whole or by range, delete),
//! content sniffing (`sniff`), image checks and metadata stripping
//! (`image`), the intake that ties them together for an upload (`ingest`),
//! smaller copies of images (`variants`), removing stored bytes nothing
//! uses any more (`gc`), and signed delivery links (`links`); the delivery
//! route is `crate::delivery`.
//!
//! Lesson media (assets of courses, their per-locale files, their rows) is
//! kept here too so that the catalogue can resolve `asset:` references
//! without the areas importing each other; what HQ does with assets
//! (upload, list, delete) is in `courses::assets`.

pub mod asset_entity;
pub mod deletion_entity;
pub(crate) mod error;
pub mod file_entity;
pub mod gc;
pub mod image;
pub mod ingest;
pub mod links;
pub mod png;
pub(crate) mod range;
pub(crate) mod resolve;
pub mod sniff;
pub mod store;
pub mod variant_entity;
pub mod variants;

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
