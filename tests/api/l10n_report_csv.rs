//! Issue 17, review item 17: the report CSV says the unit of `pass_rate`
//! (a share, 0-1, beside a 0-100 score), and a `;` variant with decimal
//! commas opens directly in spreadsheets set up for Vietnamese.

use crate::l10n_reports::certify_bkk_trainee;
use crate::support::rows::set_column;
use crate::support::{TestApp, World};
use chrono::DateTime;
use uuid::Uuid;

fn csv_text(body: &[u8]) -> String {
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    String::from_utf8(body[3..].to_vec()).unwrap()
}

#[actix_rt::test]
async fn pass_rate_says_its_unit_and_a_semicolon_variant_writes_decimal_commas() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let (_, certificate) = certify_bkk_trainee(&app, &world).await;
    // Certified a day and a half after enrolling: a median with a fraction.
    let token = &world.bkk_trainee.token;
    let enrolments = app.get("/api/v1/users/me/enrolments").token(token).send().await.json();
    let enrolment = Uuid::parse_str(enrolments["items"][0]["id"].as_str().unwrap()).unwrap();
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    set_column(&app, "enrolments", enrolment, "enrolled_at", at("2026-03-01T00:00:00Z")).await;
    set_column(
        &app,
        "certificates",
        Uuid::parse_str(&certificate).unwrap(),
        "issued_at",
        at("2026-03-02T12:00:00Z"),
    )
    .await;
    let admin = &world.bkk_admin.token;

    let json = app.get("/api/v1/reports/completion").token(admin).send().await.json();
    let row = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["certified"] == 1)
        .expect("the certified cohort")
        .clone();
    assert_eq!(row["pass_rate"], 1.0, "JSON keeps the 0-1 share: {row}");
    assert_eq!(row["median_days_to_certificate"], 1.5, "{row}");

    // Default: commas, decimal points, and the unit in the header.
    let res = app
        .get("/api/v1/reports/completion")
        .token(admin)
        .header("Accept", "text/csv")
        .header("Accept-Language", "en")
        .send()
        .await;
    let text = csv_text(&res.body);
    let header = text.lines().next().unwrap();
    assert!(header.contains("\"Pass rate (share 0–1, 1 = 100%)\""), "{header}");
    assert!(header.contains(",Average score (0–100),"), "{header}");
    let line = text.lines().find(|l| l.contains(",1.5,")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.starts_with("BKK,"), "{line}");

    // `;` with decimal commas, Vietnamese headers.
    let res = app
        .get("/api/v1/reports/completion?sep=semicolon")
        .token(admin)
        .header("Accept", "text/csv")
        .header("Accept-Language", "vi")
        .send()
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));
    let text = csv_text(&res.body);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    assert_eq!(header[0], "Cơ sở");
    assert!(header.contains(&"Tỷ lệ đạt (0–1, 1 = 100%)"), "{header:?}");
    let line = lines
        .find(|l| l.contains(";1,5;"))
        .unwrap_or_else(|| panic!("decimal comma: {text}"));
    let cells: Vec<&str> = line.split(';').collect();
    assert_eq!(cells.len(), header.len(), "one cell per column: {line}");
    assert_eq!(cells[0], "BKK");
    assert!(text.ends_with("\r\n"));

    // The talent pool takes the same choice; anything else is refused by name.
    let res = app
        .get("/api/v1/reports/talent-pool?sep=semicolon")
        .token(&world.hq.token)
        .header("Accept", "text/csv")
        .send()
        .await;
    let text = csv_text(&res.body);
    assert!(text.lines().nth(1).is_some_and(|l| l.contains(";TH;")), "{text}");
    let res = app
        .get("/api/v1/reports/completion?sep=tab")
        .token(admin)
        .header("Accept", "text/csv")
        .header("Accept-Language", "th")
        .send()
        .await;
    let doc = res.problem(422, "validation_failed");
    assert_eq!(doc["errors"][0]["field"], "sep");
    assert_eq!(doc["errors"][0]["code"], "invalid_choice");
    assert_eq!(res.header("content-language").as_deref(), Some("th"));
}
