use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attempt_answers")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub attempt_id: Uuid,
    pub question_id: Uuid,
    pub selected: String,
    pub updated_at: DateTimeUtc,
    /// The client's sequence number of this answer (0: saved one at a time).
    pub seq: i64,
    /// When it was given, by the device's clock.
    pub answered_at: Option<DateTimeUtc>,
    /// Arrived after the deadline, within the grace period.
    pub late_synced: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
