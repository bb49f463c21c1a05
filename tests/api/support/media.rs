//! Lesson media in tests: multipart bodies, generated files, and a real
//! S3-compatible server (moto in server mode, see tests/requirements.txt)
//! on a free loopback port.

use super::smtp::free_port;
use super::{Response, TestApp};
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BOUNDARY: &str = "zhijiang-test-boundary-7f3a";

/// A `multipart/form-data` body with one `file` part.
/// Names that are not plain printable ASCII travel as RFC 5987 `filename*`.
pub fn form(filename: &str, content_type: Option<&str>, bytes: &[u8]) -> Vec<u8> {
    let plain = filename.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"');
    let name_param = if plain {
        format!("filename=\"{filename}\"")
    } else {
        let encoded: String = filename.bytes().map(|b| format!("%{b:02X}")).collect();
        format!("filename*=UTF-8''{encoded}")
    };
    let mut body = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; {name_param}\r\n").into_bytes();
    if let Some(ct) = content_type {
        body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
    }
    body.extend_from_slice(b"\r\n");
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub fn form_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Uploads `bytes` to `path` (a course's or an asset's upload route).
pub async fn upload(app: &TestApp, token: &str, path: &str, filename: &str, content_type: Option<&str>, bytes: &[u8]) -> Response {
    app.post(path)
        .token(token)
        .body(&form_type(), form(filename, content_type, bytes))
        .send()
        .await
}

/// A PNG with a GPS-like text chunk, as a phone camera might leave.
pub fn photo(width: u32, height: u32, shade: u8) -> Vec<u8> {
    zhijiang::media::png::encode(
        width,
        height,
        |x, y| [shade, u8::try_from(x % 256).unwrap_or(0), u8::try_from(y % 256).unwrap_or(0)],
        &[("GPS", "13.7563N 100.5018E")],
    )
}

/// Something with an MP4 header and `size` bytes in all.
pub fn mp4(size: usize) -> Vec<u8> {
    let mut bytes = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec();
    let mut x: u32 = 0x9e37_79b9;
    while bytes.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push((x & 0xff) as u8);
    }
    bytes
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Fetches a signed media URL (absolute, on the test app's public URL).
pub async fn fetch(app: &TestApp, url: &str, headers: &[(&str, &str)]) -> Response {
    let path = url.strip_prefix("http://zhijiang.test").expect("a link on the public URL");
    let mut call = app.get(path);
    for (name, value) in headers {
        call = call.header(name, value);
    }
    call.send().await
}

/// Every key in the app's media store under `prefix`.
pub async fn keys(app: &TestApp, prefix: &str) -> Vec<String> {
    app.state.media.store.keys(prefix).await.expect("list the store")
}

/// A moto S3 server with one bucket.
pub struct S3Server {
    pub port: u16,
    pub bucket: String,
    child: Option<Child>,
}

impl S3Server {
    pub fn start() -> S3Server {
        let port = free_port();
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let child = Command::new(python)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with moto[server] is needed: pip install -r tests/requirements.txt");
        let mut server = S3Server {
            port,
            bucket: format!("zj-{}", uuid::Uuid::new_v4().simple()),
            child: Some(child),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        server.create_bucket();
        server
    }

    /// `PUT /bucket` (moto does not check signatures).
    fn create_bucket(&mut self) {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let request = format!(
            "PUT /{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.bucket, self.port
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "create bucket: {answer}");
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Points `config` at this server.
    pub fn configure(&self, config: &mut zhijiang::config::Config, prefix: &str) {
        config.media.storage_url = Some(format!("s3://{}/{prefix}", self.bucket).into());
        config.media.s3_endpoint = Some(self.endpoint());
        config.media.s3_allow_http = true;
        config.media.s3_access_key_id = Some("testing".into());
        config.media.s3_secret_access_key = Some("testing".into());
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
