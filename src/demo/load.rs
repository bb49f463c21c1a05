//! `zhijiang admin seed-load`: a large world for benchmarks — branches, the
//! demo course and exam offered to all of them, one cohort per branch, and
//! trainees who all share one password (hashed once, so seeding 100,000
//! people takes seconds, not hours). Optionally with results: some trainees
//! completed and certified, some failed, some withdrawn; and optionally
//! with answers: every attempt a real draw and answer sheet (see `answers`).

use super::content::course_and_exam;
use crate::audit::Author;
use crate::branches::service::{self as branches, NewBranch};
use crate::certificates::entity as certificate;
use crate::cohorts::entity as cohort;
use crate::command::Command;
use crate::enrolments::entity as enrolment;
use crate::exams::attempt_entity as attempt;
use crate::i18n::Locale;
use crate::num::to_i32;
use crate::state::AppState;
use crate::tenancy::Role;
use crate::users::entity as user;
use crate::users::password;
use chrono::Duration;
use rand::Rng;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

const BATCH: usize = 1_000;

#[derive(Serialize)]
pub(crate) struct LoadWorld {
    pub branches: Vec<String>,
    pub course_id: Uuid,
    pub exam_id: Uuid,
    pub trainees: usize,
    /// `t{n}@{branch}.load.test`, n from 0, for each branch (lower-case code).
    pub email_pattern: &'static str,
    pub password: String,
}

pub(crate) async fn seed_load(
    state: &AppState,
    branch_count: usize,
    per_branch: usize,
    password_text: &str,
    with_results: bool,
    with_answers: bool,
) -> Result<LoadWorld, String> {
    let with_results = with_results || with_answers;
    let err = |e: sea_orm::DbErr| e.to_string();
    let now = state.clock.now();
    let hash = password::hash(password_text);
    // The command line acts for nobody in particular; seeding writes no audit entry.
    let cmd = Command::begin_as(state, Author::default()).await.map_err(err)?;
    let txn = cmd.txn();
    let mut codes = Vec::new();
    let mut branch_rows = Vec::new();
    for i in 0..branch_count {
        let code = format!("L{:02}", i + 1);
        let names = BTreeMap::from([(Locale::En, format!("Load test campus {}", i + 1))]);
        let new = NewBranch {
            code: code.clone(),
            country: ["TH", "VN", "ID", "MY"][i % 4].into(),
            default_locale: [Locale::Th, Locale::Vi, Locale::En, Locale::En][i % 4],
            time_zone: "Asia/Bangkok".into(),
            names,
        };
        let row = branches::insert(state, txn, new, now).await.map_err(|e| e.to_string())?;
        codes.push(code);
        branch_rows.push(row);
    }
    let ids: Vec<Uuid> = branch_rows.iter().map(|b| b.id).collect();
    let (course, lessons, exam) = course_and_exam(txn, &ids, now).await?;
    let snapshot = match (with_answers, exam.current_version_id) {
        (true, Some(version)) => crate::exams::authoring::snapshot(txn, version).await.map_err(err)?,
        _ => None,
    };
    let mut rng = rand::thread_rng();
    let mut trainees = 0;
    for branch in &branch_rows {
        let cohort = cohort::ActiveModel {
            id: Set(Uuid::now_v7()),
            branch_id: Set(branch.id),
            course_id: Set(course.id),
            name: Set(format!("{} load cohort", branch.code)),
            names: Set(None),
            starts_on: Set(now.date_naive()),
            ends_on: Set((now + Duration::days(90)).date_naive()),
            capacity: Set(to_i32(per_branch)),
            seats_taken: Set(to_i32(per_branch)),
            status: Set(crate::cohorts::entity::Status::Open),
            created_at: Set(now),
            updated_at: Set(now),
            sponsor_id: Set(None),
        }
        .insert(txn)
        .await
        .map_err(err)?;
        let mut users = Vec::with_capacity(BATCH);
        let mut enrolments = Vec::with_capacity(BATCH);
        let mut completions = Vec::new();
        let mut attempts = Vec::new();
        let mut certificates = Vec::new();
        let mut answers = Vec::new();
        for n in 0..per_branch {
            let user_id = Uuid::now_v7();
            let email = format!("t{n}@{}.load.test", branch.code.to_lowercase());
            users.push(user::ActiveModel {
                id: Set(user_id),
                branch_id: Set(branch.id),
                search_key: Set(Some(crate::text::search::user_key(
                    &format!("Trainee {n} of {}", branch.code),
                    &email,
                ))),
                email_normalized: Set(email.clone()),
                email: Set(email),
                display_name: Set(format!("Trainee {n} of {}", branch.code)),
                role: Set(Role::Trainee),
                locale: Set(branch.default_locale.clone()),
                password_hash: Set(Some(hash.clone())),
                status: Set(crate::users::service::ACTIVE),
                tokens_valid_after: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            });
            // Results: 40 % certified, 15 % failed the exam, 10 % withdrawn, the rest active.
            let fate: f64 = if with_results { rng.r#gen() } else { 1.0 };
            let enrolled_at = now - Duration::days(rng.gen_range(10..120));
            let enrolment_id = Uuid::now_v7();
            let status = if fate < 0.40 {
                enrolment::Status::Completed
            } else if fate < 0.55 {
                enrolment::Status::Active
            } else if fate < 0.65 {
                enrolment::Status::Withdrawn
            } else {
                enrolment::Status::Active
            };
            enrolments.push(enrolment::ActiveModel {
                id: Set(enrolment_id),
                cohort_id: Set(cohort.id),
                branch_id: Set(branch.id),
                course_id: Set(course.id),
                user_id: Set(user_id),
                status: Set(status),
                enrolled_at: Set(enrolled_at),
                completed_at: Set((fate < 0.40).then_some(now)),
                withdrawn_at: Set((0.55..0.65).contains(&fate).then_some(now)),
                updated_at: Set(now),
                last_activity_at: Set((fate < 0.55).then_some(now)),
                lessons_done: Set(if fate < 0.40 { crate::num::to_i32(lessons.len()) } else { 0 }),
                graded_attempts: Set(0),
                best_percent: Set(None),
                exam_passed: Set(false),
                late_synced_attempts: Set(0),
            });
            if fate < 0.55 {
                if fate < 0.40 {
                    for l in &lessons {
                        completions.push(crate::enrolments::completion_entity::ActiveModel {
                            id: Set(Uuid::now_v7()),
                            enrolment_id: Set(enrolment_id),
                            lesson_id: Set(l.id),
                            completed_at: Set(now),
                        });
                    }
                }
                let passed = fate < 0.40;
                let percent = if passed {
                    rng.gen_range(70.0..100.0)
                } else {
                    rng.gen_range(10.0..69.0)
                };
                let submitted = enrolled_at + Duration::days(rng.gen_range(5..40));
                let attempt_id = Uuid::now_v7();
                let locale = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
                let sheet = snapshot.as_deref().map(|s| super::answers::sheet(s, locale, passed, &mut rng));
                let (score, max_score, percent) = match &sheet {
                    Some(sheet) => (sheet.grade.score, sheet.grade.max_score, sheet.grade.percent),
                    None => (percent / 20.0, 5.0, (percent * 10.0f64).round() / 10.0),
                };
                // The exam results kept on the enrolment (see `exams::results`).
                if let Some(e) = enrolments.last_mut() {
                    e.graded_attempts = Set(1);
                    e.best_percent = Set(Some(percent));
                    e.exam_passed = Set(passed);
                }
                for (question_id, selected) in sheet.iter().flat_map(|s| s.answers.iter()) {
                    answers.push(crate::exams::answer_entity::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        attempt_id: Set(attempt_id),
                        question_id: Set(*question_id),
                        selected: Set(selected.clone()),
                        updated_at: Set(submitted),
                        seq: Set(0),
                        answered_at: Set(Some(submitted - Duration::minutes(1))),
                        late_synced: Set(false),
                    });
                }
                attempts.push(attempt::ActiveModel {
                    id: Set(attempt_id),
                    exam_id: Set(exam.id),
                    version_id: Set(exam.current_version_id.unwrap_or_default()),
                    user_id: Set(user_id),
                    branch_id: Set(branch.id),
                    course_id: Set(course.id),
                    enrolment_id: Set(enrolment_id),
                    attempt_number: Set(1),
                    status: Set(crate::exams::attempt_entity::Status::Submitted),
                    started_at: Set(submitted - Duration::minutes(20)),
                    deadline: Set(submitted + Duration::minutes(10)),
                    submitted_at: Set(Some(submitted)),
                    draw: Set(sheet.map(|s| s.draw).unwrap_or_else(|| "[]".into())),
                    score: Set(Some(score)),
                    max_score: Set(Some(max_score)),
                    percent: Set(Some(percent)),
                    passed: Set(Some(passed)),
                    certificate_id: Set(None),
                    option_key: Set(None),
                    grace_ends_at: Set(Some(
                        submitted + Duration::minutes(10 + i64::from(crate::exams::attempts::DEFAULT_SYNC_GRACE_MINUTES)),
                    )),
                    late_synced: Set(false),
                    updated_at: Set(now),
                    locale: Set(Some(branch.default_locale.clone())),
                });
                if passed {
                    certificates.push(certificate::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        code: Set(crate::certificates::code::new_code(&branch.code)),
                        user_id: Set(user_id),
                        branch_id: Set(branch.id),
                        course_id: Set(course.id),
                        enrolment_id: Set(enrolment_id),
                        holder_name: Set(format!("Trainee {n} of {}", branch.code)),
                        issued_at: Set(submitted),
                        status: Set(crate::certificates::entity::Status::Valid),
                        revoked_at: Set(None),
                        revoked_reason: Set(None),
                        updated_at: Set(now),
                        ..Default::default()
                    });
                }
            }
            trainees += 1;
            if users.len() >= BATCH || n + 1 == per_branch {
                user::Entity::insert_many(std::mem::take(&mut users))
                    .exec_without_returning(txn)
                    .await
                    .map_err(err)?;
                enrolment::Entity::insert_many(std::mem::take(&mut enrolments))
                    .exec_without_returning(txn)
                    .await
                    .map_err(err)?;
                for chunk in std::mem::take(&mut completions).chunks(BATCH) {
                    crate::enrolments::completion_entity::Entity::insert_many(chunk.to_vec())
                        .exec_without_returning(txn)
                        .await
                        .map_err(err)?;
                }
                for chunk in std::mem::take(&mut attempts).chunks(BATCH) {
                    attempt::Entity::insert_many(chunk.to_vec())
                        .exec_without_returning(txn)
                        .await
                        .map_err(err)?;
                }
                for chunk in std::mem::take(&mut answers).chunks(BATCH) {
                    crate::exams::answer_entity::Entity::insert_many(chunk.to_vec())
                        .exec_without_returning(txn)
                        .await
                        .map_err(err)?;
                }
                for chunk in std::mem::take(&mut certificates).chunks(BATCH) {
                    certificate::Entity::insert_many(chunk.to_vec())
                        .exec_without_returning(txn)
                        .await
                        .map_err(err)?;
                }
            }
        }
    }
    cmd.commit().await.map_err(err)?;
    Ok(LoadWorld {
        branches: codes,
        course_id: course.id,
        exam_id: exam.id,
        trainees,
        email_pattern: "t{n}@{branch}.load.test",
        password: password_text.to_string(),
    })
}
