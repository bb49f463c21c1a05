//! Issue 20, part two: an organisation's representative (`employer`) sees
//! its employees, and other trainees only while they consent; consent is
//! given and withdrawn by the trainee, kept as history and audited, and
//! checked inside every employer query.

use crate::support::certify;
use crate::support::orgs::{consent, ids, member, organisation, withdraw};
use crate::support::{TestApp, World};
use serde_json::json;

struct Scene {
    app: TestApp,
    w: World,
    dealer: String,
    employer: String,
    employee: (String, String),
    student: (String, String),
    seeker: (String, String),
    college: String,
}

/// A BKK dealer with a representative and an employee; a college student
/// and a job seeker; all three trainees certified in one course.
async fn scene() -> Scene {
    let app = TestApp::new().await;
    let w = World::build(&app).await;
    let dealer = organisation(&app, &w.bkk_admin.token, "dealer", "BYD Bangna", None).await;
    let college = organisation(&app, &w.bkk_admin.token, "college", "Bangkok Technical College", None).await;
    let (_, employer) = member(&app, &w.bkk_admin.token, "BKK", "hr@byd.test", "employer", Some(&dealer)).await;
    let employee = member(&app, &w.bkk_admin.token, "BKK", "tech@byd.test", "trainee", Some(&dealer)).await;
    let student = member(&app, &w.bkk_admin.token, "BKK", "student@college.test", "trainee", Some(&college)).await;
    let seeker = member(&app, &w.bkk_admin.token, "BKK", "seeker@bkk.test", "trainee", None).await;
    let course = certify::course(&app, &w, "EV-HV-101", None).await;
    let cohort = certify::cohort(&app, &w.bkk_admin.token, &course, "Intake").await;
    for (id, token) in [&employee, &student, &seeker] {
        let result = certify::certify(&app, &w.bkk_admin.token, &course, &cohort, id, token).await;
        assert!(result["certificate_id"].is_string(), "{result}");
    }
    Scene {
        app,
        w,
        dealer,
        employer,
        employee,
        student,
        seeker,
        college,
    }
}

/// Every employer-facing read of one person: (person, enrolments, certificates) statuses and counts.
async fn reads(s: &Scene, person: &str) -> (u16, u16, usize, u16, usize) {
    let one = s
        .app
        .get(&format!("/api/v1/employer/people/{person}"))
        .token(&s.employer)
        .send()
        .await;
    let enrolments = s
        .app
        .get(&format!("/api/v1/employer/people/{person}/enrolments"))
        .token(&s.employer)
        .send()
        .await;
    let certificates = s
        .app
        .get(&format!("/api/v1/employer/people/{person}/certificates"))
        .token(&s.employer)
        .send()
        .await;
    for res in [&one, &enrolments, &certificates] {
        if res.status == 404 {
            res.problem(404, "not_found");
        }
    }
    let count = |r: &crate::support::Response| {
        if r.status == 200 {
            r.json()["items"].as_array().unwrap().len()
        } else {
            0
        }
    };
    (
        one.status,
        enrolments.status,
        count(&enrolments),
        certificates.status,
        count(&certificates),
    )
}

async fn people(s: &Scene) -> Vec<String> {
    let res = s.app.get("/api/v1/employer/people").token(&s.employer).send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    ids(&res.json())
}

#[actix_rt::test]
async fn an_employer_sees_its_employees_and_consenting_trainees_only() {
    let s = scene().await;
    let (employee, student, seeker) = (&s.employee.0, &s.student.0, &s.seeker.0);
    // Employees without consent; nobody else.
    assert_eq!(people(&s).await, vec![employee.clone()]);
    assert_eq!(reads(&s, employee).await, (200, 200, 1, 200, 1));
    let enrolments = s
        .app
        .get(&format!("/api/v1/employer/people/{employee}/enrolments"))
        .token(&s.employer)
        .header("Accept-Language", "th")
        .send()
        .await;
    assert_eq!(enrolments.header("content-language").as_deref(), Some("th"));
    let enrolment = &enrolments.json()["items"][0];
    assert_eq!(enrolment["status"], "completed");
    assert_eq!(enrolment["progress"]["done"], 1);
    let person = s
        .app
        .get(&format!("/api/v1/employer/people/{employee}"))
        .token(&s.employer)
        .send()
        .await
        .json();
    assert_eq!(person["relation"], "employee");
    for other in [student, seeker, &s.w.bkk_trainee.id, &s.w.han_trainee.id, &s.w.bkk_admin.id] {
        assert_eq!(reads(&s, other).await, (404, 404, 0, 404, 0), "{other}");
    }

    // The student consents: visible, as consented; then withdraws: gone at once.
    let given = consent(&s.app, &s.student.1, &s.dealer).await;
    assert_eq!(given["status"], "active");
    assert_eq!(given["organisation"]["name"], "BYD Bangna");
    assert_eq!(people(&s).await, vec![employee.clone(), student.clone()]);
    assert_eq!(reads(&s, student).await, (200, 200, 1, 200, 1));
    let person = s
        .app
        .get(&format!("/api/v1/employer/people/{student}"))
        .token(&s.employer)
        .send()
        .await
        .json();
    assert_eq!(person["relation"], "consented");
    let withdrawn = withdraw(&s.app, &s.student.1, given["id"].as_str().unwrap()).await;
    assert_eq!(withdrawn["status"], "withdrawn");
    assert!(withdrawn["withdrawn_at"].is_string());
    assert_eq!(reads(&s, student).await, (404, 404, 0, 404, 0));
    assert_eq!(people(&s).await, vec![employee.clone()]);

    // A job seeker consents too; consent to the college does not help the dealer.
    consent(&s.app, &s.seeker.1, &s.college).await;
    assert_eq!(reads(&s, seeker).await, (404, 404, 0, 404, 0));
    let again = consent(&s.app, &s.seeker.1, &s.dealer).await;
    assert_eq!(reads(&s, seeker).await, (200, 200, 1, 200, 1));
    // Granting twice answers the active consent.
    let twice = s
        .app
        .post("/api/v1/users/me/consents")
        .token(&s.seeker.1)
        .json(json!({"organisation_id": s.dealer}))
        .send()
        .await;
    assert_eq!(twice.status, 200, "{}", twice.text());
    assert_eq!(twice.json()["id"], again["id"]);
    withdraw(&s.app, &s.seeker.1, again["id"].as_str().unwrap()).await;
    assert_eq!(reads(&s, seeker).await, (404, 404, 0, 404, 0));
}

#[actix_rt::test]
async fn consent_history_is_kept_and_audited() {
    let s = scene().await;
    let first = consent(&s.app, &s.student.1, &s.dealer).await;
    let first_id = first["id"].as_str().unwrap();
    withdraw(&s.app, &s.student.1, first_id).await;
    // Withdrawing twice changes nothing.
    let twice = withdraw(&s.app, &s.student.1, first_id).await;
    assert_eq!(twice["status"], "withdrawn");
    let second = consent(&s.app, &s.student.1, &s.dealer).await;
    assert_ne!(second["id"], first["id"]);
    let history = s.app.get("/api/v1/users/me/consents").token(&s.student.1).send().await.json();
    let statuses: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["withdrawn", "active"]);
    for (action, id) in [
        ("consent.grant", first_id),
        ("consent.withdraw", first_id),
        ("consent.grant", second["id"].as_str().unwrap()),
    ] {
        let res = s
            .app
            .get(&format!("/api/v1/audit?action={action}&record_id={id}"))
            .token(&s.w.hq.token)
            .send()
            .await
            .json();
        assert_eq!(res["items"].as_array().unwrap().len(), 1, "{action} {id}");
        assert_eq!(res["items"][0]["details"]["organisation_id"], s.dealer.as_str());
    }
    // Someone else's consent is missing; only trainees give consent.
    s.app
        .post(&format!("/api/v1/users/me/consents/{}/withdraw", second["id"].as_str().unwrap()))
        .token(&s.seeker.1)
        .send()
        .await
        .problem(404, "not_found");
    s.app
        .get("/api/v1/users/me/consents")
        .token(&s.employer)
        .send()
        .await
        .problem(403, "forbidden");
    // Another branch's organisation cannot be consented to.
    let han = organisation(&s.app, &s.w.han_admin.token, "dealer", "VinFast", None).await;
    let doc = s
        .app
        .post("/api/v1/users/me/consents")
        .token(&s.student.1)
        .json(json!({"organisation_id": han}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["code"], "unknown_organisation");
}

#[actix_rt::test]
async fn an_employer_reads_nothing_else() {
    let s = scene().await;
    let w = &s.w;
    // The employee's own records, through the ordinary endpoints: 403 or 404, never data.
    let certificates = s.app.get("/api/v1/users/me/certificates").token(&s.employee.1).send().await.json();
    let certificate = certificates["items"][0]["id"].as_str().unwrap().to_string();
    let enrolments = s.app.get("/api/v1/users/me/enrolments").token(&s.employee.1).send().await.json();
    let enrolment = enrolments["items"][0]["id"].as_str().unwrap().to_string();
    let cohort = enrolments["items"][0]["cohort"]["id"].as_str().unwrap().to_string();
    for path in [
        format!("/api/v1/certificates/{certificate}"),
        format!("/api/v1/certificates/{certificate}/credential"),
        format!("/api/v1/enrolments/{enrolment}"),
        format!("/api/v1/users/{}", s.employee.0),
        format!("/api/v1/cohorts/{cohort}"),
        format!("/api/v1/cohorts/{cohort}/members"),
        "/api/v1/branches/BKK/users".to_string(),
        "/api/v1/reports/completion".to_string(),
        "/api/v1/certificates".to_string(),
        "/api/v1/users/me/certificates".to_string(),
        "/api/v1/users/me/enrolments".to_string(),
    ] {
        let res = s.app.get(&path).token(&s.employer).send().await;
        assert!(
            res.status == 403 || res.status == 404 || (res.status == 200 && res.json()["items"].as_array().is_some_and(|i| i.is_empty())),
            "{path}: {} {}",
            res.status,
            res.text()
        );
    }
    // An employer of another organisation at the same campus sees none of the dealer's people.
    let other = organisation(&s.app, &w.bkk_admin.token, "enterprise", "Other Co", None).await;
    let (_, rival) = member(&s.app, &w.bkk_admin.token, "BKK", "hr@other.test", "employer", Some(&other)).await;
    let res = s.app.get("/api/v1/employer/people").token(&rival).send().await.json();
    assert!(res["items"].as_array().unwrap().is_empty());
    s.app
        .get(&format!("/api/v1/employer/people/{}/certificates", s.employee.0))
        .token(&rival)
        .send()
        .await
        .problem(404, "not_found");
    // A shared organisation's representative at HAN does not see BKK's trainees, even consenting ones.
    let shared = organisation(&s.app, &w.hq.token, "dealer", "ASEAN Motors", None).await;
    let (_, han_rep) = member(&s.app, &w.hq.token, "HAN", "hr@asean.test", "employer", Some(&shared)).await;
    consent(&s.app, &s.student.1, &shared).await;
    s.app
        .get(&format!("/api/v1/employer/people/{}", s.student.0))
        .token(&han_rep)
        .send()
        .await
        .problem(404, "not_found");
    // Trainees and administrators do not use the employer endpoints.
    for token in [&s.employee.1, &w.bkk_admin.token, &w.hq.token] {
        s.app
            .get("/api/v1/employer/people")
            .token(token)
            .send()
            .await
            .problem(403, "forbidden");
    }
    s.app.get("/api/v1/employer/people").send().await.problem(401, "unauthenticated");
}
