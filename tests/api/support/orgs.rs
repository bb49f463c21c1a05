//! Organisations, employers and consents through the API.

use super::TestApp;
use serde_json::{Value, json};

/// Creates an organisation (`branch`: a code, or None for a shared one by HQ); its id.
pub async fn organisation(app: &TestApp, token: &str, kind: &str, name: &str, branch: Option<&str>) -> String {
    let mut body = json!({"kind": kind, "name": name});
    if let Some(b) = branch {
        body["branch"] = json!(b);
    }
    let res = app.post("/api/v1/organisations").token(token).json(body).send().await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_string()
}

/// Creates a user of `branch` with a role and an organisation; (id, token).
pub async fn member(app: &TestApp, admin: &str, branch: &str, email: &str, role: &str, organisation: Option<&str>) -> (String, String) {
    let mut body = json!({"email": email, "display_name": format!("{role} {email}"), "role": role, "locale": "en",
        "password": super::world::PASSWORD});
    if let Some(o) = organisation {
        body["organisation_id"] = json!(o);
    }
    let res = app
        .post(&format!("/api/v1/branches/{branch}/users"))
        .token(admin)
        .json(body)
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["id"].as_str().unwrap().to_string();
    let token = app.login(branch, email, super::world::PASSWORD).await;
    (id, token)
}

/// The trainee consents to `organisation`; the consent.
pub async fn consent(app: &TestApp, trainee: &str, organisation: &str) -> Value {
    let res = app
        .post("/api/v1/users/me/consents")
        .token(trainee)
        .json(json!({"organisation_id": organisation}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

/// Withdraws a consent.
pub async fn withdraw(app: &TestApp, trainee: &str, consent_id: &str) -> Value {
    let res = app
        .post(&format!("/api/v1/users/me/consents/{consent_id}/withdraw"))
        .token(trainee)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

/// The ids of a list answer's items.
pub fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}
