//! Issue 2: the database going away and coming back.

use crate::support::{TestApp, postgres_url};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::net::{TcpListener, TcpStream};

/// A TCP forwarder to PostgreSQL that can be cut and restored, standing in
/// for a database server that becomes unreachable.
struct Cuttable {
    port: u16,
    open: Arc<AtomicBool>,
}

async fn forwarder(target: (String, u16)) -> Cuttable {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let open = Arc::new(AtomicBool::new(true));
    let flag = open.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else { return };
            if !flag.load(Ordering::SeqCst) {
                drop(inbound);
                continue;
            }
            let target = target.clone();
            let flag = flag.clone();
            tokio::spawn(async move {
                let Ok(mut outbound) = TcpStream::connect(target).await else {
                    return;
                };
                let (mut ri, mut wi) = inbound.split();
                let (mut ro, mut wo) = outbound.split();
                let cut = async {
                    while flag.load(Ordering::SeqCst) {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    }
                };
                tokio::select! {
                    _ = tokio::io::copy(&mut ri, &mut wo) => {}
                    _ = tokio::io::copy(&mut ro, &mut wi) => {}
                    _ = cut => {}
                }
            });
        }
    });
    Cuttable { port, open }
}

#[actix_rt::test]
async fn readiness_follows_the_database_and_recovers_without_restart() {
    let Some(url) = postgres_url() else {
        // On SQLite the database is a local file: it is always reachable;
        // what can be checked is that readiness says so, and that an
        // unusable database stops start-up with a clear error.
        let app = TestApp::new().await;
        assert_eq!(app.get("/readyz").send().await.status, 200);
        let mut config = zhijiang::config::Config::for_database("sqlite:///nonexistent-dir/zhijiang.db?mode=rw");
        config.master_key = Some(zhijiang::crypto::MasterKey::generate().to_base64().into());
        let err = zhijiang::build_state(config).await.err().expect("no database, no start");
        assert!(
            err.to_string().starts_with("cannot open the database at sqlite:///nonexistent-dir"),
            "{err}"
        );
        return;
    };
    // Point a fresh app at PostgreSQL through the forwarder.
    let host_port = url
        .split("://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .rsplit('@')
        .next()
        .unwrap()
        .to_string();
    let (host, port) = host_port
        .split_once(':')
        .map(|(h, p)| (h.to_string(), p.parse().unwrap()))
        .unwrap_or((host_port.clone(), 5432));
    let proxy = forwarder((host, port)).await;
    let via_proxy = url.replacen(&host_port, &format!("127.0.0.1:{}", proxy.port), 1);
    let app = TestApp::with_config(|c| {
        // The harness made a fresh database; reach it through the proxy.
        let db = c.database_url.expose().rsplit('/').next().unwrap().to_string();
        c.database_url = format!("{}/{db}", via_proxy.rsplit_once('/').unwrap().0).into();
        c.database_max_connections = 2;
    })
    .await;
    assert_eq!(app.get("/readyz").send().await.status, 200);
    proxy.open.store(false, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let down = app.get("/readyz").send().await;
    assert_eq!(down.status, 503, "{}", down.text());
    assert_eq!(down.json()["status"], "unavailable");
    // An API call while the database is away is a clear 503 problem, not a crash.
    let res = app
        .post("/api/v1/auth/login")
        .json(serde_json::json!({"branch": "HQ", "email": "a@b.c", "password": "x"}))
        .send()
        .await;
    res.problem(503, "service_unavailable");
    proxy.open.store(true, Ordering::SeqCst);
    let mut ready = false;
    for _ in 0..50 {
        if app.get("/readyz").send().await.status == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "readiness recovers once the database is back, without a restart");
}
