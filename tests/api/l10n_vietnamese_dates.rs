//! Issue 17, Vietnamese dates: `ngày 28 tháng 11 năm 2026`, with the time
//! after the date (`… lúc 14:30 GMT+7`), as a native reader writes them,
//! where CLDR's patterns give `28 tháng 11 2026` and the time first.

use crate::support::rows::outbox_args;
use crate::support::world::create_user;
use crate::support::{TestApp, World};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use zhijiang::i18n::{self, Arg, Locale};

#[actix_rt::test]
async fn vietnamese_dates_read_ngay_thang_nam_with_the_time_after_the_date() {
    let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    assert_eq!(i18n::format_date(day, Locale::Vi), "ngày 28 tháng 11 năm 2026");
    let instant = Utc.with_ymd_and_hms(2026, 12, 5, 7, 30, 0).unwrap();
    assert_eq!(
        i18n::format_date_time(instant, chrono_tz::Asia::Ho_Chi_Minh, Locale::Vi),
        "ngày 5 tháng 12 năm 2026 lúc 14:30 GMT+7"
    );
    // The other locales keep CLDR's patterns.
    assert_eq!(i18n::format_date(day, Locale::En), "28 November 2026");

    // The invitation a Vietnamese trainee receives.
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    create_user(&app, &world.hq.token, "BKK", "vi@bkk.test", "trainee", "vi", None).await;
    let expires = app.state.clock.now() + Duration::days(7);
    let local = expires.with_timezone(&chrono_tz::Asia::Bangkok);
    let sent = outbox_args(&app, "invitation").await;
    let (_, args) = sent
        .iter()
        .rev()
        .find(|(locale, _)| locale == "vi")
        .expect("the Vietnamese invitation");
    let text = args["expires"].as_str().unwrap();
    let expected = format!(
        "ngày {} tháng {} năm {} lúc {} GMT+7",
        local.format("%-d"),
        local.format("%-m"),
        local.format("%Y"),
        local.format("%H:%M")
    );
    assert_eq!(text, expected);

    // The sentences around the dates do not say "ngày" twice.
    let date = Arg::from(i18n::format_date(day, Locale::Vi));
    let args = [
        ("name", Arg::from("An")),
        ("course", Arg::from("EV")),
        ("branch", Arg::from("Cơ sở Hà Nội")),
        ("code", Arg::from("HAN-7F3K-9QPX")),
        ("public_url", Arg::from("https://academy.example")),
        ("days", Arg::from(30_i64)),
        ("link", Arg::from("L")),
        ("expires", Arg::from(text.to_string())),
        ("date", date),
    ];
    for id in [
        "email-invitation-text",
        "email-invitation-html",
        "email-certificate-text",
        "email-certificate-html",
        "email-certificate-expiring-subject",
        "email-certificate-expiring-text",
        "email-certificate-expiring-html",
    ] {
        let message = i18n::t(Locale::Vi, id, &args);
        assert!(message.contains("năm 2026"), "{id}: {message}");
        for doubled in ["ngày ngày", "ngày <strong>ngày"] {
            assert!(!message.contains(doubled), "{id}: {message}");
        }
    }
}
