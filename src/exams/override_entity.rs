use sea_orm::entity::prelude::*;

/// What one trainee is granted at one exam beyond its settings. See
/// `exams::overrides`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exam_overrides")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub exam_id: Uuid,
    pub user_id: Uuid,
    /// The trainee's branch.
    pub branch_id: Uuid,
    pub extra_attempts: i32,
    pub extra_minutes: i32,
    /// One start outside the exam window is allowed (cleared when used).
    pub unlock_window: bool,
    pub unlock_used_at: Option<DateTimeUtc>,
    pub unlock_attempt_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
