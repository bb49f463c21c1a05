use sea_orm::entity::prelude::*;

/// When an exam may be started: for one cohort, or for every cohort of a
/// branch (`cohort_id` none). See `exams::windows`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exam_windows")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub exam_id: Uuid,
    pub branch_id: Uuid,
    pub cohort_id: Option<Uuid>,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    /// An attempt started inside the window ends at `closes_at` at the latest.
    pub hard_end: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
