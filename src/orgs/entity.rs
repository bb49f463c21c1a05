use sea_orm::entity::prelude::*;

/// An enterprise, dealer or college. `branch_id` null: shared by
/// headquarters across every branch.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub branch_id: Option<Uuid>,
    pub kind: Kind,
    pub name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// What an organisation is; it decides whether its members are its
/// employees (enterprises, dealers) or its students (colleges), and so
/// whether its representatives need the trainee's consent to see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[sea_orm(string_value = "enterprise")]
    Enterprise,
    #[sea_orm(string_value = "dealer")]
    Dealer,
    #[sea_orm(string_value = "college")]
    College,
}

impl Kind {
    /// Whether the organisation employs its members (they need not consent
    /// for its representatives to follow their training).
    pub(crate) fn employs_members(self) -> bool {
        matches!(self, Kind::Enterprise | Kind::Dealer)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
