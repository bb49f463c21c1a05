use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub exam_id: Uuid,
    pub version_id: Uuid,
    pub user_id: Uuid,
    pub branch_id: Uuid,
    pub course_id: Uuid,
    pub enrolment_id: Uuid,
    pub attempt_number: i32,
    pub status: Status,
    pub started_at: DateTimeUtc,
    pub deadline: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub draw: String,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
    pub certificate_id: Option<Uuid>,
    /// The secret keying this attempt's option ids (none for attempts
    /// started before option ids were keyed: they keep their old ids).
    pub option_key: Option<String>,
    /// When answers given before the deadline stop being taken: the
    /// deadline plus the grace of the attempt's version. None for attempts
    /// started before the grace was an exam setting (they keep
    /// `attempts::DEFAULT_SYNC_GRACE_MINUTES`); see `attempts::grace_end`.
    pub grace_ends_at: Option<DateTimeUtc>,
    /// At least one kept answer was late-synced (reports count these).
    pub late_synced: bool,
    pub updated_at: DateTimeUtc,
    /// The negotiated language when the attempt started (item statistics
    /// per locale); none for attempts from before it was recorded.
    pub locale: Option<String>,
}

/// An attempt is `open` until it is submitted (by the trainee, or by the
/// deadline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "submitted")]
    Submitted,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
