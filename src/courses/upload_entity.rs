use sea_orm::entity::prelude::*;

/// A resumable upload in progress (or just finished): a file sent in
/// chunks by one headquarters user, to become a new asset of a course or
/// one locale's file of an existing asset once its last byte arrives.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_uploads")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Only this user, signed in at this branch, sees the session.
    pub created_by: Uuid,
    pub branch_id: Uuid,
    pub course_id: Uuid,
    pub lesson_id: Option<Uuid>,
    /// Before completion: the asset the file is added to (none: a new
    /// asset). After: the asset the file became part of.
    pub asset_id: Option<Uuid>,
    /// A canonical locale, or empty for the file every locale falls back to.
    pub locale: String,
    /// The client's file name, checked as for a multipart upload.
    pub name: String,
    /// The media type the client claimed, checked against the content at the end.
    pub claimed_type: Option<String>,
    /// The declared total.
    pub size_bytes: i64,
    /// Bytes received and stored so far; the next chunk starts here.
    pub offset_bytes: i64,
    pub completed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// A day (configurable) after the last chunk; swept after that.
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
