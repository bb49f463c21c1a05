//! Images without decoding them: their dimensions read from the header
//! (so an image bomb — enormous dimensions in a small file — is refused
//! before anything could inflate it), and their metadata removed by
//! rewriting the container: JPEG APPn/COM segments (EXIF with GPS
//! positions, XMP, IPTC, comments) and PNG text/time/EXIF chunks. Pixel
//! data is copied byte for byte; nothing is re-encoded.

/// Why an image was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum ImageError {
    /// The container is malformed or cut short.
    Corrupt,
    /// Wider, taller or with more pixels than allowed.
    TooLarge { width: u32, height: u32 },
}

/// Bounds on what an image may claim to be.
#[derive(Clone, Copy, Debug)]
pub struct ImageBounds {
    pub max_side: u32,
    pub max_pixels: u64,
}

impl ImageBounds {
    pub fn check(&self, width: u32, height: u32) -> Result<(), ImageError> {
        let pixels = u64::from(width) * u64::from(height);
        if width == 0 || height == 0 {
            return Err(ImageError::Corrupt);
        }
        if width > self.max_side || height > self.max_side || pixels > self.max_pixels {
            return Err(ImageError::TooLarge { width, height });
        }
        Ok(())
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn be32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

fn be16(bytes: &[u8]) -> usize {
    usize::from(u16::from_be_bytes([bytes[0], bytes[1]]))
}

/// Width and height of a PNG or JPEG, from its header.
pub fn dimensions(content_type: &str, bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    match content_type {
        "image/png" => {
            // Signature, then IHDR first: length, "IHDR", width, height.
            if bytes.len() < 24 || !bytes.starts_with(PNG_SIGNATURE) || &bytes[12..16] != b"IHDR" {
                return Err(ImageError::Corrupt);
            }
            Ok((be32(&bytes[16..20]), be32(&bytes[20..24])))
        }
        "image/jpeg" => jpeg_dimensions(bytes),
        _ => Err(ImageError::Corrupt),
    }
}

/// Walks the JPEG segments to the first start-of-frame marker.
fn jpeg_dimensions(bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return Err(ImageError::Corrupt);
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = be16(&bytes[at + 2..]);
        if length < 2 {
            return Err(ImageError::Corrupt);
        }
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            if at + 9 > bytes.len() {
                return Err(ImageError::Corrupt);
            }
            let height = be16(&bytes[at + 5..]);
            let width = be16(&bytes[at + 7..]);
            return Ok((u32::try_from(width).unwrap_or(0), u32::try_from(height).unwrap_or(0)));
        }
        if marker == 0xDA {
            break;
        }
        at += 2 + length;
    }
    Err(ImageError::Corrupt)
}

/// The image without its metadata (see the module comment).
pub fn strip_metadata(content_type: &str, bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    match content_type {
        "image/png" => strip_png(bytes),
        "image/jpeg" => strip_jpeg(bytes),
        _ => Ok(bytes.to_vec()),
    }
}

/// JPEG: keeps APP0 (JFIF), APP2 (ICC colour profile) and APP14 (Adobe
/// colour transform), which change how pixels look; drops the other APPn
/// segments and comments. Everything from the start of scan on is copied.
fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    if !bytes.starts_with(b"\xFF\xD8") {
        return Err(ImageError::Corrupt);
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    loop {
        if at + 4 > bytes.len() || bytes[at] != 0xFF {
            return Err(ImageError::Corrupt);
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        if marker == 0xDA {
            out.extend_from_slice(&bytes[at..]);
            return Ok(out);
        }
        let end = at + 2 + be16(&bytes[at + 2..]);
        if end > bytes.len() || end < at + 4 {
            return Err(ImageError::Corrupt);
        }
        let metadata = matches!(marker, 0xE1 | 0xE3..=0xED | 0xEF | 0xFE);
        if !metadata {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
    }
}

/// PNG chunks that only describe the image: text, time, EXIF.
const PNG_METADATA: [&[u8; 4]; 5] = [b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"];

fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Err(ImageError::Corrupt);
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut at = PNG_SIGNATURE.len();
    loop {
        if at + 12 > bytes.len() {
            return Err(ImageError::Corrupt);
        }
        let length = usize::try_from(be32(&bytes[at..])).map_err(|_| ImageError::Corrupt)?;
        let end = at.checked_add(12).and_then(|e| e.checked_add(length)).ok_or(ImageError::Corrupt)?;
        if end > bytes.len() {
            return Err(ImageError::Corrupt);
        }
        let kind = &bytes[at + 4..at + 8];
        if !PNG_METADATA.iter().any(|m| m.as_slice() == kind) {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (u32::try_from(data.len()).unwrap()).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    }

    #[test]
    fn png_text_chunks_go_and_pixels_stay() {
        let mut ihdr = 3u32.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&2u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(png_chunk(b"IHDR", &ihdr));
        png.extend(png_chunk(b"tEXt", b"GPS\0 48.1N"));
        png.extend(png_chunk(b"IDAT", b"pixels"));
        png.extend(png_chunk(b"IEND", b""));
        assert_eq!(dimensions("image/png", &png), Ok((3, 2)));
        let clean = strip_metadata("image/png", &png).unwrap();
        assert!(!clean.windows(4).any(|w| w == b"tEXt"));
        assert!(clean.windows(6).any(|w| w == b"pixels"));
        assert_eq!(strip_metadata("image/png", &png[..png.len() - 3]), Err(ImageError::Corrupt));
    }

    #[test]
    fn jpeg_exif_goes_and_the_frame_is_found() {
        let mut jpeg = b"\xFF\xD8".to_vec();
        jpeg.extend_from_slice(b"\xFF\xE1\x00\x0AExif\0\0GP");
        jpeg.extend_from_slice(b"\xFF\xC0\x00\x0B\x08\x00\x20\x00\x40\x01\x01\x11\x00");
        jpeg.extend_from_slice(b"\xFF\xDA\x00\x02scan\xFF\xD9");
        assert_eq!(dimensions("image/jpeg", &jpeg), Ok((64, 32)));
        let clean = strip_metadata("image/jpeg", &jpeg).unwrap();
        assert!(!clean.windows(4).any(|w| w == b"Exif"));
        assert!(clean.ends_with(b"scan\xFF\xD9"));
    }

    #[test]
    fn bombs_are_refused_by_their_header() {
        let bounds = ImageBounds {
            max_side: 10_000,
            max_pixels: 40_000_000,
        };
        assert!(bounds.check(4000, 3000).is_ok());
        assert_eq!(
            bounds.check(60_000, 60_000),
            Err(ImageError::TooLarge {
                width: 60_000,
                height: 60_000
            })
        );
        assert!(bounds.check(9000, 9000).is_err());
    }
}
