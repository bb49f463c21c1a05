//! From `asset:` references to links a reader can use: which file of an
//! asset a reader gets (the reader's locale, else the file for every
//! locale, else the rest of the catalogue's fallback chain), and its
//! signed URL, with the signed URLs of its smaller copies (for `srcset` or
//! a phone's choice). Lessons name assets by id (`![alt](asset:UUID)`), so moving
//! storage or replacing a file never breaks a lesson.

use super::Media;
use super::asset_entity::{self as asset, Entity as Assets};
use super::file_entity::{self as file, Entity as Files};
use super::links::{ORIGINAL, variant_name};
use super::variant_entity::{self as variant, Entity as Variants};
use crate::i18n::Locale;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// The `asset:` scheme lessons use to name an asset.
pub(crate) const SCHEME: &str = "asset:";

/// Asset ids named in a text, in order of first appearance.
pub(crate) fn references(text: &str) -> Vec<Uuid> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(SCHEME) {
        rest = &rest[at + SCHEME.len()..];
        if let Some(id) = rest.get(..36).and_then(|t| Uuid::parse_str(t).ok())
            && !found.contains(&id)
        {
            found.push(id);
        }
    }
    found
}

/// A file of an asset as a reader gets it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct MediaLink {
    /// The asset id (what lessons reference as `asset:{id}`).
    pub id: Uuid,
    /// `image`, `video`, `audio`, `pdf` or `subtitle`.
    pub kind: String,
    pub name: String,
    /// This version of the asset's content; changes when a file is replaced.
    pub version: Uuid,
    /// The locale of the file; null: the same file for every locale.
    pub locale: Option<String>,
    pub content_type: String,
    pub size: i64,
    /// Lower-case hex SHA-256 of the bytes served.
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// A signed link, usable without the bearer token until `expires_at`.
    pub url: String,
    pub expires_at: DateTime<Utc>,
    /// Smaller copies of an image (narrowest first; empty for other kinds,
    /// small images and images stored before copies were made).
    pub variants: Vec<VariantLink>,
}

/// A smaller copy of an image file, in the file's format; its link expires with the file's.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct VariantLink {
    pub width: i32,
    pub height: i32,
    pub content_type: String,
    pub size: i64,
    /// Lower-case hex SHA-256 of the bytes served.
    pub sha256: String,
    pub url: String,
}

/// The assets of one course and their files, loaded in two queries.
#[derive(Default)]
pub(crate) struct CourseMedia {
    pub assets: BTreeMap<Uuid, (asset::Model, Vec<file::Model>)>,
    /// The copies of each file, narrowest first.
    pub variants: HashMap<Uuid, Vec<variant::Model>>,
}

impl CourseMedia {
    pub(crate) async fn load(db: &impl ConnectionTrait, course_id: Uuid) -> Result<CourseMedia, DbErr> {
        let assets = Assets::find()
            .filter(asset::Column::CourseId.eq(course_id))
            .order_by_asc(asset::Column::Id)
            .all(db)
            .await?;
        if assets.is_empty() {
            return Ok(CourseMedia::default());
        }
        let ids: Vec<Uuid> = assets.iter().map(|a| a.id).collect();
        let mut files: HashMap<Uuid, Vec<file::Model>> = HashMap::new();
        let mut file_ids = Vec::new();
        for row in Files::find().filter(file::Column::AssetId.is_in(ids)).all(db).await? {
            file_ids.push(row.id);
            files.entry(row.asset_id).or_default().push(row);
        }
        let mut variants: HashMap<Uuid, Vec<variant::Model>> = HashMap::new();
        let copies = Variants::find()
            .filter(variant::Column::FileId.is_in(file_ids))
            .order_by_asc(variant::Column::Width)
            .all(db)
            .await?;
        for row in copies {
            variants.entry(row.file_id).or_default().push(row);
        }
        Ok(CourseMedia {
            variants,
            assets: assets
                .into_iter()
                .map(|a| {
                    let f = files.remove(&a.id).unwrap_or_default();
                    (a.id, (a, f))
                })
                .collect(),
        })
    }
}

/// The file a reader with this fallback chain gets: the first locale of the
/// chain, then the file for every locale, then the rest of the chain.
pub(crate) fn pick<'f>(files: &'f [file::Model], chain: &[Locale]) -> Option<&'f file::Model> {
    let of = |code: &str| files.iter().find(|f| f.locale == code);
    let first = chain.first().and_then(|l| of(l.as_str()));
    first
        .or_else(|| of(""))
        .or_else(|| chain.iter().skip(1).find_map(|l| of(l.as_str())))
}

/// Signs links for one response.
pub(crate) struct Resolver<'m> {
    pub media: &'m Media,
    pub course: &'m CourseMedia,
    /// The public URL the links start with.
    pub base: &'m str,
    pub now: DateTime<Utc>,
}

impl Resolver<'_> {
    /// The link to `file` of `asset`.
    pub(crate) fn link(&self, asset: &asset::Model, file: &file::Model) -> MediaLink {
        let (signed, _) = self.media.links.sign(asset.id, file.id, ORIGINAL, self.now.timestamp());
        let path = self.media.links.path(asset.id, file.id, ORIGINAL, self.now.timestamp());
        MediaLink {
            variants: self.variants(asset, file),
            id: asset.id,
            kind: asset.kind.clone(),
            name: asset.name.clone(),
            version: file.id,
            locale: (!file.locale.is_empty()).then(|| file.locale.clone()),
            content_type: file.content_type.clone(),
            size: file.size_bytes,
            sha256: file.sha256.clone(),
            width: file.width,
            height: file.height,
            url: format!("{}{path}", self.base),
            expires_at: DateTime::from_timestamp(signed.expires, 0).unwrap_or(self.now),
        }
    }

    /// The signed links to the copies of `file`.
    pub(crate) fn variants(&self, asset: &asset::Model, file: &file::Model) -> Vec<VariantLink> {
        let Some(copies) = self.course.variants.get(&file.id) else {
            return Vec::new();
        };
        copies
            .iter()
            .map(|copy| {
                let name = variant_name(copy.width);
                let path = self.media.links.path(asset.id, file.id, &name, self.now.timestamp());
                VariantLink {
                    width: copy.width,
                    height: copy.height,
                    content_type: copy.content_type.clone(),
                    size: copy.size_bytes,
                    sha256: copy.sha256.clone(),
                    url: format!("{}{path}", self.base),
                }
            })
            .collect()
    }

    /// Links for every asset of this course that `text` names, in the order
    /// named (ids of other courses' assets, or unknown ones, are skipped).
    pub(crate) fn links_in(&self, text: &str, chain: &[Locale]) -> Vec<MediaLink> {
        references(text)
            .into_iter()
            .filter_map(|id| self.course.assets.get(&id))
            .filter_map(|(asset, files)| pick(files, chain).map(|f| self.link(asset, f)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_once_each() {
        let a = Uuid::new_v4();
        let b = Uuid::new_v4();
        let text = format!("![x](asset:{a}) text [pdf](asset:{b}) again ![y](asset:{a}) asset:nope");
        assert_eq!(references(&text), vec![a, b]);
        assert!(references("asset:").is_empty());
    }
}
