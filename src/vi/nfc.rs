//! Unicode NFC normalisation (design note §1).
//!
//! Takes: any `&str` (NFC, NFD or mixed, e.g. from macOS file names or Unikey "Unicode tổ hợp").
//! Gives: the NFC form, and a check whether a string is already NFC.
//! Must not: change anything but the normalisation form (no case, tone-placement or whitespace
//! changes) and must not touch the file system.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Returns `s` in Unicode Normalization Form C.
///
/// Fast path: text the quick check proves NFC (almost all input) is copied as is.
pub fn nfc(s: &str) -> String {
    nfc_cow(s).into_owned()
}

/// [`nfc`] without a copy when `s` is already NFC (almost all input).
pub fn nfc_cow(s: &str) -> std::borrow::Cow<'_, str> {
    if all_plainly_nfc(s) || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.nfc().collect())
}

/// Characters that are NFC whatever surrounds them (quick check "yes", combining class 0):
/// everything below the combining marks (U+0300), the precomposed Vietnamese letters
/// (U+1EA0–U+1EF9) and the dashes, quotes and dots of U+2010–U+2027. Checking these first
/// is several times faster than the general quick check on Vietnamese text.
#[cfg(test)]
fn plainly_nfc(c: char) -> bool {
    matches!(c, '\0'..='\u{2FF}' | '\u{1EA0}'..='\u{1EF9}' | '\u{2010}'..='\u{2027}')
}

/// `s.chars().all(plainly_nfc)`, decided on the UTF-8 bytes: ASCII, then the lead bytes
/// 0xC2–0xCB (U+0080–U+02FF) and the three-byte forms of U+1EA0–U+1EF9 and U+2010–U+2027.
fn all_plainly_nfc(s: &str) -> bool {
    plain_scan::<false>(s)
}

/// [`all_plainly_nfc`] and no carriage return (`\r`): a file that needs neither its line
/// ends nor its Unicode form changed, found in one pass over its bytes.
pub fn plain_without_cr(s: &str) -> bool {
    plain_scan::<true>(s)
}

/// [`all_plainly_nfc`], and with `NO_CR` no `\r` either.
fn plain_scan<const NO_CR: bool>(s: &str) -> bool {
    // Only a character whose lead byte is 0xCC or above can fail (ASCII, continuation bytes
    // and the leads 0xC2–0xCB are plainly NFC), and of those only the forms of 0xE1 and 0xE2
    // below pass.
    let b = s.as_bytes();
    let plain_at = |i: usize| {
        matches!(
            (b[i], b.get(i + 1), b.get(i + 2)),
            (0xE1, Some(0xBA), Some(0xA0..))
                | (0xE1, Some(0xBB), Some(..=0xB9))
                | (0xE2, Some(0x80), Some(0x90..=0xA7))
        )
    };
    // Eight bytes at a time as one integer: the high bit of each byte of `leads` says whether
    // it is 0xCC or above (its low seven bits plus 0x34 reach 0x80, and its own high bit is
    // set; no carry crosses a byte), and a `\r` anywhere refuses the block.
    const ONES: u64 = u64::MAX / 255;
    let mut blocks = b.chunks_exact(8);
    let mut at = 0;
    for block in &mut blocks {
        let mut word = [0u8; 8];
        word.copy_from_slice(block);
        let x = u64::from_le_bytes(word);
        if NO_CR {
            let cr = x ^ (ONES * u64::from(b'\r'));
            if cr.wrapping_sub(ONES) & !cr & (ONES << 7) != 0 {
                return false;
            }
        }
        let mut leads = x & ((x & (ONES * 0x7F)) + ONES * 0x34) & (ONES << 7);
        while leads != 0 {
            if !plain_at(at + (leads.trailing_zeros() / 8) as usize) {
                return false;
            }
            leads &= leads - 1;
        }
        at += 8;
    }
    (at..b.len()).all(|i| (b[i] < 0xCC && !(NO_CR && b[i] == b'\r')) || plain_at(i))
}

/// True if `s` is already in NFC (full check, not only the quick check).
pub fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_check_is_the_character_check() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let one = c.to_string();
            assert_eq!(all_plainly_nfc(&one), plainly_nfc(c), "U+{:04X}", c as u32);
        }
        for s in ["", "Xã hội học tập – “suốt đời”", "ho\u{300}a", "Ω", "ỹ\u{1efa}"] {
            assert_eq!(all_plainly_nfc(s), s.chars().all(plainly_nfc), "{s:?}");
        }
        // Mixed strings of varying length (empty pieces), mostly plain characters (a tenth of
        // the strings hold none of the odd ones), the odd one at every place of an 8-byte block.
        let plain = ["a", " ", "ầ", "ỹ", "đ", "Ơ", "–", "“", "\u{2C6}", "", ""];
        let odd = ["\r", "\u{1E9F}", "\u{1EFA}", "\u{300}", "\u{2028}", "Ω", "中", "😀", "\u{2029}"];
        let pieces: Vec<&str> = plain.iter().cycle().take(6 * plain.len()).chain(&odd).copied().collect();
        for s in crate::testing::mixed_strings(&pieces, 16, 20_000, 7) {
            assert_eq!(all_plainly_nfc(&s), s.chars().all(plainly_nfc), "{s:?}");
            assert_eq!(plain_without_cr(&s), !s.contains('\r') && s.chars().all(plainly_nfc), "{s:?}");
        }
    }

    #[test]
    fn nfd_hoa_becomes_nfc() {
        let nfd = "ho\u{300}a";
        let nfc_form = "h\u{f2}a";
        assert_ne!(nfd, nfc_form);
        assert_eq!(nfc(nfd), nfc_form);
        assert_eq!(nfc(nfc_form), nfc_form);
        assert!(is_nfc(nfc_form));
        assert!(!is_nfc(nfd));
    }

    #[test]
    fn stacked_marks_compose() {
        // NFD of "Ấ Ẫ Ữ ặ": base + shape mark + tone mark.
        let nfd = "A\u{302}\u{301} A\u{302}\u{303} U\u{31b}\u{303} a\u{306}\u{323}";
        assert_eq!(nfc(nfd), "Ấ Ẫ Ữ ặ");
        // Marks in the other canonical order compose to the same letters.
        assert_eq!(nfc("a\u{323}\u{306}"), "ặ");
    }

    #[test]
    fn plain_characters_are_nfc_in_any_company() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0u32..0x3000).filter_map(char::from_u32).filter(|&c| plainly_nfc(c)) {
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "U+{:04X}", c as u32);
            assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
        }
        // Not plain: combining marks, and U+2000 (which decomposes to U+2002).
        assert!(!plainly_nfc('\u{300}') && !plainly_nfc('\u{2000}'));
        assert!(matches!(nfc_cow("Đảng “ủy” – hoà"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(nfc_cow("ho\u{300}a"), "h\u{f2}a");
    }

    #[test]
    fn no_other_changes() {
        let s = "Đảng uỷ  KHỐI\u{a0}các cơ quan";
        assert_eq!(nfc(s), s);
        assert_eq!(nfc(""), "");
    }
}
