use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub branch_id: Uuid,
    pub email: String,
    pub email_normalized: String,
    pub display_name: String,
    pub role: crate::tenancy::Role,
    pub locale: String,
    pub password_hash: Option<String>,
    pub status: Status,
    /// Access tokens issued (`iat`) before this instant are refused: set when
    /// the user logs out, changes password or is deactivated. Whole seconds.
    pub tokens_valid_after: Option<DateTimeUtc>,
    /// Display name and email folded for search (`text::search::user_key`);
    /// rewritten with every change of either. `None` only between the
    /// migration that added it and the backfill that follows at start-up.
    pub search_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Whether a user can sign in. The stored strings are the API's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Has a password and may sign in.
    #[sea_orm(string_value = "active")]
    Active,
    /// Created without a password: waiting for the invitation to be accepted.
    #[sea_orm(string_value = "invited")]
    Invited,
    /// May not sign in; every session ended when it was set.
    #[sea_orm(string_value = "deactivated")]
    Deactivated,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
