//! Decoding a source file's bytes into text.
//!
//! Takes: the raw bytes of a file and its name (for diagnostics).
//! Gives: the text in UTF-8, LF line ends and NFC, borrowed when the bytes need no change; or
//! an `encoding` error naming where the bytes went wrong (UTF-16, invalid UTF-8).
//! Must not: look at what the text says (front matter, Markdown): that is `split` and after.

use crate::diagnostics::{Diagnostic, Location};

/// Decodes a file's bytes: strips a UTF-8 BOM, refuses UTF-16 and invalid UTF-8 (naming the
/// line and byte), turns CRLF and lone CR into LF, and normalises to NFC.
pub fn decode_text(bytes: &[u8], file: &str) -> Result<String, Diagnostic> {
    decode_borrowed(bytes, file).map(std::borrow::Cow::into_owned)
}

/// [`decode_text`], borrowing from `bytes` when they need no change (UTF-8 without a byte
/// order mark, `\r` or non-NFC text: almost every file), so a caller copies the text once.
pub fn decode_borrowed<'a>(bytes: &'a [u8], file: &str) -> Result<std::borrow::Cow<'a, str>, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::error(
            "encoding",
            Location::file(file),
            "tệp được lưu dạng UTF-16, loa chỉ đọc UTF-8",
        )
        .with_hint("mở tệp và lưu lại với mã hóa UTF-8"));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    // simdutf8 validates many bytes at a time (a third of Vietnamese text is outside ASCII);
    // the standard library, asked only about invalid bytes, finds where the error is.
    let valid = simdutf8::basic::from_utf8(bytes);
    let text = match valid.map_or_else(|_| std::str::from_utf8(bytes), Ok) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            let byte = bytes[e.valid_up_to()];
            return Err(Diagnostic::error(
                "encoding",
                Location::at(file, line, column),
                format!("byte 0x{byte:02X} không phải UTF-8 hợp lệ"),
            )
            .with_hint("lưu lại tệp với mã hóa UTF-8"));
        }
    };
    // Most files need neither their line ends nor their Unicode form changed: one pass.
    if crate::vi::nfc::plain_without_cr(text) {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    if text.contains('\r') {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let nfc = match crate::vi::nfc_cow(&text) {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(n) => Some(n),
        };
        return Ok(std::borrow::Cow::Owned(nfc.unwrap_or(text)));
    }
    Ok(crate::vi::nfc_cow(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_stripped_and_crlf_is_lf() {
        let t = decode_text(b"\xEF\xBB\xBF---\r\ntitle: a\r\n---\r\nx\r\n", "f").expect("ok");
        assert_eq!(t, "---\ntitle: a\n---\nx\n");
        // Line ends and the Unicode form are both mended, in either order of need.
        let nfd = "ho\u{300}a\r\n";
        assert_eq!(decode_text(nfd.as_bytes(), "f").expect("ok"), "h\u{f2}a\n");
    }

    #[test]
    fn invalid_utf8_names_line_and_byte() {
        let e = decode_text(b"---\ntitle: a\n---\n\nab\xFFc\n", "f").unwrap_err();
        let l = e.location.as_ref().expect("loc");
        assert_eq!((l.line, l.column), (5, 3));
        assert!(e.message.contains("0xFF"));
    }

    #[test]
    fn utf16_is_recognised() {
        let e = decode_text(b"\xFF\xFE-\x00", "f").unwrap_err();
        assert!(e.message.contains("UTF-16"));
    }
}
