//! Huffman codes for deflate: the code lengths of symbols from their counts, none longer than
//! a limit; the canonical codes of those lengths; and the lengths as the code length code's
//! symbols (how a dynamic block's header carries them).
//!
//! Takes: symbol counts, or code lengths.
//! Gives: code lengths, bit-reversed canonical codes, or run-length symbols with their extra
//! bits, as RFC 1951 §3.2.2 and §3.2.7 define them.
//! Must not: make a code that is not whole (every length set leaves no unused code), or a code
//! longer than its limit.

/// The code lengths as the code length code's symbols: a length (0..=15), or 16 (repeat the
/// previous 3–6 times), 17 (3–10 zeros), 18 (11–138 zeros), with their extra bits' value.
pub(super) fn run_lengths(lengths: &[u8]) -> Vec<(u8, u8)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lengths.len() {
        let l = lengths[i];
        let n = lengths[i..].iter().take_while(|&&x| x == l).count();
        if l == 0 {
            let mut left = n;
            while left >= 11 {
                let k = left.min(138);
                out.push((18, (k - 11) as u8));
                left -= k;
            }
            if left >= 3 {
                out.push((17, (left - 3) as u8));
                left = 0;
            }
            out.extend(std::iter::repeat_n((0, 0), left));
        } else {
            out.push((l, 0));
            let mut left = n - 1;
            while left >= 3 {
                let k = left.min(6);
                out.push((16, (k - 3) as u8));
                left -= k;
            }
            out.extend(std::iter::repeat_n((l, 0), left));
        }
        i += n;
    }
    out
}

/// Huffman code lengths for `freq` (0 for an unused symbol), none longer than `limit`: the
/// counts are halved until the tree is that shallow. A lone symbol gets a partner (symbol 0 or
/// 1), so that the code is whole.
pub(super) fn lengths<const N: usize>(freq: &[u32; N], limit: u8) -> [u8; N] {
    let mut out = [0u8; N];
    let mut f: Vec<(u32, usize)> =
        freq.iter().enumerate().filter(|&(_, &c)| c > 0).map(|(s, &c)| (c, s)).collect();
    match f.len() {
        0 => return out,
        1 => {
            let s = f[0].1;
            out[s] = 1;
            out[if s == 0 { 1 } else { 0 }] = 1;
            return out;
        }
        _ => {}
    }
    loop {
        f.sort_unstable();
        // Two queues: the leaves by count, then the internal nodes as they are made (their
        // counts never go down). Node i < n is leaf i; parent[i] its parent.
        let n = f.len();
        let mut weight: Vec<u64> = f.iter().map(|&(c, _)| u64::from(c)).collect();
        let mut parent = vec![0usize; 2 * n - 1];
        let (mut leaf, mut inner) = (0usize, n);
        for next in n..2 * n - 1 {
            let mut pick = || {
                if leaf < n && (inner >= next || weight[leaf] <= weight[inner]) {
                    leaf += 1;
                    leaf - 1
                } else {
                    inner += 1;
                    inner - 1
                }
            };
            let (x, y) = (pick(), pick());
            weight.push(weight[x] + weight[y]);
            parent[x] = next;
            parent[y] = next;
        }
        // Depths from the root (the last node) down: a parent is always made after its children.
        let mut depth = vec![0u8; 2 * n - 1];
        for i in (0..2 * n - 2).rev() {
            depth[i] = depth[parent[i]] + 1;
        }
        if depth[..n].iter().all(|&d| d <= limit) {
            for (i, &(_, s)) in f.iter().enumerate() {
                out[s] = depth[i];
            }
            return out;
        }
        for (c, _) in &mut f {
            *c = (*c >> 1).max(1);
        }
    }
}

/// The canonical codes of `lengths`, bit-reversed (deflate writes a code's first bit first
/// into the low end of each byte).
pub(super) fn codes<const N: usize>(lengths: &[u8; N]) -> [u16; N] {
    let mut count = [0u16; 16];
    for &l in lengths {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    let mut out = [0u16; N];
    for (s, &l) in lengths.iter().enumerate() {
        if l > 0 {
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            out[s] = c.reverse_bits() >> (16 - l);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_stay_within_their_limit_and_make_a_whole_code() {
        // Counts like Fibonacci's make the deepest tree: 30 symbols would need 29 bits.
        let mut freq = [0u32; 30];
        let (mut a, mut b) = (1u32, 1u32);
        for f in &mut freq {
            *f = a;
            (a, b) = (b, a + b);
        }
        for limit in [7u8, 15] {
            let l = lengths(&freq, limit);
            assert!(l.iter().all(|&x| (1..=limit).contains(&x)), "{l:?}");
            let kraft: f64 = l.iter().map(|&x| 0.5f64.powi(i32::from(x))).sum();
            assert!((kraft - 1.0).abs() < 1e-9, "{kraft}");
        }
        let mut one = [0u32; 19];
        one[5] = 9;
        let l = lengths(&one, 7);
        assert_eq!((l[5], l[0], l.iter().filter(|&&x| x > 0).count()), (1, 1, 2));
    }
}
