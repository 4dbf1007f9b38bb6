//! The images stage: every raster image the site publishes (bundle assets, files beside
//! sections, `static/`) made into its published forms, and every page's local `<img>` turned
//! into a responsive `<picture>` (`html`). Runs after the Markdown stage, on the copies list
//! (`crate::assets::copies`) and the rendered bodies.
//!
//! Each image is read once and keyed by its bytes and the settings; its forms come from a
//! [`Store`] (the recipe's disk cache, `.loa-cache/images/`) or are made (`codec`) and put
//! there: a rebuild makes only new or changed images. The copies list is changed to point at
//! the stored files, so an original is always published without its metadata
//! (`strip`), never as the editor's file.
//!
//! Must not print or decide the build's order; what an image is made into is `codec`'s.

pub mod card;
pub mod card_cache;
pub mod codec;
pub mod credit;
pub mod deflate;
pub mod html;
mod huffman;
pub mod strip;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
pub use html::{Form, Picture};
pub use strip::Format;

/// Raster image extensions loa processes (lower case).
pub const RASTER: [&str; 5] = ["jpg", "jpeg", "png", "gif", "webp"];

/// Whether an output path names a raster image by its extension.
pub fn is_raster(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, ext)| RASTER.iter().any(|r| ext.eq_ignore_ascii_case(r)))
}

/// A source image made into its forms, as the store keeps them (files on disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The upright picture's width.
    pub width: u32,
    /// The upright picture's height.
    pub height: u32,
    /// The source's format.
    pub format: Format,
    /// An animated GIF, published as it is.
    pub animated: bool,
    /// The original without metadata.
    pub original: PathBuf,
    /// The smaller copies: width, height, format, file.
    pub variants: Vec<(u32, u32, Format, PathBuf)>,
}

/// Where made images are kept between builds.
pub trait Store: Sync {
    /// The entry kept for `key`, if complete.
    fn get(&self, key: u64) -> Option<Entry>;
    /// Keeps what was made for `key` and gives its entry; an error is an I/O problem.
    fn put(&self, key: u64, made: &codec::Processed) -> Result<Entry, String>;
    /// The fingerprint of a source file's bytes, when the store saw the file as it is now
    /// (same size, modification time, inode): a rebuild then reads no unchanged image.
    fn print_of(&self, file: &Path) -> Option<u64>;
    /// Remembers the fingerprint of a file's bytes as read now.
    fn remember(&self, file: &Path, print: u64);
}

/// The fingerprint of an image file's bytes.
pub fn print_of_bytes(bytes: &[u8]) -> u64 {
    crate::fingerprint::key_of(&bytes)
}

/// What one source image is made into: everything (`full`: it is shown on a page) or its
/// original only (a file no page shows: it is still published without metadata).
fn key(print: u64, settings: &codec::Settings, full: bool) -> u64 {
    // Raised when what `codec` makes changes, so that old entries are not reused.
    const CODEC_VERSION: u32 = 1;
    let widths: &[u32] = if full { &settings.widths } else { &[] };
    crate::fingerprint::key_of(&(
        CODEC_VERSION,
        print,
        widths,
        settings.webp_quality,
        settings.jpeg_quality,
        settings.max_pixels,
        settings.keep,
    ))
}

/// One image's output path, its entry or problem, and (on a problem) the file without its
/// metadata when that could be made.
type Outcome = (String, Result<Made, codec::Problem>, Option<Vec<u8>>);

/// An image made (or found in the store), or left for later.
enum Made {
    Now(Entry),
    /// Left for later, with its upright size from the header.
    Later(Pending, u32, u32),
}

/// An image left to be made later (`loa serve`: the page reloads without waiting for it).
#[derive(Debug, Clone)]
pub struct Pending {
    /// The source file.
    pub from: PathBuf,
    /// Its key in the store.
    pub key: u64,
    /// What to make of it.
    pub settings: codec::Settings,
}

impl Pending {
    /// Makes it and puts it in `store`; a problem is left for the next build to report.
    pub fn make(&self, store: &dyn Store) {
        if let Ok(bytes) = std::fs::read(&self.from)
            && let Ok(p) = codec::process(&bytes, &self.settings)
        {
            let _ = store.put(self.key, &p);
        }
    }
}

/// What the images stage gives.
#[derive(Debug, Default)]
pub struct Published {
    /// Images not in the store, left for later (with `later`): their pages show the original
    /// file until they are made.
    pub pending: Vec<Pending>,
    /// Output path of each shown image's original → what pages may show of it.
    pub pictures: BTreeMap<String, Picture>,
    /// Output path → size (width, height) of every published raster original, shown or not
    /// (for `check` and templates).
    pub sizes: BTreeMap<String, (u32, u32)>,
    /// Errors (a shown image that cannot be made) and warnings.
    pub diagnostics: Diagnostics,
}

/// Makes every raster image of `copies` (output path → source file) and points `copies` at
/// the published files. With `later`, an image not in the store is only checked from its
/// header and left in [`Published::pending`]. `shown`: output paths of the images pages show, each with where it is
/// written (its page's line): those get smaller copies, and their problems are errors there;
/// the problems of other files are warnings naming them. `base_path` prefixes the URLs.
pub fn publish(
    root: &Path,
    copies: &mut BTreeMap<String, PathBuf>,
    shown: &BTreeMap<String, Vec<Location>>,
    settings: &codec::Settings,
    base_path: &str,
    store: &dyn Store,
    later: bool,
) -> Published {
    let raster: Vec<(String, PathBuf)> =
        copies.iter().filter(|(out, _)| is_raster(out)).map(|(o, f)| (o.clone(), f.clone())).collect();
    let made: Vec<Outcome> = raster
        .par_iter()
        .map(|(out, from)| {
            let full = shown.contains_key(out);
            let read = || std::fs::read(from);
            let unreadable = |e: std::io::Error| -> Outcome {
                (out.clone(), Err(codec::Problem::Broken(e.to_string())), None)
            };
            let mut bytes = None;
            let print = match store.print_of(from) {
                Some(p) => p,
                None => {
                    let b = match read() {
                        Ok(b) => b,
                        Err(e) => return unreadable(e),
                    };
                    let p = print_of_bytes(&b);
                    store.remember(from, p);
                    bytes = Some(b);
                    p
                }
            };
            let k = key(print, settings, full);
            if let Some(e) = store.get(k) {
                return (out.clone(), Ok(Made::Now(e)), None);
            }
            let bytes = match bytes.map_or_else(read, Ok) {
                Ok(b) => b,
                Err(e) => return unreadable(e),
            };
            let s = if full {
                settings.clone()
            } else {
                codec::Settings { widths: Vec::new(), ..settings.clone() }
            };
            if later {
                return match codec::probe(&bytes) {
                    Ok((_, w, h)) if u64::from(w) * u64::from(h) > s.max_pixels => {
                        (out.clone(), Err(codec::Problem::TooLarge(w, h)), strip::strip(&bytes))
                    }
                    Ok((_, w, h)) => (
                        out.clone(),
                        Ok(Made::Later(Pending { from: from.clone(), key: k, settings: s }, w, h)),
                        None,
                    ),
                    Err(problem) => (out.clone(), Err(problem), strip::strip(&bytes)),
                };
            }
            match codec::process(&bytes, &s) {
                Ok(p) => (out.clone(), store.put(k, &p).map(Made::Now).map_err(codec::Problem::Broken), None),
                // Not published as the editor's file: without metadata, or not at all.
                Err(problem) => (out.clone(), Err(problem), strip::strip(&bytes)),
            }
        })
        .collect();
    let mut published = Published::default();
    for ((out, result, stripped), (_, from)) in made.into_iter().zip(&raster) {
        let file = from.strip_prefix(root).unwrap_or(from).to_string_lossy().replace('\\', "/");
        match result {
            Ok(Made::Later(p, w, h)) => {
                // Shown as the original meanwhile (`image()` answers it too).
                published.sizes.insert(out.clone(), (w, h));
                published.pending.push(p);
            }
            Ok(Made::Now(entry)) => {
                published.sizes.insert(out.clone(), (entry.width, entry.height));
                if let Some(places) = shown.get(&out) {
                    if entry.animated {
                        for at in places {
                            published.diagnostics.push(animated(at.clone(), &file));
                        }
                    }
                    published.pictures.insert(out.clone(), picture(&out, &entry, base_path, copies));
                }
                copies.insert(out, entry.original);
            }
            Err(problem) => {
                let places = shown.get(&out);
                match places {
                    Some(places) => {
                        for at in places {
                            published.diagnostics.push(problem_at(&problem, at.clone(), &file, true));
                        }
                    }
                    None => {
                        published.diagnostics.push(problem_at(&problem, Location::file(&file), &file, false))
                    }
                }
                // A file that is not an image at all cannot carry image metadata: copied as
                // it is. A broken image whose metadata cannot be told apart is not published.
                if problem != codec::Problem::NotImage {
                    match stripped {
                        Some(bytes) => {
                            // Kept beside the made images, so that the copy never reads the
                            // editor's file.
                            match store.put(key(print_of_bytes(&bytes), settings, false), &raw(bytes)) {
                                Ok(e) => {
                                    copies.insert(out, e.original);
                                }
                                Err(_) => {
                                    copies.remove(&out);
                                }
                            }
                        }
                        None => {
                            copies.remove(&out);
                        }
                    }
                }
            }
        }
    }
    published
}

/// A stripped file kept as it is (no size known).
fn raw(bytes: Vec<u8>) -> codec::Processed {
    let format = Format::sniff(&bytes).unwrap_or(Format::Jpeg);
    codec::Processed { width: 0, height: 0, format, original: bytes, variants: Vec::new(), animated: false }
}

/// The output path of one made copy: beside the original, named by the original's stem, the
/// entry's hash (its file name in the store) and the width.
fn variant_path(out: &str, file: &Path, width: u32, format: Format) -> String {
    let (dir, name) = out.rsplit_once('/').map_or(("", out), |(d, n)| (d, n));
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let hash = file.parent().and_then(Path::file_name).map(|h| h.to_string_lossy()).unwrap_or_default();
    let hash: String = hash.chars().take(10).collect();
    let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
    format!("{prefix}{stem}.{hash}.{width}.{}", format.ext())
}

fn picture(out: &str, entry: &Entry, base_path: &str, copies: &mut BTreeMap<String, PathBuf>) -> Picture {
    let mut forms = Vec::new();
    for (w, h, format, file) in &entry.variants {
        let path = variant_path(out, file, *w, *format);
        forms.push(Form {
            url: format!("{base_path}/{}", url_escape(&path)),
            width: *w,
            height: *h,
            format: *format,
        });
        copies.insert(path, file.clone());
    }
    Picture { width: entry.width, height: entry.height, forms }
}

/// An output path as a URL path: each segment percent-encoded where HTML or URLs need it.
fn url_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn animated(at: Location, file: &str) -> Diagnostic {
    Diagnostic::warning(
        "image-animated",
        at,
        format!("ảnh GIF động `{file}` được đăng nguyên kích thước, không thu nhỏ"),
    )
    .with_hint("ảnh động nặng trên điện thoại: nên dùng một ảnh tĩnh, hoặc một video")
}

fn problem_at(problem: &codec::Problem, at: Location, file: &str, shown: bool) -> Diagnostic {
    let (message, hint) = match problem {
        codec::Problem::NotImage => (
            format!("tệp `{file}` không phải là ảnh JPEG, PNG, GIF hay WebP"),
            "mở tệp bằng một trình xem ảnh và lưu lại thành JPEG (ảnh chụp) hoặc PNG".to_string(),
        ),
        codec::Problem::Broken(detail) => (
            format!("ảnh `{file}` bị hỏng, không đọc được ({detail})"),
            "tệp có thể bị cắt khi tải về: chép lại ảnh gốc, hoặc mở và lưu lại bằng một trình xem ảnh".to_string(),
        ),
        codec::Problem::TooLarge(w, h) => (
            format!("ảnh `{file}` quá lớn: {w} × {h} điểm ảnh"),
            "thu nhỏ ảnh xuống dưới 8000 × 6000 điểm ảnh trước khi đăng (hoặc nâng `images.max_megapixels` trong loa.yaml)"
                .to_string(),
        ),
    };
    if shown {
        Diagnostic::error("image", at, message).with_hint(hint)
    } else {
        Diagnostic::warning("image", at, message).with_hint(hint)
    }
}
