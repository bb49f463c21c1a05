use sea_orm::entity::prelude::*;

/// A smaller copy of an image file, for screens that do not need every
/// pixel: made once when the file is uploaded, never changed, removed with
/// its file. Stored like a file (content-addressed by SHA-256).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_variants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub file_id: Uuid,
    pub width: i32,
    pub height: i32,
    pub content_type: String,
    pub size_bytes: i64,
    /// Lower-case hex SHA-256 of the stored bytes.
    pub sha256: String,
    pub storage_key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
