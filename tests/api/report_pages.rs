//! Issue 18, charts: the printable report pages (`GET /api/v1/cohorts/{id}/report`,
//! `GET /api/v1/reports/overview`). The figures in their tables are the
//! JSON endpoints' figures; the scope is the JSON reports' scope; hostile
//! cohort names are escaped; and in Chromium, in all four locales, the
//! charts have a size, the page's language is right, the stylesheet
//! applies under the page's CSP, and Thai and Chinese text (headings and
//! SVG labels) is drawn with fonts that have the glyphs.

use crate::reports::{cohort, trainee};
use crate::support::answers::{current_version, graded_attempt};
use crate::support::catalogue::published_course;
use crate::support::exams::published_exam;
use crate::support::{Response, TestApp, World};
use serde_json::{Value, json};
use std::path::PathBuf;
use uuid::Uuid;
use zhijiang::i18n::{self, Locale};

/// The world of the completion report test, plus 40 English and 40 Thai
/// graded attempts on a BKK-1 enrolment where the Thai question 1 is
/// mostly wrong (it gets flagged). Course, exam, BKK-1, HAN-1.
async fn scenario(app: &TestApp, world: &World, bkk1_name: &str) -> (Value, String, String, String) {
    let course = published_course(app, &world.hq.token, "EV-HV-101", 1, &["BKK", "HAN"]).await;
    let exam = published_exam(app, &world.hq.token, course["id"].as_str().unwrap(), 4, false, false).await;
    let exam = exam["id"].as_str().unwrap().to_string();
    let bkk1 = cohort(app, &world.bkk_admin.token, "BKK", &course, bkk1_name).await;
    let bkk2 = cohort(app, &world.bkk_admin.token, "BKK", &course, "BKK-2").await;
    let han = cohort(app, &world.han_admin.token, "HAN", &course, "HAN-1").await;
    let mut n = 0;
    for (branch, admin, cohort, outcomes) in [
        (
            "BKK",
            &world.bkk_admin.token,
            &bkk1,
            vec!["passed", "passed", "failed", "withdrawn", "enrolled"],
        ),
        ("BKK", &world.bkk_admin.token, &bkk2, vec!["passed"]),
        ("HAN", &world.han_admin.token, &han, vec!["failed", "withdrawn"]),
    ] {
        for outcome in outcomes {
            n += 1;
            trainee(app, world, admin, branch, cohort, &course, &exam, n, outcome).await;
        }
    }
    let members = app
        .get(&format!("/api/v1/cohorts/{bkk1}/enrolments"))
        .token(&world.hq.token)
        .send()
        .await
        .json();
    let enrolment: Uuid = members["items"][0]["id"].as_str().unwrap().parse().unwrap();
    let exam_id: Uuid = exam.parse().unwrap();
    let version = current_version(app, exam_id).await;
    let bank = app.get(&format!("/api/v1/exams/{exam}")).token(&world.hq.token).send().await.json();
    let bank: Vec<(Uuid, String)> = bank["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().parse().unwrap(),
                serde_json::to_string(&q["correct"]).unwrap(),
            )
        })
        .collect();
    for locale in ["en", "th"] {
        for k in 0..40 {
            // Question 1: right from ability 3 (70 %), in Thai only from 8 (20 %).
            let from = if locale == "th" { 8 } else { 3 };
            let answers: Vec<(Uuid, String)> = bank
                .iter()
                .enumerate()
                .map(|(j, (id, key))| {
                    let right = k % 10 >= if j == 0 { from } else { 2 };
                    (*id, if right { key.clone() } else { "[]".into() })
                })
                .collect();
            graded_attempt(app, exam_id, version, enrolment, locale, f64::from(k % 10) / 2.0, &answers).await;
        }
    }
    (course, exam, bkk1, han)
}

/// The rows of the table `id` on a page: per row, the `data-value` of each
/// cell that has one.
fn table_values(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!(r#"<table id="{id}-table">"#))
        .unwrap_or_else(|| panic!("no table {id} in {html}"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = table.split("<tbody>").nth(1).unwrap();
    let value = regex::Regex::new(r#"data-value="([^"]*)""#).unwrap();
    body.split("<tr>")
        .skip(1)
        .map(|row| value.captures_iter(row).map(|c| c[1].to_string()).collect())
        .collect()
}

fn page(res: &Response, lang: &str) -> String {
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type").as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(res.header("content-language").as_deref(), Some(lang));
    let csp = res.header("content-security-policy").unwrap();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-") && !csp.contains("script"),
        "{csp}"
    );
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    let html = res.text();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains(&format!(r#"<html lang="{lang}">"#)));
    assert!(!html.contains("<script") && !html.contains(" style=") && !html.contains("src="));
    html
}

fn number(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if v.is_f64() => format!("{f}"),
        _ => v.to_string(),
    }
}

#[actix_rt::test]
async fn the_cohort_page_shows_the_json_figures_with_charts() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (_, exam, bkk1, _) = scenario(&app, &world, "BKK-1").await;

    for (token, lang) in [(&world.hq.token, "en"), (&world.bkk_admin.token, "th")] {
        let html = page(
            &app.get(&format!("/api/v1/cohorts/{bkk1}/report?lang={lang}"))
                .token(token)
                .send()
                .await,
            lang,
        );
        let locale = Locale::from_tag(lang).unwrap();
        assert!(html.contains(&i18n::t(locale, "chart-funnel-title", &[])));
        assert_eq!(html.matches(r#" class="chart" role="img""#).count(), 3, "funnel, weekly, items");

        // The funnel is the cohort summary's.
        let summary = app.get(&format!("/api/v1/cohorts/{bkk1}/summary")).token(token).send().await.json();
        let funnel = &summary["funnel"];
        let stages = ["enrolled", "started_lessons", "all_lessons", "sat_exam", "passed", "certified"];
        let shown: Vec<String> = table_values(&html, "funnel").iter().map(|r| r[0].clone()).collect();
        let expected: Vec<String> = stages.iter().map(|s| number(&funnel[s])).collect();
        assert_eq!(shown, expected);
        assert_eq!(expected, ["5", "3", "3", "3", "2", "2"], "{summary}");

        // Weekly activity, this week: 3 lessons, 3 real attempts and 80
        // staged ones, 3 trainees last seen.
        let weeks = table_values(&html, "weekly");
        assert_eq!(weeks.len(), 12);
        assert_eq!(weeks.last().unwrap()[1..], ["3", "83", "3"]);
        assert!(weeks[..11].iter().all(|w| w[1..] == ["0", "0", "0"]), "{weeks:?}");

        // Question difficulty per language: the BKK item statistics.
        let stats = app
            .get(&format!("/api/v1/exams/{exam}/item-statistics?branch=BKK"))
            .token(token)
            .send()
            .await
            .json();
        let items = table_values(&html, "items");
        assert_eq!(items.len(), 4);
        let mut flagged = 0;
        for (row, question) in items.iter().zip(stats["questions"].as_array().unwrap()) {
            let expected: Vec<String> = ["en", "th"]
                .iter()
                .map(|tag| {
                    let l = question["locales"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|l| l["locale"] == *tag)
                        .unwrap();
                    l["difficulty"].as_f64().map(|d| format!("{d}")).unwrap_or_default()
                })
                .collect();
            // A locale with too few answers would have an empty value.
            let shown: Vec<String> = row.iter().filter(|v| !v.is_empty()).cloned().collect();
            assert_eq!(shown, expected, "{question}");
            flagged += question["flagged_locales"].as_array().unwrap().len();
        }
        assert_eq!(flagged, 1, "Thai question 1");
        assert_eq!(html.matches(r#"class="n flagged""#).count(), 1);
        assert!(html.contains(&i18n::t(
            locale,
            "chart-flagged-value",
            &[("value", zhijiang_percent(locale, 0.2).into())]
        )));
    }
}

/// `66.7%` as the page writes it (CLDR digits through the catalogue).
fn zhijiang_percent(locale: Locale, share: f64) -> String {
    let figure = format!("{:.1}", share * 100.0);
    let value = match locale {
        Locale::Vi => figure.replace('.', ","),
        _ => figure,
    };
    i18n::t(locale, "chart-percent", &[("value", value.into())])
}

#[actix_rt::test]
async fn the_overview_compares_branches_like_the_grouped_report() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (course, _, _, _) = scenario(&app, &world, "BKK-1").await;
    let course_id = course["id"].as_str().unwrap();

    let html = page(
        &app.get(&format!("/api/v1/reports/overview?course_id={course_id}&lang=vi"))
            .token(&world.hq.token)
            .send()
            .await,
        "vi",
    );
    let grouped = app
        .get(&format!("/api/v1/reports/completion?group_by=branch&course_id={course_id}"))
        .token(&world.hq.token)
        .send()
        .await
        .json();
    let rows = table_values(&html, "branches");
    let json_rows = grouped["items"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for (row, r) in rows.iter().zip(json_rows) {
        let completion = r["completed"].as_f64().unwrap() / r["enrolled"].as_f64().unwrap();
        assert_eq!(
            row,
            &vec![
                number(&r["enrolled"]),
                number(&r["completed"]),
                format!("{completion}"),
                number(&r["examined"]),
                number(&r["passed"]),
                number(&r["pass_rate"]),
            ],
            "{r}"
        );
    }
    assert!(html.contains(">BKK</th>") && html.contains(">HAN</th>"));
    // Vietnamese digits: BKK passed 3 of 4 examined.
    assert!(html.contains(">75,0%<"), "{html}");
    // Weekly activity over every branch (UTC): 4 + 1 lessons, 5 + 80 attempts.
    let weeks = table_values(&html, "weekly");
    assert_eq!(weeks.last().unwrap()[1..], ["5", "85", "5"]);
    assert!(html.contains(r#"<table id="items-table">"#));
    assert_eq!(html.matches(r#" class="chart" role="img""#).count(), 3);

    // One branch: its own row only, and its zone.
    let html = page(
        &app.get("/api/v1/reports/overview?branch=HAN&lang=en")
            .token(&world.hq.token)
            .send()
            .await,
        "en",
    );
    assert_eq!(table_values(&html, "branches").len(), 1);
    assert!(html.contains("Asia/Ho_Chi_Minh"));
    assert!(html.contains(&i18n::t(Locale::En, "chart-items-choose-course", &[])));
}

#[actix_rt::test]
async fn the_pages_follow_the_report_scope() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK", "HAN"]).await;
    let bkk = cohort(&app, &world.bkk_admin.token, "BKK", &course, "BKK-1").await;
    let han = cohort(&app, &world.han_admin.token, "HAN", &course, "HAN-1").await;
    let get = |path: String, token: Option<String>| {
        let app = &app;
        async move {
            let call = app.get(&path);
            match token {
                Some(t) => call.token(&t).send().await,
                None => call.send().await,
            }
        }
    };
    // Own cohort: the page (with "no exam yet"); another branch's: 404 as if missing.
    let own = get(format!("/api/v1/cohorts/{bkk}/report"), Some(world.bkk_admin.token.clone())).await;
    let html = page(&own, "th");
    assert!(html.contains(&i18n::t(Locale::Th, "chart-no-exam", &[])));
    let other = get(format!("/api/v1/cohorts/{han}/report"), Some(world.bkk_admin.token.clone())).await;
    let missing = get(
        format!("/api/v1/cohorts/{}/report", Uuid::new_v4()),
        Some(world.bkk_admin.token.clone()),
    )
    .await;
    let (other, missing) = (other.problem(404, "not_found"), missing.problem(404, "not_found"));
    assert_eq!((&other["title"], &other["detail"]), (&missing["title"], &missing["detail"]));
    // Headquarters sees both.
    page(
        &get(format!("/api/v1/cohorts/{han}/report?lang=zh-CN"), Some(world.hq.token.clone())).await,
        "zh-CN",
    );
    // Trainees may not use either page; branch admins not the overview.
    get(format!("/api/v1/cohorts/{bkk}/report"), Some(world.bkk_trainee.token.clone()))
        .await
        .problem(403, "forbidden");
    get("/api/v1/reports/overview".into(), Some(world.bkk_trainee.token.clone()))
        .await
        .problem(403, "forbidden");
    get("/api/v1/reports/overview".into(), Some(world.bkk_admin.token.clone()))
        .await
        .problem(403, "forbidden");
    get(format!("/api/v1/cohorts/{bkk}/report"), None)
        .await
        .problem(401, "unauthenticated");
    get("/api/v1/reports/overview".into(), None).await.problem(401, "unauthenticated");
    // Bad parameters: one localized 422 naming each.
    let bad = get(
        "/api/v1/reports/overview?weeks=0&tz=Mars/Olympus&from=2026-13-01&lang=th".into(),
        Some(world.hq.token.clone()),
    )
    .await
    .problem(422, "validation_failed");
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["weeks", "tz", "from"], "{bad}");
    get(format!("/api/v1/cohorts/{bkk}/report?weeks=54"), Some(world.hq.token.clone()))
        .await
        .problem(422, "validation_failed");
    // An unknown branch is an empty overview, not an error.
    let html = page(
        &get(
            "/api/v1/reports/overview?branch=%3Cb%3E&lang=en".into(),
            Some(world.hq.token.clone()),
        )
        .await,
        "en",
    );
    assert!(table_values(&html, "branches").is_empty());
    assert!(html.contains("&lt;b&gt;") && !html.contains("<b>"));
}

#[actix_rt::test]
async fn hostile_cohort_names_are_escaped() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let name = r#"<script>alert("x")</script> & <svg onload=alert(1)> 'A'"#;
    let id = cohort(&app, &world.bkk_admin.token, "BKK", &course, name).await;
    // A translated name too, in the reader's language.
    let res = app
        .patch(&format!("/api/v1/cohorts/{id}"))
        .token(&world.bkk_admin.token)
        .json(json!({"names": {"zh-CN": "</title><h1>班</h1>"}}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Control characters never get stored, so never reach a page.
    let res = app
        .patch(&format!("/api/v1/cohorts/{id}"))
        .token(&world.bkk_admin.token)
        .json(json!({"name": "a\u{0}b\u{1b}c"}))
        .send()
        .await;
    assert_eq!(res.status, 422, "{}", res.text());

    let html = page(
        &app.get(&format!("/api/v1/cohorts/{id}/report?lang=en"))
            .token(&world.hq.token)
            .send()
            .await,
        "en",
    );
    assert!(!html.contains("<script") && !html.contains("<svg onload") && !html.contains("alert(1)>"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;svg onload=alert(1)&gt; &#39;A&#39;"));
    let html = page(
        &app.get(&format!("/api/v1/cohorts/{id}/report?lang=zh-CN"))
            .token(&world.hq.token)
            .send()
            .await,
        "zh-CN",
    );
    assert!(html.contains("&lt;/title&gt;&lt;h1&gt;班&lt;/h1&gt;"));
    assert_eq!(html.matches("<h1>").count(), 1);
    assert_eq!(html.matches("</title>").count(), 1 + html.matches("<title id=").count());
}

/// Where the browser test keeps its screenshots (as the pages tests do):
/// `ZHIJIANG_SCREENSHOT_DIR`, or `screenshots/` in Cargo's target directory.
fn screenshot_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("ZHIJIANG_SCREENSHOT_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("screenshots")
}

/// Opens `url` in Chromium with the bearer token (tests/support/report_page_browser.py).
async fn in_browser(url: String, token: &str, shot: PathBuf, texts: Vec<String>) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/report_page_browser.py");
    let token = token.to_string();
    let out = tokio::task::spawn_blocking(move || {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let mut command = std::process::Command::new(python);
        command.arg(script).args(["--url", &url, "--token", &token, "--shot"]).arg(&shot);
        for text in texts {
            command.args(["--text", &text]);
        }
        command
            .output()
            .expect("python3 with selenium is needed: pip install -r tests/requirements.txt")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "the browser run failed (Chromium and chromium-driver are needed: apt-get install chromium chromium-driver):\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[actix_rt::test]
async fn the_pages_render_in_a_real_browser_in_every_locale() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (course, _, bkk1, _) = scenario(&app, &world, "รุ่นที่ 1/2569 <ช่าง>").await;
    let course_id = course["id"].as_str().unwrap().to_string();
    let server = crate::support::serve(&app, listener);
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).unwrap();
    for locale in Locale::ALL {
        let tag = locale.as_str();
        for (page, path) in [
            ("cohort", format!("/api/v1/cohorts/{bkk1}/report?lang={tag}")),
            ("overview", format!("/api/v1/reports/overview?course_id={course_id}&lang={tag}")),
        ] {
            // A heading and an SVG legend label, each wholly in the page's script.
            let texts = vec![
                i18n::t(locale, "chart-weekly-title", &[]),
                i18n::t(locale, "chart-weekly-lessons", &[]),
            ];
            let shot = shots.join(format!("report-{page}-{tag}.png"));
            let seen = in_browser(
                format!("http://127.0.0.1:{port}{path}"),
                &world.hq.token,
                shot.clone(),
                texts.clone(),
            )
            .await;
            assert_eq!(seen["lang"], tag, "{seen}");
            let console: Vec<&Value> = seen["console"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| !m.as_str().unwrap().contains("favicon.ico"))
                .collect();
            assert!(console.is_empty(), "no CSP violation or error: {seen}");
            assert_eq!(seen["sheet_max_width"], "1152px", "the stylesheet applied under the CSP: {seen}");
            let charts = seen["charts"].as_array().unwrap();
            assert_eq!(charts.len(), 3, "{seen}");
            for chart in charts {
                assert!(
                    chart["width"].as_f64().unwrap() > 300.0 && chart["height"].as_f64().unwrap() > 100.0,
                    "{chart}"
                );
            }
            assert!(seen["chart_texts"].as_i64().unwrap() > 20, "labels are text: {seen}");
            assert_eq!(seen["tables"], 3, "{seen}");
            if page == "cohort" {
                assert!(seen["h1"].as_str().unwrap().contains("<ช่าง>"), "the name, as text: {seen}");
            }
            for text in &texts {
                let found = seen["fonts"][text].as_array().unwrap();
                let tags: Vec<&str> = found.iter().map(|f| f["tag"].as_str().unwrap()).collect();
                assert!(tags.contains(&"h2") || tags.contains(&"text"), "{text}: {seen}");
                for element in found {
                    let fonts = element["fonts"].as_array().unwrap();
                    assert!(!fonts.is_empty(), "{text}: {element}");
                    // Every font Chromium drew the text with has its glyphs: no tofu.
                    for font in fonts.iter().filter(|f| f["glyphs"].as_i64() > Some(0)) {
                        assert_eq!(font["covers"], true, "{tag} {text}: {font}");
                    }
                }
            }
            let png = std::fs::read(&shot).unwrap();
            assert!(
                png.starts_with(b"\x89PNG") && png.len() > 20_000,
                "a screenshot with charts ({} bytes)",
                png.len()
            );
        }
    }
    server.stop(true).await;
}
