use sea_orm::entity::prelude::*;

/// One stored version of an asset: for one locale, or for all (`locale`
/// empty). Never changed once written: a new upload is a new file, so a
/// file id names fixed content and its links can be cached for long.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub asset_id: Uuid,
    /// A canonical locale, or empty for the file every locale falls back to.
    pub locale: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Lower-case hex SHA-256 of the stored bytes.
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// Made by the server (`files/{id}`); never from client input.
    pub storage_key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
