//! The request bodies of the exam endpoints (what headquarters and
//! trainees send), kept apart from the handlers so that `routes` stays a
//! list of thin handlers.

use super::authoring::{ExamText, QuestionInputText};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateExam {
    #[schema(value_type = BTreeMap<crate::i18n::Locale, ExamText>)]
    pub translations: BTreeMap<String, ExamText>,
    #[schema(minimum = 1, maximum = 100)]
    pub pass_mark_percent: i32,
    #[schema(minimum = 1, maximum = 600)]
    pub time_limit_minutes: i32,
    #[schema(minimum = 1, maximum = 100)]
    pub max_attempts: i32,
    /// Questions drawn per attempt from the bank.
    #[schema(minimum = 1, maximum = 500)]
    pub question_count: i32,
    #[serde(default)]
    pub shuffle: bool,
    /// Let trainees see per-question points after submitting (off by default).
    #[serde(default)]
    pub review_allowed: bool,
    /// Minutes after an attempt's deadline during which answers given
    /// before it (queued on a device that lost its connection) are still
    /// taken and flagged late-synced; 0 takes none. Default 2.
    #[schema(minimum = 0, maximum = 30, default = 2)]
    pub sync_grace_minutes: Option<i32>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateExam {
    #[schema(value_type = Option<BTreeMap<crate::i18n::Locale, ExamText>>)]
    pub translations: Option<BTreeMap<String, ExamText>>,
    #[schema(minimum = 1, maximum = 100)]
    pub pass_mark_percent: Option<i32>,
    #[schema(minimum = 1, maximum = 600)]
    pub time_limit_minutes: Option<i32>,
    #[schema(minimum = 1, maximum = 100)]
    pub max_attempts: Option<i32>,
    #[schema(minimum = 1, maximum = 500)]
    pub question_count: Option<i32>,
    pub shuffle: Option<bool>,
    pub review_allowed: Option<bool>,
    /// See `CreateExam::sync_grace_minutes`; attempts keep the grace of the
    /// version they started on.
    #[schema(minimum = 0, maximum = 30)]
    pub sync_grace_minutes: Option<i32>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuestionInput {
    /// `single_choice`, `multiple_choice` or `true_false`.
    #[schema(pattern = "^(single_choice|multiple_choice|true_false)$")]
    pub kind: String,
    #[schema(minimum = 1, maximum = 100)]
    pub points: i32,
    /// Multiple choice only: credit for partly right answers (default all or nothing).
    #[serde(default)]
    pub partial_credit: bool,
    #[schema(value_type = BTreeMap<crate::i18n::Locale, QuestionInputText>)]
    pub translations: BTreeMap<String, QuestionInputText>,
    /// Indices of the correct options.
    #[schema(min_items = 1)]
    pub correct: Vec<i64>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerInput {
    /// Option ids from the attempt.
    pub selected: Vec<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SyncAnswersInput {
    /// At most 200 answers (`attempts::SYNC_BATCH_MAX`), in the order they were given.
    #[schema(max_items = 200)]
    pub answers: Vec<SyncAnswerInput>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SyncAnswerInput {
    pub question_id: uuid::Uuid,
    /// Option ids from the attempt.
    pub selected: Vec<String>,
    /// The client's sequence number: increasing per attempt, 1 to 4294967295.
    #[schema(minimum = 1, maximum = 4294967295_i64)]
    pub seq: i64,
    /// When the answer was given, by the device's clock (RFC 3339).
    pub answered_at: chrono::DateTime<chrono::Utc>,
}
