use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub user_id: Uuid,
    pub branch_id: Uuid,
    pub course_id: Uuid,
    pub enrolment_id: Uuid,
    pub holder_name: String,
    pub issued_at: DateTimeUtc,
    pub status: Status,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_reason: Option<String>,
    pub updated_at: DateTimeUtc,
    /// The VC-JWT signed at issuance (or at a deliberate re-issue).
    pub credential_jwt: Option<String>,
    pub status_list_id: Option<Uuid>,
    pub status_index: Option<i32>,
    /// None: valid for ever.
    pub expires_at: Option<DateTimeUtc>,
    pub reminded_60_at: Option<DateTimeUtc>,
    pub reminded_14_at: Option<DateTimeUtc>,
    /// The trainee's current certificate for the course (older ones stay as history).
    pub is_current: bool,
}

impl Model {
    /// `valid`, `revoked`, or `expired` (valid, but past its expiry at `now`).
    pub(crate) fn status_at(&self, now: DateTimeUtc) -> &'static str {
        match self.status {
            Status::Revoked => "revoked",
            Status::Valid if self.expires_at.is_some_and(|end| end <= now) => "expired",
            Status::Valid => "valid",
        }
    }
}

/// A certificate is `valid` until headquarters revokes it; expiry is read
/// from `expires_at` (see `Model::status_at`), not stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    #[sea_orm(string_value = "valid")]
    Valid,
    #[sea_orm(string_value = "revoked")]
    Revoked,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
