//! Resumable uploads (issue 19): a large video sent in chunks over a
//! connection that drops, resumed from where the server says it stands,
//! and taken through the same checks as a multipart upload; every refusal
//! (wrong position, too large, content not as claimed) keeps nothing; a
//! cancelled or expired upload leaves no chunk behind. On the local store
//! and on a real S3-compatible server (moto).

use crate::support::catalogue::published_course;
use crate::support::media::{S3Server, fetch, keys, mp4, sha256_hex};
use crate::support::world::{PASSWORD, create_user};
use crate::support::{Response, TestApp, World};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use zhijiang::notifications::worker::Worker;

const MIB: usize = 1024 * 1024;
const CHUNK: &str = "application/offset+octet-stream";

fn small_chunks(c: &mut zhijiang::config::Config) {
    c.media.chunk_max_bytes = MIB as u64;
}

async fn open(app: &TestApp, token: &str, body: Value) -> Response {
    app.post("/api/v1/uploads").token(token).json(body).send().await
}

async fn send(app: &TestApp, token: &str, id: &str, offset: usize, bytes: &[u8]) -> Response {
    app.patch(&format!("/api/v1/uploads/{id}"))
        .token(token)
        .header("Upload-Offset", &offset.to_string())
        .body(CHUNK, bytes.to_vec())
        .send()
        .await
}

async fn offset_of(app: &TestApp, token: &str, id: &str) -> Option<usize> {
    let res = app.head(&format!("/api/v1/uploads/{id}")).token(token).send().await;
    if res.status == 404 {
        return None;
    }
    assert_eq!(res.status, 200, "{}", res.text());
    Some(res.header("upload-offset").unwrap().parse().unwrap())
}

/// Sends the head of a chunk over a real connection and hangs up halfway
/// through its body, as a phone losing its network does.
async fn send_and_drop(app: &TestApp, token: &str, id: &str, offset: usize, chunk: &[u8]) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let server = crate::support::serve(app, listener);
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "PATCH /api/v1/uploads/{id} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: {CHUNK}\r\nUpload-Offset: {offset}\r\nContent-Length: {}\r\n\r\n",
        chunk.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&chunk[..chunk.len() / 3]).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(stream);
    // Let the server notice the hang-up and give the chunk up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.stop(true).await;
}

/// The whole path on whatever store `app` uses.
async fn resumable_round_trip(app: &TestApp) {
    let world = World::build(app).await;
    let hq = &world.hq.token;
    let course = published_course(app, hq, "EV-RESUME-1", 1, &["BKK"]).await;
    let course_id = course["id"].as_str().unwrap();
    let video = mp4(2 * MIB + 17);

    let res = open(
        app,
        hq,
        json!({"course_id": course_id, "name": "walkaround.mp4", "content_type": "video/mp4", "locale": "th", "size": video.len()}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let session = res.json();
    let id = session["id"].as_str().unwrap().to_string();
    assert_eq!(res.header("location").unwrap(), format!("/api/v1/uploads/{id}"));
    assert_eq!(res.header("upload-offset").as_deref(), Some("0"));
    assert_eq!(session["offset"], 0);
    assert_eq!(session["size"], video.len());
    assert_eq!(session["complete"], false);
    assert!(session["expires_at"].as_str().is_some());

    // First chunk.
    let res = send(app, hq, &id, 0, &video[..MIB]).await;
    assert_eq!(res.status, 204, "{}", res.text());
    assert_eq!(res.header("upload-offset").unwrap(), MIB.to_string());
    assert_eq!(
        keys(app, &format!("uploads/{id}")).await.len(),
        1,
        "the chunk is in the shared store"
    );

    // The second is cut off halfway: it does not count, and nothing of it stays.
    send_and_drop(app, hq, &id, MIB, &video[MIB..2 * MIB]).await;
    assert_eq!(offset_of(app, hq, &id).await, Some(MIB), "resume from the last whole chunk");
    assert_eq!(keys(app, &format!("uploads/{id}")).await.len(), 1);

    // The first chunk sent again (its answer was lost): harmless.
    let res = send(app, hq, &id, 0, &video[..MIB]).await;
    assert_eq!(res.status, 204, "{}", res.text());
    assert_eq!(res.header("upload-offset").unwrap(), MIB.to_string());
    // A chunk at the wrong position (one skipped, or one overlapping what
    // is held): 409 saying where to continue, in the caller's language.
    for (at, bytes) in [(2 * MIB, &video[2 * MIB..]), (MIB - 10, &video[MIB - 10..MIB + 10])] {
        let res = app
            .patch(&format!("/api/v1/uploads/{id}?lang=th"))
            .token(hq)
            .header("Upload-Offset", &at.to_string())
            .body(CHUNK, bytes.to_vec())
            .send()
            .await;
        let doc = res.problem(409, "upload_offset_conflict");
        assert_eq!(doc["offset"], MIB);
        let digits: String = doc["detail"].as_str().unwrap().chars().filter(char::is_ascii_digit).collect();
        assert!(digits.contains(&MIB.to_string()), "{doc}");
        assert!(
            doc["title"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))
        );
    }
    assert_eq!(offset_of(app, hq, &id).await, Some(MIB));
    assert_eq!(keys(app, &format!("uploads/{id}")).await.len(), 1);

    // Resume: the rest, and the last chunk answers with the asset.
    let res = send(app, hq, &id, MIB, &video[MIB..2 * MIB]).await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = send(app, hq, &id, 2 * MIB, &video[2 * MIB..]).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let asset = res.json();
    assert_eq!(asset["kind"], "video");
    assert_eq!(asset["name"], "walkaround.mp4");
    let file = &asset["files"][0];
    assert_eq!(file["locale"], "th");
    assert_eq!(file["content_type"], "video/mp4");
    assert_eq!(file["size"], video.len());
    assert_eq!(file["sha256"], sha256_hex(&video));
    let served = fetch(app, file["url"].as_str().unwrap(), &[]).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.body.as_ref(), video.as_slice());

    // The session remembers what it became; the chunks are gone.
    let status = app.get(&format!("/api/v1/uploads/{id}")).token(hq).send().await;
    assert_eq!(status.status, 200, "{}", status.text());
    let status = status.json();
    assert_eq!(
        (status["complete"].as_bool(), status["offset"].as_u64()),
        (Some(true), Some(video.len() as u64))
    );
    assert_eq!(status["asset_id"], asset["id"]);
    assert!(keys(app, "uploads").await.is_empty(), "{:?}", keys(app, "uploads").await);
    assert!(keys(app, "staging").await.is_empty());
    assert_eq!(keys(app, "files").await.len(), 1);
    // The last chunk sent again: harmless too.
    let res = send(app, hq, &id, 2 * MIB, &video[2 * MIB..]).await;
    assert_eq!(res.status, 204, "{}", res.text());
    // Audited as a multipart upload is.
    let audit = app
        .get(&format!(
            "/api/v1/audit?action=media.upload&record_id={}",
            asset["id"].as_str().unwrap()
        ))
        .token(hq)
        .send()
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text());
    assert!(audit.text().contains(&sha256_hex(&video)), "{}", audit.text());

    // Another language's file of that asset, in one chunk.
    let dubbed = mp4(300_000);
    let res = open(
        app,
        hq,
        json!({"asset_id": asset["id"], "name": "walkaround-vi.mp4", "locale": "vi", "size": dubbed.len()}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let vi = res.json()["id"].as_str().unwrap().to_string();
    let res = send(app, hq, &vi, 0, &dubbed).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let files = res.json()["files"].as_array().unwrap().clone();
    assert_eq!(files.len(), 2);
    assert!(files.iter().any(|f| f["locale"] == "vi" && f["sha256"] == sha256_hex(&dubbed)));
    assert!(keys(app, "uploads").await.is_empty());
}

#[actix_rt::test]
async fn a_video_resumes_after_a_drop_on_the_local_store() {
    let app = TestApp::with_config(small_chunks).await;
    resumable_round_trip(&app).await;
}

#[actix_rt::test]
async fn a_video_resumes_after_a_drop_on_s3_compatible_storage() {
    let s3 = S3Server::start();
    let app = TestApp::with_config(|c| {
        small_chunks(c);
        s3.configure(c, "academy");
    })
    .await;
    assert_eq!(app.state.media.store.backend(), "s3");
    resumable_round_trip(&app).await;
}

fn tight_limits(c: &mut zhijiang::config::Config) {
    small_chunks(c);
    c.media.max_video_bytes = 3 * MIB as u64;
    c.media.max_image_bytes = 64 * 1024;
    c.media.quota_bytes = 4 * MIB as u64;
}

#[actix_rt::test]
async fn refusals_keep_nothing() {
    let app = TestApp::with_config(tight_limits).await;
    let world = World::build(&app).await;
    let hq = &world.hq.token;
    let course = published_course(&app, hq, "EV-RESUME-2", 1, &[]).await;
    let course_id = course["id"].as_str().unwrap();
    let new = |name: &str, content_type: Option<&str>, size: usize| json!({"course_id": course_id, "name": name, "content_type": content_type, "size": size});

    // Before any byte: over the limit of the claimed kind, over the quota.
    open(&app, hq, new("long.mp4", Some("video/mp4"), 3 * MIB + 1))
        .await
        .problem(413, "payload_too_large");
    open(&app, hq, new("big.png", Some("image/png"), 64 * 1024 + 1))
        .await
        .problem(413, "payload_too_large");
    open(&app, hq, new("anything", None, 5 * MIB))
        .await
        .problem(413, "storage_quota_exceeded");
    open(&app, hq, new("x.svg", Some("image/svg+xml"), 10))
        .await
        .problem(415, "media_type_not_allowed");
    let doc = open(&app, hq, new("../x.mp4", None, 0)).await.problem(422, "validation_failed");
    let fields: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "size"]);
    assert_eq!(rows_of(&app).await, 0);

    // Only headquarters; another headquarters user does not see the session.
    let body = new("clip.mp4", Some("video/mp4"), 1000);
    open(&app, &world.bkk_admin.token, body.clone()).await.problem(403, "forbidden");
    let res = open(&app, hq, body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["id"].as_str().unwrap().to_string();
    create_user(&app, hq, "HQ", "second@zhijiang.test", "hq_admin", "en", Some(PASSWORD)).await;
    let other = app.login("HQ", "second@zhijiang.test", PASSWORD).await;
    assert_eq!(offset_of(&app, &other, &id).await, None);
    send(&app, &other, &id, 0, &mp4(100)).await.problem(404, "not_found");
    app.delete(&format!("/api/v1/uploads/{id}"))
        .token(&other)
        .send()
        .await
        .problem(404, "not_found");

    // Malformed chunks.
    app.patch(&format!("/api/v1/uploads/{id}"))
        .token(hq)
        .body(CHUNK, mp4(100))
        .send()
        .await
        .problem(400, "upload_offset_missing");
    app.patch(&format!("/api/v1/uploads/{id}"))
        .token(hq)
        .header("Upload-Offset", "0")
        .body("video/mp4", mp4(100))
        .send()
        .await
        .problem(415, "unsupported_media_type");
    // Past the declared size: 413, nothing of it kept.
    send(&app, hq, &id, 0, &mp4(1500)).await.problem(413, "payload_too_large");
    assert_eq!(offset_of(&app, hq, &id).await, Some(0));
    assert!(keys(&app, "uploads").await.is_empty());
    // Cancelled: gone with its chunks.
    let res = send(&app, hq, &id, 0, &mp4(600)).await;
    assert_eq!(res.status, 204, "{}", res.text());
    assert_eq!(keys(&app, "uploads").await.len(), 1);
    let res = app.delete(&format!("/api/v1/uploads/{id}")).token(hq).send().await;
    assert_eq!(res.status, 204, "{}", res.text());
    assert_eq!(offset_of(&app, hq, &id).await, None);
    assert!(keys(&app, "uploads").await.is_empty());

    // A chunk larger than a chunk may be.
    let res = open(&app, hq, new("walk.mp4", Some("video/mp4"), 2 * MIB)).await;
    let id = res.json()["id"].as_str().unwrap().to_string();
    send(&app, hq, &id, 0, &mp4(MIB + 1)).await.problem(413, "payload_too_large");
    app.delete(&format!("/api/v1/uploads/{id}")).token(hq).send().await;

    // Content that is not what it claims, found once the last chunk is in:
    // a localized problem, and the session and its chunks are gone.
    let pdf = {
        let mut doc = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
        doc.resize(MIB + 500, b' ');
        doc
    };
    let res = open(&app, hq, new("slides.png", Some("image/png"), pdf.len())).await;
    assert_eq!(res.status, 413, "{}", res.text());
    let res = open(&app, hq, new("slides.mp4", Some("video/mp4"), pdf.len())).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["id"].as_str().unwrap().to_string();
    let res = send(&app, hq, &id, 0, &pdf[..MIB]).await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = app
        .patch(&format!("/api/v1/uploads/{id}?lang=vi"))
        .token(hq)
        .header("Upload-Offset", &MIB.to_string())
        .body(CHUNK, pdf[MIB..].to_vec())
        .send()
        .await;
    let doc = res.problem(415, "media_type_mismatch");
    assert_eq!(res.header("content-language").as_deref(), Some("vi"));
    assert!(doc["detail"].as_str().unwrap().contains("application/pdf"), "{doc}");
    assert_eq!(offset_of(&app, hq, &id).await, None);
    assert!(keys(&app, "uploads").await.is_empty());
    assert!(keys(&app, "staging").await.is_empty());
    assert!(keys(&app, "files").await.is_empty());
    assert_eq!(rows_of(&app).await, 0);
}

async fn rows_of(app: &TestApp) -> u64 {
    crate::support::rows::count(app, "media_uploads").await
}

#[actix_rt::test]
async fn unfinished_uploads_expire_and_are_swept() {
    let app = TestApp::with_config(small_chunks).await;
    let world = World::build(&app).await;
    let hq = &world.hq.token;
    let course = published_course(&app, hq, "EV-RESUME-3", 1, &[]).await;
    let video = mp4(2 * MIB);
    let res = open(
        &app,
        hq,
        json!({"course_id": course["id"], "name": "walk.mp4", "size": video.len()}),
    )
    .await;
    let id = res.json()["id"].as_str().unwrap().to_string();
    let res = send(&app, hq, &id, 0, &video[..MIB]).await;
    assert_eq!(res.status, 204, "{}", res.text());
    let worker = Worker::new(app.state.clone()).unwrap();

    // A day less an hour after the last chunk: still there, and resumable.
    app.state.clock.advance(chrono::Duration::hours(23));
    worker.housekeeping().await;
    let hq = app.login("HQ", &world.hq.email, PASSWORD).await;
    assert_eq!(offset_of(&app, &hq, &id).await, Some(MIB));
    assert_eq!(keys(&app, "uploads").await.len(), 1);

    // More than a day after it: no longer served, then swept with its chunk.
    app.state.clock.advance(chrono::Duration::hours(2));
    let hq = app.login("HQ", &world.hq.email, PASSWORD).await;
    assert_eq!(offset_of(&app, &hq, &id).await, None);
    send(&app, &hq, &id, MIB, &video[MIB..]).await.problem(404, "not_found");
    assert_eq!(rows_of(&app).await, 1);
    worker.housekeeping().await;
    assert_eq!(rows_of(&app).await, 0);
    assert!(keys(&app, "uploads").await.is_empty());
}
