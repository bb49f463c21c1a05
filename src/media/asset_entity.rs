use sea_orm::entity::prelude::*;

/// A picture, video, sound, document or subtitle track of a course (and
/// optionally one lesson). Its files are the versions per locale.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub course_id: Uuid,
    pub lesson_id: Option<Uuid>,
    /// image | video | audio | pdf | subtitle
    pub kind: String,
    /// The uploader's file name, checked; shown to editors, never used as a key.
    pub name: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
