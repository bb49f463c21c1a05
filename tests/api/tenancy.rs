//! Issue 4: every role against every endpoint with its own and another
//! branch's ids. Another branch's data answers 404, exactly like a missing
//! record; a role that may not use an endpoint gets 403.

use crate::support::{TestApp, World};
use serde_json::{Value, json};

struct Case {
    method: &'static str,
    path: String,
    body: Option<Value>,
    /// Expected status for hq, branch admin, trainee, employer, assessor.
    expect: [u16; 5],
}

fn case(method: &'static str, path: &str, body: Option<Value>, expect: [u16; 5]) -> Case {
    Case {
        method,
        path: path.to_string(),
        body,
        expect,
    }
}

#[actix_rt::test]
async fn role_and_branch_matrix() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let bkk_org = crate::support::orgs::organisation(&app, &world.hq.token, "dealer", "BKK Dealer", Some("BKK")).await;
    let han_org = crate::support::orgs::organisation(&app, &world.hq.token, "dealer", "HAN Dealer", Some("HAN")).await;
    let shared_org = crate::support::orgs::organisation(&app, &world.hq.token, "college", "Shared College", None).await;
    let (_, employer) =
        crate::support::orgs::member(&app, &world.bkk_admin.token, "BKK", "employer@bkk.test", "employer", Some(&bkk_org)).await;
    let (_, assessor) = crate::support::orgs::member(&app, &world.bkk_admin.token, "BKK", "assessor@bkk.test", "assessor", None).await;
    let (bkk_trainee_id, han_trainee_id) = (world.bkk_trainee.id.clone(), world.han_trainee.id.clone());
    let mut n = 0;
    let mut trainee = |branch: &str| {
        n += 1;
        Some(
            json!({"email": format!("m{n}@{}.test", branch.to_lowercase()), "display_name": "M", "role": "trainee", "locale": "th", "password": "long enough pw"}),
        )
    };
    // Callers are HQ admin, BKK admin, BKK trainee, BKK employer and BKK
    // assessor; "own" is BKK, "other" is HAN.
    let cases = vec![
        case("GET", "/api/v1/branches", None, [200, 200, 200, 200, 200]),
        case("GET", "/api/v1/branches/BKK", None, [200, 200, 200, 200, 200]),
        case("GET", "/api/v1/branches/HAN", None, [200, 404, 404, 404, 404]),
        case("GET", "/api/v1/branches/NOPE", None, [404, 404, 404, 404, 404]),
        case(
            "PATCH",
            "/api/v1/branches/BKK",
            Some(json!({"time_zone": "Asia/Bangkok"})),
            [200, 403, 403, 403, 403],
        ),
        case(
            "PATCH",
            "/api/v1/branches/HAN",
            Some(json!({"time_zone": "Asia/Ho_Chi_Minh"})),
            [200, 403, 403, 403, 403],
        ),
        case(
            "POST",
            "/api/v1/branches",
            Some(
                json!({"code": "KUL", "country": "MY", "default_locale": "en", "time_zone": "Asia/Kuala_Lumpur", "names": {"en": "Kuala Lumpur"}}),
            ),
            [201, 403, 403, 403, 403],
        ),
        case("POST", "/api/v1/branches/BKK/users", trainee("BKK"), [201, 0, 403, 403, 403]),
        case("POST", "/api/v1/branches/BKK/users", trainee("BKK"), [0, 201, 403, 403, 403]),
        case("POST", "/api/v1/branches/HAN/users", trainee("HAN"), [201, 404, 403, 403, 403]),
        case(
            "POST",
            "/api/v1/branches/BKK/users",
            Some(
                json!({"email": "boss@bkk.test", "display_name": "B", "role": "branch_admin", "locale": "th", "password": "long enough pw"}),
            ),
            [0, 403, 403, 403, 403],
        ),
        case("GET", "/api/v1/branches/BKK/users", None, [200, 200, 403, 403, 403]),
        case("GET", "/api/v1/branches/HAN/users", None, [200, 404, 403, 403, 403]),
        case("POST", "/api/v1/branches/BKK/keys/rotate", None, [200, 403, 403, 403, 403]),
        case("POST", "/api/v1/branches/HAN/keys/rotate", None, [200, 403, 403, 403, 403]),
        case("GET", "/api/v1/branches/HAN/jwks.json", None, [200, 200, 200, 200, 200]),
        case("GET", "/api/v1/notifications", None, [200, 200, 403, 403, 403]),
        case("GET", "/api/v1/users/me", None, [200, 200, 200, 200, 200]),
        // Organisations: a branch's and the shared ones; an employer sees its own.
        case("GET", "/api/v1/organisations", None, [200, 200, 200, 200, 200]),
        case("GET", &format!("/api/v1/organisations/{bkk_org}"), None, [200, 200, 200, 200, 200]),
        case("GET", &format!("/api/v1/organisations/{han_org}"), None, [200, 404, 404, 404, 404]),
        case(
            "GET",
            &format!("/api/v1/organisations/{shared_org}"),
            None,
            [200, 200, 200, 404, 200],
        ),
        case(
            "POST",
            "/api/v1/organisations",
            Some(json!({"kind": "dealer", "name": "New"})),
            [201, 201, 403, 403, 403],
        ),
        case(
            "PATCH",
            &format!("/api/v1/organisations/{han_org}"),
            Some(json!({"name": "Renamed"})),
            [200, 404, 403, 403, 403],
        ),
        // Employers' reads: its people only (the BKK trainee is not one of them).
        case("GET", "/api/v1/employer/people", None, [403, 403, 403, 200, 403]),
        case(
            "GET",
            &format!("/api/v1/employer/people/{bkk_trainee_id}"),
            None,
            [403, 403, 403, 404, 403],
        ),
        case(
            "GET",
            &format!("/api/v1/employer/people/{han_trainee_id}"),
            None,
            [403, 403, 403, 404, 403],
        ),
        case(
            "GET",
            &format!("/api/v1/employer/people/{han_trainee_id}/enrolments"),
            None,
            [403, 403, 403, 404, 403],
        ),
        case(
            "GET",
            &format!("/api/v1/employer/people/{bkk_trainee_id}/certificates"),
            None,
            [403, 403, 403, 404, 403],
        ),
        case("GET", "/api/v1/users/me/consents", None, [403, 403, 200, 403, 403]),
        case(
            "POST",
            "/api/v1/users/me/consents",
            Some(json!({"organisation_id": han_org})),
            [403, 403, 422, 403, 403],
        ),
        // Users by id: administrators of their scope only.
        case("GET", &format!("/api/v1/users/{bkk_trainee_id}"), None, [200, 200, 403, 403, 403]),
        case("GET", &format!("/api/v1/users/{han_trainee_id}"), None, [200, 404, 403, 403, 403]),
    ];
    let password = crate::support::world::PASSWORD;
    let mut tokens = [
        world.hq.token.clone(),
        world.bkk_admin.token.clone(),
        world.bkk_trainee.token.clone(),
        employer,
        assessor,
    ];
    for c in cases {
        for (i, who) in ["hq", "bkk_admin", "bkk_trainee", "bkk_employer", "bkk_assessor"]
            .iter()
            .enumerate()
        {
            let expected = c.expect[i];
            if expected == 0 {
                continue;
            }
            let token = tokens[i].clone();
            let call = match c.method {
                "GET" => app.get(&c.path),
                "POST" => app.post(&c.path),
                "PATCH" => app.patch(&c.path),
                _ => unreachable!(),
            };
            let call = call.token(&token);
            let call = match &c.body {
                Some(b) => call.json(b.clone()),
                None => call,
            };
            let res = call.send().await;
            assert_eq!(res.status, expected, "{who} {} {}: {}", c.method, c.path, res.text());
            match expected {
                404 => drop(res.problem(404, "not_found")),
                403 => drop(res.problem(403, "forbidden")),
                422 => drop(res.problem(422, "validation_failed")),
                _ => {}
            }
        }
        if c.path.ends_with("/keys/rotate") {
            // Old tokens stay valid after a plain rotation; fresh ones prove the new key works.
            tokens = [
                app.login("HQ", &world.hq.email, password).await,
                app.login("BKK", &world.bkk_admin.email, password).await,
                app.login("BKK", &world.bkk_trainee.email, password).await,
                app.login("BKK", "employer@bkk.test", password).await,
                app.login("BKK", "assessor@bkk.test", password).await,
            ];
        }
    }
    // Without a token every protected endpoint is 401.
    for path in [
        "/api/v1/branches",
        "/api/v1/users/me",
        "/api/v1/notifications",
        "/api/v1/branches/BKK/users",
    ] {
        app.get(path).send().await.problem(401, "unauthenticated");
    }
    let _ = world.han_admin;
}

#[actix_rt::test]
async fn a_branch_admin_sees_only_its_own_users_and_branch() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let res = app.get("/api/v1/branches").token(&world.han_admin.token).send().await.json();
    let codes: Vec<&str> = res["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["HAN"]);
    let res = app.get("/api/v1/branches").token(&world.hq.token).send().await.json();
    assert_eq!(res["items"].as_array().unwrap().len(), 3);
    let users = app
        .get("/api/v1/branches/HAN/users")
        .token(&world.han_admin.token)
        .send()
        .await
        .json();
    let emails: Vec<&str> = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, vec!["admin@han.test", "minh@han.test"]);
    // Paging with a cursor.
    let page = app
        .get("/api/v1/branches/HAN/users?limit=1")
        .token(&world.han_admin.token)
        .send()
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = app
        .get(&format!("/api/v1/branches/HAN/users?limit=1&cursor={cursor}"))
        .token(&world.han_admin.token)
        .send()
        .await
        .json();
    assert_eq!(next["items"][0]["email"], "minh@han.test");
    assert!(next["next_cursor"].is_null());
    app.get("/api/v1/branches/HAN/users?limit=500")
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(422, "validation_failed");
    app.get("/api/v1/branches/HAN/users?cursor=%%%")
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(422, "validation_failed");
}

#[actix_rt::test]
async fn branch_validation_reports_every_bad_field_localized() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let res = app
        .post("/api/v1/branches")
        .token(&world.hq.token)
        .header("Accept-Language", "th")
        .json(json!({"code": "bad code", "country": "XX", "default_locale": "fr", "time_zone": "Mars/Base", "names": {"de": "Berlin"}}))
        .send()
        .await;
    let doc = res.problem(422, "validation_failed");
    let fields: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["code", "country", "default_locale", "time_zone", "names.de"]);
    assert_eq!(doc["errors"][0]["message"], "ใช้ตัวอักษรพิมพ์ใหญ่หรือตัวเลข 2 ถึง 8 ตัว");
    let dup = app
        .post("/api/v1/branches")
        .token(&world.hq.token)
        .json(json!({"code": "BKK", "country": "TH", "default_locale": "th", "time_zone": "Asia/Bangkok", "names": {"th": "ซ้ำ"}}))
        .send()
        .await;
    dup.problem(409, "branch_exists");
    // Localized name with fallback: Vietnamese is not given for BKK, so the branch default (th) serves.
    let res = app
        .get("/api/v1/branches/BKK")
        .token(&world.hq.token)
        .header("Accept-Language", "vi")
        .send()
        .await
        .json();
    assert_eq!(res["locale"], "th");
    assert_eq!(res["name"], "BKK local name");
}
