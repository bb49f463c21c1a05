use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// All tokens descended from one login; reuse of a spent one revokes them all.
    pub family_id: Uuid,
    pub token_hash: String,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    /// When this token was minted: the session's sign-in or latest refresh.
    pub created_at: DateTimeUtc,
    /// A short label derived from the User-Agent at sign-in, e.g. "Chrome on Android".
    pub device: Option<String>,
    /// When the family's sign-in was (copied to every token of the family).
    pub session_started_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
