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
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return s.to_string();
    }
    s.nfc().collect()
}

/// True if `s` is already in NFC (full check, not only the quick check).
pub fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc(s)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn no_other_changes() {
        let s = "Đảng uỷ  KHỐI\u{a0}các cơ quan";
        assert_eq!(nfc(s), s);
        assert_eq!(nfc(""), "");
    }
}
