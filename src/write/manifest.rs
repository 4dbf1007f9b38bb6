//! The marker of loa's output folders (`.loa-output`) and its manifest: one line per file the
//! build wrote, with a hash of its bytes. The manifest is a hint: a file is left alone only
//! when it holds exactly the bytes the build would write (see `fs::holds`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use super::fs::open_nofollow;
use super::names::MARKER;

/// First line of the marker file; the lines after it are the manifest.
pub(super) const MARKER_TEXT: &str = "This folder is written by loa; loa replaces it on every build.\n";

/// Second line of the marker when a manifest follows: then one line per file loa wrote,
/// `<hash>\t<path>` (the hash of the bytes written, or of a copied file's source size,
/// modification time and path). Same site, same manifest: the marker is deployed with the site.
pub(super) const MANIFEST_HEADER: &str = "manifest v1\n";

/// A fast 64-bit hash of a file's bytes (with its length): equal hashes mean "unchanged since
/// the spare was written". Not cryptographic; a mismatch only costs a rewrite. Four lanes take
/// one word each of every 32 bytes, so their multiplications overlap (every output byte is
/// hashed, so one lane was a visible share of a large build).
pub(super) fn content_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let word = |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut lanes: [u64; 4] = [bytes.len() as u64 ^ K, 1, 2, 3];
    let mut blocks = bytes.chunks_exact(32);
    for b in &mut blocks {
        for (lane, c) in lanes.iter_mut().zip(b.chunks_exact(8)) {
            *lane = step(*lane, word(c));
        }
    }
    let mut h = lanes.iter().fold(0, |h, &lane| step(h, lane));
    let mut words = blocks.remainder().chunks_exact(8);
    for c in &mut words {
        h = step(h, word(c));
    }
    for &b in words.remainder() {
        h = step(h, u64::from(b));
    }
    h ^ (h >> 29)
}

/// The manifest of a folder's marker, if it has a complete one (read without following a
/// symlink at the marker's name). It tells which files loa wrote there and with which hash; it
/// is not trusted for their contents (see `Staging::store`).
pub(super) fn read_manifest(dir: &Path) -> Option<HashMap<String, u64>> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut open_nofollow(&dir.join(MARKER)).ok()?, &mut text).ok()?;
    let rest = text.strip_prefix(MARKER_TEXT)?.strip_prefix(MANIFEST_HEADER)?;
    let mut map = HashMap::new();
    for line in rest.lines() {
        let (h, key) = line.split_once('\t')?;
        map.insert(key.to_string(), u64::from_str_radix(h, 16).ok()?);
    }
    Some(map)
}

pub(super) fn manifest_text(written: &[(String, u64)]) -> String {
    let mut text = String::with_capacity(MARKER_TEXT.len() + written.len() * 48);
    text.push_str(MARKER_TEXT);
    text.push_str(MANIFEST_HEADER);
    for (k, h) in written {
        let _ = writeln!(text, "{h:016x}\t{k}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_tells_apart_lengths_orders_and_single_bytes() {
        let base: Vec<u8> = (0..200u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut seen = std::collections::HashSet::new();
        for len in 0..base.len() {
            assert!(seen.insert(content_hash(&base[..len])), "prefix of {len} bytes");
        }
        for at in 0..base.len() {
            let mut changed = base.clone();
            changed[at] ^= 1;
            assert_ne!(content_hash(&changed), content_hash(&base), "byte {at}");
        }
        // The same words in other lanes (a swap of two 8-byte words of one 32-byte block).
        let mut swapped = base.clone();
        swapped[..16].rotate_left(8);
        assert_ne!(content_hash(&swapped), content_hash(&base));
    }

    #[test]
    fn the_manifest_reads_back_what_was_written_and_is_the_same_for_the_same_files() {
        let tmp = tempfile::tempdir().expect("tmp");
        let written = vec![("a b/index.html".to_string(), 0xabc), ("x".to_string(), 7)];
        assert_eq!(manifest_text(&written), manifest_text(&written.clone()));
        std::fs::write(tmp.path().join(MARKER), manifest_text(&written)).expect("write");
        let back = read_manifest(tmp.path()).expect("manifest");
        assert_eq!(back.len(), 2);
        assert_eq!((back["a b/index.html"], back["x"]), (0xabc, 7));
        std::fs::write(tmp.path().join(MARKER), MARKER_TEXT).expect("write");
        assert!(read_manifest(tmp.path()).is_none(), "a marker without a manifest is not one");
    }
}
