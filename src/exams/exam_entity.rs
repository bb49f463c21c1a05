use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "exams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub course_id: Uuid,
    pub status: Status,
    pub pass_mark_percent: i32,
    pub time_limit_minutes: i32,
    pub max_attempts: i32,
    pub question_count: i32,
    pub shuffle: bool,
    pub review_allowed: bool,
    /// Minutes after an attempt's deadline during which answers given
    /// before it are still taken (late-synced).
    pub sync_grace_minutes: i32,
    pub current_version_id: Option<Uuid>,
    pub has_unpublished_changes: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Trainees only see and sit `published` exams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "published")]
    Published,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
