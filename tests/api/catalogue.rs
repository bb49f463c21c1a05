//! Issue 5: the course catalogue.

use crate::support::catalogue::published_course;
use crate::support::{TestApp, World};
use serde_json::{Value, json};

const LOCALES: [&str; 4] = ["zh-CN", "en", "th", "vi"];

/// What API.md says a field should be served in (then any other locale).
fn expected(present: &[&str], requested: &str, default: &str) -> &'static str {
    for l in [requested, default, "en", "zh-CN", "th", "vi"] {
        if present.contains(&l) {
            return LOCALES.iter().find(|x| **x == l).unwrap();
        }
    }
    unreachable!()
}

#[actix_rt::test]
async fn per_field_fallback_for_every_combination() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    // Every non-empty subset of locales has a title; summaries exist only in the first locale of the subset.
    for mask in 1u8..16 {
        let present: Vec<&str> = LOCALES
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, l)| *l)
            .collect();
        let mut translations = serde_json::Map::new();
        for (i, l) in present.iter().enumerate() {
            let summary = if i == 0 { format!("summary-{l}") } else { String::new() };
            translations.insert(l.to_string(), json!({"title": format!("title-{l}"), "summary": summary}));
        }
        let res = app
            .post("/api/v1/courses")
            .token(&world.hq.token)
            .json(json!({"code": format!("FB-{mask}"), "translations": translations, "lessons": [{"translations": {present[0]: {"title": "L", "body": "b"}}}]}))
            .send()
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let id = res.json()["id"].as_str().unwrap().to_string();
        app.post(&format!("/api/v1/courses/{id}/publish"))
            .token(&world.hq.token)
            .json(json!({"branches": ["BKK"]}))
            .send()
            .await;
        // HQ's default is zh-CN; BKK's is th.
        for (token, default) in [(&world.hq.token, "zh-CN"), (&world.bkk_trainee.token, "th")] {
            for requested in LOCALES {
                let res = app
                    .get(&format!("/api/v1/courses/{id}"))
                    .token(token)
                    .header("Accept-Language", requested)
                    .send()
                    .await;
                assert_eq!(res.status, 200, "{}", res.text());
                let body = res.json();
                let want = expected(&present, requested, default);
                assert_eq!(
                    body["locale"], want,
                    "present {present:?}, requested {requested}, default {default}"
                );
                assert_eq!(body["title"], format!("title-{want}"));
                assert_eq!(body["field_locales"]["summary"], present[0], "summary falls back on its own");
                assert_eq!(body["summary"], format!("summary-{}", present[0]));
                assert_eq!(res.header("content-language").as_deref(), Some(requested));
            }
        }
    }
}

#[actix_rt::test]
async fn accept_language_q_values_and_aliases_pick_the_text() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 2, &["BKK", "HAN"]).await;
    let id = course["id"].as_str().unwrap();
    for (header, locale) in [
        ("zh-Hans", "zh-CN"),
        ("th-TH", "th"),
        ("vi-VN", "vi"),
        ("en-GB", "en"),
        ("fr, vi;q=0.3, th;q=0.7", "th"),
        ("de", "th"),
    ] {
        let body = app
            .get(&format!("/api/v1/courses/{id}"))
            .token(&world.bkk_trainee.token)
            .header("Accept-Language", header)
            .send()
            .await
            .json();
        assert_eq!(body["locale"], locale, "{header}");
        assert_eq!(body["lessons"][0]["locale"], locale);
    }
    // ?lang= wins; lessons come in order.
    let body = app
        .get(&format!("/api/v1/courses/{id}?lang=vi"))
        .token(&world.han_trainee.token)
        .header("Accept-Language", "th")
        .send()
        .await
        .json();
    assert_eq!(body["title"], "An toàn điện cao áp xe điện");
    let positions: Vec<i64> = body["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, vec![1, 2]);
    assert!(body.get("translations").is_none(), "editors' data is for headquarters");
}

#[actix_rt::test]
async fn branches_see_only_what_is_offered_to_them() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let draft = published_course(&app, &world.hq.token, "EV-BAT-201", 1, &[]).await;
    let draft_id = draft["id"].as_str().unwrap();
    let bkk_only = published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let bkk_id = bkk_only["id"].as_str().unwrap();
    let codes = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        codes(app.get("/api/v1/courses").token(&world.hq.token).send().await.json()).len(),
        2
    );
    assert_eq!(
        codes(app.get("/api/v1/courses").token(&world.bkk_trainee.token).send().await.json()),
        vec!["EV-HV-101"]
    );
    assert_eq!(
        codes(app.get("/api/v1/courses").token(&world.bkk_admin.token).send().await.json()),
        vec!["EV-HV-101"]
    );
    assert!(codes(app.get("/api/v1/courses").token(&world.han_admin.token).send().await.json()).is_empty());
    app.get(&format!("/api/v1/courses/{bkk_id}"))
        .token(&world.han_trainee.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/courses/{draft_id}"))
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(404, "not_found");
    assert_eq!(
        app.get(&format!("/api/v1/courses/{draft_id}"))
            .token(&world.hq.token)
            .send()
            .await
            .status,
        200
    );
    // Only headquarters edits.
    app.put(&format!("/api/v1/courses/{bkk_id}/translations/th"))
        .token(&world.bkk_admin.token)
        .json(json!({"title": "x", "summary": ""}))
        .send()
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/courses")
        .token(&world.bkk_admin.token)
        .json(json!({"code": "X1", "translations": {"en": {"title": "x"}}}))
        .send()
        .await
        .problem(403, "forbidden");
    // Publishing to HAN later makes it visible there.
    app.post(&format!("/api/v1/courses/{bkk_id}/publish"))
        .token(&world.hq.token)
        .json(json!({"branches": ["HAN"]}))
        .send()
        .await;
    assert_eq!(
        app.get(&format!("/api/v1/courses/{bkk_id}"))
            .token(&world.han_trainee.token)
            .send()
            .await
            .status,
        200
    );
    let detail = app
        .get(&format!("/api/v1/courses/{bkk_id}"))
        .token(&world.hq.token)
        .send()
        .await
        .json();
    assert_eq!(detail["branches"], json!(["BKK", "HAN"]));
}

#[actix_rt::test]
async fn etags_answer_304_until_something_changes() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let id = course["id"].as_str().unwrap();
    let t = &world.bkk_trainee.token;
    for path in [format!("/api/v1/courses/{id}"), "/api/v1/courses".to_string()] {
        let first = app.get(&path).token(t).send().await;
        let etag = first.header("etag").expect("etag");
        let again = app.get(&path).token(t).header("If-None-Match", &etag).send().await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        let other_language = app
            .get(&path)
            .token(t)
            .header("Accept-Language", "vi")
            .header("If-None-Match", &etag)
            .send()
            .await;
        assert_eq!(other_language.status, 200, "each language has its own validator");
        app.put(&format!("/api/v1/courses/{id}/translations/th"))
            .token(&world.hq.token)
            .json(json!({"title": format!("ใหม่ {path}"), "summary": "สรุป"}))
            .send()
            .await;
        let changed = app.get(&path).token(t).header("If-None-Match", &etag).send().await;
        assert_eq!(changed.status, 200, "{path} after an edit");
        assert_ne!(changed.header("etag"), Some(etag));
    }
    let gz = app.get("/api/v1/courses").token(t).header("Accept-Encoding", "gzip").send().await;
    assert_eq!(gz.header("content-encoding").as_deref(), Some("gzip"));
}

#[actix_rt::test]
async fn translation_status_tracks_missing_and_outdated_texts() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let hq = &world.hq.token;
    let res = app
        .post("/api/v1/courses")
        .token(hq)
        .json(json!({"code": "EV-CHG-301", "source_locale": "zh-CN",
            "translations": {"zh-CN": {"title": "充电设施", "summary": "直流快充"}, "en": {"title": "Charging", "summary": "DC fast charging"}},
            "lessons": [{"translations": {"zh-CN": {"title": "第一课", "body": "内容"}, "en": {"title": "Lesson one", "body": "Content"}}}]}))
        .send()
        .await;
    let id = res.json()["id"].as_str().unwrap().to_string();
    let status = |v: &Value, l: &str| v["locales"].as_array().unwrap().iter().find(|s| s["locale"] == l).unwrap().clone();
    let s = app
        .get(&format!("/api/v1/courses/{id}/translation-status"))
        .token(hq)
        .send()
        .await
        .json();
    assert_eq!(s["source_locale"], "zh-CN");
    assert_eq!(status(&s, "en")["complete"], true);
    assert_eq!(status(&s, "zh-CN")["complete"], true);
    let th = status(&s, "th");
    assert_eq!(
        th["missing"].as_array().unwrap().len(),
        4,
        "course title+summary, lesson title+body: {th}"
    );
    // The source changes: the English text becomes outdated.
    app.clock_tick();
    app.put(&format!("/api/v1/courses/{id}/translations/zh-CN"))
        .token(hq)
        .json(json!({"title": "充电基础设施", "summary": "直流快充与交流慢充"}))
        .send()
        .await;
    let s = app
        .get(&format!("/api/v1/courses/{id}/translation-status"))
        .token(hq)
        .send()
        .await
        .json();
    let en = status(&s, "en");
    assert_eq!(en["complete"], false);
    assert_eq!(en["outdated"].as_array().unwrap().len(), 2, "{en}");
    assert_eq!(en["outdated"][0]["kind"], "course");
    app.clock_tick();
    app.put(&format!("/api/v1/courses/{id}/translations/en"))
        .token(hq)
        .json(json!({"title": "Charging infrastructure", "summary": "DC and AC charging"}))
        .send()
        .await;
    let s = app
        .get(&format!("/api/v1/courses/{id}/translation-status"))
        .token(hq)
        .send()
        .await
        .json();
    assert_eq!(status(&s, "en")["complete"], true);
    app.get(&format!("/api/v1/courses/{id}/translation-status"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .problem(403, "forbidden");
}

#[actix_rt::test]
async fn bad_catalogue_input_gets_localized_field_errors() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let hq = &world.hq.token;
    let res = app
        .post("/api/v1/courses")
        .token(hq)
        .header("Accept-Language", "vi")
        .json(
            json!({"code": "bad code", "translations": {"en": {"title": "  ", "summary": "x".repeat(2001)}, "fr": {"title": "Sécurité"}},
                     "lessons": [{"translations": {"th": {"title": "t".repeat(201), "body": ""}}}]}),
        )
        .send()
        .await;
    let doc = res.problem(422, "validation_failed");
    let fields: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec![
            "code",
            "translations.en.title",
            "translations.en.summary",
            "translations.fr",
            "lessons[0].translations.th.title"
        ]
    );
    assert_eq!(doc["errors"][1]["message"], "Trường này là bắt buộc.");
    app.post("/api/v1/courses")
        .token(hq)
        .json(json!({"code": "EV-1", "translations": {}}))
        .send()
        .await
        .problem(422, "validation_failed");
    published_course(&app, hq, "EV-HV-101", 1, &[]).await;
    let dup = app
        .post("/api/v1/courses")
        .token(hq)
        .json(json!({"code": "EV-HV-101", "translations": {"en": {"title": "Again"}}}))
        .send()
        .await;
    dup.problem(409, "course_exists");
    let empty = app
        .post("/api/v1/courses")
        .token(hq)
        .json(json!({"code": "EV-EMPTY", "translations": {"en": {"title": "Empty"}}}))
        .send()
        .await
        .json();
    let eid = empty["id"].as_str().unwrap();
    app.post(&format!("/api/v1/courses/{eid}/publish"))
        .token(hq)
        .json(json!({"branches": ["BKK"]}))
        .send()
        .await
        .problem(409, "course_has_no_lessons");
    let res = app
        .post(&format!("/api/v1/courses/{eid}/publish"))
        .token(hq)
        .json(json!({"branches": ["ZZZ"]}))
        .send()
        .await;
    assert_eq!(res.problem(422, "validation_failed")["errors"][0]["code"], "unknown_branch");
    app.put(&format!("/api/v1/courses/{eid}/translations/xx"))
        .token(hq)
        .json(json!({"title": "x"}))
        .send()
        .await
        .problem(422, "validation_failed");
    app.get("/api/v1/courses/not-a-uuid")
        .token(hq)
        .send()
        .await
        .problem(404, "not_found");
}

#[actix_rt::test]
async fn lessons_keep_an_order_and_bodies_are_stored_as_given() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let hq = &world.hq.token;
    let course = published_course(&app, hq, "EV-MC-401", 2, &[]).await;
    let id = course["id"].as_str().unwrap().to_string();
    let markdown = "# Torque\n<script>alert(1)</script>\n**bold** `code`";
    let res = app
        .post(&format!("/api/v1/courses/{id}/lessons"))
        .token(hq)
        .json(json!({"position": 1, "translations": {"en": {"title": "Intro", "body": markdown}}}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let intro = res.json();
    assert_eq!(intro["position"], 1);
    assert_eq!(intro["body"], markdown, "stored and served as given, never rendered");
    let detail = app.get(&format!("/api/v1/courses/{id}?lang=en")).token(hq).send().await.json();
    let titles: Vec<&str> = detail["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec!["Intro", "Lesson 1: high-voltage safety", "Lesson 2: high-voltage safety"]
    );
    let ids: Vec<String> = detail["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    // Move the intro last, then reorder explicitly.
    let moved = app
        .put(&format!("/api/v1/courses/{id}/lessons/{}", ids[0]))
        .token(hq)
        .json(json!({"position": 3}))
        .send()
        .await
        .json();
    assert_eq!(moved["position"], 3);
    let reordered = app
        .post(&format!("/api/v1/courses/{id}/lessons/reorder"))
        .token(hq)
        .json(json!({"lesson_ids": [ids[2], ids[0], ids[1]]}))
        .send()
        .await
        .json();
    let order: Vec<&str> = reordered["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, vec![ids[2].as_str(), ids[0].as_str(), ids[1].as_str()]);
    app.post(&format!("/api/v1/courses/{id}/lessons/reorder"))
        .token(hq)
        .json(json!({"lesson_ids": [ids[0]]}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        app.delete(&format!("/api/v1/courses/{id}/lessons/{}", ids[0]))
            .token(hq)
            .send()
            .await
            .status,
        204
    );
    let detail = app.get(&format!("/api/v1/courses/{id}")).token(hq).send().await.json();
    let positions: Vec<i64> = detail["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, vec![1, 2]);
    assert_eq!(app.delete(&format!("/api/v1/courses/{id}")).token(hq).send().await.status, 204);
    app.get(&format!("/api/v1/courses/{id}"))
        .token(hq)
        .send()
        .await
        .problem(404, "not_found");
}

/// Every catalogue write leaves exactly one audit entry naming its author
/// and request, a refused write leaves none, every write is seen by the
/// next (cached) read, and a branch administrator is refused before their
/// body is looked at.
#[actix_rt::test]
async fn every_catalogue_write_is_audited_once_and_seen_by_the_next_read() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let hq = world.hq.token.as_str();
    let course = published_course(&app, hq, "EV-AUD-1", 2, &[]).await;
    let id = course["id"].as_str().unwrap();
    let other = published_course(&app, hq, "EV-AUD-2", 1, &[]).await;
    let other_id = other["id"].as_str().unwrap();
    app.patch(&format!("/api/v1/courses/{id}"))
        .token(hq)
        .json(json!({"code": "EV-AUD-2"}))
        .send()
        .await
        .problem(409, "course_exists");
    let patched = app
        .patch(&format!("/api/v1/courses/{id}"))
        .token(hq)
        .json(json!({"source_locale": "en"}))
        .send()
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    assert_eq!(patched.json()["source_locale"], "en");
    let translated = app
        .put(&format!("/api/v1/courses/{id}/translations/th"))
        .token(hq)
        .json(json!({"title": "หลักสูตรใหม่"}))
        .send()
        .await;
    assert_eq!(translated.json()["translations"]["th"]["title"], "หลักสูตรใหม่");
    let added = app
        .post(&format!("/api/v1/courses/{id}/lessons"))
        .token(hq)
        .json(json!({"translations": {"en": {"title": "Extra"}}}))
        .send()
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    let lesson = added.json();
    let lesson_id = lesson["id"].as_str().unwrap();
    assert_eq!(lesson["position"], 3);
    let moved = app
        .put(&format!("/api/v1/courses/{id}/lessons/{lesson_id}"))
        .token(hq)
        .json(json!({"position": 1}))
        .send()
        .await;
    assert_eq!(moved.json()["position"], 1);
    app.put(&format!("/api/v1/courses/{other_id}/lessons/{lesson_id}"))
        .token(hq)
        .json(json!({"position": 1}))
        .send()
        .await
        .problem(404, "not_found");
    let detail = app.get(&format!("/api/v1/courses/{id}")).token(hq).send().await.json();
    let mut order: Vec<Value> = detail["lessons"].as_array().unwrap().iter().map(|l| l["id"].clone()).collect();
    assert_eq!(order[0], lesson_id);
    order.reverse();
    let reordered = app
        .post(&format!("/api/v1/courses/{id}/lessons/reorder"))
        .token(hq)
        .json(json!({"lesson_ids": order}))
        .send()
        .await
        .json();
    assert_eq!(reordered["lessons"][2]["id"], lesson_id);
    assert_eq!(
        app.delete(&format!("/api/v1/courses/{id}/lessons/{lesson_id}"))
            .token(hq)
            .send()
            .await
            .status,
        204
    );
    let codes = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect()
    };
    let bkk = world.bkk_admin.token.as_str();
    assert!(codes(app.get("/api/v1/courses").token(bkk).send().await.json()).is_empty());
    let published = app
        .post(&format!("/api/v1/courses/{id}/publish"))
        .token(hq)
        .json(json!({"branches": ["BKK"]}))
        .send()
        .await
        .json();
    assert_eq!(published["status"], "published");
    assert_eq!(published["lessons"].as_array().unwrap().len(), 2);
    assert_eq!(codes(app.get("/api/v1/courses").token(bkk).send().await.json()), vec!["EV-AUD-1"]);
    assert_eq!(
        app.delete(&format!("/api/v1/courses/{other_id}")).token(hq).send().await.status,
        204
    );
    // The wrong role is refused before the body is validated.
    app.post("/api/v1/courses")
        .token(bkk)
        .json(json!({}))
        .send()
        .await
        .problem(403, "forbidden");
    app.patch(&format!("/api/v1/courses/{id}"))
        .token(bkk)
        .json(json!({"code": "no"}))
        .send()
        .await
        .problem(403, "forbidden");

    let log = app.get("/api/v1/audit?limit=200").token(hq).send().await.json();
    let entries: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["record_type"] == "course" || e["record_type"] == "lesson")
        .collect();
    let mut actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.sort();
    assert_eq!(
        actions,
        vec![
            "course.create",
            "course.create",
            "course.delete",
            "course.publish",
            "course.reorder",
            "course.translate",
            "course.update",
            "lesson.create",
            "lesson.delete",
            "lesson.update",
        ]
    );
    for e in &entries {
        assert_eq!(e["actor_user_id"], world.hq.id.as_str(), "{e}");
        assert!(e["request_id"].is_string() && e["ip"].is_string(), "{e}");
        assert!(e["branch"].is_null(), "{e}");
    }
    let one = |action: &str| *entries.iter().find(|e| e["action"] == action).unwrap();
    assert_eq!(one("course.update")["details"], json!({"code": null, "source_locale": "en"}));
    assert_eq!(one("course.update")["record_id"], id);
    assert_eq!(one("course.translate")["details"], json!({"locale": "th"}));
    assert_eq!(one("lesson.create")["record_id"], lesson_id);
    assert_eq!(one("lesson.create")["details"], json!({"course_id": id}));
    assert_eq!(one("lesson.update")["details"], json!({"position": 1, "locales": []}));
    assert_eq!(one("course.publish")["details"], json!({"branches": ["BKK"]}));
    assert_eq!(one("course.delete")["details"], json!({"code": "EV-AUD-2"}));
}
