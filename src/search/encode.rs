//! Compact encodings shared with `search.js`: numbers as text, the shard hash, JSON bytes.
//!
//! Takes: integers, index keys and serialisable values.
//! Gives: posting strings (`encode_numbers`), the shard of a key (`shard_of`, `shard_name`) and
//! JSON bytes safe to embed anywhere (`to_json`).
//! Must not: change without the matching change in `themes/loa/static/search.js` (`decode`,
//! `fnv1a`, `shardName`); the JS tests decode an index built here.

use serde::Serialize;

/// Last digit of a number (base 32).
const FINAL_DIGITS: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// Every earlier digit (base 32), so numbers need no separator.
const MORE_DIGITS: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_";

/// Appends `n` in base 32, most significant digit first; every digit but the last is taken
/// from [`MORE_DIGITS`]. `0..32` take one character, `32..1024` two. All characters are plain
/// ASCII that JSON never escapes.
pub fn push_number(out: &mut String, n: u32) {
    let (digits, from) = number_bytes(n);
    // Plain ASCII: `from_utf8` cannot fail.
    out.push_str(std::str::from_utf8(&digits[from..]).unwrap_or_default());
}

/// [`push_number`] onto bytes (the postings lists, built a few numbers at a time).
#[inline]
pub fn push_number_bytes(out: &mut Vec<u8>, n: u32) {
    // Most deltas, counts, weights and position deltas take one to three digits: written as
    // fixed-size pieces, not a copy of a variable length.
    let final_digit = FINAL_DIGITS[(n % 32) as usize];
    match n {
        0..32 => out.push(final_digit),
        32..1024 => out.extend_from_slice(&[MORE_DIGITS[(n / 32) as usize], final_digit]),
        1024..32768 => out.extend_from_slice(&[
            MORE_DIGITS[(n / 1024) as usize],
            MORE_DIGITS[(n / 32 % 32) as usize],
            final_digit,
        ]),
        _ => {
            let (digits, from) = number_bytes(n);
            out.extend_from_slice(&digits[from..]);
        }
    }
}

/// The characters of `n` (see [`push_number`]) at `digits[from..]`.
fn number_bytes(n: u32) -> ([u8; 7], usize) {
    let mut digits = [0u8; 7];
    let mut at = digits.len() - 1;
    digits[at] = FINAL_DIGITS[(n % 32) as usize];
    let mut rest = n / 32;
    while rest != 0 {
        at -= 1;
        digits[at] = MORE_DIGITS[(rest % 32) as usize];
        rest /= 32;
    }
    (digits, at)
}

/// Decodes what [`push_number`] wrote (used by tests; the browser has its own copy).
pub fn decode_numbers(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    for b in s.bytes() {
        if let Some(d) = MORE_DIGITS.iter().position(|&x| x == b) {
            acc = acc.checked_mul(32)?.checked_add(d as u32)?;
        } else if let Some(d) = FINAL_DIGITS.iter().position(|&x| x == b) {
            out.push(acc.checked_mul(32)?.checked_add(d as u32)?);
            acc = 0;
        } else {
            return None;
        }
    }
    (acc == 0).then_some(out)
}

/// FNV-1a, 32 bits, over the UTF-8 bytes of `key` (`fnv1a` in search.js).
pub fn fnv1a(key: &str) -> u32 {
    fnv1a_more(0x811c_9dc5, key.as_bytes())
}

/// Continues an FNV-1a hash `h` over more bytes.
pub fn fnv1a_more(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The shard (`0..2^bits`) that holds `key`.
pub fn shard_of(key: &str, bits: u32) -> u32 {
    if bits == 0 { 0 } else { fnv1a(key) & ((1u32 << bits) - 1) }
}

/// The shard's file stem: lower-case hex, zero-padded to `ceil(bits / 4)` digits (at least 1).
pub fn shard_name(shard: u32, bits: u32) -> String {
    let width = bits.div_ceil(4).max(1) as usize;
    format!("{shard:0width$x}")
}

/// Serialises `value` as compact JSON and also escapes `<`, `>`, `&`, U+2028 and U+2029, so the
/// bytes stay inert even if a theme inlines them into a `<script>` element. Those characters can
/// only occur inside JSON strings, where `\uXXXX` means the same character.
pub fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let json = serde_json::to_vec(value).expect("index values are plain strings, numbers and maps");
    escape_markup(json)
}

/// Escapes `<`, `>`, `&`, U+2028 and U+2029 in compact JSON (see [`to_json`]).
pub fn escape_markup(json: Vec<u8>) -> Vec<u8> {
    let bytes = json.as_slice();
    // Candidates: `<`, `>`, `&`, and 0xE2, the first byte of U+2028/U+2029 (E2 80 A8/A9). Most
    // of an index is digits and ASCII keys; runs between escapes are copied whole.
    let candidate =
        |b: u8| u8::from(b == b'<') | u8::from(b == b'>') | u8::from(b == b'&') | u8::from(b == 0xE2);
    // Made at the first escape: most files have none, and need no second copy.
    let mut out: Option<Vec<u8>> = None;
    let (mut start, mut from) = (0, 0);
    while let Some(k) = crate::scan::next_special(bytes, from, candidate) {
        let (escape, len): (&[u8], usize) = match (bytes[k], bytes.get(k + 1..k + 3)) {
            (b'<', _) => (b"\\u003c", 1),
            (b'>', _) => (b"\\u003e", 1),
            (b'&', _) => (b"\\u0026", 1),
            (_, Some([0x80, 0xA8])) => (b"\\u2028", 3),
            (_, Some([0x80, 0xA9])) => (b"\\u2029", 3),
            _ => {
                from = k + 1;
                continue;
            }
        };
        let o = out.get_or_insert_with(|| Vec::with_capacity(bytes.len() + 64));
        o.extend_from_slice(&bytes[start..k]);
        o.extend_from_slice(escape);
        start = k + len;
        from = start;
    }
    match out {
        None => json,
        Some(mut o) => {
            o.extend_from_slice(&bytes[start..]);
            o
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        let nums = [0, 1, 31, 32, 33, 1023, 1024, 32_767, 32_768, 99_999, 1 << 20, u32::MAX];
        let mut s = String::new();
        for n in nums {
            push_number(&mut s, n);
        }
        assert_eq!(decode_numbers(&s).unwrap(), nums);
        let mut one = String::new();
        push_number(&mut one, 5);
        push_number(&mut one, 40);
        assert_eq!(one, "5B8");
        let mut bytes = Vec::new();
        for n in nums {
            push_number_bytes(&mut bytes, n);
        }
        assert_eq!(bytes, s.as_bytes(), "the byte version writes the same characters");
        for n in (0..70_000).chain((0..32).map(|k| 1u32 << k)) {
            let (mut text, mut bytes) = (String::new(), Vec::new());
            push_number(&mut text, n);
            push_number_bytes(&mut bytes, n);
            assert_eq!(bytes, text.as_bytes(), "{n}");
        }
        assert_eq!(decode_numbers("B"), None, "an unfinished number is an error");
    }

    #[test]
    fn fnv_golden_values() {
        // Reference values of 32-bit FNV-1a.
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
        assert_eq!(shard_of("khuyen hoc", 0), 0);
        assert!(shard_of("khuyen hoc", 4) < 16);
        assert_eq!(shard_name(10, 4), "a");
        assert_eq!(shard_name(10, 9), "00a");
        assert_eq!(shard_name(0, 0), "0");
    }

    #[test]
    fn json_escapes_markup_and_round_trips() {
        let title = "<script>alert(\"x\")</script> & ‘Đảng’\u{2028}\\";
        let bytes = to_json(&vec![title]);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        assert!(!text.contains('\u{2028}'));
        let back: Vec<String> = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, [title]);
        // U+2029 too; other characters of the same block (quotes, dashes) are kept as they are.
        let text = "“a”\u{2029}–<";
        let bytes = to_json(&text);
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), r#""“a”\u2029–\u003c""#);
        assert_eq!(serde_json::from_slice::<String>(&bytes).unwrap(), text);
        assert_eq!(to_json(&"“không”"), "\"“không”\"".as_bytes(), "nothing to escape");
    }

    #[test]
    fn json_escapes_a_special_character_at_any_place_in_a_block() {
        let reference = |v: &str| {
            serde_json::to_string(v)
                .unwrap()
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029")
        };
        for special in ["<", ">", "&", "\u{2028}", "\u{2029}", "\u{2027}", "–"] {
            for at in 0..40 {
                for second in [None, Some(at + 1), Some(at + 17)] {
                    let mut text = "x".repeat(at);
                    text.push_str(special);
                    if let Some(more) = second {
                        text.push_str(&"y".repeat(more - at - 1));
                        text.push_str(special);
                    }
                    text.push_str("tail of the key, long enough");
                    assert_eq!(String::from_utf8(to_json(&text)).unwrap(), reference(&text), "{text:?}");
                }
            }
        }
    }
}
