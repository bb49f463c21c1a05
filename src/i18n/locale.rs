//! The four locales Zhijiang speaks and how a request picks one.
//!
//! API.md fixes the aliases (`zh-Hans` → `zh-CN`, `th-TH` → `th`, ...) and the
//! negotiation order: `?lang=`, then `Accept-Language` (q-values honoured),
//! then the caller's saved locale, then the branch default, then `en`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A supported locale. The string forms are the canonical tags of API.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "th")]
    Th,
    #[serde(rename = "vi")]
    Vi,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::ZhCn, Locale::En, Locale::Th, Locale::Vi];

    pub fn as_str(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
            Locale::Th => "th",
            Locale::Vi => "vi",
        }
    }

    /// Maps any tag API.md accepts (case-insensitive) to a locale.
    /// `zh`, `zh-Hans`, `zh-CN`, `zh-SG` → zh-CN; `en-*` → en; `th-*` → th; `vi-*` → vi.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let tag = tag.trim().replace('_', "-").to_ascii_lowercase();
        let mut parts = tag.split('-');
        let lang = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        match lang {
            "zh" => (!is_traditional(&rest)).then_some(Locale::ZhCn),
            "en" => Some(Locale::En),
            "th" => Some(Locale::Th),
            "vi" => Some(Locale::Vi),
            _ => None,
        }
    }

    /// The locale a reader of `tag` reads best when `tag` itself is not
    /// served: Traditional Chinese (`zh-TW`, `zh-HK`, `zh-Hant`) reads
    /// Simplified Chinese more easily than English.
    pub fn closest(tag: &str) -> Option<Locale> {
        Locale::from_tag(tag).or_else(|| {
            let tag = tag.trim().replace('_', "-").to_ascii_lowercase();
            (tag == "zh" || tag.starts_with("zh-")).then_some(Locale::ZhCn)
        })
    }

    /// Only the exact canonical tags; used where a locale is a stored value or
    /// a JSON key, so that `th-TH` and `th` never become two different keys.
    pub fn from_canonical(tag: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.as_str() == tag)
    }
}

/// Whether the subtags after `zh` name Traditional Chinese. An explicit
/// script wins over the region: `zh-Hans-HK` is Simplified, `zh-Hant-CN`
/// Traditional; without a script, Taiwan, Hong Kong and Macau write
/// Traditional.
fn is_traditional(subtags: &[&str]) -> bool {
    if subtags.contains(&"hans") {
        return false;
    }
    subtags.iter().any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"))
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Locale {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Locale::from_tag(s).ok_or(())
    }
}

/// Picks the best supported locale from an `Accept-Language` header value.
/// Entries with `q=0` are refused; ties keep header order. A tag only close
/// to a locale (Traditional Chinese → zh-CN) ranks after every tag served
/// as such, but before the English default.
pub fn best_from_accept_language(header: &str) -> Option<Locale> {
    let mut candidates: Vec<(bool, f32, usize, Locale)> = Vec::new();
    for (index, entry) in header.split(',').enumerate() {
        let mut pieces = entry.split(';');
        let tag = pieces.next().unwrap_or("").trim();
        let mut q = 1.0f32;
        for param in pieces {
            let param = param.trim();
            if let Some(value) = param.strip_prefix("q=").or_else(|| param.strip_prefix("Q=")) {
                q = value.trim().parse().unwrap_or(0.0);
            }
        }
        if q <= 0.0 || !(0.0..=1.0).contains(&q) {
            continue;
        }
        if let Some(locale) = Locale::from_tag(tag) {
            candidates.push((true, q, index, locale));
        } else if let Some(locale) = Locale::closest(tag) {
            candidates.push((false, q, index, locale));
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    candidates.first().map(|c| c.3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_map_to_the_four_locales() {
        for tag in ["zh", "zh-Hans", "zh-CN", "zh-SG", "ZH-cn", "zh-Hans-CN"] {
            assert_eq!(Locale::from_tag(tag), Some(Locale::ZhCn), "{tag}");
        }
        assert_eq!(Locale::from_tag("zh-TW"), None);
        for tag in ["zh-Hans-HK", "zh-Hans-TW", "zh-hans-mo", "zh-SG", "zh-Hans-SG"] {
            assert_eq!(Locale::from_tag(tag), Some(Locale::ZhCn), "{tag}");
        }
        for tag in ["zh-TW", "zh-HK", "zh-Hant", "zh-Hant-TW", "zh-MO"] {
            assert_eq!(Locale::from_tag(tag), None, "{tag}");
            assert_eq!(Locale::closest(tag), Some(Locale::ZhCn), "{tag}");
        }
        assert_eq!(Locale::from_tag("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("th-TH"), Some(Locale::Th));
        assert_eq!(Locale::from_tag("vi-VN"), Some(Locale::Vi));
        assert_eq!(Locale::from_tag("fr"), None);
    }

    #[test]
    fn q_values_order_the_choice() {
        assert_eq!(best_from_accept_language("fr, th;q=0.4, vi;q=0.9"), Some(Locale::Vi));
        assert_eq!(best_from_accept_language("en;q=0, th-TH"), Some(Locale::Th));
        assert_eq!(best_from_accept_language("de, fr"), None);
        assert_eq!(best_from_accept_language("vi, th"), Some(Locale::Vi));
        assert_eq!(best_from_accept_language("*"), None);
        // Traditional Chinese: zh-CN rather than the English default, but
        // after any language the reader named that is served as such.
        assert_eq!(best_from_accept_language("zh-TW"), Some(Locale::ZhCn));
        assert_eq!(best_from_accept_language("zh-Hant-HK, fr;q=0.8"), Some(Locale::ZhCn));
        assert_eq!(best_from_accept_language("zh-TW, vi;q=0.3"), Some(Locale::Vi));
    }
}
