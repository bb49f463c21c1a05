use sea_orm::entity::prelude::*;

/// A branch's P-256 key that signs credentials (see `signing::credentials`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credential_keys")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub branch_id: Uuid,
    /// The short key id; the JWT `kid` is the URL that ends with it.
    pub kid: String,
    /// SEC1 uncompressed point.
    pub public_key: Vec<u8>,
    pub private_key_sealed: Vec<u8>,
    pub status: Status,
    pub created_at: DateTimeUtc,
    pub retired_at: Option<DateTimeUtc>,
}

/// A credential key is never revoked nor deleted: credentials it signed stay
/// verifiable for as long as they are valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    /// Signs new credentials (the newest active key of the branch).
    #[sea_orm(string_value = "active")]
    Active,
    /// Signs nothing new; stays published.
    #[sea_orm(string_value = "retired")]
    Retired,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
