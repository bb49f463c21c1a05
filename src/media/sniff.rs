//! What a file really is, read from its first bytes (magic numbers), never
//! from the name or the type the client claims. Only the handful of types a
//! lesson can show are recognised; anything else is refused.

/// The families of media a lesson can carry; each has its own size limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Image,
    Video,
    Audio,
    Pdf,
    Subtitle,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Image, Kind::Video, Kind::Audio, Kind::Pdf, Kind::Subtitle];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Video => "video",
            Kind::Audio => "audio",
            Kind::Pdf => "pdf",
            Kind::Subtitle => "subtitle",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A recognised file: its family and its canonical media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: Kind,
    pub content_type: &'static str,
}

/// How many leading bytes `sniff` needs to decide.
pub const SNIFF_BYTES: usize = 64;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn sniffed(kind: Kind, content_type: &'static str) -> Option<Sniffed> {
    Some(Sniffed { kind, content_type })
}

/// The type of a file from its first bytes (at least `SNIFF_BYTES` of them,
/// or the whole file when it is shorter). `claimed` only chooses between
/// the audio and video reading of a container that can hold either.
pub fn sniff(head: &[u8], claimed: Option<&str>) -> Option<Sniffed> {
    let claims_audio = claimed.is_some_and(|c| essence(c).starts_with("audio/"));
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return sniffed(Kind::Image, "image/png");
    }
    if head.starts_with(b"\xFF\xD8\xFF") {
        return sniffed(Kind::Image, "image/jpeg");
    }
    if head.starts_with(b"%PDF-") {
        return sniffed(Kind::Pdf, "application/pdf");
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        return if claims_audio || brand == b"M4A " {
            sniffed(Kind::Audio, "audio/mp4")
        } else {
            sniffed(Kind::Video, "video/mp4")
        };
    }
    if head.starts_with(b"\x1A\x45\xDF\xA3") {
        return if claims_audio {
            sniffed(Kind::Audio, "audio/webm")
        } else {
            sniffed(Kind::Video, "video/webm")
        };
    }
    if head.starts_with(b"OggS") {
        return sniffed(Kind::Audio, "audio/ogg");
    }
    if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WAVE" {
        return sniffed(Kind::Audio, "audio/wav");
    }
    if head.starts_with(b"ID3") || (head.len() >= 2 && head[0] == 0xFF && matches!(head[1], 0xFB | 0xF3 | 0xF2)) {
        return sniffed(Kind::Audio, "audio/mpeg");
    }
    let text = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    if let Some(rest) = text.strip_prefix(b"WEBVTT")
        && rest.first().is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return sniffed(Kind::Subtitle, "text/vtt");
    }
    None
}

/// The media type without parameters, lower-cased.
fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// Each media type a file can be found to be, its kind, and the types a
/// client may claim for it.
const CLAIMS: &[(&str, Kind, &[&str])] = &[
    ("image/jpeg", Kind::Image, &["image/jpeg", "image/jpg", "image/pjpeg"]),
    ("image/png", Kind::Image, &["image/png"]),
    ("application/pdf", Kind::Pdf, &["application/pdf"]),
    ("video/mp4", Kind::Video, &["video/mp4", "video/quicktime"]),
    ("audio/mp4", Kind::Audio, &["audio/mp4", "audio/m4a", "audio/x-m4a", "audio/aac"]),
    ("video/webm", Kind::Video, &["video/webm", "video/x-matroska"]),
    ("audio/webm", Kind::Audio, &["audio/webm"]),
    ("audio/ogg", Kind::Audio, &["audio/ogg", "application/ogg"]),
    ("audio/wav", Kind::Audio, &["audio/wav", "audio/x-wav", "audio/wave"]),
    ("audio/mpeg", Kind::Audio, &["audio/mpeg", "audio/mp3"]),
    ("text/vtt", Kind::Subtitle, &["text/vtt"]),
];

/// A claim that says nothing: absent, empty or `application/octet-stream`.
fn meaningful(claimed: Option<&str>) -> Option<String> {
    claimed.map(essence).filter(|c| !c.is_empty() && c != "application/octet-stream")
}

/// Whether the type a client claimed agrees with what the bytes are. No
/// claim, or the generic `application/octet-stream`, agrees with anything.
pub fn agrees_with_claim(found: Sniffed, claimed: Option<&str>) -> bool {
    let Some(claimed) = meaningful(claimed) else {
        return true;
    };
    CLAIMS
        .iter()
        .find(|(canonical, _, _)| *canonical == found.content_type)
        .is_some_and(|(_, _, aliases)| aliases.contains(&claimed.as_str()))
}

/// The kind a claimed type announces before any byte arrives (to check a
/// declared size early): `Ok(None)` when the claim says nothing, `Err(())`
/// for a type lessons do not take. The content still decides at the end.
#[allow(clippy::result_unit_err)]
pub fn kind_of_claim(claimed: Option<&str>) -> Result<Option<Kind>, ()> {
    let Some(claimed) = meaningful(claimed) else {
        return Ok(None);
    };
    CLAIMS
        .iter()
        .find(|(_, _, aliases)| aliases.contains(&claimed.as_str()))
        .map(|(_, kind, _)| Some(*kind))
        .ok_or(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_not_names() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n0000", None).unwrap().content_type, "image/png");
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0", None).unwrap().kind, Kind::Image);
        assert_eq!(sniff(b"%PDF-1.7", None).unwrap().kind, Kind::Pdf);
        assert_eq!(sniff(b"\0\0\0\x18ftypisom", None).unwrap().content_type, "video/mp4");
        assert_eq!(sniff(b"\0\0\0\x18ftypisom", Some("audio/mp4")).unwrap().kind, Kind::Audio);
        assert_eq!(sniff(b"\x1A\x45\xDF\xA3\x9f", None).unwrap().content_type, "video/webm");
        assert_eq!(sniff(b"\xEF\xBB\xBFWEBVTT\n\n", None).unwrap().kind, Kind::Subtitle);
        assert_eq!(sniff(b"WEBVTT", None).unwrap().kind, Kind::Subtitle);
        assert!(sniff(b"WEBVTTX", None).is_none());
        assert!(sniff(b"<svg xmlns=", None).is_none());
        assert!(sniff(b"MZ\x90\0", None).is_none());
    }

    #[test]
    fn claims_must_agree() {
        let png = sniff(b"\x89PNG\r\n\x1a\n", None).unwrap();
        assert!(agrees_with_claim(png, None));
        assert!(agrees_with_claim(png, Some("application/octet-stream")));
        assert!(agrees_with_claim(png, Some("IMAGE/PNG; charset=binary")));
        assert!(!agrees_with_claim(png, Some("image/jpeg")));
        assert!(!agrees_with_claim(png, Some("application/pdf")));
    }

    #[test]
    fn a_claim_announces_its_kind() {
        assert_eq!(kind_of_claim(None), Ok(None));
        assert_eq!(kind_of_claim(Some("application/octet-stream")), Ok(None));
        assert_eq!(kind_of_claim(Some("Video/MP4")), Ok(Some(Kind::Video)));
        assert_eq!(kind_of_claim(Some("audio/x-m4a")), Ok(Some(Kind::Audio)));
        assert_eq!(kind_of_claim(Some("text/vtt; charset=utf-8")), Ok(Some(Kind::Subtitle)));
        assert_eq!(kind_of_claim(Some("image/svg+xml")), Err(()));
    }
}
