//! The demo's EV high-voltage-safety course (texts in `course.json`), its
//! exam, cohorts, and trainees at several stages: one just enrolled, one
//! halfway, one certified.

use crate::branches::entity as branch;
use crate::cohorts::entity as cohort;
use crate::courses::course_entity as course;
use crate::courses::offering_entity as offering;
use crate::courses::texts::{CourseText, LessonText};
use crate::exams::authoring::{self, QuestionInputText};
use crate::exams::{attempts, exam_entity as exam};
use crate::i18n::Locale;
use crate::tenancy::{Caller, Role};
use crate::users::entity as user;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Deserialize)]
struct Content {
    code: String,
    source_locale: String,
    translations: BTreeMap<String, CourseText>,
    lessons: Vec<BTreeMap<String, LessonText>>,
    exam: ExamContent,
}

#[derive(Deserialize)]
struct ExamContent {
    translations: BTreeMap<String, String>,
    pass_mark_percent: i32,
    time_limit_minutes: i32,
    max_attempts: i32,
    question_count: i32,
    shuffle: bool,
    questions: Vec<QuestionContent>,
}

#[derive(Deserialize)]
struct QuestionContent {
    kind: String,
    points: i32,
    correct: Vec<i64>,
    texts: BTreeMap<String, (String, Vec<String>)>,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The demo course (four locales, lessons) and its published exam, offered
/// to `offered_to`. Also used by the load-test seeding.
pub(super) async fn course_and_exam(
    txn: &DatabaseTransaction,
    offered_to: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(course::Model, Vec<crate::courses::lesson_entity::Model>, exam::Model), String> {
    let content: Content = serde_json::from_str(include_str!("course.json")).map_err(err)?;
    let course = course::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(content.code.clone()),
        source_locale: Set(content.source_locale.clone()),
        status: Set(crate::courses::course_entity::Status::Published),
        certificate_valid_days: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(err)?;
    for (locale, text) in &content.translations {
        let l = Locale::from_canonical(locale).ok_or("bad locale in course.json")?;
        crate::courses::service::upsert_course_text(txn, course.id, l, text, now)
            .await
            .map_err(err)?;
    }
    let mut lessons = Vec::new();
    for texts in &content.lessons {
        let texts: BTreeMap<Locale, LessonText> = texts
            .iter()
            .filter_map(|(l, t)| Locale::from_canonical(l).map(|l| (l, t.clone())))
            .collect();
        lessons.push(
            crate::courses::service::insert_lesson(txn, course.id, None, &texts, now)
                .await
                .map_err(err)?,
        );
    }
    for branch_id in offered_to {
        offering::ActiveModel {
            id: Set(Uuid::now_v7()),
            course_id: Set(course.id),
            branch_id: Set(*branch_id),
            created_at: Set(now),
        }
        .insert(txn)
        .await
        .map_err(err)?;
    }

    let e = &content.exam;
    let exam_row = exam::ActiveModel {
        id: Set(Uuid::now_v7()),
        course_id: Set(course.id),
        status: Set(crate::exams::exam_entity::Status::Draft),
        pass_mark_percent: Set(e.pass_mark_percent),
        time_limit_minutes: Set(e.time_limit_minutes),
        max_attempts: Set(e.max_attempts),
        question_count: Set(e.question_count),
        shuffle: Set(e.shuffle),
        review_allowed: Set(false),
        sync_grace_minutes: Set(crate::exams::attempts::DEFAULT_SYNC_GRACE_MINUTES),
        current_version_id: Set(None),
        has_unpublished_changes: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(err)?;
    for (locale, title) in &e.translations {
        let l = Locale::from_canonical(locale).ok_or("bad locale in course.json")?;
        authoring::set_title(txn, exam_row.id, l, title, now).await.map_err(err)?;
    }
    for q in &e.questions {
        let texts: BTreeMap<String, QuestionInputText> = q
            .texts
            .iter()
            .map(|(l, (prompt, options))| {
                (
                    l.clone(),
                    QuestionInputText {
                        prompt: prompt.clone(),
                        options: options.clone(),
                    },
                )
            })
            .collect();
        let clean = authoring::check_question(&q.kind, q.points, false, &texts, &q.correct).map_err(err)?;
        authoring::save_question(txn, exam_row.id, None, &clean, now).await.map_err(err)?;
    }
    let exam_row = authoring::publish(txn, exam_row, now).await.map_err(err)?;
    Ok((course, lessons, exam_row))
}

/// Seeds the course world; returns the certified trainee's certificate code.
pub(super) async fn seed(
    txn: &DatabaseTransaction,
    branches: &BTreeMap<&str, branch::Model>,
    people: &BTreeMap<String, user::Model>,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let (course, lessons, exam_row) = course_and_exam(txn, &[branches["BKK"].id, branches["HAN"].id], now).await?;

    let make_cohort = |code: &str, name: &str, names: serde_json::Value| cohort::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(branches[code].id),
        course_id: Set(course.id),
        name: Set(name.to_string()),
        names: Set(Some(names.to_string())),
        starts_on: Set(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default()),
        ends_on: Set(NaiveDate::from_ymd_opt(2026, 6, 26).unwrap_or_default()),
        capacity: Set(30),
        seats_taken: Set(0),
        status: Set(crate::cohorts::entity::Status::Open),
        created_at: Set(now),
        updated_at: Set(now),
        sponsor_id: Set(None),
    };
    // Each campus names its intake in its own language; the names of the
    // other languages are what a visitor from headquarters reads.
    let bkk_names = serde_json::json!({"th": "รุ่นที่ 1/2569", "en": "Intake 1/2026", "zh-CN": "2026年第1期", "vi": "Khóa 1/2026"});
    let han_names =
        serde_json::json!({"vi": "Lớp khóa tháng 3/2026", "en": "March 2026 intake", "zh-CN": "2026年3月班", "th": "รุ่นเดือนมีนาคม 2569"});
    let bkk = make_cohort("BKK", "รุ่นที่ 1/2569", bkk_names).insert(txn).await.map_err(err)?;
    let han = make_cohort("HAN", "Lớp khóa tháng 3/2026", han_names)
        .insert(txn)
        .await
        .map_err(err)?;

    let enrol = |cohort: &cohort::Model, email: &str| {
        let cohort = cohort.clone();
        let user_id = people[email].id;
        async move { crate::enrolments::service::enrol(txn, &cohort, user_id, now).await.map_err(err) }
    };
    let somchai = enrol(&bkk, "somchai@bkk.demo.zhijiang.localhost").await?;
    let malee = enrol(&bkk, "malee@bkk.demo.zhijiang.localhost").await?;
    enrol(&han, "minh@han.demo.zhijiang.localhost").await?;
    crate::progress::lesson_done(txn, &somchai, lessons[0].id, now).await.map_err(err)?;
    for lesson in &lessons {
        crate::progress::lesson_done(txn, &malee, lesson.id, now).await.map_err(err)?;
    }

    // The dealer and its people; Malee's practical sign-off comes first.
    super::industry::seed(txn, branches, people, course.id, now).await?;

    // Malee sits the exam and answers every question right: certified.
    let trainee = &people["malee@bkk.demo.zhijiang.localhost"];
    let caller = Caller {
        user_id: trainee.id,
        branch_id: branches["BKK"].id,
        branch_code: "BKK".into(),
        role: Role::Trainee,
        locale: Locale::Th,
        branch_default_locale: Locale::Th,
        session_id: None,
    };
    let (started, snapshot) = crate::progress::start_attempt(txn, &caller, &exam_row, now, true, caller.locale)
        .await
        .map_err(err)?;
    let attempt = match started {
        attempts::Started::New(a) | attempts::Started::Existing(a) => a,
    };
    for drawn in attempts::drawn(&attempt) {
        let question = snapshot.question(drawn.q).ok_or("drawn question missing")?;
        let ids: Vec<String> = question
            .correct
            .iter()
            .map(|i| attempts::option_ids_of(&attempt).id(question.id, *i))
            .collect();
        attempts::save_answer(txn, &attempt, question.id, &ids, now).await.map_err(err)?;
    }
    crate::progress::close_attempt(txn, attempt, now).await.map_err(err)?;
    let certificate = crate::certificates::service::for_user_course(txn, trainee.id, course.id)
        .await
        .map_err(err)?
        .ok_or("the demo trainee was not certified")?;
    Ok(certificate.code)
}
