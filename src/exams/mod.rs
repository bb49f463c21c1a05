//! Exams: question banks, timed attempts, autosave, grading. No answer key
//! ever leaves the server in a trainee's response.

pub(crate) mod allowance_read;
pub(crate) mod allowances;
pub(crate) mod answer_entity;
pub(crate) mod attempt_entity;
pub(crate) mod attempts;
pub(crate) mod authoring;
pub(crate) mod availability;
pub(crate) mod bank;
pub(crate) mod checks;
pub(crate) mod commands;
pub(crate) mod directory;
pub(crate) mod dto;
pub(crate) mod error;
pub(crate) mod exam_entity;
pub(crate) mod exam_translation_entity;
pub(crate) mod override_entity;
pub(crate) mod overrides;
pub(crate) mod question_entity;
pub(crate) mod question_translation_entity;
pub(crate) mod results;
pub(crate) mod routes;
pub(crate) mod service;
pub(crate) mod summary;
pub(crate) mod translation_status;
pub(crate) mod version_entity;
pub(crate) mod views;
pub(crate) mod window_commands;
pub(crate) mod window_entity;
pub(crate) mod window_time;
pub(crate) mod window_views;
pub(crate) mod windows;
pub(crate) mod windows_routes;

pub use error::ExamError;

use crate::courses::status::TextRecord;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use uuid::Uuid;

/// An attempt belongs to the trainee's branch; a trainee sees only their own.
impl crate::tenancy::BranchOwned for attempt_entity::Entity {
    const BRANCH: attempt_entity::Column = attempt_entity::Column::BranchId;
    const OWNER: Option<attempt_entity::Column> = Some(attempt_entity::Column::UserId);
}

/// A window belongs to its branch (a branch-wide window, or its cohort's branch).
impl crate::tenancy::BranchOwned for window_entity::Entity {
    const BRANCH: window_entity::Column = window_entity::Column::BranchId;
}

/// An override belongs to its trainee's branch.
impl crate::tenancy::BranchOwned for override_entity::Entity {
    const BRANCH: override_entity::Column = override_entity::Column::BranchId;
    const OWNER: Option<override_entity::Column> = Some(override_entity::Column::UserId);
}

/// Question texts of a course's exams, for the catalogue's translation status.
pub async fn translation_records(db: &impl ConnectionTrait, course_id: Uuid) -> Result<Vec<TextRecord>, DbErr> {
    let exams = exam_entity::Entity::find()
        .filter(exam_entity::Column::CourseId.eq(course_id))
        .all(db)
        .await?;
    let mut records = Vec::new();
    for exam in exams {
        let question_ids: Vec<Uuid> = question_entity::Entity::find()
            .filter(question_entity::Column::ExamId.eq(exam.id))
            .all(db)
            .await?
            .into_iter()
            .map(|q| q.id)
            .collect();
        if question_ids.is_empty() {
            continue;
        }
        let mut by_question: BTreeMap<Uuid, TextRecord> = question_ids
            .iter()
            .map(|id| {
                (
                    *id,
                    TextRecord {
                        kind: "question",
                        id: *id,
                        position: None,
                        fields: &["prompt", "options"],
                        versions: BTreeMap::new(),
                    },
                )
            })
            .collect();
        for t in question_translation_entity::Entity::find()
            .filter(question_translation_entity::Column::QuestionId.is_in(question_ids))
            .all(db)
            .await?
        {
            if let (Some(locale), Some(record)) = (crate::i18n::Locale::from_canonical(&t.locale), by_question.get_mut(&t.question_id)) {
                let options: Vec<String> = serde_json::from_str(&t.options).unwrap_or_default();
                record.versions.insert(
                    locale,
                    (
                        BTreeMap::from([("prompt", t.prompt), ("options", options.join("\n"))]),
                        t.updated_at,
                    ),
                );
            }
        }
        records.extend(by_question.into_values());
    }
    Ok(records)
}

/// Whether the exam part of a course's completion rule is met for a user.
pub async fn requirement_met(db: &impl ConnectionTrait, course_id: Uuid, user_id: Uuid, enrolment_id: Uuid) -> Result<bool, DbErr> {
    attempts::exam_requirement_met(db, course_id, user_id, enrolment_id).await
}
