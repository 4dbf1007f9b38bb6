//! Finding the next byte of interest in text, sixteen bytes at a time: HTML, XML and JSON
//! escaping and the document-number prefilter look at every byte of every page.

/// Bytes per block.
const BLOCK: usize = 16;

/// The index of the first byte at or after `from` for which `special` is non-zero. Blocks of 16
/// bytes none of which is special are skipped whole. Write `special` as plain comparisons
/// OR-ed into a `u8` (`u8::from(b == b'&') | …`): the compiler then checks a block in a few
/// vector instructions, where `matches!` became a bit test per byte.
#[inline]
pub fn next_special(bytes: &[u8], from: usize, special: impl Fn(u8) -> u8) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        if let Some(block) = bytes.get(i..i + BLOCK).and_then(|b| <&[u8; BLOCK]>::try_from(b).ok())
            && block.iter().fold(0, |any, &b| any | special(b)) == 0
        {
            i += BLOCK;
            continue;
        }
        if special(bytes[i]) != 0 {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_special_byte_at_any_place_of_a_block() {
        let special = |b: u8| u8::from(b == b'<') | u8::from(b == 0xE2);
        for len in 0..50 {
            for at in 0..=len {
                let mut bytes = vec![b'x'; len];
                if at < len {
                    bytes[at] = b'<';
                }
                for from in 0..=len {
                    let expected = (at < len && at >= from).then_some(at);
                    assert_eq!(
                        next_special(&bytes, from, special),
                        expected,
                        "len {len}, at {at}, from {from}"
                    );
                }
            }
        }
    }
}
