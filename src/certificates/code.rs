//! Human-typable certificate codes such as `BKK-7F3K-9QPX`.
//!
//! The branch prefix tells a reader at a glance who issued the certificate;
//! the eight-character body is 40 bits of OS randomness in Crockford base32.
//! Crockford's alphabet leaves out I, L, O and U so that a code read aloud,
//! copied from paper or typed on a phone survives the usual confusions, and
//! [`normalize_code`] applies Crockford's decoding rules (O→0, I/L→1) so the
//! look-alikes still find the certificate. 40 bits (~10^12 codes) make
//! guessing a valid code impractical while staying short enough to type;
//! uniqueness is still enforced by the database.

use rand::RngCore;

/// Crockford base32: digits and upper-case letters without I, L, O, U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in the random body of a code (two groups of four).
const BODY_LEN: usize = 8;

/// Draws a new code for the branch `branch_code` (upper-cased).
pub(crate) fn new_code(branch_code: &str) -> String {
    let mut bytes = [0u8; 5];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    // 5 bytes = 40 bits = exactly 8 symbols of 5 bits each.
    let bits = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let body: String = (0..BODY_LEN)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 0x1f) as usize] as char)
        .collect();
    format_code(&branch_code.to_ascii_uppercase(), &body)
}

fn format_code(prefix: &str, body: &str) -> String {
    format!("{prefix}-{}-{}", &body[..4], &body[4..])
}

/// Maps one body symbol to its canonical form, or `None` if it is not a
/// Crockford symbol (U and punctuation).
fn canonical_symbol(c: char) -> Option<char> {
    match c.to_ascii_uppercase() {
        'O' => Some('0'),
        'I' | 'L' => Some('1'),
        c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => Some(c),
        _ => None,
    }
}

/// Turns whatever a person typed into the canonical `PREFIX-XXXX-XXXX`, or
/// `None` if it cannot be a code.
///
/// Case, spaces and hyphens are free: the last eight symbols are the body and
/// what precedes them is the branch prefix (2-8 ASCII letters or digits,
/// kept as typed apart from case, because branch codes are real letters and
/// must not be "corrected").
pub(crate) fn normalize_code(input: &str) -> Option<String> {
    let compact: Vec<char> = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if compact.len() < BODY_LEN + 2 || compact.len() > BODY_LEN + 8 {
        return None;
    }
    let (prefix, body) = compact.split_at(compact.len() - BODY_LEN);
    if !prefix.iter().all(char::is_ascii_alphanumeric) {
        return None;
    }
    let prefix: String = prefix.iter().map(char::to_ascii_uppercase).collect();
    let body: String = body.iter().map(|c| canonical_symbol(*c)).collect::<Option<_>>()?;
    Some(format_code(&prefix, &body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn is_canonical(code: &str, prefix: &str) -> bool {
        let parts: Vec<&str> = code.split('-').collect();
        parts.len() == 3
            && parts[0] == prefix
            && parts[1].len() == 4
            && parts[2].len() == 4
            && parts[1..].iter().flat_map(|p| p.bytes()).all(|b| ALPHABET.contains(&b))
    }

    #[test]
    fn new_codes_have_the_documented_format() {
        for _ in 0..100 {
            let code = new_code("BKK");
            assert!(is_canonical(&code, "BKK"), "{code}");
            assert_eq!(code.len(), "BKK-7F3K-9QPX".len());
        }
        assert!(new_code("hq").starts_with("HQ-"));
    }

    #[test]
    fn codes_use_only_the_crockford_alphabet() {
        let mut seen = HashSet::new();
        for _ in 0..2_000 {
            for c in new_code("HQ")[3..].chars().filter(|c| *c != '-') {
                assert!(!"ILOU".contains(c), "look-alike {c}");
                seen.insert(c);
            }
        }
        // Every symbol turns up, so no bit is stuck.
        assert_eq!(seen.len(), 32);
    }

    #[test]
    fn ten_thousand_draws_are_distinct() {
        let codes: HashSet<String> = (0..10_000).map(|_| new_code("SGN")).collect();
        assert_eq!(codes.len(), 10_000);
    }

    #[test]
    fn new_codes_normalize_to_themselves() {
        for _ in 0..100 {
            let code = new_code("HAN1");
            assert_eq!(normalize_code(&code).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn look_alikes_case_and_spacing_are_forgiven() {
        let want = Some("BKK-7F30-1QP1".to_string());
        assert_eq!(normalize_code("BKK-7F30-1QP1"), want);
        assert_eq!(normalize_code("bkk-7f3o-iqpl"), want);
        assert_eq!(normalize_code("  bkk 7F3O 1QPL "), want);
        assert_eq!(normalize_code("BKK7F3OIQPL"), want);
        assert_eq!(normalize_code("BKK--7F3O-IQPL"), want);
    }

    #[test]
    fn the_branch_prefix_is_not_corrected() {
        // "LOI" is a plausible branch code: its letters stay letters.
        assert_eq!(normalize_code("loi-abcd-efgh").as_deref(), Some("LOI-ABCD-EFGH"));
    }

    #[test]
    fn malformed_input_is_refused() {
        for bad in [
            "",
            "BKK",
            "BKK-7F3K",
            "B-7F3K-9QPX",         // prefix too short
            "ABCDEFGHI-7F3K-9QPX", // prefix too long
            "BKK-7F3K-9QPU",       // U is not a symbol
            "BKK-7F3K-9QP!",
            "BK_-7F3K-9QPX",
            "ΒΚΚ-7F3K-9QPX", // Greek look-alikes
            "BKK-7F3K-9QΡX", // Greek Rho
        ] {
            assert_eq!(normalize_code(bad), None, "{bad:?}");
        }
    }
}
