//! Smaller copies of lesson images and the removal of stored bytes nothing
//! uses: copies made at upload with the right sizes, decodable and without
//! metadata, listed for editors and in the offline package, served by their
//! own signed links; no copy wider than the image; objects shared by equal
//! files kept while one file still uses them, removed with the last one
//! (asset or course deleted); the orphan sweep removing old unrecorded
//! objects and keeping young ones. On the local store and on S3 (moto).

use crate::support::catalogue::published_course;
use crate::support::media::{S3Server, fetch, keys, photo, sha256_hex, upload};
use crate::support::{TestApp, World};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GenericImageView, RgbImage};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use zhijiang::media::gc;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// A JPEG photo with an EXIF segment holding a position, as a phone leaves it.
fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            u8::try_from(x % 251).unwrap(),
            u8::try_from(y % 241).unwrap(),
            u8::try_from((x + y) % 7 * 30).unwrap(),
        ])
    });
    let mut plain = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut plain, 90))
        .unwrap();
    let exif = b"Exif\0\0GPS 13.7563N 100.5018E";
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(exif);
    out.extend_from_slice(&plain[2..]);
    out
}

fn sizes(file: &Value) -> Vec<(i64, i64)> {
    file["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["width"].as_i64().unwrap(), v["height"].as_i64().unwrap()))
        .collect()
}

/// Every copy of `file` is served, decodes to its stated size and format,
/// matches its digest and size, and carries no metadata.
async fn check_copies(app: &TestApp, file: &Value, format: image::ImageFormat) {
    for copy in file["variants"].as_array().unwrap() {
        let served = fetch(app, copy["url"].as_str().unwrap(), &[]).await;
        assert_eq!(served.status, 200, "{}", copy["url"]);
        assert_eq!(served.header("content-type").as_deref(), copy["content_type"].as_str());
        assert_eq!(sha256_hex(&served.body), copy["sha256"].as_str().unwrap());
        assert_eq!(i64::try_from(served.body.len()).unwrap(), copy["size"].as_i64().unwrap());
        assert_eq!(image::guess_format(&served.body).unwrap(), format);
        let decoded = image::load_from_memory(&served.body).unwrap();
        assert_eq!(
            (i64::from(decoded.width()), i64::from(decoded.height())),
            (copy["width"].as_i64().unwrap(), copy["height"].as_i64().unwrap())
        );
        for marker in [&b"Exif"[..], b"GPS", b"tEXt"] {
            assert!(!served.body.windows(marker.len()).any(|w| w == marker), "metadata in a copy");
        }
    }
}

async fn notes(app: &TestApp) -> u64 {
    zhijiang::media::deletion_entity::Entity::find().count(&app.state.db).await.unwrap()
}

/// Copies, listing, package, sharing and collection on `app`'s store.
async fn copies_and_collection(app: &TestApp) {
    let world = World::build(app).await;
    let hq = &world.hq.token;
    let course = published_course(app, hq, "EV-VAR-1", 1, &["BKK"]).await;
    let course_id = id(&course);
    let assets = format!("/api/v1/courses/{course_id}/assets");

    // A 1500×1000 JPEG: copies 320, 640 and 1280 wide, aspect kept.
    let photo_jpeg = jpeg_with_exif(1500, 1000);
    let res = upload(app, hq, &assets, "bay.jpg", Some("image/jpeg"), &photo_jpeg).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let first = res.json();
    let file = &first["files"][0];
    assert_eq!(sizes(file), vec![(320, 213), (640, 427), (1280, 853)]);
    check_copies(app, file, image::ImageFormat::Jpeg).await;
    // The original keeps its pixels byte for byte, without the EXIF segment.
    let original = fetch(app, file["url"].as_str().unwrap(), &[]).await;
    assert!(!original.body.windows(4).any(|w| w == b"Exif"));
    assert_eq!(image::load_from_memory(&original.body).unwrap().dimensions(), (1500, 1000));

    // PNG copies stay PNG; an image narrower than 320 gets none (never enlarged).
    let res = upload(app, hq, &assets, "wide.png", None, &photo(700, 350, 9)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let png_file = res.json()["files"][0].clone();
    assert_eq!(sizes(&png_file), vec![(320, 160), (640, 320)]);
    check_copies(app, &png_file, image::ImageFormat::Png).await;
    let res = upload(app, hq, &assets, "tiny.png", None, &photo(200, 100, 3)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(sizes(&res.json()["files"][0]), vec![]);

    // A copy's link is signed for that copy only.
    let small = file["variants"][0]["url"].as_str().unwrap();
    fetch(app, &small.replace("variant=w320", "variant=w640"), &[])
        .await
        .problem(404, "not_found");

    // The offline package lists the copies with their digests.
    let package = app
        .get(&format!("/api/v1/courses/{course_id}/package"))
        .token(hq)
        .send()
        .await
        .json();
    let listed = package["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == first["id"])
        .unwrap();
    assert_eq!(listed["variants"], file["variants"]);

    // The same photo again: the same objects, stored once.
    let before = keys(app, "files").await.len();
    let res = upload(app, hq, &assets, "bay-copy.jpg", None, &photo_jpeg).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let second = res.json();
    assert_eq!(second["files"][0]["sha256"], file["sha256"]);
    assert_eq!(keys(app, "files").await.len(), before);

    // Deleting one of the two keeps the shared objects for the other.
    let status = app.delete(&format!("/api/v1/assets/{}", id(&second))).token(hq).send().await.status;
    assert_eq!(status, 204);
    assert_eq!(keys(app, "files").await.len(), before);
    assert_eq!(fetch(app, small, &[]).await.status, 200);
    // Deleting the last removes the original and its three copies.
    let status = app.delete(&format!("/api/v1/assets/{}", id(&first))).token(hq).send().await.status;
    assert_eq!(status, 204);
    assert_eq!(keys(app, "files").await.len(), before - 4);
    assert_eq!(notes(app).await, 0);

    // A deleted course takes its objects along.
    let draft = published_course(app, hq, "EV-VAR-2", 1, &[]).await;
    let res = upload(
        app,
        hq,
        &format!("/api/v1/courses/{}/assets", id(&draft)),
        "d.jpg",
        None,
        &jpeg_with_exif(700, 500),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let with_draft = keys(app, "files").await.len();
    let status = app.delete(&format!("/api/v1/courses/{}", id(&draft))).token(hq).send().await.status;
    assert_eq!(status, 204);
    assert_eq!(keys(app, "files").await.len(), with_draft - 3);
    assert_eq!(notes(app).await, 0);
    assert!(keys(app, "staging").await.is_empty());

    // A note left by a node that stopped before removing the bytes is
    // collected by the housekeeping chore; a key still named is kept.
    let orphan = plant(app, b"left behind").await;
    let named = keys(app, "files").await.into_iter().next().unwrap();
    gc::mark(&app.state.db, &[orphan.clone(), named.clone()], app.state.clock.now())
        .await
        .unwrap();
    let removed = gc::collect_marked(&app.state.db, &app.state.media.store).await.unwrap();
    assert_eq!(removed, 1);
    let left = keys(app, "files").await;
    assert!(!left.contains(&orphan) && left.contains(&named));
    assert_eq!(notes(app).await, 0);

    // An image stored before copies were made (no variant rows) stays as it was.
    let png_id = uuid::Uuid::parse_str(png_file["version"].as_str().unwrap()).unwrap();
    zhijiang::media::variant_entity::Entity::delete_many()
        .filter(zhijiang::media::variant_entity::Column::FileId.eq(png_id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let listed = app.get(&assets).token(hq).send().await.json();
    let old = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["files"].as_array().unwrap())
        .find(|f| f["version"] == png_file["version"])
        .unwrap();
    assert_eq!(old["variants"], serde_json::json!([]));
    assert_eq!(fetch(app, old["url"].as_str().unwrap(), &[]).await.status, 200);
}

/// Puts bytes in the store under their content key without any row (what a
/// crash between writing and recording leaves).
async fn plant(app: &TestApp, bytes: &[u8]) -> String {
    let store = &app.state.media.store;
    let key = zhijiang::media::store::content_key(&sha256_hex(bytes));
    let pending = store.stage_bytes(bytes.to_vec().into()).await.unwrap();
    store.place(&pending, &key).await.unwrap();
    key
}

#[actix_rt::test]
async fn copies_and_collection_on_the_local_store() {
    let app = TestApp::new().await;
    copies_and_collection(&app).await;
}

#[actix_rt::test]
async fn copies_and_collection_on_s3_compatible_storage() {
    let s3 = S3Server::start();
    let app = TestApp::with_config(|c| s3.configure(c, "academy")).await;
    assert_eq!(app.state.media.store.backend(), "s3");
    copies_and_collection(&app).await;
}

/// The orphan sweep on `app`'s store, with the sweep's clock at `later`
/// for objects written now; `old` is an orphan already older than the
/// grace period (on the local store its time can be set).
async fn sweep(app: &TestApp, old: Option<&str>) {
    let world = World::build(app).await;
    let hq = &world.hq.token;
    let course = published_course(app, hq, "EV-VAR-3", 1, &[]).await;
    let res = upload(
        app,
        hq,
        &format!("/api/v1/courses/{}/assets", id(&course)),
        "kept.png",
        None,
        &photo(50, 50, 1),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let kept = zhijiang::media::store::content_key(res.json()["files"][0]["sha256"].as_str().unwrap());
    let fresh = plant(app, b"an upload in flight").await;
    let (db, store) = (&app.state.db, &app.state.media.store);
    let hour = chrono::Duration::hours(1);
    let now = chrono::Utc::now();

    // Nothing older than an hour yet but `old`: the fresh orphan is left alone.
    let report = gc::sweep_orphans(db, store, hour, now, true).await.unwrap();
    let expected_old = usize::from(old.is_some());
    assert_eq!((report.orphans, report.removed, report.young), (expected_old, 0, 1), "{report:?}");
    let report = gc::sweep_orphans(db, store, hour, now, false).await.unwrap();
    assert_eq!(
        (report.orphans, report.removed, report.young),
        (expected_old, expected_old, 1),
        "{report:?}"
    );
    let left = keys(app, "files").await;
    assert!(left.contains(&fresh) && left.contains(&kept));
    if let Some(old) = old {
        assert!(!left.iter().any(|k| k == old));
    }

    // Two hours on, the unrecorded one is an orphan: counted, then removed;
    // the recorded file stays.
    let later = now + chrono::Duration::hours(2);
    let report = gc::sweep_orphans(db, store, hour, later, true).await.unwrap();
    assert_eq!((report.orphans, report.orphan_bytes, report.removed), (1, 19, 0), "{report:?}");
    assert!(keys(app, "files").await.contains(&fresh));
    let report = gc::sweep_orphans(db, store, hour, later, false).await.unwrap();
    assert_eq!((report.orphans, report.removed), (1, 1), "{report:?}");
    assert_eq!(keys(app, "files").await, vec![kept.clone()]);
    let served = app
        .get(&format!("/api/v1/assets/{}", id(&res.json())))
        .token(hq)
        .send()
        .await
        .json();
    assert_eq!(fetch(app, served["url"].as_str().unwrap(), &[]).await.status, 200);
}

#[actix_rt::test]
async fn the_sweep_removes_old_orphans_and_keeps_young_ones_on_the_local_store() {
    let app = TestApp::new().await;
    // An orphan from a crash three hours ago.
    let old = plant(&app, b"three hours old").await;
    let path = app.state.config.data_dir.join("media").join(&old);
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 3600))
        .unwrap();
    drop(file);
    sweep(&app, Some(&old)).await;
}

#[actix_rt::test]
async fn the_sweep_removes_old_orphans_and_keeps_young_ones_on_s3_compatible_storage() {
    let s3 = S3Server::start();
    let app = TestApp::with_config(|c| s3.configure(c, "academy")).await;
    sweep(&app, None).await;
}

/// A 12-megapixel photo: its copies are made within the upload. Prints the
/// time taken (this build is unoptimised but for the image codecs).
#[actix_rt::test]
async fn a_twelve_megapixel_photo_gets_its_copies_within_the_upload() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let hq = &world.hq.token;
    let course = published_course(&app, hq, "EV-VAR-4", 1, &[]).await;
    let big = jpeg_with_exif(4000, 3000);
    let started = std::time::Instant::now();
    let res = upload(&app, hq, &format!("/api/v1/courses/{}/assets", id(&course)), "12mp.jpg", None, &big).await;
    let took = started.elapsed();
    assert_eq!(res.status, 201, "{}", res.text());
    eprintln!("12 MP JPEG ({} bytes): upload with copies took {took:?}", big.len());
    assert_eq!(sizes(&res.json()["files"][0]), vec![(320, 240), (640, 480), (1280, 960)]);
}

/// An asset deleted while the same photo is uploaded again: whichever
/// commits first, the new asset's original and copies stay readable.
#[actix_rt::test]
async fn deleting_and_uploading_the_same_photo_at_once_loses_nothing() {
    let app = TestApp::new().await;
    let world = World::build(&app).await;
    let hq = &world.hq.token;
    let course = published_course(&app, hq, "EV-VAR-5", 1, &[]).await;
    let assets = format!("/api/v1/courses/{}/assets", id(&course));
    let bytes = jpeg_with_exif(700, 400);
    let mut previous = upload(&app, hq, &assets, "a.jpg", None, &bytes).await.json();
    for round in 0..4 {
        let delete_path = format!("/api/v1/assets/{}", id(&previous));
        let name = format!("r{round}.jpg");
        let (deleted, uploaded) = tokio::join!(
            async { app.delete(&delete_path).token(hq).send().await },
            upload(&app, hq, &assets, &name, None, &bytes)
        );
        assert_eq!(deleted.status, 204);
        assert_eq!(uploaded.status, 201, "{}", uploaded.text());
        let now = uploaded.json();
        let file = &now["files"][0];
        assert_eq!(fetch(&app, file["url"].as_str().unwrap(), &[]).await.status, 200, "round {round}");
        for copy in file["variants"].as_array().unwrap() {
            assert_eq!(fetch(&app, copy["url"].as_str().unwrap(), &[]).await.status, 200, "round {round}");
        }
        previous = now;
    }
    assert_eq!(keys(&app, "files").await.len(), 3);
    assert_eq!(notes(&app).await, 0);
}
