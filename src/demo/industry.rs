//! The demo world's industry side: a Bangkok dealer whose representative
//! follows its two technicians (Somchai and Malee), and the course's
//! lock-out/tag-out checklist, required before certification, with Malee's
//! passed assessment recorded by the campus assessor.

use crate::branches::entity as branch;
use crate::orgs::entity::{self as organisation, Kind};
use crate::practical::assessment_entity as assessment;
use crate::practical::checklist_entity as checklist;
use crate::practical::item_entity as item;
use crate::practical::result_entity as result;
use crate::users::entity as user;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The checklist's steps in the four locales.
const STEPS: [[&str; 4]; 3] = [
    [
        "断开高压维修开关并妥善保管",
        "Remove the HV service disconnect and keep it on you",
        "ถอดสวิตช์ตัดวงจรแรงสูงและเก็บไว้กับตัว",
        "Tháo công tắc ngắt cao áp và giữ bên mình",
    ],
    [
        "上锁并挂上本人姓名的警示牌",
        "Apply your own lock and a tag with your name",
        "คล้องกุญแจของตนเองและติดป้ายชื่อ",
        "Khóa bằng khóa của mình và treo thẻ ghi tên",
    ],
    [
        "用合格的万用表验证无电压",
        "Verify zero voltage with a tested meter",
        "ตรวจสอบว่าไม่มีแรงดันด้วยมิเตอร์ที่ผ่านการทดสอบ",
        "Kiểm tra không còn điện áp bằng đồng hồ đã thử",
    ],
];

fn four(texts: [&str; 4]) -> String {
    json!({"zh-CN": texts[0], "en": texts[1], "th": texts[2], "vi": texts[3]}).to_string()
}

/// Seeds the dealer, its people, the checklist and Malee's assessment.
pub(super) async fn seed(
    txn: &DatabaseTransaction,
    branches: &BTreeMap<&str, branch::Model>,
    people: &BTreeMap<String, user::Model>,
    course_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let bkk = branches["BKK"].id;
    let dealer = organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(Some(bkk)),
        kind: Set(Kind::Dealer),
        name: Set("BYD Bangna Service".into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(err)?;
    for email in [
        "hr@byd-bangna.demo.zhijiang.localhost",
        "somchai@bkk.demo.zhijiang.localhost",
        "malee@bkk.demo.zhijiang.localhost",
    ] {
        crate::orgs::service::set_membership(txn, "organisation_id", people[email].id, bkk, Some(dealer.id), now)
            .await
            .map_err(err)?
            .map_err(|e| format!("{e:?}"))?;
    }
    let list = checklist::ActiveModel {
        id: Set(Uuid::now_v7()),
        course_id: Set(course_id),
        required: Set(true),
        titles: Set(four([
            "高压系统上锁挂牌",
            "High-voltage lock-out/tag-out",
            "การล็อกและติดป้ายระบบแรงสูง",
            "Khóa và treo thẻ hệ thống cao áp",
        ])),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(err)?;
    let mut steps = Vec::new();
    for (position, texts) in STEPS.into_iter().enumerate() {
        let row = item::ActiveModel {
            id: Set(Uuid::now_v7()),
            checklist_id: Set(list.id),
            position: Set(crate::num::to_i32(position)),
            texts: Set(four(texts)),
            retired_at: Set(None),
        }
        .insert(txn)
        .await
        .map_err(err)?;
        steps.push(row.id);
    }
    let malee = &people["malee@bkk.demo.zhijiang.localhost"];
    let assessed = assessment::ActiveModel {
        id: Set(Uuid::now_v7()),
        branch_id: Set(bkk),
        user_id: Set(malee.id),
        course_id: Set(course_id),
        checklist_id: Set(list.id),
        assessor_id: Set(people["assessor@bkk.demo.zhijiang.localhost"].id),
        passed: Set(true),
        notes: Set(Some("Calm and methodical; verified the meter on a known source first.".into())),
        recorded_at: Set(now),
        corrects_id: Set(None),
    }
    .insert(txn)
    .await
    .map_err(err)?;
    for step in steps {
        result::ActiveModel {
            id: Set(Uuid::now_v7()),
            assessment_id: Set(assessed.id),
            item_id: Set(step),
            passed: Set(true),
            comment: Set(None),
        }
        .insert(txn)
        .await
        .map_err(err)?;
    }
    Ok(())
}
