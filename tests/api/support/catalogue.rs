//! Building catalogue content through the API.

use super::TestApp;
use serde_json::{Value, json};

/// A course in all four locales with `lessons` lessons, published to `branches`.
pub async fn published_course(app: &TestApp, hq: &str, code: &str, lessons: usize, branches: &[&str]) -> Value {
    let lesson_list: Vec<Value> = (1..=lessons)
        .map(|i| {
            json!({"translations": {
                "zh-CN": {"title": format!("第{i}课 高压安全"), "body": format!("## 第{i}课\n断电、验电、上锁挂牌。")},
                "en": {"title": format!("Lesson {i}: high-voltage safety"), "body": format!("## Lesson {i}\nIsolate, verify, lock out.")},
                "th": {"title": format!("บทที่ {i}: ความปลอดภัยไฟฟ้าแรงสูง"), "body": "ตัดไฟ ตรวจสอบ ล็อกเอาต์"},
                "vi": {"title": format!("Bài {i}: an toàn điện cao áp"), "body": "Ngắt điện, kiểm tra, khóa."}
            }})
        })
        .collect();
    let res = app
        .post("/api/v1/courses")
        .token(hq)
        .json(json!({
            "code": code,
            "source_locale": "zh-CN",
            "translations": {
                "zh-CN": {"title": "新能源汽车高压安全", "summary": "高压系统作业安全规范"},
                "en": {"title": "EV high-voltage safety", "summary": "Working safely on high-voltage systems"},
                "th": {"title": "ความปลอดภัยระบบไฟฟ้าแรงสูงของรถยนต์ไฟฟ้า", "summary": "การทำงานอย่างปลอดภัยกับระบบไฟฟ้าแรงสูง"},
                "vi": {"title": "An toàn điện cao áp xe điện", "summary": "Làm việc an toàn với hệ thống cao áp"}
            },
            "lessons": lesson_list
        }))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let course = res.json();
    if !branches.is_empty() {
        let id = course["id"].as_str().unwrap();
        let res = app
            .post(&format!("/api/v1/courses/{id}/publish"))
            .token(hq)
            .json(json!({"branches": branches}))
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        return res.json();
    }
    course
}

/// A cohort at BKK of a new one-lesson course `EV-HV-101` offered to BKK; its id.
pub async fn bkk_cohort(app: &TestApp, world: &super::World, capacity: i64) -> String {
    let course = published_course(app, &world.hq.token, "EV-HV-101", 1, &["BKK"]).await;
    let res = app
        .post("/api/v1/branches/BKK/cohorts")
        .token(&world.bkk_admin.token)
        .json(
            json!({"course_id": course["id"], "name": "Intake", "starts_on": "2026-03-01", "ends_on": "2026-06-30", "capacity": capacity}),
        )
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_string()
}
