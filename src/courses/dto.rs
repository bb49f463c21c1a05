//! What the catalogue endpoints take and answer: the request bodies and
//! filters, and localized views of courses and lessons, built from loaded
//! rows without further queries.

use super::service::{CourseBundle, LessonBundle};
use super::texts::{CourseText, LessonText, chain, pick};
use crate::courses::course_entity as course;
use crate::courses::course_translation_entity as course_text;
use crate::i18n::Locale;
use crate::media::resolve::Resolver;
use chrono::{DateTime, Utc};
use sea_orm::ActiveEnum;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewLesson {
    /// 1-based; omitted or past the end appends.
    pub position: Option<i32>,
    #[schema(value_type = BTreeMap<crate::i18n::Locale, LessonText>)]
    pub translations: BTreeMap<String, LessonText>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateCourse {
    /// Unique, e.g. `EV-HV-101`.
    #[schema(pattern = "^[A-Z0-9][A-Z0-9-]{1,31}$")]
    pub code: String,
    /// The locale authors write in (default: the first of zh-CN, en, th, vi given).
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub source_locale: Option<String>,
    #[schema(value_type = BTreeMap<crate::i18n::Locale, CourseText>)]
    pub translations: BTreeMap<String, CourseText>,
    #[serde(default)]
    pub lessons: Vec<NewLesson>,
    /// How many days a certificate of this course stays valid (1 to 3660);
    /// absent or null: for ever.
    #[schema(minimum = 1, maximum = 3660)]
    pub certificate_valid_days: Option<i64>,
}

/// `Some(None)` for an explicit `null`, `None` for an absent member.
fn explicit_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct CourseFilter {
    /// `draft` or `published` (headquarters).
    #[param(pattern = "^(draft|published)$")]
    pub status: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateCourse {
    #[schema(pattern = "^[A-Z0-9][A-Z0-9-]{1,31}$")]
    pub code: Option<String>,
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub source_locale: Option<String>,
    /// Days a certificate issued from now on stays valid (1 to 3660); `null`:
    /// for ever. Certificates already issued keep their expiry.
    #[serde(default, deserialize_with = "explicit_null")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 3660)]
    pub certificate_valid_days: Option<Option<i64>>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateLesson {
    /// Move the lesson to this 1-based position.
    #[schema(minimum = 1)]
    pub position: Option<i32>,
    /// Locales to set; others are kept.
    #[schema(value_type = Option<BTreeMap<crate::i18n::Locale, LessonText>>)]
    pub translations: Option<BTreeMap<String, LessonText>>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reorder {
    /// Every lesson id of the course, in the new order.
    pub lesson_ids: Vec<Uuid>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Publish {
    /// Branch codes to offer the course to (added to earlier offers).
    pub branches: Vec<String>,
}

/// Where each localized field came from, when they differ.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FieldLocales {
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CourseListItem {
    pub id: Uuid,
    pub code: String,
    /// `draft` or `published`.
    pub status: String,
    pub title: String,
    pub summary: String,
    /// The locale the title was served in.
    pub locale: Option<String>,
    pub field_locales: FieldLocales,
    pub lesson_count: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Lesson {
    pub id: Uuid,
    pub position: i32,
    pub title: String,
    /// Markdown as written by the authors. Media appear as `asset:{id}`
    /// links (`![alt](asset:…)`); `media` resolves them.
    pub body: String,
    /// Every asset the body references, in the reader's language, with a
    /// signed link (in order of first reference).
    pub media: Vec<crate::media::resolve::MediaLink>,
    pub locale: Option<String>,
    pub field_locales: FieldLocales,
    /// Every translation, for headquarters' editors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translations: Option<BTreeMap<String, LessonText>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CourseDetail {
    pub id: Uuid,
    pub code: String,
    pub status: String,
    pub source_locale: String,
    pub title: String,
    pub summary: String,
    pub locale: Option<String>,
    pub field_locales: FieldLocales,
    /// Days its certificates stay valid; null: for ever.
    pub certificate_valid_days: Option<i32>,
    pub lessons: Vec<Lesson>,
    /// Every translation, for headquarters' editors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translations: Option<BTreeMap<String, CourseText>>,
    /// Branches the course is offered to (headquarters only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branches: Option<Vec<String>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn code(l: Option<Locale>) -> Option<String> {
    l.map(|l| l.as_str().to_string())
}

pub(crate) fn list_item(
    row: course::Model,
    texts: &BTreeMap<Locale, course_text::Model>,
    lessons: i64,
    requested: Locale,
    default: Locale,
) -> CourseListItem {
    let chain = chain(requested, default);
    let title = pick(&chain, |l| texts.get(&l).map(|t| t.title.as_str()));
    let summary = pick(&chain, |l| texts.get(&l).map(|t| t.summary.as_str()));
    CourseListItem {
        id: row.id,
        code: row.code,
        status: row.status.to_value(),
        locale: code(title.locale),
        field_locales: FieldLocales {
            title: code(title.locale),
            summary: code(summary.locale),
            body: None,
        },
        title: title.text,
        summary: summary.text,
        lesson_count: lessons,
        updated_at: row.updated_at,
    }
}

pub(crate) fn lesson(bundle: &LessonBundle, chain: &[Locale], editor: bool, media: &Resolver<'_>) -> Lesson {
    let title = pick(chain, |l| bundle.texts.get(&l).map(|t| t.title.as_str()));
    let body = pick(chain, |l| bundle.texts.get(&l).map(|t| t.body.as_str()));
    Lesson {
        media: media.links_in(&body.text, chain),
        id: bundle.lesson.id,
        position: bundle.lesson.position,
        locale: code(title.locale),
        field_locales: FieldLocales {
            title: code(title.locale),
            summary: None,
            body: code(body.locale),
        },
        title: title.text,
        body: body.text,
        translations: editor.then(|| {
            bundle
                .texts
                .iter()
                .map(|(l, t)| {
                    (
                        l.as_str().to_string(),
                        LessonText {
                            title: t.title.clone(),
                            body: t.body.clone(),
                        },
                    )
                })
                .collect()
        }),
    }
}

pub(crate) fn detail(
    bundle: CourseBundle,
    requested: Locale,
    default: Locale,
    editor: bool,
    branches: Option<Vec<String>>,
    media: &Resolver<'_>,
) -> CourseDetail {
    let chain = chain(requested, default);
    let title = pick(&chain, |l| bundle.texts.get(&l).map(|t| t.title.as_str()));
    let summary = pick(&chain, |l| bundle.texts.get(&l).map(|t| t.summary.as_str()));
    let lessons = bundle.lessons.iter().map(|l| lesson(l, &chain, editor, media)).collect();
    let translations = editor.then(|| {
        bundle
            .texts
            .iter()
            .map(|(l, t)| {
                (
                    l.as_str().to_string(),
                    CourseText {
                        title: t.title.clone(),
                        summary: t.summary.clone(),
                    },
                )
            })
            .collect()
    });
    let c = bundle.course;
    CourseDetail {
        id: c.id,
        code: c.code,
        status: c.status.to_value(),
        source_locale: c.source_locale,
        locale: code(title.locale),
        field_locales: FieldLocales {
            title: code(title.locale),
            summary: code(summary.locale),
            body: None,
        },
        title: title.text,
        summary: summary.text,
        certificate_valid_days: c.certificate_valid_days,
        lessons,
        translations,
        branches,
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}
