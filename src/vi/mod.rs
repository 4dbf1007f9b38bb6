//! Vietnamese text functions for the generator.
//!
//! Takes: `&str` text (NFC or NFD, any case) and date strings from front matter.
//! Gives: NFC normalisation, fold keys for search/slugs, tone-style-insensitive term keys,
//! URL slugs, Vietnamese collation, dates as editors write them (`15/11/2026 08:00`) in the
//! audience's time zone (UTC+7) with Vietnamese formats, the Gregorian calendar, syllable
//! counts for reading time, document-number spans (`49-KL/TW`), and tone marks placed in a
//! chosen style (`hòa`/`hoà`) for what loa shows.
//! Must not: touch the file system, print, panic on any input, or rewrite an author's spelling
//! (these functions only compute keys and views; the source text is never changed).

pub mod calendar;
pub mod collate;
pub mod date_forms;
pub mod dates;
pub mod docnum;
pub mod fold;
pub mod nfc;
pub mod numbers;
pub mod reading;
pub mod slug;
pub mod spell;
pub mod spell_tables;
pub mod tone;

pub use collate::compare as collate;
pub use fold::{fold, tone_key};
pub use nfc::{nfc, nfc_cow};
pub use slug::slugify;

/// `c.is_alphanumeric()`, with fast paths for ASCII and the Latin blocks Vietnamese is written
/// in (the general Unicode lookup is a binary search per character, and every syllable of
/// every page goes through this).
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        '\0'..='\u{7F}' => false,
        // Latin-1 letters (not × ÷), Latin Extended-A/B, Latin Extended Additional (ạ…ỹ).
        '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => true,
        _ => c.is_alphanumeric(),
    }
}

/// `c.is_uppercase()`, with fast paths for ASCII, Latin-1 and the Vietnamese letters of Latin
/// Extended Additional (ạ…ỹ: a capital at each even code point, its small letter after it):
/// every letter of every word read aloud is tested.
#[inline]
pub fn is_uppercase(c: char) -> bool {
    match c {
        'A'..='Z' => true,
        '\0'..='\u{7F}' => false,
        // Latin-1: À…Þ capitals (not ×), ß…ÿ small.
        '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{DE}' => true,
        '\u{80}'..='\u{BF}' | '\u{D7}' | '\u{DF}'..='\u{FF}' => false,
        '\u{1EA0}'..='\u{1EFF}' => (c as u32).is_multiple_of(2),
        _ => c.is_uppercase(),
    }
}

#[cfg(test)]
mod alnum_tests {
    #[test]
    fn fast_path_agrees_with_unicode() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            assert_eq!(super::is_alphanumeric(c), c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
            assert_eq!(super::is_uppercase(c), c.is_uppercase(), "{c:?} U+{:04X}", c as u32);
        }
    }
}
