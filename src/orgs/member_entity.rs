use sea_orm::entity::prelude::*;

/// The one organisation a user belongs to: a trainee's employer or school,
/// or the organisation an `employer` user represents.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation_members")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    /// The user's branch.
    pub branch_id: Uuid,
    pub since: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
