use sea_orm::entity::prelude::*;

/// A trainee's permission for one organisation to see their enrolments,
/// progress and certificates. Rows are never deleted: withdrawing sets
/// `withdrawn_at`, granting again adds a row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    /// The trainee's branch.
    pub branch_id: Uuid,
    pub granted_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
