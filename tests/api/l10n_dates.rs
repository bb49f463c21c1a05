//! Issue 17, review items 6, 7 and 13: dates a person reads are in the
//! branch's time zone with the reader's pattern and calendar (CLDR through
//! ICU4X), and names sort as a reader of the language sorts them.

use crate::support::rows::outbox_args;
use crate::support::world::create_user;
use crate::support::{TestApp, World};
use chrono::{Duration, NaiveDate};
use zhijiang::i18n::{self, Arg, Locale};

#[actix_rt::test]
async fn invitation_expiry_is_the_readers_date_and_time_in_the_branch_zone() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    for (email, locale) in [
        ("th@bkk.test", "th"),
        ("zh@bkk.test", "zh-CN"),
        ("en@bkk.test", "en"),
        ("vi@bkk.test", "vi"),
    ] {
        create_user(&app, &world.hq.token, "BKK", email, "trainee", locale, None).await;
    }
    let expires = app.state.clock.now() + Duration::days(7);
    let sent = outbox_args(&app, "invitation").await;
    let by_locale = |l: &str| {
        sent.iter().rev().find(|(locale, _)| locale == l).unwrap().1["expires"]
            .as_str()
            .unwrap()
            .to_string()
    };

    let th = by_locale("th");
    assert_eq!(th, i18n::format_date_time(expires, chrono_tz::Asia::Bangkok, Locale::Th));
    let local = expires.with_timezone(&chrono_tz::Asia::Bangkok);
    let buddhist_year = (local.format("%Y").to_string().parse::<i32>().unwrap() + 543).to_string();
    assert!(th.contains(&buddhist_year) && th.contains("GMT+7"), "{th}");
    assert!(th.contains(&local.format("%H:%M").to_string()), "Bangkok wall time: {th}");
    assert!(!th.contains('-'), "no ISO date: {th}");

    let zh = by_locale("zh-CN");
    assert!(zh.contains('年') && zh.contains('月') && zh.contains('日'), "{zh}");
    let en = by_locale("en");
    assert!(en.contains(&local.format("%B").to_string()) && en.contains("GMT+7"), "{en}");
    let vi = by_locale("vi");
    assert!(vi.contains("tháng"), "{vi}");

    // The sentence around it reads naturally: no stray space between
    // Chinese characters and the date.
    let text = i18n::t(
        Locale::ZhCn,
        "email-invitation-text",
        &[
            ("name", Arg::from("王")),
            ("branch", Arg::from("曼谷分院")),
            ("link", Arg::from("L")),
            ("expires", Arg::from(zh.clone())),
        ],
    );
    assert!(text.contains(&format!("将于{zh}失效")), "{text}");
}

#[test]
fn certificate_dates_follow_the_reader_and_chinese_mail_has_no_stray_spaces() {
    let date = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    assert_eq!(i18n::format_date(date, Locale::Th), "29 พฤศจิกายน 2569");
    assert_eq!(i18n::format_date(date, Locale::ZhCn), "2026年11月29日");
    assert_eq!(i18n::format_date(date, Locale::En), "29 November 2026");
    let args = [
        ("name", Arg::from("王")),
        ("course", Arg::from("高压安全")),
        ("branch", Arg::from("曼谷分院")),
        ("date", Arg::from(i18n::format_date(date, Locale::ZhCn))),
        ("code", Arg::from("BKK-1234-5678")),
        ("public_url", Arg::from("https://example.test")),
    ];
    let text = i18n::t(Locale::ZhCn, "email-certificate-text", &args);
    assert!(text.contains("您已于2026年11月29日在曼谷分院"), "{text}");
}

#[test]
fn names_sort_as_their_readers_sort_them() {
    let sorted = |locale: Locale, names: &[&str]| {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| i18n::compare(locale, a, b));
        v
    };
    // Thai: by the consonant, not the leading vowel written before it.
    assert_eq!(sorted(Locale::Th, &["แดง", "กา", "เขียว", "ไก่"]), ["กา", "ไก่", "เขียว", "แดง"]);
    // Vietnamese: Đ is its own letter after D.
    assert_eq!(sorted(Locale::Vi, &["Đức", "Em", "Dung", "An"]), ["An", "Dung", "Đức", "Em"]);
    // Chinese: pinyin (Chen, Li, Wang, Zhang), not code point order.
    assert_eq!(
        sorted(Locale::ZhCn, &["张伟", "王芳", "李娜", "陈静"]),
        ["陈静", "李娜", "王芳", "张伟"]
    );
}
