//! The memo's stores on disk: what `loa build` keeps in `.loa-cache/memo/` for the next build,
//! so that a CI job that restores the folder (a fresh clone: every file has a new modification
//! time) reuses the results of the pages it did not change.
//!
//! Takes: a folder, a store's name and its entries (key → value; the keys are fingerprints of
//! what the stage read, never of file times). Gives: the entries a file holds, or none.
//! Must not: trust a file it cannot check. A file is read only whole: its header names the
//! format and the running binary (another build of loa, even of the same version, may make
//! other values from the same input), and a checksum over everything before it must match; a
//! truncated, corrupted or foreign file is ignored (the stage runs again and the file is
//! replaced), never a panic. A value that does not decode is left out on its own.
//!
//! The layout of a file: `LOAMEMO3`, the binary's fingerprint (u64), each entry as its key
//! (u64), its length (u32) and its value in postcard (serde's compact binary form: at 10,000
//! pages the bulletins' file is 0.84× the size of the JSON it replaced, read in 0.77× the time
//! and written in 0.63×), the number of entries (u64), then the checksum (u64) of all that,
//! taken over blocks of [`BLOCK`] bytes; integers little-endian. The number comes last so that
//! the file is written as its entries are encoded, through a buffer of one block: it was
//! encoded whole in memory first, and at 100,000 pages that 0.5 GB buffer, grown by doubling,
//! was the build's peak. Written beside and renamed, so that a build stopped half way leaves the
//! last whole file. postcard is used here only.

use std::collections::HashMap;
use std::hash::Hasher as _;
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Where the stores are kept, under the site's root (beside `.loa-cache/cards/` and
/// `.loa-cache/images/`).
pub const DIR: &str = ".loa-cache/memo";

const MAGIC: &[u8; 8] = b"LOAMEMO3";

/// The checksum is taken over blocks of this many bytes (the writer's buffer).
const BLOCK: usize = 64 * 1024;

/// A fingerprint of the running binary (its bytes), read once: entries written by another
/// build of loa are not reused. Zero when the binary cannot be read: then nothing written by
/// another binary that could not read itself either is trusted, as their zero matches, so
/// the version is added.
pub fn binary_print() -> u64 {
    static PRINT: OnceLock<u64> = OnceLock::new();
    *PRINT.get_or_init(|| {
        let mut h = crate::fingerprint::hasher();
        h.write(env!("CARGO_PKG_VERSION").as_bytes());
        if let Some(bytes) = std::env::current_exe().ok().and_then(|p| std::fs::read(p).ok()) {
            h.write(&bytes);
        }
        h.finish()
    })
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = crate::fingerprint::hasher();
    for block in bytes.chunks(BLOCK) {
        h.write(block);
    }
    h.finish()
}

/// A writer that passes bytes on in blocks of [`BLOCK`] and takes the checksum of each block
/// as it goes ([`checksum`] of everything written).
struct Checked<W: std::io::Write> {
    out: W,
    block: Vec<u8>,
    hash: crate::fingerprint::KeyHasher,
}

impl<W: std::io::Write> Checked<W> {
    fn new(out: W) -> Checked<W> {
        Checked { out, block: Vec::with_capacity(BLOCK), hash: crate::fingerprint::hasher() }
    }

    fn put(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            let n = (BLOCK - self.block.len()).min(bytes.len());
            self.block.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if self.block.len() == BLOCK {
                self.hash.write(&self.block);
                self.out.write_all(&self.block)?;
                self.block.clear();
            }
        }
        Ok(())
    }

    /// Writes the checksum of everything before it, and gives the writer back.
    fn finish(mut self) -> std::io::Result<W> {
        if !self.block.is_empty() {
            self.hash.write(&self.block);
            self.out.write_all(&self.block)?;
        }
        self.out.write_all(&self.hash.finish().to_le_bytes())?;
        Ok(self.out)
    }
}

/// The entries of `dir/<name>.bin` written by this binary ([`write`]), and how many entries the
/// file holds (some may not decode); none, and `None`, when there is no such file or it cannot
/// be trusted (see the module's doc).
pub fn read<T: DeserializeOwned>(dir: &Path, name: &str) -> (HashMap<u64, T>, Option<usize>) {
    std::fs::read(path(dir, name)).map(|b| decode(&b, binary_print())).unwrap_or_default()
}

fn path(dir: &Path, name: &str) -> std::path::PathBuf {
    dir.join(format!("{name}.bin"))
}

/// Where each entry's value lies in a file's bytes made by the binary `print`: (key, from, to)
/// in the file's order; `None` when the file cannot be trusted.
fn spans(bytes: &[u8], print: u64) -> Option<Vec<(u64, usize, usize)>> {
    let body_len = bytes.len().checked_sub(8)?;
    let (body, sum) = bytes.split_at(body_len);
    if body.len() < 24
        || &body[..8] != MAGIC
        || u64_at(body, 8) != Some(print)
        || sum.try_into().map(u64::from_le_bytes).ok() != Some(checksum(body))
    {
        return None;
    }
    let end = body.len() - 8;
    let count = u64_at(body, end)?;
    let mut spans = Vec::new();
    let mut at = 16;
    while at < end {
        let (key, len) = (u64_at(body, at)?, u32_at(body, at + 8)?);
        let from = at + 12;
        let to = from.checked_add(len as usize).filter(|&to| to <= end)?;
        spans.push((key, from, to));
        at = to;
    }
    (at == end && spans.len() as u64 == count).then_some(spans)
}

/// The entries of a file's bytes made by the binary `print` and their number (see [`read`]).
///
/// One thread: the memo reads the file on a thread of its own while the build's stages use the
/// rayon pool, and a stage that needs the entries waits for it; decoding on the pool could then
/// wait for workers that are waiting for it.
fn decode<T: DeserializeOwned>(bytes: &[u8], print: u64) -> (HashMap<u64, T>, Option<usize>) {
    let Some(spans) = spans(bytes, print) else { return (HashMap::new(), None) };
    let count = spans.len();
    let entries = spans
        .into_iter()
        .filter_map(|(key, from, to)| Some((key, postcard::from_bytes(&bytes[from..to]).ok()?)))
        .collect();
    (entries, Some(count))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at.checked_add(8)?)?.try_into().ok().map(u64::from_le_bytes)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)?.try_into().ok().map(u32::from_le_bytes)
}

/// Writes a file of `entries` (each value put in postcard by `value`, false when it cannot be)
/// for the binary `print` into `out`, in key order (the same entries give the same file). Each
/// value is encoded on its own and passed on: no more than one value and one block are held
/// (at 100,000 pages the file is 0.5 GB).
fn encode<V, W: std::io::Write>(
    entries: &HashMap<u64, V>,
    value: impl Fn(&V, &mut Vec<u8>) -> bool,
    print: u64,
    out: W,
) -> std::io::Result<W> {
    let mut sorted: Vec<(&u64, &V)> = entries.iter().collect();
    sorted.sort_unstable_by_key(|(k, _)| **k);
    let mut out = Checked::new(out);
    out.put(MAGIC)?;
    out.put(&print.to_le_bytes())?;
    let mut count = 0u64;
    let mut bytes = Vec::new();
    for (key, v) in sorted {
        bytes.clear();
        // A value that cannot be written (or of 4 GiB) is left out; the stage makes it again.
        if !value(v, &mut bytes) {
            continue;
        }
        let Ok(len) = u32::try_from(bytes.len()) else { continue };
        out.put(&key.to_le_bytes())?;
        out.put(&len.to_le_bytes())?;
        out.put(&bytes)?;
        count += 1;
    }
    out.put(&count.to_le_bytes())?;
    out.finish()
}

/// Puts `v` in postcard at the end of `out`; false when it cannot be.
pub fn as_is<T: Serialize>(v: &T, out: &mut Vec<u8>) -> bool {
    postcard::to_io(v, out).is_ok()
}

/// Puts a page's scripts in postcard as the file keeps them ([`StoredScripts`] reads them
/// back) at the end of `out`; false when they cannot be.
pub fn scripts(v: &crate::bulletin::PageScripts, out: &mut Vec<u8>) -> bool {
    as_is(&ScriptsOut::of(v), out)
}

/// Writes `entries` to `dir/<name>.bin` (beside, then renamed), each value put in postcard by
/// `value` ([`as_is`], [`scripts`]).
pub fn write<V>(
    dir: &Path,
    name: &str,
    entries: &HashMap<u64, V>,
    value: impl Fn(&V, &mut Vec<u8>) -> bool,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = path(dir, name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    // `encode` writes in blocks of its own: no other buffer. A torn file (a crash before the
    // data reached the disk) fails its checksum: not synced.
    let written =
        std::fs::File::create(&tmp).and_then(|f| encode(entries, value, binary_print(), f)).map(drop);
    written.and_then(|()| std::fs::rename(&tmp, &file)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// A page's scripts as a file holds them (`crate::bulletin::PageScripts`), read back.
#[derive(serde::Deserialize)]
pub struct StoredScripts {
    scripts: Vec<crate::bulletin::Script>,
    diagnostics: Vec<StoredDiagnostic>,
}

/// A page's scripts as they are written.
#[derive(Serialize)]
struct ScriptsOut<'a> {
    scripts: &'a [crate::bulletin::Script],
    diagnostics: Vec<StoredDiagnostic>,
}

/// A diagnostic with its code as a string (`Diagnostic::code` is a `&'static str`).
#[derive(Serialize, serde::Deserialize)]
struct StoredDiagnostic {
    severity: crate::diagnostics::Severity,
    location: Option<crate::diagnostics::Location>,
    code: String,
    message: String,
    hint: Option<String>,
}

impl<'a> ScriptsOut<'a> {
    /// What the file keeps of a page's scripts.
    fn of(page: &'a crate::bulletin::PageScripts) -> ScriptsOut<'a> {
        let (scripts, diags) = &**page;
        let diagnostics = diags
            .iter()
            .map(|d| StoredDiagnostic {
                severity: d.severity,
                location: d.location.clone(),
                code: d.code.to_string(),
                message: d.message.clone(),
                hint: d.hint.clone(),
            })
            .collect();
        ScriptsOut { scripts, diagnostics }
    }
}

impl StoredScripts {
    /// The page's scripts again.
    pub fn into_scripts(self) -> crate::bulletin::PageScripts {
        let diags = self
            .diagnostics
            .into_iter()
            .map(|d| crate::diagnostics::Diagnostic {
                severity: d.severity,
                location: d.location,
                code: intern(d.code),
                message: d.message,
                hint: d.hint,
            })
            .collect();
        std::sync::Arc::new((self.scripts, crate::diagnostics::Diagnostics(diags)))
    }
}

/// A diagnostic's code as the `&'static str` the type holds: each distinct code is kept once
/// for the life of the process (there are a few dozen codes; a file holds only codes this
/// binary wrote).
fn intern(code: String) -> &'static str {
    static CODES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut codes = CODES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = codes.iter().find(|k| **k == code) {
        return known;
    }
    let leaked: &'static str = Box::leak(code.into_boxed_str());
    codes.push(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> HashMap<u64, Vec<String>> {
        HashMap::from([(1, vec!["một".to_string()]), (7, vec!["hai".into(), "ba".into()])])
    }

    /// The bytes of a file of `entries`, each value stored as it is.
    fn bytes<T: Serialize>(entries: &HashMap<u64, T>, print: u64) -> Vec<u8> {
        encode(entries, as_is, print, Vec::new()).expect("in memory")
    }

    #[test]
    fn a_file_gives_back_its_entries() {
        let bytes = bytes(&entries(), 42);
        assert_eq!(decode::<Vec<String>>(&bytes, 42), (entries(), Some(2)));
        assert_eq!(super::tests::bytes(&entries(), 42), bytes, "the same entries make the same file");
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "s", &entries(), as_is).expect("write");
        assert_eq!(read::<Vec<String>>(dir.path(), "s"), (entries(), Some(2)));
    }

    #[test]
    fn a_file_is_written_in_blocks_as_its_entries_are_encoded() {
        // Writes as they reach the file.
        struct Writes(Vec<usize>, Vec<u8>);
        impl std::io::Write for Writes {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.push(b.len());
                self.1.extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        // Five values of 50 KB: the file spans four blocks, no value fills one.
        let big: HashMap<u64, String> =
            (0..5u64).map(|k| (k, "ệ".repeat(k as usize * 10 + 16_000))).collect();
        let Writes(sizes, bytes) = encode(&big, as_is, 9, Writes(Vec::new(), Vec::new())).expect("write");
        assert!(bytes.len() > 3 * BLOCK, "{}", bytes.len());
        let (last, blocks) = sizes.split_last().expect("writes");
        assert_eq!(*last, 8, "the checksum, after the last block");
        assert!(blocks.iter().rev().skip(1).all(|&n| n == BLOCK), "{sizes:?}");
        assert_eq!(decode::<String>(&bytes, 9), (big, Some(5)), "read back across the blocks");
    }

    #[test]
    fn a_file_of_another_binary_or_broken_in_any_byte_gives_nothing() {
        let bytes = bytes(&entries(), 42);
        assert!(decode::<Vec<String>>(&bytes, 43).0.is_empty(), "another binary");
        for cut in 0..bytes.len() {
            assert!(decode::<Vec<String>>(&bytes[..cut], 42).0.is_empty(), "truncated at {cut}");
        }
        for at in 0..bytes.len() {
            let mut b = bytes.clone();
            b[at] ^= 0x20;
            assert!(decode::<Vec<String>>(&b, 42).0.is_empty(), "byte {at} changed");
        }
        let dir = tempfile::tempdir().expect("tmp");
        assert!(read::<Vec<String>>(dir.path(), "none").0.is_empty(), "no file");
    }

    #[test]
    fn a_value_of_another_shape_is_left_out_alone() {
        #[derive(Serialize)]
        enum Mixed {
            Words(Vec<String>),
            Number(u64),
        }
        // A value of another shape: a number where a list of words is read (its bytes name a
        // list of 0xff… words, longer than what follows).
        let mixed: HashMap<u64, Mixed> =
            HashMap::from([(1, Mixed::Words(vec!["một".to_string()])), (2, Mixed::Number(u64::MAX))]);
        let got = decode::<(u32, Vec<String>)>(&bytes(&mixed, 5), 5);
        assert_eq!(
            got,
            (HashMap::from([(1, (0, vec!["một".to_string()]))]), Some(2)),
            "two entries, one kept"
        );
    }
}
