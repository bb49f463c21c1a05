use sea_orm::entity::prelude::*;

/// Photo evidence of a practical assessment (bytes in media storage).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_photos")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub assessment_id: Uuid,
    /// The trainee's branch.
    pub branch_id: Uuid,
    pub storage_key: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Lower-case hex SHA-256 of the stored (stripped) bytes.
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
