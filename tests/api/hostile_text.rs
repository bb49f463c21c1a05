//! Issue 12, items 1, 10 and 15: one text policy for everything people type.
//! Control, format and separator characters, NUL, line breaks in single-line
//! fields and oversized values are refused on every writing route with a
//! 4xx problem naming the field; nothing is stored; the email worker keeps
//! delivering. Look-alike emails do not make separate accounts.

use crate::support::catalogue::published_course;
use crate::support::exams::published_exam;
use crate::support::smtp::SmtpSink;
use crate::support::world::PASSWORD;
use crate::support::{Response, TestApp, World};
use sea_orm::{FromQueryResult, JsonValue, Statement};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use zhijiang::notifications::worker::Worker;

/// Characters no stored text may contain (in the middle of a value, where
/// trimming cannot remove them).
const HOSTILE: &[&str] = &[
    "\u{0}",
    "\u{1}",
    "\u{1b}[2J",
    "\u{7f}",
    "\u{85}",
    "\u{9b}",
    "\u{202E}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{2066}",
    "\u{2028}",
    "\u{FFFE}",
    "\r",
];
/// Line breaks: refused only in single-line fields.
const BREAKS: &[&str] = &["\r\n", "\n"];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// A single line under the text policy: 422 naming the field.
    Line(usize),
    /// Multi-line text under the text policy.
    Body(usize),
    /// A value with a fixed format (code, date, locale, id...): any 4xx problem.
    Format,
}

struct Target {
    method: &'static str,
    path: String,
    token: Option<String>,
    /// A valid body; the hostile value replaces the string at `pointer`.
    body: Value,
    pointer: &'static str,
    /// The JSON path the problem must name.
    field: &'static str,
    kind: Kind,
}

fn target(
    method: &'static str,
    path: String,
    token: Option<&str>,
    body: Value,
    pointer: &'static str,
    field: &'static str,
    kind: Kind,
) -> Target {
    Target {
        method,
        path,
        token: token.map(str::to_string),
        body,
        pointer,
        field,
        kind,
    }
}

/// Every value a field is attacked with.
fn attacks(kind: Kind) -> Vec<String> {
    let mut values: Vec<String> = HOSTILE.iter().map(|c| format!("a{c}b")).collect();
    if !matches!(kind, Kind::Body(_)) {
        values.extend(BREAKS.iter().map(|c| format!("a{c}b")));
    }
    let max = match kind {
        Kind::Line(max) | Kind::Body(max) => max,
        Kind::Format => 10_000,
    };
    values.push("ก".repeat(max + 1));
    values
}

async fn send(app: &TestApp, t: &Target, body: Value) -> Response {
    let call = match t.method {
        "POST" => app.post(&t.path),
        "PUT" => app.put(&t.path),
        "PATCH" => app.patch(&t.path),
        other => panic!("{other}"),
    };
    let call = match &t.token {
        Some(token) => call.token(token),
        None => call,
    };
    call.json(body).send().await
}

/// Every table's rows, for "nothing was stored". The audit log is left out:
/// a CSV import whose every row fails still records that it ran.
async fn snapshot(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let tables = [
        "attempt_answers",
        "attempts",
        "branch_keys",
        "branches",
        "certificates",
        "cohorts",
        "course_offerings",
        "course_translations",
        "courses",
        "enrolments",
        "exam_translations",
        "exam_versions",
        "exams",
        "idempotency_keys",
        "invitations",
        "lesson_completions",
        "lesson_translations",
        "lessons",
        "outbox",
        "question_translations",
        "questions",
        "refresh_tokens",
        "users",
    ];
    let backend = app.state.db.get_database_backend();
    let mut out = Vec::new();
    for table in tables {
        let rows = JsonValue::find_by_statement(Statement::from_string(backend, format!("SELECT * FROM {table}")))
            .all(&app.state.db)
            .await
            .unwrap();
        let mut rows: Vec<String> = rows.iter().map(Value::to_string).collect();
        rows.sort();
        out.push((table.to_string(), rows));
    }
    out
}

async fn wait_for_messages(sink: &SmtpSink, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let messages = sink.messages();
        if messages.len() >= n {
            return messages;
        }
        assert!(Instant::now() < deadline, "expected {n} messages, got {}", messages.len());
        // Async sleep: the worker runs on this same runtime thread.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn csv_cell(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

#[actix_rt::test]
async fn hostile_text_is_refused_everywhere_and_email_keeps_flowing() {
    let sink_dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(sink_dir.path().to_path_buf());
    let url = sink.url();
    let app = TestApp::with_config(|c| {
        c.smtp_url = Some(url.into());
        c.worker_poll = Duration::from_millis(100);
    })
    .await;
    // The real worker loop, as `serve` runs it, for the whole attack.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(Worker::new(app.state.clone()).unwrap().run(stopped));
    let w = World::build(&app).await;
    let hq = w.hq.token.as_str();

    // Something of every kind to write to.
    let course = published_course(&app, hq, "EV-HV-101", 1, &["BKK"]).await;
    let course_id = course["id"].as_str().unwrap().to_string();
    let lesson_id = course["lessons"][0]["id"].as_str().unwrap().to_string();
    let exam = published_exam(&app, hq, &course_id, 1, false, false).await;
    let exam_id = exam["id"].as_str().unwrap().to_string();
    let draft = app
        .post(&format!("/api/v1/courses/{course_id}/exams"))
        .token(hq)
        .json(json!({"translations": {"en": {"title": "Draft"}}, "pass_mark_percent": 70, "time_limit_minutes": 30, "max_attempts": 2, "question_count": 1}))
        .send()
        .await;
    assert_eq!(draft.status, 201, "{}", draft.text());
    let draft_id = draft.json()["id"].as_str().unwrap().to_string();
    let question =
        json!({"kind": "single_choice", "points": 1, "translations": {"en": {"prompt": "Which?", "options": ["A", "B"]}}, "correct": [0]});
    let q = app
        .post(&format!("/api/v1/exams/{draft_id}/questions"))
        .token(hq)
        .json(question.clone())
        .send()
        .await;
    assert_eq!(q.status, 201, "{}", q.text());
    let question_id = q.json()["id"].as_str().unwrap().to_string();
    let cohort = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&w.bkk_admin.token)
        .json(json!({"course_id": course_id, "name": "C1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 30}))
        .send()
        .await;
    assert_eq!(cohort.status, 201, "{}", cohort.text());
    let cohort_id = cohort.json()["id"].as_str().unwrap().to_string();
    let organisation_id = crate::support::orgs::organisation(&app, &w.bkk_admin.token, "dealer", "BYD Bangna", None).await;
    let practical = json!({"required": false, "translations": {"en": {"title": "x"}}, "items": [{"translations": {"en": {"text": "x"}}}]});
    let enrolment = app
        .post(&format!("/api/v1/cohorts/{cohort_id}/enrolments"))
        .token(&w.bkk_admin.token)
        .json(json!({"user_id": w.bkk_trainee.id}))
        .send()
        .await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.text());
    let enrolment_id = enrolment.json()["id"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/enrolments/{enrolment_id}/lessons/{lesson_id}/complete"))
        .token(&w.bkk_trainee.token)
        .send()
        .await;
    let attempt = app
        .post(&format!("/api/v1/exams/{exam_id}/attempts"))
        .token(&w.bkk_trainee.token)
        .send()
        .await;
    assert!(attempt.status == 201 || attempt.status == 200, "{}", attempt.text());
    let attempt = attempt.json();
    let attempt_id = attempt["id"].as_str().unwrap().to_string();
    let attempt_question = attempt["questions"][0]["id"].as_str().unwrap().to_string();
    let certificate_id = uuid::Uuid::now_v7();

    use Kind::{Body, Format, Line};
    let lesson = json!({"translations": {"en": {"title": "T", "body": "B"}}});
    let new_course = json!({"code": "EV-NEW-1", "translations": {"en": {"title": "T", "summary": "S"}}, "lessons": [lesson.clone()]});
    let new_branch =
        json!({"code": "SGN", "country": "VN", "default_locale": "vi", "time_zone": "Asia/Ho_Chi_Minh", "names": {"en": "Saigon"}});
    let new_user = json!({"email": "new@bkk.test", "display_name": "New", "role": "trainee", "locale": "th"});
    let new_cohort = json!({"course_id": course_id, "name": "C2", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 5});
    let exam_body = json!({"translations": {"en": {"title": "T"}}, "pass_mark_percent": 70, "time_limit_minutes": 30, "max_attempts": 2, "question_count": 1});
    let login = json!({"branch": "BKK", "email": "somchai@bkk.test", "password": PASSWORD});
    let (bkk_admin, bkk_trainee) = (w.bkk_admin.token.as_str(), w.bkk_trainee.token.as_str());
    let c = |p: &str| format!("/api/v1/courses/{course_id}{p}");
    let targets = vec![
        target(
            "POST",
            "/api/v1/auth/login".into(),
            None,
            login.clone(),
            "/branch",
            "branch",
            Line(8),
        ),
        target(
            "POST",
            "/api/v1/auth/login".into(),
            None,
            login.clone(),
            "/email",
            "email",
            Line(254),
        ),
        target(
            "POST",
            "/api/v1/auth/refresh".into(),
            None,
            json!({"refresh_token": "x"}),
            "/refresh_token",
            "refresh_token",
            Line(256),
        ),
        target(
            "POST",
            "/api/v1/auth/logout".into(),
            None,
            json!({"refresh_token": "x"}),
            "/refresh_token",
            "refresh_token",
            Line(256),
        ),
        target(
            "POST",
            "/api/v1/auth/accept-invite".into(),
            None,
            json!({"token": "x", "password": PASSWORD}),
            "/token",
            "token",
            Line(256),
        ),
        target(
            "POST",
            "/api/v1/branches".into(),
            Some(hq),
            new_branch.clone(),
            "/names/en",
            "names.en",
            Line(200),
        ),
        target(
            "POST",
            "/api/v1/branches".into(),
            Some(hq),
            new_branch.clone(),
            "/code",
            "code",
            Format,
        ),
        target(
            "POST",
            "/api/v1/branches".into(),
            Some(hq),
            new_branch.clone(),
            "/country",
            "country",
            Format,
        ),
        target(
            "POST",
            "/api/v1/branches".into(),
            Some(hq),
            new_branch.clone(),
            "/time_zone",
            "time_zone",
            Format,
        ),
        target(
            "POST",
            "/api/v1/branches".into(),
            Some(hq),
            new_branch.clone(),
            "/default_locale",
            "default_locale",
            Format,
        ),
        target(
            "PATCH",
            "/api/v1/branches/BKK".into(),
            Some(hq),
            json!({"names": {"th": "x"}}),
            "/names/th",
            "names.th",
            Line(200),
        ),
        target(
            "PATCH",
            "/api/v1/branches/BKK".into(),
            Some(hq),
            json!({"country": "TH"}),
            "/country",
            "country",
            Format,
        ),
        target(
            "PATCH",
            "/api/v1/branches/BKK".into(),
            Some(hq),
            json!({"time_zone": "Asia/Bangkok"}),
            "/time_zone",
            "time_zone",
            Format,
        ),
        target(
            "POST",
            "/api/v1/branches/BKK/users".into(),
            Some(bkk_admin),
            new_user.clone(),
            "/email",
            "email",
            Line(254),
        ),
        target(
            "POST",
            "/api/v1/branches/BKK/users".into(),
            Some(bkk_admin),
            new_user.clone(),
            "/display_name",
            "display_name",
            Line(120),
        ),
        target(
            "POST",
            "/api/v1/branches/BKK/users".into(),
            Some(hq),
            new_user.clone(),
            "/role",
            "role",
            Format,
        ),
        target(
            "POST",
            "/api/v1/branches/BKK/users".into(),
            Some(hq),
            new_user.clone(),
            "/locale",
            "locale",
            Format,
        ),
        target(
            "PATCH",
            "/api/v1/users/me".into(),
            Some(bkk_trainee),
            json!({"display_name": "x"}),
            "/display_name",
            "display_name",
            Line(120),
        ),
        target(
            "PATCH",
            "/api/v1/users/me".into(),
            Some(bkk_trainee),
            json!({"locale": "th"}),
            "/locale",
            "locale",
            Format,
        ),
        target(
            "POST",
            "/api/v1/courses".into(),
            Some(hq),
            new_course.clone(),
            "/code",
            "code",
            Format,
        ),
        target(
            "POST",
            "/api/v1/courses".into(),
            Some(hq),
            new_course.clone(),
            "/translations/en/title",
            "translations.en.title",
            Line(200),
        ),
        target(
            "POST",
            "/api/v1/courses".into(),
            Some(hq),
            new_course.clone(),
            "/translations/en/summary",
            "translations.en.summary",
            Body(2_000),
        ),
        target(
            "POST",
            "/api/v1/courses".into(),
            Some(hq),
            new_course.clone(),
            "/lessons/0/translations/en/title",
            "lessons[0].translations.en.title",
            Line(200),
        ),
        target(
            "POST",
            "/api/v1/courses".into(),
            Some(hq),
            new_course.clone(),
            "/lessons/0/translations/en/body",
            "lessons[0].translations.en.body",
            Body(100_000),
        ),
        target("PATCH", c(""), Some(hq), json!({"code": "EV-X-1"}), "/code", "code", Format),
        target(
            "PATCH",
            c(""),
            Some(hq),
            json!({"source_locale": "en"}),
            "/source_locale",
            "source_locale",
            Format,
        ),
        target(
            "PUT",
            c("/translations/th"),
            Some(hq),
            json!({"title": "T", "summary": "S"}),
            "/title",
            "title",
            Line(200),
        ),
        target(
            "PUT",
            c("/translations/th"),
            Some(hq),
            json!({"title": "T", "summary": "S"}),
            "/summary",
            "summary",
            Body(2_000),
        ),
        target(
            "POST",
            c("/lessons"),
            Some(hq),
            lesson.clone(),
            "/translations/en/title",
            "translations.en.title",
            Line(200),
        ),
        target(
            "POST",
            c("/lessons"),
            Some(hq),
            lesson.clone(),
            "/translations/en/body",
            "translations.en.body",
            Body(100_000),
        ),
        target(
            "PUT",
            c(&format!("/lessons/{lesson_id}")),
            Some(hq),
            lesson.clone(),
            "/translations/en/title",
            "translations.en.title",
            Line(200),
        ),
        target(
            "PUT",
            c(&format!("/lessons/{lesson_id}")),
            Some(hq),
            lesson.clone(),
            "/translations/en/body",
            "translations.en.body",
            Body(100_000),
        ),
        target(
            "POST",
            c("/publish"),
            Some(hq),
            json!({"branches": ["HAN"]}),
            "/branches/0",
            "branches[0]",
            Format,
        ),
        target(
            "POST",
            c("/exams"),
            Some(hq),
            exam_body.clone(),
            "/translations/en/title",
            "translations.en.title",
            Line(200),
        ),
        target(
            "PATCH",
            format!("/api/v1/exams/{draft_id}"),
            Some(hq),
            json!({"translations": {"en": {"title": "T"}}}),
            "/translations/en/title",
            "translations.en.title",
            Line(200),
        ),
        target(
            "POST",
            format!("/api/v1/exams/{draft_id}/questions"),
            Some(hq),
            question.clone(),
            "/translations/en/prompt",
            "translations.en.prompt",
            Body(5_000),
        ),
        target(
            "POST",
            format!("/api/v1/exams/{draft_id}/questions"),
            Some(hq),
            question.clone(),
            "/translations/en/options/0",
            "translations.en.options[0]",
            Line(1_000),
        ),
        target(
            "POST",
            format!("/api/v1/exams/{draft_id}/questions"),
            Some(hq),
            question.clone(),
            "/kind",
            "kind",
            Format,
        ),
        target(
            "PUT",
            format!("/api/v1/exams/{draft_id}/questions/{question_id}"),
            Some(hq),
            question.clone(),
            "/translations/en/prompt",
            "translations.en.prompt",
            Body(5_000),
        ),
        target(
            "PUT",
            format!("/api/v1/exams/{draft_id}/questions/{question_id}"),
            Some(hq),
            question.clone(),
            "/translations/en/options/1",
            "translations.en.options[1]",
            Line(1_000),
        ),
        target(
            "PUT",
            format!("/api/v1/attempts/{attempt_id}/answers/{attempt_question}"),
            Some(bkk_trainee),
            json!({"selected": ["x"]}),
            "/selected/0",
            "selected",
            Format,
        ),
        target(
            "POST",
            "/api/v1/branches/BKK/cohorts".into(),
            Some(bkk_admin),
            new_cohort.clone(),
            "/name",
            "name",
            Line(120),
        ),
        target(
            "POST",
            "/api/v1/branches/BKK/cohorts".into(),
            Some(bkk_admin),
            new_cohort.clone(),
            "/starts_on",
            "starts_on",
            Format,
        ),
        target(
            "PATCH",
            format!("/api/v1/cohorts/{cohort_id}"),
            Some(bkk_admin),
            json!({"name": "x"}),
            "/name",
            "name",
            Line(120),
        ),
        target(
            "PATCH",
            format!("/api/v1/cohorts/{cohort_id}"),
            Some(bkk_admin),
            json!({"status": "open"}),
            "/status",
            "status",
            Format,
        ),
        target(
            "PATCH",
            format!("/api/v1/cohorts/{cohort_id}"),
            Some(bkk_admin),
            json!({"ends_on": "2026-07-01"}),
            "/ends_on",
            "ends_on",
            Format,
        ),
        target(
            "POST",
            format!("/api/v1/cohorts/{cohort_id}/enrolments"),
            Some(bkk_admin),
            json!({"user_id": "x"}),
            "/user_id",
            "user_id",
            Format,
        ),
        target(
            "POST",
            format!("/api/v1/certificates/{certificate_id}/revoke"),
            Some(hq),
            json!({"reason": "x"}),
            "/reason",
            "reason",
            Body(1_000),
        ),
        target(
            "POST",
            "/api/v1/organisations".into(),
            Some(hq),
            json!({"kind": "dealer", "name": "x"}),
            "/name",
            "name",
            Line(200),
        ),
        target(
            "PATCH",
            format!("/api/v1/organisations/{organisation_id}"),
            Some(bkk_admin),
            json!({"name": "x"}),
            "/name",
            "name",
            Line(200),
        ),
        target(
            "PUT",
            format!("/api/v1/courses/{course_id}/practical"),
            Some(hq),
            practical.clone(),
            "/translations/en/title",
            "translations.en",
            Line(200),
        ),
        target(
            "PUT",
            format!("/api/v1/courses/{course_id}/practical"),
            Some(hq),
            practical.clone(),
            "/items/0/translations/en/text",
            "items[0].translations.en",
            Line(500),
        ),
        target(
            "PUT",
            "/api/v1/users/me/talent-profile".into(),
            Some(bkk_trainee),
            json!({"published": true, "country": "TH", "languages": ["th"]}),
            "/languages/0",
            "languages[0]",
            Format,
        ),
    ];

    // Activity times of the setup's exam steps wait in memory for a batched
    // write (`enrolments::activity_buffer`); a read that shows activity
    // writes them now, so no late write lands between the snapshots.
    app.get("/api/v1/users/me/enrolments").token(&w.bkk_trainee.token).send().await;
    let before = snapshot(&app).await;
    let mut checked = 0;
    let _ = &organisation_id;
    for t in &targets {
        for value in attacks(t.kind) {
            let mut body = t.body.clone();
            *body.pointer_mut(t.pointer).unwrap_or_else(|| panic!("{} {}", t.path, t.pointer)) = json!(value);
            let res = send(&app, t, body).await;
            let shown: String = value.chars().take(12).collect();
            let at = format!("{} {} {} = {shown:?}", t.method, t.path, t.field);
            assert!((400..500).contains(&res.status), "{at}: {} {}", res.status, res.text());
            assert_eq!(res.header("content-type").as_deref(), Some("application/problem+json"), "{at}");
            let doc = res.json();
            assert!(doc["code"].as_str().is_some_and(|c| !c.is_empty()), "{at}: {doc}");
            if t.kind != Format {
                assert_eq!(res.status, 422, "{at}: {doc}");
                let errors = doc["errors"].as_array().unwrap_or_else(|| panic!("{at}: {doc}"));
                assert!(
                    errors
                        .iter()
                        .any(|e| e["field"] == t.field && (e["code"] == "invalid_characters" || e["code"] == "too_long")),
                    "{at}: {doc}"
                );
            }
            checked += 1;
        }
    }
    // Texts that reach the database only as lookups: paths and filters.
    for path in [
        "/api/v1/branches/B%00K".to_string(),
        "/api/v1/branches/B%00K/users".into(),
        "/api/v1/branches/B%00K/cohorts".into(),
        "/api/v1/certificates?branch=B%00K".into(),
        "/api/v1/audit?record_type=a%00b".into(),
        "/api/v1/audit?action=a%E2%80%AEb".into(),
        "/api/v1/reports/talent-pool?country=T%00".into(),
        "/api/v1/reports/completion?branch=B%00K".into(),
        "/verify/AB%00C".into(),
    ] {
        let res = app.get(&path).token(hq).header("Accept", "application/json").send().await;
        assert!(res.status < 500, "{path}: {} {}", res.status, res.text());
        checked += 1;
    }
    // CSV cells: each bad row is reported with a code naming its column, and
    // nothing of it is stored.
    for (column, kinds) in [("email", Line(254)), ("display_name", Line(120)), ("locale", Format)] {
        for value in attacks(kinds) {
            let cells = match column {
                "email" => [value.clone(), "Lan".into(), "th".into()],
                "display_name" => ["lan@bkk.test".into(), value.clone(), "th".into()],
                _ => ["lan@bkk.test".into(), "Lan".into(), value.clone()],
            };
            let csv = format!("email,display_name,locale\n{}\n", cells.map(|c| csv_cell(&c)).join(","));
            let res = app
                .post(&format!("/api/v1/cohorts/{cohort_id}/enrolments/import"))
                .token(bkk_admin)
                .body("text/csv", csv)
                .send()
                .await;
            let at = format!("CSV {column} = {:?}", value.chars().take(12).collect::<String>());
            if res.status == 200 {
                let report = res.json();
                assert_eq!(
                    (report["created"].as_u64(), report["enrolled"].as_u64()),
                    (Some(0), Some(0)),
                    "{at}: {report}"
                );
                let code = report["failed"][0]["code"].as_str().unwrap_or_default().to_string();
                assert!(
                    code.contains(column) || (column == "locale" && code == "unknown_locale"),
                    "{at}: {report}"
                );
            } else {
                assert!((400..500).contains(&res.status), "{at}: {}", res.text());
                assert_eq!(res.header("content-type").as_deref(), Some("application/problem+json"), "{at}");
            }
            checked += 1;
        }
    }
    assert!(checked > 700, "{checked}");
    let after = snapshot(&app).await;
    for ((table, rows_before), (_, rows_after)) in before.iter().zip(after.iter()) {
        assert_eq!(rows_before, rows_after, "{table} changed");
    }

    // The worker lived through it and delivers a legitimate email.
    assert!(!worker.is_finished(), "the outbox worker died");
    let res = app
        .post("/api/v1/branches/BKK/users")
        .token(bkk_admin)
        .json(json!({"email": "lan@bkk.test", "display_name": "ลัน ใจดี", "role": "trainee", "locale": "th"}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let messages = wait_for_messages(&sink, 1).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["rcpt_tos"][0], "lan@bkk.test");
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), worker).await.unwrap().unwrap();
}

#[actix_rt::test]
async fn look_alike_emails_are_one_account_or_refused() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let create = |email: &'static str| {
        let app = &app;
        let token = w.hq.token.clone();
        async move {
            app.post("/api/v1/branches/BKK/users")
                .token(&token)
                .json(json!({"email": email, "display_name": "Look-alike", "role": "trainee", "locale": "th", "password": PASSWORD}))
                .send()
                .await
        }
    };
    // Fullwidth letters and upper case fold onto the existing somchai@bkk.test.
    create("ｓｏｍｃｈａｉ@ｂｋｋ.ｔｅｓｔ").await.problem(409, "email_taken");
    create("SOMCHAI@BKK.TEST").await.problem(409, "email_taken");
    // Invisible characters and a Cyrillic о are refused, naming the field.
    for (email, code) in [
        ("som\u{200B}chai@bkk.test", "invalid_characters"),
        ("\u{FEFF}somchai@bkk.test", "invalid_characters"),
        ("somchai\u{200D}@bkk.test", "invalid_characters"),
        ("s\u{043E}mchai@bkk.test", "mixed_scripts"),
    ] {
        let doc = create(email).await.problem(422, "validation_failed");
        assert_eq!(doc["errors"][0]["field"], "email", "{doc}");
        assert_eq!(doc["errors"][0]["code"], code, "{email:?}: {doc}");
    }
    // A decomposed (NFD) accent is the same address as the composed one.
    let first = create("andr\u{E9}@bkk.test").await;
    assert_eq!(first.status, 201, "{}", first.text());
    create("andre\u{301}@bkk.test").await.problem(409, "email_taken");
    // An over-long address is refused with its limit.
    let long = Box::leak(format!("{}@bkk.test", "a".repeat(250)).into_boxed_str());
    let doc = create(long).await.problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "too_long", "{doc}");
    // Whoever signs in with a look-alike of their own address gets in.
    app.login("BKK", "ＳＯＭＣＨＡＩ@bkk.test", PASSWORD).await;
    // A single-script address in another alphabet is fine.
    assert_eq!(create("สมชาย@bkk.test").await.status, 201);
    // The CSV import matches look-alikes to the existing trainee.
    let course = published_course(&app, &w.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let cohort = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&w.bkk_admin.token)
        .json(json!({"course_id": course["id"], "name": "C1", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": 30}))
        .send()
        .await
        .json();
    let csv = "email,display_name,locale\nｓｏｍｃｈａｉ@bkk.test,Somchai,th\nsom\u{200B}chai@bkk.test,Somchai,th\ns\u{043E}mchai@bkk.test,Somchai,th\n";
    let res = app
        .post(&format!("/api/v1/cohorts/{}/enrolments/import", cohort["id"].as_str().unwrap()))
        .token(&w.bkk_admin.token)
        .body("text/csv", csv)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let report = res.json();
    assert_eq!(report["created"], 0, "{report}");
    assert_eq!(report["enrolled"], 1, "{report}");
    let codes: Vec<&str> = report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["email_invalid_characters", "email_mixed_scripts"], "{report}");
}

#[actix_rt::test]
async fn legitimate_text_is_kept_as_written() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    // Names in each language, and ZWNJ inside a Persian word.
    for name in ["สมชาย ใจดี", "Nguyễn Văn Minh", "王小明", "می\u{200C}خواهم"] {
        let res = app
            .patch("/api/v1/users/me")
            .token(&w.bkk_trainee.token)
            .json(json!({"display_name": format!("  {name} ")}))
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.json()["display_name"], name);
    }
    // Markdown bodies keep newlines and tabs; CRLF is stored as LF.
    let course = published_course(&app, &w.hq.token, "EV-HV-101", 1, &[]).await;
    let res = app
        .post(&format!("/api/v1/courses/{}/lessons", course["id"].as_str().unwrap()))
        .token(&w.hq.token)
        .json(json!({"translations": {"en": {"title": "Torque", "body": "# Steps\r\n\n\t1. Isolate\r\n"}}}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let lesson = res.json();
    let body = lesson["body"]
        .as_str()
        .or(lesson["translations"]["en"]["body"].as_str())
        .unwrap_or_default();
    assert_eq!(body, "# Steps\n\n\t1. Isolate\n", "{lesson}");
}
