//! Issue 9: the newcomer's demo world.

use crate::support::TestApp;
use zhijiang::demo::DEMO_PASSWORD;

#[actix_rt::test]
async fn the_demo_world_seeds_once_with_trainees_at_several_stages() {
    let app = TestApp::new().await;
    zhijiang::demo::seed(&app.state).await.unwrap();
    zhijiang::demo::seed(&app.state).await.unwrap();
    let hq = app.login("HQ", "hq@demo.zhijiang.localhost", DEMO_PASSWORD).await;
    let branches = app.get("/api/v1/branches").token(&hq).send().await.json();
    assert_eq!(branches["items"].as_array().unwrap().len(), 3, "seeded once");
    let courses = app.get("/api/v1/courses").token(&hq).send().await.json();
    let course = &courses["items"][0];
    assert_eq!(course["code"], "EV-HV-101");
    let status = app
        .get(&format!("/api/v1/courses/{}/translation-status", course["id"].as_str().unwrap()))
        .token(&hq)
        .send()
        .await
        .json();
    assert!(
        status["locales"].as_array().unwrap().iter().all(|l| l["complete"] == true),
        "all four locales complete: {status}"
    );
    // Somchai is halfway, Malee certified, Minh just enrolled.
    let somchai = app.login("BKK", "somchai@bkk.demo.zhijiang.localhost", DEMO_PASSWORD).await;
    let mine = app.get("/api/v1/users/me/enrolments").token(&somchai).send().await.json();
    assert_eq!(mine["items"][0]["progress"]["done"], 1);
    let malee = app.login("BKK", "malee@bkk.demo.zhijiang.localhost", DEMO_PASSWORD).await;
    let certs = app.get("/api/v1/users/me/certificates").token(&malee).send().await.json();
    let code = certs["items"][0]["code"].as_str().unwrap();
    let verify = app
        .get(&format!("/verify/{code}"))
        .header("Accept", "application/json")
        .send()
        .await
        .json();
    assert_eq!(verify["status"], "valid");
    assert_eq!(verify["holder_name"], "Malee Srisuk");
    let minh = app.login("HAN", "minh@han.demo.zhijiang.localhost", DEMO_PASSWORD).await;
    let mine = app
        .get("/api/v1/users/me/enrolments")
        .token(&minh)
        .header("Accept-Language", "vi")
        .send()
        .await
        .json();
    assert_eq!(mine["items"][0]["course"]["title"], "An toàn điện cao áp trên xe điện");
    let report = app.get("/api/v1/reports/completion").token(&hq).send().await.json();
    assert_eq!(report["items"].as_array().unwrap().len(), 2);
}

#[actix_rt::test]
async fn the_demo_course_shows_a_picture_and_a_subtitled_video_in_each_language() {
    let app = TestApp::new().await;
    zhijiang::demo::seed(&app.state).await.unwrap();
    let somchai = app.login("BKK", "somchai@bkk.demo.zhijiang.localhost", DEMO_PASSWORD).await;
    let courses = app.get("/api/v1/courses").token(&somchai).send().await.json();
    let course_id = courses["items"][0]["id"].as_str().unwrap().to_string();
    for (lang, cue) in [
        ("th", "ถอดสวิตช์"),
        ("vi", "Rút công tắc"),
        ("en", "service disconnect"),
        ("zh-CN", "维修开关"),
    ] {
        let detail = app
            .get(&format!("/api/v1/courses/{course_id}?lang={lang}"))
            .token(&somchai)
            .send()
            .await
            .json();
        let media = detail["lessons"][0]["media"].as_array().unwrap().clone();
        let kinds: Vec<&str> = media.iter().map(|m| m["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["image", "video", "subtitle"], "{lang}");
        assert_eq!(media[0]["locale"], lang);
        assert_eq!(media[1]["locale"], serde_json::Value::Null, "one video for every language");
        assert_eq!(media[2]["locale"], lang);
        for m in &media {
            let path = m["url"].as_str().unwrap().strip_prefix("http://zhijiang.test").unwrap();
            let served = app.get(path).send().await;
            assert_eq!(served.status, 200);
            assert_eq!(served.header("content-type").unwrap(), m["content_type"].as_str().unwrap());
        }
        let captions = app
            .get(media[2]["url"].as_str().unwrap().strip_prefix("http://zhijiang.test").unwrap())
            .send()
            .await;
        assert!(captions.text().starts_with("WEBVTT") && captions.text().contains(cue), "{lang}");
    }
    let package = app
        .get(&format!("/api/v1/courses/{course_id}/package"))
        .token(&somchai)
        .send()
        .await
        .json();
    assert_eq!(package["assets"].as_array().unwrap().len(), 3);
}

#[actix_rt::test]
async fn the_demo_dealer_follows_its_two_technicians_and_malee_was_signed_off() {
    let app = TestApp::new().await;
    zhijiang::demo::seed(&app.state).await.unwrap();
    let employer = app.login("BKK", "hr@byd-bangna.demo.zhijiang.localhost", DEMO_PASSWORD).await;
    let people = app.get("/api/v1/employer/people").token(&employer).send().await.json();
    let names: Vec<&str> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Somchai Wongsakul", "Malee Srisuk"]);
    let malee = people["items"][1]["id"].as_str().unwrap();
    let signed = app
        .get(&format!("/api/v1/employer/people/{malee}/practical-assessments"))
        .token(&employer)
        .header("Accept-Language", "en")
        .send()
        .await
        .json();
    assert_eq!(signed["items"][0]["passed"], true);
    assert_eq!(signed["items"][0]["assessor"]["display_name"], "Prasert Boonmee");
    assert_eq!(signed["items"][0]["results"][2]["text"], "Verify zero voltage with a tested meter");
    let certificates = app
        .get(&format!("/api/v1/employer/people/{malee}/certificates"))
        .token(&employer)
        .send()
        .await
        .json();
    assert_eq!(certificates["items"].as_array().unwrap().len(), 1);
    let assessor = app.login("BKK", "assessor@bkk.demo.zhijiang.localhost", DEMO_PASSWORD).await;
    let listed = app
        .get(&format!("/api/v1/users/{malee}/practical-assessments"))
        .token(&assessor)
        .send()
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}
