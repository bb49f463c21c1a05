//! Issue 18, exports: the certificate register and trainee transcripts as
//! CSV in the caller's language, within the caller's scope.

use crate::reports::{cohort, trainee};
use crate::support::catalogue::published_course;
use crate::support::exams::published_exam;
use crate::support::{Response, TestApp, World};
use serde_json::json;

/// The CSV lines after the BOM.
fn lines(res: &Response) -> Vec<String> {
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.header("content-type").unwrap().starts_with("text/csv"));
    assert!(res.body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    String::from_utf8(res.body[3..].to_vec())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[actix_rt::test]
async fn the_register_and_transcripts_speak_the_callers_language_within_its_scope() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-HV-101", 1, &["BKK", "HAN"]).await;
    let exam = published_exam(&app, &world.hq.token, course["id"].as_str().unwrap(), 4, false, false).await;
    let exam = exam["id"].as_str().unwrap().to_string();
    let bkk = cohort(&app, &world.bkk_admin.token, "BKK", &course, "BKK-1").await;
    let han = cohort(&app, &world.han_admin.token, "HAN", &course, "HAN-1").await;
    for (n, branch, admin, cohort, outcome) in [
        (1, "BKK", &world.bkk_admin.token, &bkk, "passed"),
        (2, "BKK", &world.bkk_admin.token, &bkk, "passed"),
        (3, "BKK", &world.bkk_admin.token, &bkk, "failed"),
        (4, "HAN", &world.han_admin.token, &han, "passed"),
    ] {
        trainee(&app, &world, admin, branch, cohort, &course, &exam, n, outcome).await;
    }
    let hq = &world.hq.token;

    let register = app.get("/api/v1/reports/certificates?lang=th").token(hq).send().await;
    assert_eq!(register.header("content-language").as_deref(), Some("th"));
    let rows = lines(&register);
    assert!(rows[0].starts_with("รหัสใบรับรอง,สถานะใบรับรอง,"), "{}", rows[0]);
    assert_eq!(rows.len(), 4, "three certificates: {rows:?}");
    assert!(
        rows[1..]
            .iter()
            .all(|r| r.contains(",ใช้ได้,") && r.contains("ความปลอดภัยระบบไฟฟ้าแรงสูงของรถยนต์ไฟฟ้า")),
        "{rows:?}"
    );
    assert_eq!(rows[1..].iter().filter(|r| r.contains(",BKK,")).count(), 2);

    // Revoked ones carry their reason; filters; the branch admin's own branch only.
    let certs = app.get("/api/v1/certificates").token(hq).send().await.json();
    let first = certs["items"][0]["id"].as_str().unwrap().to_string();
    let res = app
        .post(&format!("/api/v1/certificates/{first}/revoke"))
        .token(hq)
        .json(json!({"reason": "Exam taken by someone else"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let revoked = lines(&app.get("/api/v1/reports/certificates?status=revoked").token(hq).send().await);
    assert_eq!(revoked.len(), 2);
    assert!(
        revoked[1].ends_with(",Exam taken by someone else") && revoked[1].contains(",Revoked,"),
        "{revoked:?}"
    );
    let own = lines(&app.get("/api/v1/reports/certificates").token(&world.bkk_admin.token).send().await);
    assert_eq!(own.len(), 3);
    assert!(own[1..].iter().all(|r| r.contains(",BKK,")));
    let other = lines(
        &app.get("/api/v1/reports/certificates?branch=HAN")
            .token(&world.bkk_admin.token)
            .send()
            .await,
    );
    assert_eq!(other.len(), 1, "header only");
    assert_eq!(
        lines(&app.get("/api/v1/reports/certificates?from=2099-01-01").token(hq).send().await).len(),
        1
    );
    for query in ["from=someday", "status=lost", "to=2026-02-30"] {
        let res = app
            .get(&format!("/api/v1/reports/certificates?{query}&lang=vi"))
            .token(hq)
            .send()
            .await;
        res.problem(422, "validation_failed");
        assert_eq!(res.header("content-language").as_deref(), Some("vi"));
    }
    app.get("/api/v1/reports/certificates")
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(403, "forbidden");

    // A transcript: the enrolment, the lesson with its date, the attempt with its result, the certificate.
    let t1 = app.login("BKK", "t1@bkk.test", "long enough pw").await;
    let mine = lines(&app.get("/api/v1/users/me/transcript?lang=vi").token(&t1).send().await);
    assert!(
        mine[0].starts_with("Loại mục,Mã khóa học,Khóa học,Lớp,Nội dung,Ngày,Trạng thái,Điểm,Phần trăm,"),
        "{}",
        mine[0]
    );
    assert_eq!(mine.len(), 5, "{mine:?}");
    assert!(
        mine[1].starts_with("Ghi danh,EV-HV-101,An toàn điện cao áp xe điện,BKK-1,,") && mine[1].contains("Đã hoàn thành"),
        "{}",
        mine[1]
    );
    assert!(
        mine[2].starts_with("Bài học,EV-HV-101,") && mine[2].contains(",1. Bài 1: an toàn điện cao áp,20") && mine[2].contains(",Đã học,"),
        "{}",
        mine[2]
    );
    assert!(
        mine[3].starts_with("Lượt thi,") && mine[3].contains(",Lượt thi 1,") && mine[3].contains(",5,100,Có,"),
        "{}",
        mine[3]
    );
    assert!(
        mine[4].starts_with("Chứng chỉ,")
            && (mine[4].contains(",Còn hiệu lực,") || mine[4].contains(",Đã thu hồi,"))
            && mine[4].contains(",BKK-"),
        "{}",
        mine[4]
    );
    let me = app.get("/api/v1/users/me").token(&t1).send().await.json();
    let id = me["id"].as_str().unwrap();
    let by_admin = lines(
        &app.get(&format!("/api/v1/users/{id}/transcript"))
            .token(&world.bkk_admin.token)
            .send()
            .await,
    );
    assert_eq!(by_admin.len(), 5);
    assert!(
        by_admin[0].starts_with("ประเภทรายการ,"),
        "the admin's own language: {}",
        by_admin[0]
    );
    app.get(&format!("/api/v1/users/{id}/transcript"))
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/users/{id}/transcript"))
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .problem(403, "forbidden");
}
