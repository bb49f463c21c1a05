//! One GET handler returning a small JSON document: what actix-web alone
//! serves on this machine, for comparison with the real catalogue endpoint.
use actix_web::{get, web, App, HttpResponse, HttpServer};
use serde::Serialize;

#[derive(Serialize)]
struct Item {
    id: &'static str,
    code: &'static str,
    title: &'static str,
    locale: &'static str,
    lessons: u32,
}

#[get("/api/v1/courses")]
async fn courses() -> HttpResponse {
    HttpResponse::Ok().json(web::Json(vec![Item {
        id: "0190a1b2-0000-7000-8000-000000000001",
        code: "EV-HV-101",
        title: "ความปลอดภัยแรงดันสูงของรถยนต์ไฟฟ้า",
        locale: "th",
        lessons: 10,
    }]).0)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("BARE_LISTEN").unwrap_or_else(|_| "127.0.0.1:18472".into());
    let workers: usize = std::env::var("BARE_WORKERS").ok().and_then(|w| w.parse().ok()).unwrap_or(2);
    HttpServer::new(|| App::new().service(courses)).workers(workers).bind(addr)?.run().await
}
