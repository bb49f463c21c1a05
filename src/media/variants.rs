//! Smaller copies of an image for phones: widths of [`WIDTHS`] narrower than
//! the original (never larger), the aspect kept, in the original's format
//! (JPEG at quality [`JPEG_QUALITY`], PNG lossless). Made from the image
//! after its metadata was removed, and re-encoded from pixels, so a copy
//! carries no metadata at all (nor a colour profile: copies are sRGB as
//! decoded).
//!
//! Decoding inflates a file into pixels, so it happens only after the
//! header check of `media::image` accepted the dimensions, and the decoder
//! is held to the same bounds again (width, height, memory), in case the
//! header and the data disagree.

use super::image::ImageBounds;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Widths made, smallest first.
pub const WIDTHS: [u32; 3] = [320, 640, 1280];
/// JPEG quality of the copies: small files, no visible loss on a phone.
pub const JPEG_QUALITY: u8 = 82;

/// One copy, encoded.
#[derive(Debug)]
pub struct Made {
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// Why no copies could be made: the image data does not decode (or would
/// need more memory than its bounds allow).
#[derive(Debug, thiserror::Error)]
#[error("image data: {0}")]
pub struct VariantError(String);

/// The height that keeps the aspect at `width` (at least one pixel).
pub fn scaled_height(width: u32, height: u32, to_width: u32) -> u32 {
    let h = (u64::from(height) * u64::from(to_width) + u64::from(width) / 2) / u64::from(width.max(1));
    u32::try_from(h.max(1)).unwrap_or(u32::MAX)
}

/// The copies of an image of `width` × `height` (already checked against
/// `bounds`); none when it is no wider than the smallest width. CPU-bound:
/// run it off the async threads.
pub fn make(content_type: &str, bytes: &[u8], width: u32, height: u32, bounds: ImageBounds) -> Result<Vec<Made>, VariantError> {
    let wanted: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < width).collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let format = match content_type {
        "image/jpeg" => ImageFormat::Jpeg,
        "image/png" => ImageFormat::Png,
        _ => return Ok(Vec::new()),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(bounds.max_side);
    limits.max_image_height = Some(bounds.max_side);
    // Up to 16-bit RGBA: 8 bytes a pixel.
    limits.max_alloc = Some(bounds.max_pixels.saturating_mul(8));
    reader.limits(limits);
    let mut source = reader.decode().map_err(|e| VariantError(e.to_string()))?;
    let mut made = Vec::with_capacity(wanted.len());
    // Largest first, each from the one before: far less work than scaling
    // the full image every time, and the same quality at these ratios.
    for to_width in wanted.into_iter().rev() {
        let to_height = scaled_height(width, height, to_width);
        let copy = source.resize_exact(to_width, to_height, FilterType::Triangle);
        made.push(Made {
            width: to_width,
            height: to_height,
            bytes: encode(&copy, format)?,
        });
        source = copy;
    }
    made.reverse();
    Ok(made)
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, VariantError> {
    let mut out = Vec::new();
    let result = match format {
        ImageFormat::Jpeg => {
            // JPEG has no alpha; grey stays grey.
            let pixels = match image {
                DynamicImage::ImageLuma8(_) => image.clone(),
                other => DynamicImage::ImageRgb8(other.to_rgb8()),
            };
            pixels.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
        }
        _ => image.write_with_encoder(PngEncoder::new(&mut out)),
    };
    result.map_err(|e| VariantError(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds() -> ImageBounds {
        ImageBounds {
            max_side: 10_000,
            max_pixels: 40_000_000,
        }
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([u8::try_from(x % 256).unwrap(), u8::try_from(y % 256).unwrap(), 90])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
            .unwrap();
        out
    }

    #[test]
    fn copies_keep_the_aspect_and_never_grow() {
        let made = make("image/jpeg", &jpeg(1000, 500), 1000, 500, bounds()).unwrap();
        let sizes: Vec<(u32, u32)> = made.iter().map(|m| (m.width, m.height)).collect();
        assert_eq!(sizes, vec![(320, 160), (640, 320)]);
        let back = image::load_from_memory(&made[1].bytes).unwrap();
        assert_eq!((back.width(), back.height()), (640, 320));
        assert!(make("image/jpeg", &jpeg(300, 200), 300, 200, bounds()).unwrap().is_empty());
        assert_eq!(scaled_height(4000, 3000, 320), 240);
        assert_eq!(scaled_height(10_000, 1, 320), 1);
    }

    #[test]
    fn the_decoder_is_held_to_the_bounds() {
        let small = ImageBounds {
            max_side: 500,
            max_pixels: 250_000,
        };
        assert!(make("image/jpeg", &jpeg(1000, 500), 1000, 500, small).is_err());
        assert!(make("image/jpeg", b"\xFF\xD8\xFF\xD9", 1000, 500, bounds()).is_err());
    }
}
