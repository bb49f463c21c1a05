//! A small world built through the API: HQ, a Thai branch (BKK) and a
//! Vietnamese branch (HAN), each with an admin and a trainee.

use super::TestApp;
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct-horse-battery";

pub struct Person {
    pub id: String,
    pub email: String,
    pub token: String,
}

pub struct World {
    pub hq: Person,
    pub bkk_admin: Person,
    pub bkk_trainee: Person,
    pub han_admin: Person,
    pub han_trainee: Person,
}

pub async fn create_branch(app: &TestApp, hq_token: &str, code: &str, country: &str, locale: &str, tz: &str) -> Value {
    let res = app
        .post("/api/v1/branches")
        .token(hq_token)
        .json(json!({"code": code, "country": country, "default_locale": locale, "time_zone": tz,
                     "names": {"en": format!("{code} campus"), locale: format!("{code} local name")}}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

pub async fn create_user(app: &TestApp, token: &str, branch: &str, email: &str, role: &str, locale: &str, password: Option<&str>) -> Value {
    let mut body = json!({"email": email, "display_name": format!("{role} of {branch}"), "role": role, "locale": locale});
    if let Some(p) = password {
        body["password"] = json!(p);
    }
    let res = app
        .post(&format!("/api/v1/branches/{branch}/users"))
        .token(token)
        .json(body)
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

async fn person(app: &TestApp, hq_token: &str, branch: &str, email: &str, role: &str, locale: &str) -> Person {
    let user = create_user(app, hq_token, branch, email, role, locale, Some(PASSWORD)).await;
    let token = app.login(branch, email, PASSWORD).await;
    Person {
        id: user["id"].as_str().unwrap().to_string(),
        email: email.to_string(),
        token,
    }
}

impl World {
    pub async fn build(app: &TestApp) -> World {
        let hq_email = "hq@zhijiang.test";
        let hq_user = zhijiang::users::service::create_hq_admin(&app.state, hq_email, PASSWORD)
            .await
            .expect("hq admin");
        let hq_token = app.login("HQ", hq_email, PASSWORD).await;
        create_branch(app, &hq_token, "BKK", "TH", "th", "Asia/Bangkok").await;
        create_branch(app, &hq_token, "HAN", "VN", "vi", "Asia/Ho_Chi_Minh").await;
        let bkk_admin = person(app, &hq_token, "BKK", "admin@bkk.test", "branch_admin", "th").await;
        let bkk_trainee = person(app, &hq_token, "BKK", "somchai@bkk.test", "trainee", "th").await;
        let han_admin = person(app, &hq_token, "HAN", "admin@han.test", "branch_admin", "vi").await;
        let han_trainee = person(app, &hq_token, "HAN", "minh@han.test", "trainee", "vi").await;
        World {
            hq: Person {
                id: hq_user.id.to_string(),
                email: hq_email.into(),
                token: hq_token,
            },
            bkk_admin,
            bkk_trainee,
            han_admin,
            han_trainee,
        }
    }
}
