use sea_orm::entity::prelude::*;

/// One of a branch's Bitstring Status Lists (see `status_list`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_lists")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub branch_id: Uuid,
    /// 1, 2, ... within the branch; part of the list's URL.
    pub number: i32,
    /// Entries (bits) in the list.
    pub size: i32,
    /// The next entry to hand out; the list is full at `size`.
    pub next_index: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
