//! Deflate pieces: a zlib stream put together from parts compressed apart, so that the part of
//! an image that many images share (a share card's rows above and below its title) is
//! compressed once and copied into each of them.
//!
//! Takes: bytes, pushed into an [`Encoder`] (runs of one byte in O(1): [`Encoder::push_run`]).
//! Gives: a [`Piece`]: deflate blocks that are not the last, ending on a byte boundary, with the
//! Adler-32 and the length of what they hold; [`zlib`] joins pieces into one zlib stream (its
//! checksum combined from theirs, [`adler_combine`]).
//! Must not: refer back out of a piece (each is decodable wherever it is put), or depend on
//! anything but its input (the same bytes give the same piece).
//!
//! The compression is the one PNG rows filtered `Up` want (as `fdeflate`'s): a byte is a
//! literal, or a repeat of the byte before it (a match at distance 1, 3–258 long); one block of
//! Huffman codes made for the piece's own counts, then an empty stored block (a sync flush)
//! to end on a byte.

use super::huffman::{codes, lengths, run_lengths};

/// Adler-32's modulus.
const BASE: u64 = 65_521;

/// Deflate blocks holding `len` bytes whose Adler-32 is `adler`: not the stream's last block,
/// ending on a byte boundary, referring to nothing before their start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub bytes: Vec<u8>,
    pub adler: u32,
    pub len: u64,
}

/// The Adler-32 of `a ++ b` from that of `a`, that of `b` and `b`'s length (zlib's
/// `adler32_combine`).
pub fn adler_combine(a: u32, b: u32, b_len: u64) -> u32 {
    let rem = b_len % BASE;
    let a1 = u64::from(a & 0xffff);
    let a2 = u64::from(a >> 16);
    let b1 = u64::from(b & 0xffff);
    let b2 = u64::from(b >> 16);
    let sum1 = (a1 + b1 + BASE - 1) % BASE;
    let sum2 = (rem * a1 % BASE + a2 + b2 + BASE - rem) % BASE;
    (sum1 | (sum2 << 16)) as u32
}

/// A zlib stream holding the pieces' bytes one after another.
pub fn zlib(pieces: &[&Piece]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pieces.iter().map(|p| p.bytes.len()).sum::<usize>() + 8);
    // Deflate, a 32 KiB window, no dictionary, the fastest level (the header's check bits).
    out.extend_from_slice(&[0x78, 0x01]);
    let mut adler = 1u32;
    for p in pieces {
        out.extend_from_slice(&p.bytes);
        adler = adler_combine(adler, p.adler, p.len);
    }
    // The last block: empty, with fixed codes (its end-of-block code is seven zero bits).
    out.extend_from_slice(&[0x03, 0x00]);
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// Lengths 3..=258 as deflate's length symbols: base of each symbol 257.., extra bits.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
    227, 258,
];
const LENGTH_EXTRA: [u8; 29] =
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];

/// The length symbol (0..29, to add to 257) of each match length 0..=258 (0..3 unused).
const LENGTH_SYMBOL: [u8; 259] = {
    let mut t = [0u8; 259];
    let mut len = 3;
    while len <= 258 {
        let mut s = 28;
        while LENGTH_BASE[s] as usize > len {
            s -= 1;
        }
        t[len] = s as u8;
        len += 1;
    }
    t
};

/// The order in which the code length code's lengths are written.
const CL_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/// The longest match.
const MAX_MATCH: usize = 258;

/// Bytes pushed, made into literals and runs, then into a [`Piece`] ([`Encoder::finish`]).
#[derive(Debug)]
pub struct Encoder {
    /// A literal byte (0..256), or a match of length `t >> 16` at distance 1 (`t >= 1 << 16`).
    tokens: Vec<u32>,
    /// How often each literal/length symbol (0..286) is in `tokens`, counted as they are made.
    freq: [u32; 286],
    /// The last byte pushed, or [`NONE`] before the first.
    last: u32,
    /// Repeats of `last` pushed and not yet made into tokens.
    run: usize,
    /// Adler-32's two sums, reduced now and then.
    a: u64,
    b: u64,
    len: u64,
}

/// No byte pushed yet (`Encoder::last`).
const NONE: u32 = 256;

/// The bytes [`Encoder::push`] takes between two reductions of the sums: from below 2^32 and
/// 2^48, 4,096 bytes add under 2^21 and 2^46 (a repeat's closed form included).
const CHUNK: usize = 4096;

impl Default for Encoder {
    fn default() -> Encoder {
        Encoder::new()
    }
}

impl Encoder {
    pub fn new() -> Encoder {
        Encoder { tokens: Vec::new(), freq: [0; 286], last: NONE, run: 0, a: 1, b: 0, len: 0 }
    }

    /// Adds `bytes`.
    pub fn push(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(CHUNK) {
            self.push_chunk(chunk);
        }
    }

    /// Adds at most [`CHUNK`] bytes: the state in locals (the hot loop of a share card), the
    /// sums reduced once before.
    fn push_chunk(&mut self, bytes: &[u8]) {
        self.reduce_if_large();
        self.tokens.reserve(bytes.len());
        let (mut a, mut b, mut last, mut run) = (self.a, self.b, self.last, self.run);
        let (n, mut i) = (bytes.len(), 0);
        while i < n {
            let byte = bytes[i];
            if u32::from(byte) == last {
                // The run goes on as far as the bytes are this one, eight at a time: the first
                // other byte of a word is its lowest non-zero byte once the word is XORed with
                // the run's byte in every place (one branch a word, not one a byte).
                let pattern = u64::from(byte) * 0x0101_0101_0101_0101;
                // A run that ends within the words stops the byte loop at once.
                let mut j = i + 1;
                while j + 8 <= n {
                    let word = u64::from_le_bytes(bytes[j..j + 8].try_into().expect("8 bytes")) ^ pattern;
                    if word != 0 {
                        j += (word.trailing_zeros() / 8) as usize;
                        break;
                    }
                    j += 8;
                }
                while j < n && bytes[j] == byte {
                    j += 1;
                }
                sums_of_repeats(&mut a, &mut b, byte, (j - i) as u64);
                run += j - i;
                i = j;
            } else {
                if run > 0 {
                    end_run(&mut self.tokens, &mut self.freq, last as u8, run);
                    run = 0;
                }
                self.tokens.push(u32::from(byte));
                self.freq[usize::from(byte)] += 1;
                sums_of_repeats(&mut a, &mut b, byte, 1);
                last = u32::from(byte);
                i += 1;
            }
        }
        (self.a, self.b, self.last, self.run) = (a, b, last, run);
        self.len += n as u64;
    }

    /// Adds `n` bytes `byte`.
    pub fn push_run(&mut self, byte: u8, n: usize) {
        let mut n = n as u64;
        if n == 0 {
            return;
        }
        if self.last != u32::from(byte) {
            self.end_run();
            self.literal(byte);
            n -= 1;
        }
        while n > 0 {
            let k = n.min(1 << 16);
            self.repeat(byte, k);
            n -= k;
        }
    }

    /// `k` (at most 2^16) more repeats of the last byte, `byte`: the sums over them at once.
    fn repeat(&mut self, byte: u8, k: u64) {
        self.run += k as usize;
        sums_of_repeats(&mut self.a, &mut self.b, byte, k);
        self.len += k;
        self.reduce_if_large();
    }

    fn literal(&mut self, byte: u8) {
        self.tokens.push(u32::from(byte));
        self.freq[usize::from(byte)] += 1;
        self.last = u32::from(byte);
        sums_of_repeats(&mut self.a, &mut self.b, byte, 1);
        self.len += 1;
        self.reduce_if_large();
    }

    /// The sums below 2^32 and 2^48 between reductions: a repeat of 2^16 bytes adds under
    /// 2^24 and 2^49 to them.
    fn reduce_if_large(&mut self) {
        if self.a >= 1 << 32 || self.b >= 1 << 48 {
            self.reduce();
        }
    }

    fn reduce(&mut self) {
        self.a %= BASE;
        self.b %= BASE;
    }

    /// Makes the pending repeats into tokens.
    fn end_run(&mut self) {
        if self.run > 0 {
            end_run(&mut self.tokens, &mut self.freq, self.last as u8, self.run);
            self.run = 0;
        }
    }

    /// The bytes pushed as a [`Piece`].
    pub fn finish(mut self) -> Piece {
        self.end_run();
        self.reduce();
        let adler = ((self.b << 16) | self.a) as u32;
        let mut lit_freq = self.freq;
        lit_freq[256] = 1;
        let lit_len = lengths(&lit_freq, 15);
        // Every match is at distance 1 (symbol 0); symbol 1 is there to make the code whole.
        let dist_len = [1u8, 1];
        let lit_codes = codes(&lit_len);
        let hlit = lit_len.iter().rposition(|&l| l > 0).map_or(257, |i| (i + 1).max(257));
        let mut all = lit_len[..hlit].to_vec();
        all.extend_from_slice(&dist_len);
        let cl_tokens = run_lengths(&all);
        let mut cl_freq = [0u32; 19];
        for &(s, _) in &cl_tokens {
            cl_freq[usize::from(s)] += 1;
        }
        let cl_len = lengths(&cl_freq, 7);
        let cl_codes = codes(&cl_len);
        let hclen = CL_ORDER.iter().rposition(|&s| cl_len[s] > 0).map_or(4, |i| (i + 1).max(4));

        // A token takes at most 21 bits (the header grows the buffer if it must).
        let mut w = Bits::with_capacity(self.tokens.len() * 3 + 400);
        // Not the last block; dynamic codes.
        w.put(0, 1);
        w.put(2, 2);
        w.put((hlit - 257) as u64, 5);
        w.put((dist_len.len() - 1) as u64, 5);
        w.put((hclen - 4) as u64, 4);
        for &s in &CL_ORDER[..hclen] {
            w.put(u64::from(cl_len[s]), 3);
        }
        for &(s, extra) in &cl_tokens {
            w.put(u64::from(cl_codes[usize::from(s)]), cl_len[usize::from(s)]);
            match s {
                16 => w.put(u64::from(extra), 2),
                17 => w.put(u64::from(extra), 3),
                18 => w.put(u64::from(extra), 7),
                _ => {}
            }
        }
        // Each token's bits at once, from one table: a literal's code (at the byte), a match's
        // length code, extra bits and distance code (symbol 0, one zero bit; at 256 + its
        // length), at most 15 + 5 + 1 bits.
        let mut table = [(0u32, 0u8); 256 + MAX_MATCH + 1];
        for (b, slot) in table[..256].iter_mut().enumerate() {
            *slot = (u32::from(lit_codes[b]), lit_len[b]);
        }
        for (n, slot) in table[256..].iter_mut().enumerate().skip(3) {
            let s = usize::from(LENGTH_SYMBOL[n]);
            let (code, len) = (u32::from(lit_codes[257 + s]), lit_len[257 + s]);
            if len > 0 {
                let extra = (n - usize::from(LENGTH_BASE[s])) as u32;
                *slot = (code | (extra << len), len + LENGTH_EXTRA[s] + 1);
            }
        }
        for &t in &self.tokens {
            // A match's token is its length above bit 16, a literal's its byte.
            let at = if t < 1 << 16 { t as usize } else { 256 + (t >> 16) as usize };
            let (value, bits) = table[at];
            w.put(u64::from(value), bits);
        }
        w.put(u64::from(lit_codes[256]), lit_len[256]);
        // A sync flush: an empty stored block, not the last, ending on a byte.
        w.put(0, 3);
        let mut bytes = w.finish();
        bytes.extend_from_slice(&[0x00, 0x00, 0xff, 0xff]);
        Piece { bytes, adler, len: self.len }
    }
}

/// Adler-32's sums (not reduced) after `k` more bytes `byte`, at once: each adds `byte` to
/// `a`, and `a` as it then is to `b`.
#[inline]
fn sums_of_repeats(a: &mut u64, b: &mut u64, byte: u8, k: u64) {
    let v = u64::from(byte);
    *b += k * *a + v * (k * (k + 1) / 2);
    *a += k * v;
}

/// `run` repeats of `byte` (after a `byte`) as tokens: matches at distance 1 as long as they
/// go, never leaving one or two (no match that short: a shorter match before), then those as
/// literals; each counted in `freq`.
fn end_run(tokens: &mut Vec<u32>, freq: &mut [u32; 286], byte: u8, mut run: usize) {
    while run >= 3 {
        let n = run.min(MAX_MATCH);
        let n = if run - n > 0 && run - n < 3 { n - 3 } else { n };
        tokens.push((n as u32) << 16);
        freq[257 + usize::from(LENGTH_SYMBOL[n])] += 1;
        run -= n;
    }
    for _ in 0..run {
        tokens.push(u32::from(byte));
    }
    freq[usize::from(byte)] += run as u32;
}

/// Bits written low end first: each `put` stores the whole accumulator (eight bytes, past the
/// end of what is written) and moves on by its whole bytes, with no branch on how many.
struct Bits {
    out: Vec<u8>,
    /// Bytes of `out` written for good.
    pos: usize,
    /// Fewer than 8 bits left over after each `put`.
    acc: u64,
    n: u32,
}

impl Bits {
    fn with_capacity(bytes: usize) -> Bits {
        Bits { out: vec![0; bytes + 8], pos: 0, acc: 0, n: 0 }
    }

    /// `bits` (at most 32) low bits of `value`.
    #[inline]
    fn put(&mut self, value: u64, bits: u8) {
        self.acc |= value << self.n;
        self.n += u32::from(bits);
        if self.pos + 8 > self.out.len() {
            self.out.resize(self.out.len() * 2 + 8, 0);
        }
        self.out[self.pos..self.pos + 8].copy_from_slice(&self.acc.to_le_bytes());
        let whole = self.n / 8;
        self.pos += whole as usize;
        // At most 7 + 32 bits were held: `whole` is at most 4.
        self.acc >>= whole * 8;
        self.n -= whole * 8;
    }

    /// The bytes, the last one's unused high bits zero.
    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out[self.pos] = self.acc as u8;
            self.pos += 1;
        }
        self.out.truncate(self.pos);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn adler_plain(bytes: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in bytes {
            a = (a + u32::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        (b << 16) | a
    }

    fn inflate(z: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(z).read_to_end(&mut out).expect("a zlib stream");
        out
    }

    fn piece(bytes: &[u8]) -> Piece {
        let mut e = Encoder::new();
        e.push(bytes);
        e.finish()
    }

    #[test]
    fn adler_of_a_known_text_and_of_pieces_combined() {
        assert_eq!(adler_plain(b"Wikipedia"), 0x11e6_0398);
        assert_eq!(piece(b"Wikipedia").adler, 0x11e6_0398);
        let (a, b) = (b"Khuyen hoc".as_slice(), b" suot doi".as_slice());
        assert_eq!(
            adler_combine(adler_plain(a), adler_plain(b), b.len() as u64),
            adler_plain(b"Khuyen hoc suot doi")
        );
        // A long run (its sums taken at once) past the modulus many times.
        let mut e = Encoder::new();
        e.push(b"ab");
        e.push_run(0xff, 1_000_000);
        e.push_run(0, 70_000);
        let mut plain = b"ab".to_vec();
        plain.extend(std::iter::repeat_n(0xff, 1_000_000));
        plain.extend(std::iter::repeat_n(0, 70_000));
        let p = e.finish();
        assert_eq!((p.adler, p.len), (adler_plain(&plain), plain.len() as u64));
        assert_eq!(inflate(&zlib(&[&p])), plain);
    }

    #[test]
    fn pieces_joined_inflate_to_their_bytes_in_order() {
        let row: Vec<u8> = (0..601u32).map(|i| if i % 7 < 3 { 0 } else { (i * 31 % 256) as u8 }).collect();
        let (x, y) = (piece(&row), piece(&[0; 5000]));
        let z = zlib(&[&x, &y, &x]);
        let want = [row.as_slice(), &[0; 5000], &row].concat();
        assert_eq!(inflate(&z), want);
        // The zlib crate's own check of the checksum passed; and it is the plain one.
        assert_eq!(u32::from_be_bytes(z[z.len() - 4..].try_into().expect("4")), adler_plain(&want));
        // No piece at all: an empty stream.
        assert_eq!(inflate(&zlib(&[])), Vec::<u8>::new());
        // Runs compress: 5,000 zeros in a few bytes.
        assert!(y.bytes.len() < 100, "{}", y.bytes.len());
    }

    #[test]
    fn runs_across_words_and_chunks_come_back_with_their_checksum() {
        // Runs of every length 1..40 of bytes that are zero and not, starting at every offset
        // of an eight-byte word, some across the edges of the chunks `push` takes at once;
        // pushed whole and in uneven slices.
        let mut bytes = Vec::new();
        let mut k = 0u32;
        while bytes.len() < 3 * CHUNK + 500 {
            let byte = [0u8, 0x11, 0xff, 0x11][k as usize % 4];
            bytes.extend(std::iter::repeat_n(byte, 1 + (k * 7 % 40) as usize));
            bytes.push((k % 251) as u8);
            k += 1;
        }
        bytes.extend(std::iter::repeat_n(0x42, CHUNK + 3));
        let whole = piece(&bytes);
        let mut e = Encoder::new();
        for slice in bytes.chunks(997) {
            e.push(slice);
        }
        let sliced = e.finish();
        assert_eq!(whole, sliced);
        assert_eq!((whole.adler, whole.len), (adler_plain(&bytes), bytes.len() as u64));
        assert_eq!(inflate(&zlib(&[&whole])), bytes);
        // The runs are matches: far fewer bytes than the input's.
        assert!(whole.bytes.len() < bytes.len() / 3, "{}", whole.bytes.len());
    }

    proptest! {
        #[test]
        fn any_bytes_in_any_pieces_come_back(
            parts in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![Just(0u8), Just(0u8), Just(7u8), any::<u8>()], 0..3000),
                0..4,
            ),
            run in 0usize..700,
        ) {
            let mut pieces: Vec<Piece> = parts.iter().map(|p| piece(p)).collect();
            let mut e = Encoder::new();
            e.push_run(3, run);
            e.push(&[3, 3, 4]);
            pieces.push(e.finish());
            let mut want = parts.concat();
            want.extend(std::iter::repeat_n(3, run + 2));
            want.push(4);
            let refs: Vec<&Piece> = pieces.iter().collect();
            prop_assert_eq!(inflate(&zlib(&refs)), want);
        }
    }
}
