use sea_orm::entity::prelude::*;

/// What an organisation is looking for: a skill (course), where, how many, by when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "talent_needs")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// The representative's branch.
    pub branch_id: Uuid,
    pub course_id: Uuid,
    pub country: String,
    pub headcount: i32,
    pub needed_by: Date,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
