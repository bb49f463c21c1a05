//! The demo course's media: a picture per locale (drawn here: a warning-
//! stripe panel, its band in a colour per locale), and a short "video"
//! (`media/walkaround.webm`, a 3-second 160×90 VP8 test pattern of 7 KB made
//! once with ffmpeg's generated test source and checked in; nothing is
//! downloaded) with WebVTT subtitles in every locale. Each goes through the
//! same intake as an upload (sniffing, limits, metadata stripping), and the
//! first lesson shows them through `asset:` references.

use crate::courses::course_entity::{self as course, Entity as Courses};
use crate::courses::lesson_entity::{self as lesson, Entity as Lessons};
use crate::courses::lesson_translation_entity::{self as lesson_text, Entity as LessonTexts};
use crate::i18n::Locale;
use crate::media::asset_entity as asset;
use crate::media::file_entity as file;
use crate::media::{Intake, png};
use crate::state::AppState;
use bytes::Bytes;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

const VIDEO: &[u8] = include_bytes!("media/walkaround.webm");

/// Subtitle cues per locale: (start, end, text).
fn subtitles(locale: Locale) -> String {
    let lines: [&str; 3] = match locale {
        Locale::ZhCn => ["断开维修开关。", "用万用表验电：0 V。", "上锁挂牌，开始作业。"],
        Locale::En => [
            "Pull the service disconnect.",
            "Verify with the meter: 0 V.",
            "Lock out, tag out, then start.",
        ],
        Locale::Th => ["ถอดสวิตช์ตัดวงจรบริการ", "ตรวจสอบด้วยมัลติมิเตอร์: 0 V", "ล็อกเอาต์ แท็กเอาต์ แล้วจึงเริ่มงาน"],
        Locale::Vi => [
            "Rút công tắc ngắt bảo dưỡng.",
            "Kiểm tra bằng đồng hồ: 0 V.",
            "Khóa và treo thẻ rồi mới làm việc.",
        ],
    };
    let mut vtt = String::from("WEBVTT\n\n");
    for (i, line) in lines.iter().enumerate() {
        vtt.push_str(&format!("00:00:0{i}.000 --> 00:00:0{}.000\n{line}\n\n", i + 1));
    }
    vtt
}

/// The panel picture; `band` colours the stripe along its bottom.
fn picture(band: [u8; 3]) -> Vec<u8> {
    png::encode(
        320,
        180,
        |x, y| {
            if y >= 150 {
                band
            } else if ((x + y) / 20) % 2 == 0 {
                [255, 140, 0]
            } else {
                [24, 24, 24]
            }
        },
        &[],
    )
}

fn band(locale: Locale) -> [u8; 3] {
    match locale {
        Locale::ZhCn => [200, 16, 46],
        Locale::En => [0, 82, 147],
        Locale::Th => [45, 42, 74],
        Locale::Vi => [218, 37, 29],
    }
}

const LOCALES: [Locale; 4] = [Locale::ZhCn, Locale::En, Locale::Th, Locale::Vi];

async fn store(state: &AppState, bytes: Vec<u8>, claimed: &str) -> Result<crate::media::Ingested, String> {
    let intake = Intake {
        settings: &state.media.settings,
        claimed: Some(claimed),
        room: u64::MAX,
        key: None,
        variants: true,
    };
    let body = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(Bytes::from(bytes))]);
    intake.take(&state.media.store, body).await.map_err(|e| e.to_string())
}

async fn record(
    txn: &DatabaseTransaction,
    course: &course::Model,
    lesson_id: Uuid,
    name: &str,
    files: &[(Option<Locale>, crate::media::Ingested)],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Uuid, String> {
    let kind = files.first().map(|(_, f)| f.kind.as_str()).unwrap_or("image");
    let row = asset::ActiveModel {
        id: Set(Uuid::now_v7()),
        course_id: Set(course.id),
        lesson_id: Set(Some(lesson_id)),
        kind: Set(kind.to_string()),
        name: Set(name.to_string()),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(|e| e.to_string())?;
    for (locale, stored) in files {
        file::ActiveModel {
            id: Set(Uuid::now_v7()),
            asset_id: Set(row.id),
            locale: Set(locale.map(|l| l.as_str().to_string()).unwrap_or_default()),
            content_type: Set(stored.content_type.to_string()),
            size_bytes: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
            sha256: Set(stored.sha256.clone()),
            width: Set(stored.width.and_then(|w| i32::try_from(w).ok())),
            height: Set(stored.height.and_then(|h| i32::try_from(h).ok())),
            storage_key: Set(stored.key.clone()),
            created_at: Set(now),
        }
        .insert(txn)
        .await
        .map_err(|e| e.to_string())?;
    }
    Ok(row.id)
}

/// Adds the media to the demo course's first lesson.
pub(super) async fn seed(state: &AppState, course_code: &str) -> Result<(), String> {
    let now = state.clock.now();
    let course = Courses::find()
        .filter(course::Column::Code.eq(course_code))
        .one(&state.db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the demo course is missing")?;
    let first = Lessons::find()
        .filter(lesson::Column::CourseId.eq(course.id))
        .order_by_asc(lesson::Column::Position)
        .one(&state.db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the demo course has no lesson")?;
    let mut pictures = Vec::new();
    let mut captions = Vec::new();
    for locale in LOCALES {
        pictures.push((Some(locale), store(state, picture(band(locale)), "image/png").await?));
        captions.push((Some(locale), store(state, subtitles(locale).into_bytes(), "text/vtt").await?));
    }
    let video = vec![(None, store(state, VIDEO.to_vec(), "video/webm").await?)];
    let txn = crate::db::begin(&state.db).await.map_err(|e| e.to_string())?;
    let picture_id = record(&txn, &course, first.id, "hv-panel.png", &pictures, now).await?;
    let video_id = record(&txn, &course, first.id, "walkaround.webm", &video, now).await?;
    let captions_id = record(&txn, &course, first.id, "walkaround.vtt", &captions, now).await?;
    for text in LessonTexts::find()
        .filter(lesson_text::Column::LessonId.eq(first.id))
        .all(&txn)
        .await
        .map_err(|e| e.to_string())?
    {
        let body = format!(
            "{}\n\n![{}](asset:{picture_id})\n\n[▶ {}](asset:{video_id}) · [CC](asset:{captions_id})\n",
            text.body, text.title, text.title
        );
        let mut row: lesson_text::ActiveModel = text.into();
        row.body = Set(body);
        row.update(&txn).await.map_err(|e| e.to_string())?;
    }
    txn.commit().await.map_err(|e| e.to_string())?;
    // The pictures are 320 pixels wide: no smaller copies to record.
    for (_, stored) in pictures.iter().chain(&video).chain(&captions) {
        stored.place(&state.media.store).await.map_err(|e| e.to_string())?;
    }
    state.catalogue.bump();
    Ok(())
}
