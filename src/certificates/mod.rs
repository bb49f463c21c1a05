//! Certificates: codes, Open Badges credentials, QR codes and the public verify page.

pub mod code;
pub mod credential;
pub mod issue;
pub mod page;
pub mod qr;
pub use issue::on_exam_passed;
