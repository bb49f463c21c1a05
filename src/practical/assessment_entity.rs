use sea_orm::entity::prelude::*;

/// One practical assessment of a trainee (append-only; the latest counts).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_assessments")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The trainee's branch.
    pub branch_id: Uuid,
    /// The trainee.
    pub user_id: Uuid,
    pub course_id: Uuid,
    pub checklist_id: Uuid,
    pub assessor_id: Uuid,
    /// Every step passed.
    pub passed: bool,
    pub notes: Option<String>,
    pub recorded_at: DateTimeUtc,
    /// The earlier assessment this one corrects.
    pub corrects_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
