//! Issue 20, part one: organisations (enterprises, dealers, colleges) per
//! branch or shared by headquarters; the organisation a user belongs to,
//! set by administrators and by the CSV import; cohorts they sponsor.

use crate::support::orgs::{ids, member, organisation};
use crate::support::{TestApp, World};
use serde_json::{Value, json};

async fn audit(app: &TestApp, hq: &str, action: &str, id: &str) -> Vec<Value> {
    let res = app
        .get(&format!("/api/v1/audit?action={action}&record_id={id}"))
        .token(hq)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["items"].as_array().unwrap().clone()
}

#[actix_rt::test]
async fn organisations_belong_to_a_branch_or_are_shared() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let shared = organisation(&app, &w.hq.token, "dealer", "Great Wall Dealers", None).await;
    let college = organisation(&app, &w.hq.token, "college", "Bangkok Technical College", Some("BKK")).await;
    let own = organisation(&app, &w.bkk_admin.token, "enterprise", "Siam EV Service", None).await;
    let han = organisation(&app, &w.han_admin.token, "enterprise", "Hà Nội Auto", None).await;
    // A branch administrator's organisations are its own branch's.
    app.post("/api/v1/organisations")
        .token(&w.bkk_admin.token)
        .json(json!({"kind": "dealer", "name": "X", "branch": "HAN"}))
        .send()
        .await
        .problem(404, "not_found");
    let created = app
        .get(&format!("/api/v1/organisations/{own}"))
        .token(&w.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(created["branch"], "BKK");
    assert_eq!(created["kind"], "enterprise");
    let shared_view = app
        .get(&format!("/api/v1/organisations/{shared}"))
        .token(&w.han_admin.token)
        .send()
        .await
        .json();
    assert!(shared_view["branch"].is_null());

    let list = |token: String, query: &'static str| {
        let app = &app;
        async move { ids(&app.get(&format!("/api/v1/organisations{query}")).token(&token).send().await.json()) }
    };
    assert_eq!(
        list(w.bkk_admin.token.clone(), "").await,
        vec![shared.clone(), college.clone(), own.clone()]
    );
    assert_eq!(list(w.han_admin.token.clone(), "").await, vec![shared.clone(), han.clone()]);
    assert_eq!(list(w.hq.token.clone(), "").await.len(), 4);
    assert_eq!(list(w.hq.token.clone(), "?kind=college").await, vec![college.clone()]);
    // Trainees see their branch's and the shared ones (to give consent).
    assert_eq!(list(w.bkk_trainee.token.clone(), "").await.len(), 3);
    app.get("/api/v1/organisations?kind=bank")
        .token(&w.hq.token)
        .send()
        .await
        .problem(422, "validation_failed");
    // Another branch's organisation is missing.
    app.get(&format!("/api/v1/organisations/{han}"))
        .token(&w.bkk_admin.token)
        .send()
        .await
        .problem(404, "not_found");
    app.patch(&format!("/api/v1/organisations/{han}"))
        .token(&w.bkk_admin.token)
        .json(json!({"name": "Mine now"}))
        .send()
        .await
        .problem(404, "not_found");
    // Shared ones are headquarters' to change.
    app.patch(&format!("/api/v1/organisations/{shared}"))
        .token(&w.bkk_admin.token)
        .json(json!({"name": "Renamed"}))
        .send()
        .await
        .problem(403, "forbidden");
    let renamed = app
        .patch(&format!("/api/v1/organisations/{own}"))
        .token(&w.bkk_admin.token)
        .json(json!({"name": "Siam EV Service Co., Ltd.", "kind": "dealer"}))
        .send()
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    assert_eq!(renamed.json()["kind"], "dealer");
    let entries = audit(&app, &w.hq.token, "organisation.update", &own).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["details"]["kind"]["to"], "dealer");
    assert_eq!(audit(&app, &w.hq.token, "organisation.create", &shared).await.len(), 1);
    // Trainees do not create or change organisations.
    app.post("/api/v1/organisations")
        .token(&w.bkk_trainee.token)
        .json(json!({"kind": "dealer", "name": "Mine"}))
        .send()
        .await
        .problem(403, "forbidden");
}

#[actix_rt::test]
async fn organisation_names_are_checked_like_other_text() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    for (name, code) in [
        ("Bad\u{0}Name", "invalid_characters"),
        ("Line\nbreak", "invalid_characters"),
        ("Zero\u{200B}width", "invalid_characters"),
        ("   ", "required"),
    ] {
        let doc = app
            .post("/api/v1/organisations")
            .token(&w.hq.token)
            .header("Accept-Language", "th")
            .json(json!({"kind": "dealer", "name": name}))
            .send()
            .await
            .problem(422, "validation_failed");
        assert_eq!(doc["errors"][0]["field"], "name");
        assert_eq!(doc["errors"][0]["code"], code, "{name:?}");
    }
    let long = "ก".repeat(201);
    let doc = app
        .post("/api/v1/organisations")
        .token(&w.hq.token)
        .json(json!({"kind": "dealer", "name": long}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "too_long");
    app.post("/api/v1/organisations")
        .token(&w.hq.token)
        .json(json!({"kind": "bank", "name": "Bank"}))
        .send()
        .await
        .problem(400, "invalid_json");
}

#[actix_rt::test]
async fn administrators_set_the_organisation_of_a_user() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let dealer = organisation(&app, &w.bkk_admin.token, "dealer", "BYD Bangna", None).await;
    let shared = organisation(&app, &w.hq.token, "college", "ASEAN EV Institute", None).await;
    let han = organisation(&app, &w.han_admin.token, "dealer", "VinFast Cầu Giấy", None).await;
    let (id, _) = member(&app, &w.bkk_admin.token, "BKK", "tech@bkk.test", "trainee", Some(&dealer)).await;
    let user = app
        .get(&format!("/api/v1/users/{id}"))
        .token(&w.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(user["organisation_id"], dealer.as_str());
    // Another branch's organisation is unknown here.
    let doc = app
        .post("/api/v1/branches/BKK/users")
        .token(&w.bkk_admin.token)
        .json(json!({"email": "x@bkk.test", "display_name": "X", "role": "trainee", "locale": "th", "organisation_id": han}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "organisation_id");
    assert_eq!(doc["errors"][0]["code"], "unknown_organisation");
    // An employer represents an organisation: it is required.
    let doc = app
        .post("/api/v1/branches/BKK/users")
        .token(&w.bkk_admin.token)
        .json(json!({"email": "boss@bkk.test", "display_name": "Boss", "role": "employer", "locale": "th", "password": "long enough pw"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "required");
    // Moving to a shared organisation, then leaving it.
    let moved = app
        .patch(&format!("/api/v1/users/{id}"))
        .token(&w.bkk_admin.token)
        .json(json!({"organisation_id": shared}))
        .send()
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(moved.json()["organisation_id"], shared.as_str());
    let entries = audit(&app, &w.hq.token, "user.update", &id).await;
    assert_eq!(entries[0]["details"]["changed"]["organisation_id"]["from"], dealer.as_str());
    let doc = app
        .patch(&format!("/api/v1/users/{id}"))
        .token(&w.bkk_admin.token)
        .json(json!({"organisation_id": han}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "unknown_organisation");
    let cleared = app
        .patch(&format!("/api/v1/users/{id}"))
        .token(&w.bkk_admin.token)
        .json(json!({"organisation_id": null}))
        .send()
        .await
        .json();
    assert!(cleared["organisation_id"].is_null());
    // Absent leaves it as it is.
    let same = app
        .patch(&format!("/api/v1/users/{id}"))
        .token(&w.bkk_admin.token)
        .json(json!({"display_name": "Technician"}))
        .send()
        .await
        .json();
    assert!(same["organisation_id"].is_null());
    // The branch's user list shows it.
    app.patch(&format!("/api/v1/users/{id}"))
        .token(&w.hq.token)
        .json(json!({"organisation_id": dealer}))
        .send()
        .await;
    let list = app
        .get("/api/v1/branches/BKK/users?q=tech")
        .token(&w.bkk_admin.token)
        .send()
        .await
        .json();
    assert_eq!(list["items"][0]["organisation_id"], dealer.as_str());
}

#[actix_rt::test]
async fn the_csv_import_sets_organisations() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let cohort = crate::support::catalogue::bkk_cohort(&app, &w, 10).await;
    let dealer = organisation(&app, &w.bkk_admin.token, "dealer", "BYD Bangna", None).await;
    let shared = organisation(&app, &w.hq.token, "college", "ASEAN EV Institute", None).await;
    organisation(&app, &w.han_admin.token, "dealer", "VinFast Cầu Giấy", None).await;
    let csv = format!(
        "email,display_name,locale,organisation\n\
         a@bkk.test,A,th,byd bangna\n\
         b@bkk.test,B,th,{shared}\n\
         c@bkk.test,C,th,\n\
         d@bkk.test,D,th,VinFast Cầu Giấy\n\
         e@bkk.test,E,th,\"Bad\u{7}cell\"\n\
         {},Somchai,th,BYD Bangna\n",
        w.bkk_trainee.email
    );
    let res = app
        .post(&format!("/api/v1/cohorts/{cohort}/enrolments/import"))
        .token(&w.bkk_admin.token)
        .body("text/csv", csv)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let report = res.json();
    assert_eq!(report["enrolled"], 4);
    let failed: Vec<(i64, &str)> = report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["row"].as_i64().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(failed, vec![(5, "unknown_organisation"), (6, "unknown_organisation")]);
    let users = app
        .get("/api/v1/branches/BKK/users?limit=50")
        .token(&w.bkk_admin.token)
        .send()
        .await
        .json();
    let org_of = |email: &str| {
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .map(|u| u["organisation_id"].clone())
            .unwrap()
    };
    assert_eq!(org_of("a@bkk.test"), dealer.as_str());
    assert_eq!(org_of("b@bkk.test"), shared.as_str());
    assert!(org_of("c@bkk.test").is_null());
    assert_eq!(org_of(&w.bkk_trainee.email), dealer.as_str());
    // Importing again is harmless, and the message is localized.
    let again = app
        .post(&format!("/api/v1/cohorts/{cohort}/enrolments/import"))
        .token(&w.bkk_admin.token)
        .header("Accept-Language", "vi")
        .body("text/csv", "email,display_name,organisation\nf@bkk.test,F,Nowhere\n")
        .send()
        .await
        .json();
    assert!(again["failed"][0]["message"].as_str().unwrap().contains("Dòng 2"));
}

#[actix_rt::test]
async fn cohorts_may_be_sponsored() {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let course = crate::support::catalogue::published_course(&app, &w.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let dealer = organisation(&app, &w.bkk_admin.token, "dealer", "BYD Bangna", None).await;
    let han = organisation(&app, &w.han_admin.token, "dealer", "VinFast", None).await;
    let body = |sponsor: &str| {
        json!({"course_id": course["id"], "name": "Sponsored intake", "starts_on": "2026-03-01", "ends_on": "2026-06-30",
               "capacity": 20, "sponsor_id": sponsor})
    };
    let res = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&w.bkk_admin.token)
        .json(body(&dealer))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let cohort = res.json();
    assert_eq!(cohort["sponsor_id"], dealer.as_str());
    let doc = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&w.bkk_admin.token)
        .json(body(&han))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "sponsor_id");
    let id = cohort["id"].as_str().unwrap();
    let cleared = app
        .patch(&format!("/api/v1/cohorts/{id}"))
        .token(&w.bkk_admin.token)
        .json(json!({"sponsor_id": null}))
        .send()
        .await
        .json();
    assert!(cleared["sponsor_id"].is_null());
    app.patch(&format!("/api/v1/cohorts/{id}"))
        .token(&w.bkk_admin.token)
        .json(json!({"sponsor_id": han}))
        .send()
        .await
        .problem(422, "validation_failed");
}
