use sea_orm::entity::prelude::*;

/// A stored object that may no longer be needed: written in the transaction
/// that removed rows naming it, removed (with the object, unless a row names
/// it again) by `media::gc`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_deletions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub storage_key: String,
    /// Sweeps that looked at it (a key that keeps failing shows up in logs).
    pub attempts: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
