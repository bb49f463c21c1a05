use sea_orm::entity::prelude::*;

/// A trainee's skill profile; employers only ever see published ones.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "talent_profiles")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub branch_id: Uuid,
    pub published: bool,
    /// Where they want to work (ISO 3166-1 alpha-2).
    pub country: String,
    /// JSON array of language tags.
    pub languages: String,
    /// None: available now.
    pub available_from: Option<Date>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
