//! Issue 20, part three: talent matching with consent. Trainees publish a
//! skill profile; employers post needs and search published profiles of
//! their campus only; headquarters sees supply against demand, in counts.

use crate::support::certify;
use crate::support::orgs::{member, organisation};
use crate::support::{TestApp, World};
use serde_json::{Value, json};

async fn save(app: &TestApp, token: &str, body: Value) -> crate::support::Response {
    app.put("/api/v1/users/me/talent-profile").token(token).json(body).send().await
}

#[actix_rt::test]
async fn employers_find_only_published_profiles_and_hq_sees_supply_against_demand() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let course = certify::course(&app, &w, "EV-HV-101", None).await;
    let cohort = certify::cohort(&app, &w.bkk_admin.token, &course, "Intake").await;
    let dealer = organisation(&app, &w.bkk_admin.token, "dealer", "BYD Bangna", None).await;
    let (_, employer) = member(&app, &w.bkk_admin.token, "BKK", "hr@byd.test", "employer", Some(&dealer)).await;
    let (somchai, malee) = (
        &w.bkk_trainee,
        member(&app, &w.bkk_admin.token, "BKK", "malee@bkk.test", "trainee", None).await,
    );
    certify::certify(&app, &w.bkk_admin.token, &course, &cohort, &somchai.id, &somchai.token).await;
    certify::certify(&app, &w.bkk_admin.token, &course, &cohort, &malee.0, &malee.1).await;

    // Empty and unpublished until saved.
    let empty = app.get("/api/v1/users/me/talent-profile").token(&somchai.token).send().await.json();
    assert_eq!(empty["published"], false);
    assert_eq!(empty["skills"]["certificates"][0]["course_code"], "EV-HV-101");
    let saved = save(
        &app,
        &somchai.token,
        json!({"published": true, "country": "vn", "languages": ["th", "en", "vi"], "available_from": "2027-02-01"}),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(saved.json()["country"], "VN");
    save(&app, &malee.1, json!({"published": false, "country": "TH", "languages": ["th"]})).await;

    // Employers see published ones of their campus, filtered by skill and country.
    let search = |query: &'static str| {
        let (app, employer) = (&app, employer.clone());
        async move {
            let res = app.get(&format!("/api/v1/employer/talent{query}")).token(&employer).send().await;
            assert_eq!(res.status, 200, "{}", res.text());
            res.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["user_id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("").await, vec![somchai.id.clone()]);
    assert_eq!(
        search(&*Box::leak(format!("?course_id={}&country=VN", course.id).into_boxed_str())).await,
        vec![somchai.id.clone()]
    );
    assert!(search("?country=TH").await.is_empty());
    let candidate = app.get("/api/v1/employer/talent").token(&employer).send().await.json();
    assert_eq!(candidate["items"][0]["languages"], json!(["th", "en", "vi"]));
    assert!(candidate["items"][0].get("email").is_none());
    // Unpublishing hides the profile at once; publishing again shows it.
    save(&app, &somchai.token, json!({"published": false, "country": "VN"})).await;
    assert!(search("").await.is_empty());
    save(&app, &malee.1, json!({"published": true, "country": "TH", "languages": ["th"]})).await;
    assert_eq!(search("").await, vec![malee.0.clone()]);
    // A HAN employer does not see BKK's profiles.
    let han_dealer = organisation(&app, &w.han_admin.token, "dealer", "VinFast", None).await;
    let (_, han_employer) = member(&app, &w.han_admin.token, "HAN", "hr@vinfast.test", "employer", Some(&han_dealer)).await;
    let han = app.get("/api/v1/employer/talent").token(&han_employer).send().await.json();
    assert!(han["items"].as_array().unwrap().is_empty());

    // Needs: posted by the employer, listed for its organisation only.
    let need = app
        .post("/api/v1/employer/needs")
        .token(&employer)
        .json(json!({"course_id": course.id, "country": "TH", "headcount": 5, "needed_by": "2027-03-15"}))
        .send()
        .await;
    assert_eq!(need.status, 201, "{}", need.text());
    app.post("/api/v1/employer/needs")
        .token(&employer)
        .json(json!({"course_id": course.id, "country": "TH", "headcount": 2, "needed_by": "2027-03-30"}))
        .send()
        .await;
    let mine = app.get("/api/v1/employer/needs").token(&employer).send().await.json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let theirs = app.get("/api/v1/employer/needs").token(&han_employer).send().await.json();
    assert!(theirs["items"].as_array().unwrap().is_empty());
    for (body, field) in [
        (
            json!({"course_id": course.id, "country": "XX", "headcount": 1, "needed_by": "2027-03-15"}),
            "country",
        ),
        (
            json!({"course_id": course.id, "country": "TH", "headcount": 0, "needed_by": "2027-03-15"}),
            "headcount",
        ),
        (
            json!({"course_id": course.id, "country": "TH", "headcount": 1, "needed_by": "15/03/2027"}),
            "needed_by",
        ),
        (
            json!({"course_id": w.hq.id, "country": "TH", "headcount": 1, "needed_by": "2027-03-15"}),
            "course_id",
        ),
    ] {
        let doc = app
            .post("/api/v1/employer/needs")
            .token(&employer)
            .json(body)
            .send()
            .await
            .problem(422, "validation_failed");
        assert_eq!(doc["errors"][0]["field"], field);
    }

    // Headquarters: supply against demand per skill, country and month.
    let report = app
        .get("/api/v1/reports/talent-demand?from=2027-02&months=2")
        .token(&w.hq.token)
        .send()
        .await;
    assert_eq!(report.status, 200, "{}", report.text());
    let rows: Vec<(String, String, i64, i64)> = report.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["country"].as_str().unwrap().into(),
                r["month"].as_str().unwrap().into(),
                r["demand"].as_i64().unwrap(),
                r["supply"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![("TH".into(), "2027-02".into(), 0, 1), ("TH".into(), "2027-03".into(), 7, 1)]
    );
    for token in [&w.bkk_admin.token, &employer, &somchai.token] {
        app.get("/api/v1/reports/talent-demand")
            .token(token)
            .send()
            .await
            .problem(403, "forbidden");
    }
    app.get("/api/v1/reports/talent-demand?months=99")
        .token(&w.hq.token)
        .send()
        .await
        .problem(422, "validation_failed");
    app.get("/api/v1/reports/talent-demand?from=2027-13")
        .token(&w.hq.token)
        .send()
        .await
        .problem(422, "validation_failed");
    // The anonymous talent pool counts stay as they were.
    let pool = app.get("/api/v1/reports/talent-pool").token(&w.hq.token).send().await.json();
    assert_eq!(pool["items"][0]["certified_count"], 2);
}

#[actix_rt::test]
async fn profiles_are_checked_and_publishing_is_audited() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    for (body, field) in [
        (json!({"published": true, "country": "ZZ"}), "country"),
        (
            json!({"published": true, "country": "TH", "languages": ["th", "not a tag"]}),
            "languages[1]",
        ),
        (
            json!({"published": true, "country": "TH", "languages": ["th\u{0}"]}),
            "languages[0]",
        ),
        (
            json!({"published": true, "country": "TH", "available_from": "2027-02-30"}),
            "available_from",
        ),
        (
            json!({"published": true, "country": "TH", "languages": vec!["en"; 11]}),
            "languages",
        ),
    ] {
        let doc = save(&app, &w.bkk_trainee.token, body).await.problem(422, "validation_failed");
        assert_eq!(doc["errors"][0]["field"], field);
    }
    save(&app, &w.bkk_trainee.token, json!({"published": true, "country": "TH"})).await;
    save(&app, &w.bkk_trainee.token, json!({"published": false, "country": "TH"})).await;
    for action in ["talent.publish", "talent.unpublish"] {
        let res = app
            .get(&format!("/api/v1/audit?action={action}&record_id={}", w.bkk_trainee.id))
            .token(&w.hq.token)
            .send()
            .await
            .json();
        assert_eq!(res["items"].as_array().unwrap().len(), 1, "{action}");
    }
    app.get("/api/v1/users/me/talent-profile")
        .token(&w.bkk_admin.token)
        .send()
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/employer/talent")
        .token(&w.bkk_trainee.token)
        .send()
        .await
        .problem(403, "forbidden");
}
