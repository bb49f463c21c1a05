//! Lesson media end to end: uploads sniffed, checked and stripped of
//! metadata; files served by signed link with ranges and validators; the
//! per-locale fallback; lessons resolving `asset:` references; who may see
//! what; deletion and clean-up; and every refusal as a localized problem
//! that leaves nothing in storage. The storage tests run on the local file
//! system and on a real S3-compatible server (moto).

use crate::support::catalogue::published_course;
use crate::support::media::{S3Server, fetch, keys, mp4, photo, sha256_hex, upload};
use crate::support::{TestApp, World};
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// Uploads, serves, ranges and validators on whatever store `app` uses.
async fn storage_round_trip(app: &TestApp) {
    let world = World::build(app).await;
    let hq = &world.hq.token;
    let course = published_course(app, hq, "EV-MEDIA-1", 1, &["BKK"]).await;
    let course_id = id(&course);

    // An image: metadata goes, dimensions are read, the digest is of what is kept.
    let png = photo(40, 30, 200);
    let res = upload(
        app,
        hq,
        &format!("/api/v1/courses/{course_id}/assets"),
        "panel.png",
        Some("image/png"),
        &png,
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let asset = res.json();
    assert_eq!(asset["kind"], "image");
    assert_eq!(asset["referenced"], false);
    let file = &asset["files"][0];
    assert_eq!((file["width"].as_i64(), file["height"].as_i64()), (Some(40), Some(30)));
    assert_eq!(file["locale"], Value::Null);
    let served = fetch(app, file["url"].as_str().unwrap(), &[]).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type").as_deref(), Some("image/png"));
    assert!(!served.body.windows(4).any(|w| w == b"tEXt"), "metadata kept");
    assert!(!served.body.windows(3).any(|w| w == b"GPS"));
    assert_eq!(i64::try_from(served.body.len()).unwrap(), file["size"].as_i64().unwrap());
    assert_eq!(sha256_hex(&served.body), file["sha256"].as_str().unwrap());
    assert!(served.header("cache-control").unwrap().contains("immutable"));

    // A video streams through; ranges, 416 and 304.
    let video = mp4(3 * 1024 * 1024 + 17);
    let res = upload(
        app,
        hq,
        &format!("/api/v1/courses/{course_id}/assets"),
        "walkaround.mp4",
        Some("video/mp4"),
        &video,
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let video_asset = res.json();
    let vfile = &video_asset["files"][0];
    assert_eq!(vfile["sha256"], sha256_hex(&video));
    assert_eq!(vfile["content_type"], "video/mp4");
    let url = vfile["url"].as_str().unwrap();
    let whole = fetch(app, url, &[]).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body.len(), video.len());
    assert_eq!(whole.header("accept-ranges").as_deref(), Some("bytes"));
    let part = fetch(app, url, &[("Range", "bytes=1000-1999")]).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.body.as_ref(), &video[1000..2000]);
    assert_eq!(part.header("content-range").unwrap(), format!("bytes 1000-1999/{}", video.len()));
    let tail = fetch(app, url, &[("Range", "bytes=-10")]).await;
    assert_eq!(tail.status, 206);
    assert_eq!(tail.body.as_ref(), &video[video.len() - 10..]);
    let beyond = fetch(
        app,
        url,
        &[("Range", &format!("bytes={}-", video.len())), ("Accept-Language", "th")],
    )
    .await;
    let problem = beyond.problem(416, "range_not_satisfiable");
    assert_eq!(beyond.header("content-range").unwrap(), format!("bytes */{}", video.len()));
    assert_eq!(beyond.header("content-language").as_deref(), Some("th"));
    assert!(
        problem["title"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))
    );
    let etag = whole.header("etag").unwrap();
    let again = fetch(app, url, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    // A link is only as good as its signature.
    let forged = url.replace("signature=", "signature=x");
    fetch(app, &forged, &[]).await.problem(404, "not_found");
    let other = url.replace(&id(&video_asset), &id(&asset));
    fetch(app, &other, &[]).await.problem(404, "not_found");

    // Nothing is left half-written.
    assert!(keys(app, "staging").await.is_empty());
    assert_eq!(keys(app, "files").await.len(), 2);
}

#[actix_rt::test]
async fn files_round_trip_on_the_local_store() {
    let app = TestApp::new().await;
    assert_eq!(app.state.media.store.backend(), "file");
    storage_round_trip(&app).await;
}

#[actix_rt::test]
async fn files_round_trip_on_s3_compatible_storage() {
    let s3 = S3Server::start();
    let app = TestApp::with_config(|c| s3.configure(c, "academy")).await;
    assert_eq!(app.state.media.store.backend(), "s3");
    storage_round_trip(&app).await;
}

/// Every refusal, on `app`'s store: the right problem, and nothing kept.
async fn refusals_leave_nothing(app: &TestApp) {
    let world = World::build(app).await;
    let hq = &world.hq.token;
    let course = published_course(app, hq, "EV-MEDIA-2", 1, &[]).await;
    let path = format!("/api/v1/courses/{}/assets", id(&course));

    // Over the image limit (set to 64 KiB): 413 while streaming.
    let big = photo(400, 400, 1);
    assert!(big.len() > 64 * 1024, "{}", big.len());
    upload(app, hq, &path, "big.png", None, &big)
        .await
        .problem(413, "payload_too_large");
    // Over the video limit (1 MiB here) mid-stream.
    upload(app, hq, &path, "long.mp4", None, &mp4(3 * 1024 * 1024))
        .await
        .problem(413, "payload_too_large");
    // Content that is not what it claims.
    upload(app, hq, &path, "doc.png", Some("image/png"), b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
        .await
        .problem(415, "media_type_mismatch");
    // A type lessons do not take.
    upload(
        app,
        hq,
        &path,
        "tool.exe",
        None,
        b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0 program",
    )
    .await
    .problem(415, "media_type_not_allowed");
    upload(
        app,
        hq,
        &path,
        "x.svg",
        Some("image/svg+xml"),
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>",
    )
    .await
    .problem(415, "media_type_not_allowed");
    // An image bomb: 100,000 × 100,000 pixels in a few dozen bytes.
    let bomb = zhijiang::media::png::header_only(100_000, 100_000);
    let doc = upload(app, hq, &path, "bomb.png", None, &bomb)
        .await
        .problem(422, "image_too_large");
    assert!(doc["detail"].as_str().unwrap().contains("100"));
    // A damaged image.
    let png = photo(8, 8, 9);
    upload(app, hq, &path, "cut.png", None, &png[..png.len() - 20])
        .await
        .problem(422, "media_corrupt");
    // Subtitles must be text.
    upload(app, hq, &path, "bad.vtt", None, b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xff\xfe")
        .await
        .problem(422, "media_corrupt");
    // Names with a path or control characters.
    for name in [
        "../../etc/passwd.png",
        "..",
        "a\\\\b.png",
        "bell\u{7}.png",
        "rtl\u{202e}gnp.exe",
        "nul\0.png",
        &"x".repeat(300),
    ] {
        let doc = upload(app, hq, &path, name, None, &photo(4, 4, 1))
            .await
            .problem(422, "validation_failed");
        assert_eq!(doc["errors"][0]["field"], "file.filename", "{name}: {doc}");
    }
    // An empty file; no file part at all.
    upload(app, hq, &path, "empty.png", None, b"").await.problem(422, "media_empty");
    let res = app
        .post(&path)
        .token(hq)
        .body(
            &crate::support::media::form_type(),
            format!("--{}--\r\n", crate::support::media::BOUNDARY),
        )
        .send()
        .await;
    res.problem(422, "validation_failed");
    // Not multipart.
    app.post(&path)
        .token(hq)
        .body("image/png", photo(4, 4, 1))
        .send()
        .await
        .problem(415, "unsupported_media_type");
    // A truncated upload: the body ends before the closing boundary.
    let mut cut = crate::support::media::form("clip.mp4", None, &mp4(300_000));
    cut.truncate(cut.len() - 100_000);
    app.post(&path)
        .token(hq)
        .body(&crate::support::media::form_type(), cut)
        .send()
        .await
        .problem(400, "upload_truncated");

    assert!(keys(app, "staging").await.is_empty(), "{:?}", keys(app, "staging").await);
    assert!(keys(app, "files").await.is_empty(), "{:?}", keys(app, "files").await);
    let listed = app
        .get(&format!("/api/v1/courses/{}/assets", id(&course)))
        .token(hq)
        .send()
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);

    // The quota counts what is stored.
    let res = upload(app, hq, &path, "first.mp4", None, &mp4(900 * 1024)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    upload(app, hq, &path, "more.mp4", None, &mp4(900 * 1024))
        .await
        .problem(413, "storage_quota_exceeded");
    assert_eq!(keys(app, "files").await.len(), 1);
    assert!(keys(app, "staging").await.is_empty());
}

fn tight_limits(c: &mut zhijiang::config::Config) {
    c.media.max_image_bytes = 64 * 1024;
    c.media.max_video_bytes = 1024 * 1024;
    c.media.quota_bytes = 1536 * 1024;
}

#[actix_rt::test]
async fn refused_uploads_leave_nothing_on_the_local_store() {
    let app = TestApp::with_config(tight_limits).await;
    refusals_leave_nothing(&app).await;
}

#[actix_rt::test]
async fn refused_uploads_leave_nothing_on_s3_compatible_storage() {
    let s3 = S3Server::start();
    let app = TestApp::with_config(|c| {
        tight_limits(c);
        s3.configure(c, "");
    })
    .await;
    refusals_leave_nothing(&app).await;
}

#[actix_rt::test]
async fn problems_are_localized_in_every_locale() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let course = published_course(&app, &world.hq.token, "EV-MEDIA-3", 1, &[]).await;
    let path = format!("/api/v1/courses/{}/assets", id(&course));
    let mut titles = std::collections::BTreeSet::new();
    for lang in ["zh-CN", "en", "th", "vi"] {
        let res = app
            .post(&format!("{path}?lang={lang}"))
            .token(&world.hq.token)
            .body(
                &crate::support::media::form_type(),
                crate::support::media::form("a.exe", None, b"MZ\x90\0 not media at all"),
            )
            .send()
            .await;
        let doc = res.problem(415, "media_type_not_allowed");
        assert_eq!(res.header("content-language").as_deref(), Some(lang));
        titles.insert(doc["title"].as_str().unwrap().to_string());
    }
    assert_eq!(titles.len(), 4, "{titles:?}");
}

#[actix_rt::test]
async fn lessons_resolve_assets_per_locale_and_branches_see_only_their_courses() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let hq = &world.hq.token;
    let course = published_course(&app, hq, "EV-MEDIA-4", 1, &["BKK"]).await;
    let course_id = id(&course);
    let lesson_id = course["lessons"][0]["id"].as_str().unwrap().to_string();

    // A picture for everyone, and a Thai one.
    let res = upload(
        &app,
        hq,
        &format!("/api/v1/courses/{course_id}/assets?lesson_id={lesson_id}"),
        "all.png",
        None,
        &photo(10, 10, 1),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let asset = res.json();
    let asset_id = id(&asset);
    let res = upload(
        &app,
        hq,
        &format!("/api/v1/assets/{asset_id}/files?locale=th"),
        "th.png",
        None,
        &photo(12, 10, 2),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["files"].as_array().unwrap().len(), 2);
    // Another kind cannot become a locale's file of an image.
    upload(
        &app,
        hq,
        &format!("/api/v1/assets/{asset_id}/files?locale=vi"),
        "v.mp4",
        None,
        &mp4(1000),
    )
    .await
    .problem(422, "media_kind_mismatch");
    upload(
        &app,
        hq,
        &format!("/api/v1/assets/{asset_id}/files?locale=xx"),
        "v.png",
        None,
        &photo(2, 2, 2),
    )
    .await
    .problem(422, "validation_failed");

    // The lesson shows it.
    let body = format!("## Panel\n\n![The orange cable](asset:{asset_id})\n");
    let res = app
        .put(&format!("/api/v1/courses/{course_id}/lessons/{lesson_id}"))
        .token(hq)
        .json(json!({"translations": {"en": {"title": "Panel", "body": body}, "th": {"title": "แผง", "body": body}}}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    // Somchai (BKK, Thai) gets the Thai file; English readers the common one.
    let detail = app
        .get(&format!("/api/v1/courses/{course_id}"))
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .json();
    let media = &detail["lessons"][0]["media"];
    assert_eq!(media[0]["id"], asset_id.as_str());
    assert_eq!(media[0]["locale"], "th");
    assert_eq!(media[0]["width"], 12);
    let served = fetch(&app, media[0]["url"].as_str().unwrap(), &[]).await;
    assert_eq!(served.status, 200);
    let en = app
        .get(&format!("/api/v1/assets/{asset_id}?lang=en"))
        .token(&world.bkk_trainee.token)
        .send()
        .await
        .json();
    assert_eq!(en["locale"], Value::Null);
    assert_eq!(en["width"], 10);

    // Another branch sees neither the asset nor the package.
    app.get(&format!("/api/v1/assets/{asset_id}"))
        .token(&world.han_trainee.token)
        .send()
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/courses/{course_id}/package"))
        .token(&world.han_admin.token)
        .send()
        .await
        .problem(404, "not_found");
    // Only HQ manages assets.
    app.get(&format!("/api/v1/courses/{course_id}/assets"))
        .token(&world.bkk_admin.token)
        .send()
        .await
        .problem(403, "forbidden");
    upload(
        &app,
        &world.bkk_admin.token,
        &format!("/api/v1/courses/{course_id}/assets"),
        "x.png",
        None,
        &photo(2, 2, 2),
    )
    .await
    .problem(403, "forbidden");

    // In use: not deletable; listed as referenced.
    app.delete(&format!("/api/v1/assets/{asset_id}"))
        .token(hq)
        .send()
        .await
        .problem(409, "asset_in_use");
    let unused = app
        .get(&format!("/api/v1/courses/{course_id}/assets?unreferenced=true"))
        .token(hq)
        .send()
        .await
        .json();
    assert_eq!(unused["items"].as_array().unwrap().len(), 0);

    // Out of the lesson: listed as unreferenced, then removed with its files.
    let res = app
        .put(&format!("/api/v1/courses/{course_id}/lessons/{lesson_id}"))
        .token(hq)
        .json(json!({"translations": {"en": {"title": "Panel", "body": "No picture."}, "th": {"title": "แผง", "body": "ไม่มีภาพ"}}}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let unused = app
        .get(&format!("/api/v1/courses/{course_id}/assets?unreferenced=true"))
        .token(hq)
        .send()
        .await
        .json();
    assert_eq!(unused["items"][0]["id"], asset_id.as_str());
    assert_eq!(keys(&app, "files").await.len(), 2);
    let res = app.delete(&format!("/api/v1/assets/{asset_id}")).token(hq).send().await;
    assert_eq!(res.status, 204, "{}", res.text());
    assert!(keys(&app, "files").await.is_empty());
    fetch(&app, media[0]["url"].as_str().unwrap(), &[]).await.problem(404, "not_found");
    app.delete(&format!("/api/v1/assets/{asset_id}"))
        .token(hq)
        .send()
        .await
        .problem(404, "not_found");
}

#[actix_rt::test]
async fn the_offline_package_lists_everything_with_versions_and_an_etag() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let hq = &world.hq.token.clone();
    let course = published_course(&app, hq, "EV-MEDIA-5", 2, &["BKK"]).await;
    let course_id = id(&course);
    let lesson_id = course["lessons"][1]["id"].as_str().unwrap().to_string();
    let image = upload(
        &app,
        hq,
        &format!("/api/v1/courses/{course_id}/assets"),
        "p.png",
        None,
        &photo(6, 6, 7),
    )
    .await
    .json();
    let vtt = b"WEBVTT\n\n00:00.000 --> 00:02.000\nIsolate, verify, lock out.\n";
    let subs = upload(
        &app,
        hq,
        &format!("/api/v1/courses/{course_id}/assets"),
        "en.vtt",
        Some("text/vtt"),
        vtt,
    )
    .await;
    assert_eq!(subs.status, 201, "{}", subs.text());
    let subs = subs.json();
    let body = format!("![p](asset:{})\n[captions](asset:{})", id(&image), id(&subs));
    app.put(&format!("/api/v1/courses/{course_id}/lessons/{lesson_id}"))
        .token(hq)
        .json(json!({"translations": {"en": {"title": "With media", "body": body}}}))
        .send()
        .await;
    let exam = app
        .post(&format!("/api/v1/courses/{course_id}/exams"))
        .token(hq)
        .json(
            json!({"translations": {"en": {"title": "Final check"}}, "pass_mark_percent": 80, "time_limit_minutes": 30,
                     "max_attempts": 3, "question_count": 1, "shuffle": false}),
        )
        .send()
        .await;
    assert_eq!(exam.status, 201, "{}", exam.text());

    let res = app
        .get(&format!("/api/v1/courses/{course_id}/package?lang=en"))
        .token(&world.bkk_trainee.token)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let package = res.json();
    let etag = res.header("etag").unwrap();
    assert_eq!(package["lessons"].as_array().unwrap().len(), 2);
    assert_eq!(package["lessons"][1]["assets"].as_array().unwrap().len(), 2);
    let assets = package["assets"].as_array().unwrap();
    assert_eq!(assets.len(), 2);
    for asset in assets {
        let served = fetch(&app, asset["url"].as_str().unwrap(), &[]).await;
        assert_eq!(served.status, 200);
        assert_eq!(sha256_hex(&served.body), asset["sha256"].as_str().unwrap());
        assert_eq!(i64::try_from(served.body.len()).unwrap(), asset["size"].as_i64().unwrap());
        assert!(asset["version"].as_str().is_some());
    }
    assert_eq!(
        package["total_bytes"],
        assets.iter().map(|a| a["size"].as_i64().unwrap()).sum::<i64>()
    );
    // A draft exam is not offered to trainees; headquarters sees it without questions or answers.
    assert_eq!(package["exams"].as_array().unwrap().len(), 0);
    let hq_package = app
        .get(&format!("/api/v1/courses/{course_id}/package?lang=en"))
        .token(hq)
        .send()
        .await
        .json();
    let exam_meta = &hq_package["exams"][0];
    assert_eq!(exam_meta["title"], "Final check");
    assert!(exam_meta.get("questions").is_none() && !hq_package.to_string().contains("correct"));

    // Unchanged: 304, even an hour later when links are re-signed.
    let again = app
        .get(&format!("/api/v1/courses/{course_id}/package?lang=en"))
        .token(&world.bkk_trainee.token)
        .header("If-None-Match", &etag)
        .send()
        .await;
    assert_eq!(again.status, 304);
    app.state.clock.advance(chrono::Duration::hours(2));
    let trainee = app.login("BKK", &world.bkk_trainee.email, crate::support::world::PASSWORD).await;
    let later = app
        .get(&format!("/api/v1/courses/{course_id}/package?lang=en"))
        .token(&trainee)
        .header("If-None-Match", &etag)
        .send()
        .await;
    assert_eq!(later.status, 304);
    // The old links have expired meanwhile: 403 with a code the app can act on.
    app.state.clock.advance(chrono::Duration::hours(24));
    fetch(&app, assets[0]["url"].as_str().unwrap(), &[])
        .await
        .problem(403, "media_link_expired");
    let trainee = app.login("BKK", &world.bkk_trainee.email, crate::support::world::PASSWORD).await;

    // A changed file changes the manifest and that asset's version only.
    let hq = &app.login("HQ", &world.hq.email, crate::support::world::PASSWORD).await;
    let res = upload(
        &app,
        hq,
        &format!("/api/v1/assets/{}/files", id(&image)),
        "p2.png",
        None,
        &photo(6, 6, 99),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = app
        .get(&format!("/api/v1/courses/{course_id}/package?lang=en"))
        .token(&trainee)
        .header("If-None-Match", &etag)
        .send()
        .await;
    assert_eq!(res.status, 200);
    let changed = res.json();
    assert_ne!(res.header("etag").unwrap(), etag);
    assert_eq!(changed["lessons"][0]["version"], package["lessons"][0]["version"]);
    assert_ne!(changed["lessons"][1]["version"], package["lessons"][1]["version"]);
    // The replaced file's bytes are gone from storage.
    assert_eq!(keys(&app, "files").await.len(), 2);
}
