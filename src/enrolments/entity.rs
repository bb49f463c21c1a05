use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "enrolments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cohort_id: Uuid,
    pub branch_id: Uuid,
    pub course_id: Uuid,
    pub user_id: Uuid,
    pub status: Status,
    pub enrolled_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    /// The trainee's latest lesson completion, attempt start or answer save
    /// here (see `activity`); none yet: null.
    pub last_activity_at: Option<DateTimeUtc>,
    /// Lessons completed, counted as each is recorded (see `activity`).
    pub lessons_done: i32,
    /// Graded (submitted) attempts in this enrolment; the four exam
    /// results are recomputed from the attempts whenever one is graded
    /// (see `exams::results`), so the reports never aggregate the attempts.
    pub graded_attempts: i32,
    /// The best percentage among the graded attempts (none: no percentage yet).
    pub best_percent: Option<f64>,
    /// A graded attempt passed.
    pub exam_passed: bool,
    /// Graded attempts that kept a late-synced answer.
    pub late_synced_attempts: i32,
}

/// An enrolment is `active` until the completion rule marks it `completed`
/// or the trainee is `withdrawn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "completed")]
    Completed,
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
