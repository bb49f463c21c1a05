use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub exam_id: Uuid,
    pub kind: Kind,
    pub points: i32,
    pub partial_credit: bool,
    pub correct: String,
    pub option_count: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// How a question is answered and graded. The stored strings are the API's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Kind {
    /// One correct option.
    #[sea_orm(string_value = "single_choice")]
    #[serde(rename = "single_choice")]
    Single,
    /// One or more correct options, all to be chosen (partial credit optional).
    #[sea_orm(string_value = "multiple_choice")]
    #[serde(rename = "multiple_choice")]
    Multiple,
    /// Two options, never shuffled.
    #[sea_orm(string_value = "true_false")]
    #[serde(rename = "true_false")]
    TrueFalse,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
