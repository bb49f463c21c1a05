//! `serve --demo`: seeds a small demo world on first start (when the HQ
//! branch does not exist yet) and prints the logins.

use crate::audit::Author;
use crate::branches::service::{self as branches, NewBranch};
use crate::command::Command;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::Role;
use crate::users::service::{self as users, NewUser};
use std::collections::BTreeMap;

mod answers;
mod content;
mod industry;
pub(crate) mod load;
mod media;

pub const DEMO_PASSWORD: &str = "zhijiang-demo-2026";

struct DemoBranch {
    code: &'static str,
    country: &'static str,
    locale: Locale,
    tz: &'static str,
    names: [(Locale, &'static str); 4],
    users: &'static [(&'static str, &'static str, Role, Locale)],
}

const BRANCHES: [DemoBranch; 3] = [
    DemoBranch {
        code: "HQ",
        country: "CN",
        locale: Locale::ZhCn,
        tz: "Asia/Shanghai",
        names: [
            (Locale::ZhCn, "国际工匠学院总部"),
            (Locale::En, "International Craftsman Academy HQ"),
            (Locale::Th, "สำนักงานใหญ่"),
            (Locale::Vi, "Trụ sở chính"),
        ],
        users: &[("hq@demo.zhijiang.localhost", "王老师 Wang Lei", Role::HqAdmin, Locale::ZhCn)],
    },
    DemoBranch {
        code: "BKK",
        country: "TH",
        locale: Locale::Th,
        tz: "Asia/Bangkok",
        names: [
            (Locale::ZhCn, "曼谷分院"),
            (Locale::En, "Bangkok Campus"),
            (Locale::Th, "วิทยาเขตกรุงเทพฯ"),
            (Locale::Vi, "Cơ sở Bangkok"),
        ],
        users: &[
            (
                "admin@bkk.demo.zhijiang.localhost",
                "Siriporn Chaiyaporn",
                Role::BranchAdmin,
                Locale::Th,
            ),
            (
                "somchai@bkk.demo.zhijiang.localhost",
                "Somchai Wongsakul",
                Role::Trainee,
                Locale::Th,
            ),
            ("malee@bkk.demo.zhijiang.localhost", "Malee Srisuk", Role::Trainee, Locale::Th),
            (
                "hr@byd-bangna.demo.zhijiang.localhost",
                "Kannika Thongdee (BYD Bangna)",
                Role::Employer,
                Locale::Th,
            ),
            (
                "assessor@bkk.demo.zhijiang.localhost",
                "Prasert Boonmee",
                Role::Assessor,
                Locale::Th,
            ),
        ],
    },
    DemoBranch {
        code: "HAN",
        country: "VN",
        locale: Locale::Vi,
        tz: "Asia/Ho_Chi_Minh",
        names: [
            (Locale::ZhCn, "河内分院"),
            (Locale::En, "Hanoi Campus"),
            (Locale::Th, "วิทยาเขตฮานอย"),
            (Locale::Vi, "Cơ sở Hà Nội"),
        ],
        users: &[
            ("admin@han.demo.zhijiang.localhost", "Nguyễn Thị Lan", Role::BranchAdmin, Locale::Vi),
            ("minh@han.demo.zhijiang.localhost", "Trần Văn Minh", Role::Trainee, Locale::Vi),
        ],
    },
];

pub async fn seed(state: &AppState) -> Result<(), String> {
    if branches::find_by_code(&state.db, "HQ").await.map_err(|e| e.to_string())?.is_some() {
        tracing::info!("demo: HQ exists already, nothing seeded");
        return Ok(());
    }
    let now = state.clock.now();
    // The command line acts for nobody in particular; seeding writes no audit entry.
    let cmd = Command::begin_as(state, Author::default()).await.map_err(|e| e.to_string())?;
    let txn = cmd.txn();
    let mut logins = Vec::new();
    let mut people = BTreeMap::new();
    let mut branch_rows = BTreeMap::new();
    for demo in BRANCHES {
        let names: BTreeMap<Locale, String> = demo.names.iter().map(|(l, n)| (*l, n.to_string())).collect();
        let new = NewBranch {
            code: demo.code.into(),
            country: demo.country.into(),
            default_locale: demo.locale,
            time_zone: demo.tz.into(),
            names,
        };
        let branch = branches::insert(state, txn, new, now).await.map_err(|e| e.to_string())?;
        for (email, name, role, locale) in demo.users {
            let new = NewUser {
                email: email.to_string(),
                display_name: name.to_string(),
                role: *role,
                locale: *locale,
                password: Some(DEMO_PASSWORD.into()),
            };
            let user = users::insert(state, txn, &branch, new, now).await.map_err(|e| e.to_string())?;
            people.insert(email.to_string(), user);
            logins.push(format!("  {:<4} {:<13} {}", demo.code, role.as_str(), email));
        }
        branch_rows.insert(demo.code, branch);
    }
    let code = content::seed(txn, &branch_rows, &people, now).await?;
    cmd.commit().await.map_err(|e| e.to_string())?;
    media::seed(state, "EV-HV-101").await?;
    println!("Demo world seeded. Every demo login uses the password {DEMO_PASSWORD}:");
    for line in logins {
        println!("{line}");
    }
    println!("Course EV-HV-101 is published to BKK and HAN with its exam and a required practical");
    println!("(lock-out/tag-out). Somchai and Malee work for the dealer BYD Bangna Service, whose");
    println!("representative signs in as hr@byd-bangna.demo.zhijiang.localhost. Malee passed the");
    println!("practical and the exam and is certified:");
    println!("  {}/verify/{code}", state.config.public_url);
    println!(
        "Try: curl -s {}/api/v1/auth/login -H 'Content-Type: application/json' \\",
        state.config.public_url
    );
    println!("       -d '{{\"branch\":\"BKK\",\"email\":\"somchai@bkk.demo.zhijiang.localhost\",\"password\":\"{DEMO_PASSWORD}\"}}'");
    Ok(())
}
