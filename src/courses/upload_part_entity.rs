use sea_orm::entity::prelude::*;

/// One chunk of a resumable upload, stored as its own object under
/// `uploads/{upload id}/`; the chunks in offset order are the file.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_upload_parts")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub upload_id: Uuid,
    /// Where in the file this chunk starts.
    pub offset_bytes: i64,
    pub size_bytes: i64,
    /// Made by the server (`uploads/{upload id}/{part id}`).
    pub storage_key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
