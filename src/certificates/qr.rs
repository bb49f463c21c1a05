//! The QR code of a certificate's verify URL, as inline SVG.
//!
//! Drawn from the module matrix rather than with `qrcode`'s SVG renderer,
//! whose output starts with an XML prolog, fixes a pixel size and names the
//! SVG namespace by an `http://` URL: none of which belongs inside an HTML5
//! page (where `<svg>` needs no `xmlns`). One SVG unit is one module and
//! only the `viewBox` gives the size, so CSS decides how big it is: it fills
//! a phone screen or a few centimetres of A4 and prints crisply at any size.

use qrcode::{Color, EcLevel, QrCode};
use std::fmt::Write;

/// Light modules around the code, as the QR standard asks of readers.
const QUIET_ZONE: usize = 4;

/// Inline SVG of `url` as a QR code: error correction level M (15 %: enough
/// for a slightly worn or creased printout while keeping the symbol small),
/// black modules on white, with a quiet zone. Deterministic: the same URL
/// always yields the same markup.
pub(crate) fn qr_svg(url: &str) -> String {
    let code = match QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) {
        Ok(code) => code,
        Err(e) => {
            // Only a URL of thousands of bytes gets here; the page still renders.
            tracing::warn!(error = %e, len = url.len(), "cannot encode a QR code");
            return r#"<svg class="qr" viewBox="0 0 1 1"></svg>"#.to_string();
        }
    };
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        // One rectangle per horizontal run of dark modules keeps the path short.
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                let _ = write!(path, "M{} {}h{}v1h-{}z", start + QUIET_ZONE, y + QUIET_ZONE, x - start, x - start);
            } else {
                x += 1;
            }
        }
    }
    format!(
        concat!(
            r#"<svg class="qr" viewBox="0 0 {s} {s}" shape-rendering="crispEdges" aria-hidden="true" focusable="false">"#,
            r##"<rect width="{s}" height="{s}" fill="#fff"/>"##,
            r##"<path fill="#000" d="{d}"/></svg>"##
        ),
        s = size,
        d = path
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://academy.example/verify/BKK-7F3K-9QPX";

    #[test]
    fn it_is_an_inline_svg_element() {
        let svg = qr_svg(URL);
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
        assert!(!svg.contains("http"), "no namespace URL or other links");
    }

    #[test]
    fn it_is_sized_by_view_box_with_a_quiet_zone() {
        let code = QrCode::with_error_correction_level(URL.as_bytes(), EcLevel::M).unwrap();
        let size = code.width() + 8;
        let svg = qr_svg(URL);
        assert!(svg.contains(&format!("viewBox=\"0 0 {size} {size}\"")));
        // The first dark module (finder pattern corner) sits inside the quiet zone.
        assert!(svg.contains("d=\"M4 4h7v1h-7z"), "{}", &svg[..200]);
    }

    #[test]
    fn it_is_deterministic_and_depends_on_the_url() {
        assert_eq!(qr_svg(URL), qr_svg(URL));
        assert_ne!(qr_svg(URL), qr_svg("https://academy.example/verify/HQ-0000-0000"));
    }

    #[test]
    fn every_dark_module_is_drawn() {
        let code = QrCode::with_error_correction_level(URL.as_bytes(), EcLevel::M).unwrap();
        let dark = code.to_colors().iter().filter(|c| **c == Color::Dark).count();
        let svg = qr_svg(URL);
        let d = svg.split(" d=\"").nth(1).unwrap();
        let drawn: usize = d
            .split('h')
            .skip(1)
            .filter_map(|s| s.split('v').next()?.parse::<usize>().ok())
            .sum();
        assert_eq!(drawn, dark);
    }
}
