//! Headquarters' side of exams: the question bank and titles as stored,
//! and publishing a frozen version. The checks of what headquarters sends
//! are in `checks`.

use super::ExamError;
use super::bank::{QuestionText, SnapQuestion, Snapshot};
use super::exam_entity::{self as exam};
use super::exam_translation_entity::{self as exam_text, Entity as ExamTexts};
use super::question_entity::{self as question, Entity as Questions};
use super::question_translation_entity::{self as question_text, Entity as QuestionTexts};
use super::version_entity::{self as version, Entity as Versions};
use crate::i18n::Locale;
use crate::num::{to_i32, to_usize};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub(crate) use super::checks::{CleanQuestion, ExamText, QuestionInputText, Settings, check_question, check_settings, check_titles};

pub(crate) async fn set_title(
    db: &impl ConnectionTrait,
    exam_id: Uuid,
    locale: Locale,
    title: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = ExamTexts::find()
        .filter(exam_text::Column::ExamId.eq(exam_id))
        .filter(exam_text::Column::Locale.eq(locale.as_str()))
        .one(db)
        .await?;
    match existing {
        Some(row) => {
            let mut active: exam_text::ActiveModel = row.into();
            active.title = Set(title.to_string());
            active.updated_at = Set(now);
            active.update(db).await?;
        }
        None => {
            exam_text::ActiveModel {
                id: Set(Uuid::now_v7()),
                exam_id: Set(exam_id),
                locale: Set(locale.as_str().to_string()),
                title: Set(title.to_string()),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Writes a question's row and translations (new or replacing).
pub(crate) async fn save_question(
    db: &impl ConnectionTrait,
    exam_id: Uuid,
    id: Option<Uuid>,
    q: &CleanQuestion,
    now: DateTime<Utc>,
) -> Result<question::Model, DbErr> {
    let correct = serde_json::to_string(&q.correct).unwrap_or_else(|_| "[]".into());
    let row = match id {
        Some(id) => {
            let existing = Questions::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| DbErr::RecordNotFound(id.to_string()))?;
            let mut active: question::ActiveModel = existing.into();
            active.kind = Set(q.kind);
            active.points = Set(q.points);
            active.partial_credit = Set(q.partial_credit);
            active.correct = Set(correct);
            active.option_count = Set(to_i32(q.option_count));
            active.updated_at = Set(now);
            let row = active.update(db).await?;
            QuestionTexts::delete_many()
                .filter(question_text::Column::QuestionId.eq(row.id))
                .exec(db)
                .await?;
            row
        }
        None => {
            question::ActiveModel {
                id: Set(Uuid::now_v7()),
                exam_id: Set(exam_id),
                kind: Set(q.kind),
                points: Set(q.points),
                partial_credit: Set(q.partial_credit),
                correct: Set(correct),
                option_count: Set(to_i32(q.option_count)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?
        }
    };
    for (locale, text) in &q.texts {
        question_text::ActiveModel {
            id: Set(Uuid::now_v7()),
            question_id: Set(row.id),
            locale: Set(locale.as_str().to_string()),
            prompt: Set(text.prompt.clone()),
            options: Set(serde_json::to_string(&text.options).unwrap_or_else(|_| "[]".into())),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(row)
}

/// The working bank: questions with their translations, in creation order.
pub(crate) async fn load_bank(db: &impl ConnectionTrait, exam_id: Uuid) -> Result<Vec<SnapQuestion>, DbErr> {
    let questions = Questions::find()
        .filter(question::Column::ExamId.eq(exam_id))
        .order_by_asc(question::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = questions.iter().map(|q| q.id).collect();
    let mut texts: HashMap<Uuid, BTreeMap<Locale, QuestionText>> = HashMap::new();
    if !ids.is_empty() {
        for row in QuestionTexts::find()
            .filter(question_text::Column::QuestionId.is_in(ids))
            .all(db)
            .await?
        {
            if let Some(locale) = Locale::from_canonical(&row.locale) {
                let options: Vec<String> = serde_json::from_str(&row.options).unwrap_or_default();
                texts.entry(row.question_id).or_default().insert(
                    locale,
                    QuestionText {
                        prompt: row.prompt,
                        options,
                    },
                );
            }
        }
    }
    Ok(questions
        .into_iter()
        .map(|q| SnapQuestion {
            id: q.id,
            kind: q.kind,
            points: q.points,
            partial_credit: q.partial_credit,
            correct: serde_json::from_str(&q.correct).unwrap_or_default(),
            option_count: to_usize(q.option_count),
            texts: texts.remove(&q.id).unwrap_or_default(),
        })
        .collect())
}

pub(crate) async fn titles(db: &impl ConnectionTrait, exam_ids: &[Uuid]) -> Result<HashMap<Uuid, BTreeMap<Locale, String>>, DbErr> {
    let mut out: HashMap<Uuid, BTreeMap<Locale, String>> = HashMap::new();
    if exam_ids.is_empty() {
        return Ok(out);
    }
    for row in ExamTexts::find()
        .filter(exam_text::Column::ExamId.is_in(exam_ids.to_vec()))
        .all(db)
        .await?
    {
        if let Some(l) = Locale::from_canonical(&row.locale) {
            out.entry(row.exam_id).or_default().insert(l, row.title);
        }
    }
    Ok(out)
}

/// Freezes the current settings and bank as the next version.
pub(crate) async fn publish(db: &impl ConnectionTrait, row: exam::Model, now: DateTime<Utc>) -> Result<exam::Model, ExamError> {
    let bank = load_bank(db, row.id).await?;
    if to_i32(bank.len()) < row.question_count {
        return Err(ExamError::QuestionBankTooSmall {
            needed: row.question_count,
            available: bank.len(),
        });
    }
    let last = Versions::find()
        .filter(version::Column::ExamId.eq(row.id))
        .order_by_desc(version::Column::Version)
        .one(db)
        .await?;
    let number = last.map(|v| v.version + 1).unwrap_or(1);
    let titles = titles(db, &[row.id]).await?.remove(&row.id).unwrap_or_default();
    let snapshot = Snapshot {
        exam_id: row.id,
        version: number,
        pass_mark_percent: row.pass_mark_percent,
        time_limit_minutes: row.time_limit_minutes,
        max_attempts: row.max_attempts,
        question_count: row.question_count,
        shuffle: row.shuffle,
        review_allowed: row.review_allowed,
        sync_grace_minutes: row.sync_grace_minutes,
        titles,
        questions: bank,
    };
    let saved = version::ActiveModel {
        id: Set(Uuid::now_v7()),
        exam_id: Set(row.id),
        version: Set(number),
        snapshot: Set(serde_json::to_string(&snapshot)?),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let mut active: exam::ActiveModel = row.into();
    active.status = Set(exam::Status::Published);
    active.current_version_id = Set(Some(saved.id));
    active.has_unpublished_changes = Set(false);
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

/// Notes that the bank or settings changed after publication.
pub(crate) async fn mark_changed(db: &impl ConnectionTrait, row: &exam::Model, now: DateTime<Utc>) -> Result<(), DbErr> {
    let mut active: exam::ActiveModel = row.clone().into();
    active.has_unpublished_changes = Set(row.status == exam::Status::Published);
    active.updated_at = Set(now);
    active.update(db).await.map(|_| ())
}

/// A published version's snapshot, from the process cache or the database.
pub(crate) async fn snapshot(db: &impl ConnectionTrait, version_id: Uuid) -> Result<Option<std::sync::Arc<Snapshot>>, DbErr> {
    if let Some(s) = super::bank::cached(version_id, || None) {
        return Ok(Some(s));
    }
    let Some(row) = Versions::find_by_id(version_id).one(db).await? else {
        return Ok(None);
    };
    Ok(super::bank::cached(version_id, || serde_json::from_str(&row.snapshot).ok()))
}

/// Many published versions' snapshots: from the process cache, and those
/// not cached in one query.
pub(crate) async fn snapshots(db: &impl ConnectionTrait, version_ids: &[Uuid]) -> Result<HashMap<Uuid, std::sync::Arc<Snapshot>>, DbErr> {
    let mut found = HashMap::new();
    let mut missing = Vec::new();
    for id in version_ids {
        match super::bank::cached(*id, || None) {
            Some(s) => {
                found.insert(*id, s);
            }
            None => missing.push(*id),
        }
    }
    if missing.is_empty() {
        return Ok(found);
    }
    for row in Versions::find().filter(version::Column::Id.is_in(missing)).all(db).await? {
        if let Some(s) = super::bank::cached(row.id, || serde_json::from_str(&row.snapshot).ok()) {
            found.insert(row.id, s);
        }
    }
    Ok(found)
}

/// The published version an exam or attempt names: it must exist.
pub(crate) async fn published(db: &impl ConnectionTrait, version_id: Uuid) -> Result<std::sync::Arc<Snapshot>, ExamError> {
    snapshot(db, version_id).await?.ok_or(ExamError::MissingVersion(version_id))
}
