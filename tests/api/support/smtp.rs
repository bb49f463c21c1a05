//! A real SMTP server process (Python aiosmtpd, see tests/support/smtp_sink.py)
//! on a free loopback port. What it receives is read back as parsed JSON.

use serde_json::Value;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpSink {
    pub port: u16,
    pub dir: PathBuf,
    child: Option<Child>,
    reject: String,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().unwrap().port()
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py")
}

impl SmtpSink {
    /// Starts a server that accepts everything.
    pub fn start(dir: PathBuf) -> SmtpSink {
        Self::start_on(free_port(), dir, "")
    }

    /// Starts a server on `port`; recipients containing `reject` get a 550.
    pub fn start_on(port: u16, dir: PathBuf, reject: &str) -> SmtpSink {
        let mut sink = SmtpSink {
            port,
            dir,
            child: None,
            reject: reject.to_string(),
        };
        sink.launch();
        sink
    }

    fn launch(&mut self) {
        std::fs::create_dir_all(&self.dir).unwrap();
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let child = Command::new(python)
            .arg(script())
            .args(["--port", &self.port.to_string(), "--dir"])
            .arg(&self.dir)
            .args(["--reject", &self.reject])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd is needed: pip install -r tests/requirements.txt");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "SMTP sink did not start on port {}", self.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Messages received so far.
    pub fn messages(&self) -> Vec<Value> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push(serde_json::from_str(&text).unwrap());
                }
            }
        }
        out
    }

    /// Waits until at least `n` messages arrived (or panics after 20 s).
    pub fn wait_for(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            assert!(Instant::now() < deadline, "expected {n} messages, got {}", messages.len());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}
