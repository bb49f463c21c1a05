//! The search key of a user (`users.search_key`): display name and email
//! folded so that a plain substring match (`LIKE`, the same on SQLite and
//! PostgreSQL) is case- and accent-insensitive.
//!
//! Folding: NFKC (fullwidth and compatibility forms become plain ones),
//! lower case, Latin diacritics removed (`Nguyễn Văn Ánh` → `nguyen van anh`,
//! `đ` → `d`), whitespace runs become one space. Only combining marks of the
//! Latin diacritic blocks are removed: Thai vowel and tone marks and Chinese
//! characters are kept, so Thai and Chinese match as substrings of their NFKC
//! text. A query is folded the same way.

use unicode_normalization::UnicodeNormalization;

/// The longest query (in characters) the search accepts.
pub(crate) const QUERY_MAX: usize = 200;

/// Combining marks that are diacritics on Latin letters (Vietnamese tones,
/// circumflex, breve, horn; French and German accents).
fn is_latin_diacritic(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// `text` folded for matching.
pub(crate) fn fold(text: &str) -> String {
    let lower: String = text.nfkc().collect::<String>().to_lowercase();
    let stripped: String = lower
        .nfd()
        .filter(|c| !is_latin_diacritic(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            'ø' => 'o',
            'ł' => 'l',
            'ß' => 's',
            other => other,
        })
        .nfc()
        .collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The stored key of a user: their folded name and folded email, on two
/// lines (so that a query never matches across the two).
pub(crate) fn user_key(display_name: &str, email: &str) -> String {
    format!("{}\n{}", fold(display_name), fold(email))
}

/// A `LIKE` pattern finding `query` (folded) anywhere, with `\` as the
/// escape character.
pub(crate) fn like_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in fold(query).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_folds_to_plain_letters() {
        assert_eq!(fold("Nguyễn Văn A"), "nguyen van a");
        assert_eq!(fold("ĐẶNG  Thị   Ánh"), "dang thi anh");
        // Decomposed input folds the same.
        assert_eq!(fold("Nguye\u{302}\u{303}n"), fold("Nguyễn"));
    }

    #[test]
    fn thai_and_chinese_keep_their_marks() {
        assert_eq!(fold("สมชาย ใจดี"), "สมชาย ใจดี");
        assert!(fold("สมชาย ใจดี").contains(&fold("ใจ")));
        assert_eq!(fold("王小明"), "王小明");
        // Fullwidth Latin is plain after NFKC.
        assert_eq!(fold("ＡＢＣ"), "abc");
    }

    #[test]
    fn patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(like_pattern(" Văn "), "%van%");
    }
}
