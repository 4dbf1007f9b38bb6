//! The images step of the recipe: which images the pages show (their `<img>` and front-matter
//! `image:`), the images stage (`crate::media::publish`) over the copies with the disk cache
//! around it, and each body's HTML given its responsive pictures.
//!
//! The cache (`<site>/.loa-cache/images/<key>/`) is the layer of §3a on disk: one folder per
//! source image and settings, written to a temporary name and renamed when complete, so that
//! a build killed half-way leaves nothing a later build could take for finished.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::config::Config;
use crate::content::Site;
use crate::diagnostics::Location;
use crate::markdown::Rendered;
use crate::media::{self, Entry, Format, Store, codec};

/// The cache folder, under the site root.
pub const CACHE_DIR: &str = ".loa-cache/images";

/// The default `sizes` of pictures: the default theme's text column is 44rem wide.
pub const DEFAULT_SIZES: &str = "(min-width: 46rem) 44rem, 100vw";

/// The image settings of a site.
pub fn settings(config: &Config) -> (codec::Settings, String) {
    let i = &config.images;
    let mut widths = i.widths.clone().unwrap_or_else(|| codec::Settings::default().widths);
    widths.sort_unstable();
    widths.dedup();
    let s = codec::Settings {
        widths,
        webp_quality: i.webp_quality.min(100),
        jpeg_quality: i.jpeg_quality.clamp(1, 100),
        max_pixels: u64::from(i.max_megapixels) * 1_000_000,
        keep: media::credit::Keep {
            author: i.keep.contains(&crate::config::KeepImageField::Author),
            copyright: i.keep.contains(&crate::config::KeepImageField::Copyright),
        },
    };
    (s, i.sizes.clone().unwrap_or_else(|| DEFAULT_SIZES.to_string()))
}

/// Runs the images stage and rewrites the bodies. Gives what was published (its diagnostics
/// join the build's).
pub(super) fn images(
    config: &Config,
    site: &Site,
    copies: &mut BTreeMap<String, PathBuf>,
    pages: &mut [Arc<Rendered>],
    prints: &mut [u64],
    later: bool,
    check: bool,
) -> media::Published {
    let (settings, sizes) = settings(config);
    let mut shown: BTreeMap<String, Vec<Location>> = BTreeMap::new();
    for (p, r) in site.pages.iter().zip(pages.iter()) {
        let url = config.url(&p.path);
        let mut add = |src: &str, fallback: Location| {
            let Some(out) = media::html::output_path(src, &url, &config.base_path) else { return };
            if !media::is_raster(&out) || !copies.contains_key(&out) {
                return;
            }
            // The Markdown image's own position when there is one; a figure or raw HTML is
            // placed at the start of the body.
            let at = r
                .local_links
                .iter()
                .filter(|l| l.image)
                .find(|l| {
                    media::html::output_path(&l.written, &url, &config.base_path).as_deref() == Some(&out)
                })
                .map_or(fallback, |l| l.location.clone());
            let places = shown.entry(out).or_default();
            if !places.iter().any(|a| a.file == at.file) {
                places.push(at);
            }
        };
        for html in bodies(r) {
            for tag in media::html::img_tags(html) {
                if let Some(src) = tag.get("src") {
                    add(src, Location::at(&p.file, p.body_line, 1));
                }
            }
        }
        if let Some(image) = &p.image {
            add(image, Location::file(&p.file));
        }
    }
    // The editors' files, before the copies point at the published ones (for `loa check`).
    let sources: BTreeMap<String, PathBuf> =
        copies.iter().filter(|(o, _)| media::is_raster(o)).map(|(o, f)| (o.clone(), f.clone())).collect();
    let store = DiskStore::new(config.root.join(CACHE_DIR));
    let published = media::publish(&config.root, copies, &shown, &settings, &config.base_path, &store, later);
    store.save();
    let mut published = published;
    if check {
        let output_path = |p: &crate::content::Document, src: &str| {
            media::html::output_path(src, &config.url(&p.path), &config.base_path)
        };
        let found = crate::check::images::check(config, site, &sources, &published.sizes, &output_path);
        published.diagnostics.extend(found);
    }
    for (k, (p, r)) in site.pages.iter().zip(pages.iter_mut()).enumerate() {
        let url = config.url(&p.path);
        let o = media::html::Options {
            sizes: &sizes,
            page_url: &url,
            base_path: &config.base_path,
            eager_first: true,
        };
        let summary = media::html::Options { eager_first: false, ..o };
        let html = media::html::rewrite(&r.html, &published.pictures, o);
        let more = r.more_html.as_deref().and_then(|m| media::html::rewrite(m, &published.pictures, summary));
        let first = media::html::rewrite(&r.first_paragraph_html, &published.pictures, summary);
        if html.is_none() && more.is_none() && first.is_none() {
            continue;
        }
        let body = Arc::make_mut(r);
        if let Some(h) = html {
            body.html = h.into();
        }
        if let Some(m) = more {
            body.more_html = Some(m);
        }
        if let Some(f) = first {
            body.first_paragraph_html = f.into();
        }
        if let Some(print) = prints.get_mut(k) {
            *print = crate::fingerprint::key_of(&(
                *print,
                crate::fingerprint::of_text(&body.html),
                &body.more_html,
            ));
        }
    }
    published
}

/// Makes the images a build left for later (`BuildOptions::images_later`) and keeps them in
/// the site's cache, in parallel; the next build finds them there.
pub fn make_pending(root: &Path, pending: &[media::Pending]) {
    use rayon::prelude::*;
    let store = DiskStore::new(root.join(CACHE_DIR));
    pending.par_iter().for_each(|p| p.make(&store));
    store.save();
}

/// Every HTML of a body a page can show.
fn bodies(r: &Rendered) -> impl Iterator<Item = &str> {
    std::iter::once(&*r.html)
        .chain(r.more_html.as_deref())
        .chain(std::iter::once(&*r.first_paragraph_html))
        .chain(r.faq_answers.iter().map(String::as_str))
}

/// The cache on disk: `<dir>/<key as 16 hex digits>/` holding `meta`, `original.<ext>` and
/// `<width>.<ext>` for each copy.
pub struct DiskStore {
    dir: PathBuf,
    counter: AtomicU64,
    /// Source file → (its state: device, inode, size, modification time in ns; the
    /// fingerprint of its bytes), as last seen; read from and saved to `<dir>/prints`.
    prints: Mutex<HashMap<PathBuf, (FileState, u64)>>,
    /// Whether `prints` gained an entry since it was read.
    changed: AtomicBool,
}

/// What says a file is as it was: device, inode, size, modification time in nanoseconds.
type FileState = (u64, u64, u64, i128);

fn state_of(file: &Path) -> Option<FileState> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::metadata(file).ok()?;
    Some((m.dev(), m.ino(), m.size(), i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec())))
}

impl DiskStore {
    /// A store in `dir` (made when first written), with the fingerprints it saved last.
    pub fn new(dir: PathBuf) -> DiskStore {
        let mut prints = HashMap::new();
        if let Ok(text) = std::fs::read_to_string(dir.join("prints")) {
            for line in text.lines() {
                let mut f = line.splitn(6, ' ');
                let mut num = || f.next().and_then(|v| v.parse::<i128>().ok());
                let (Some(dev), Some(ino), Some(size), Some(mtime), Some(print)) =
                    (num(), num(), num(), num(), num())
                else {
                    continue;
                };
                let Some(path) = f.next() else { continue };
                let as_u64 = |v: i128| u64::try_from(v).unwrap_or(0);
                prints.insert(
                    PathBuf::from(path),
                    ((as_u64(dev), as_u64(ino), as_u64(size), mtime), as_u64(print)),
                );
            }
        }
        DiskStore {
            dir,
            counter: AtomicU64::new(0),
            prints: Mutex::new(prints),
            changed: AtomicBool::new(false),
        }
    }

    /// Saves the fingerprints seen (when any is new), for the next build.
    pub fn save(&self) {
        if !self.changed.load(Ordering::Relaxed) {
            return;
        }
        let prints = self.prints.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut lines: Vec<String> = prints
            .iter()
            .filter_map(|(p, ((dev, ino, size, mtime), print))| {
                let p = p.to_str().filter(|p| !p.contains('\n'))?;
                Some(format!("{dev} {ino} {size} {mtime} {print} {p}\n"))
            })
            .collect();
        lines.sort();
        let tmp = self.dir.join(format!(".prints-{}", std::process::id()));
        if std::fs::create_dir_all(&self.dir).is_ok() && std::fs::write(&tmp, lines.concat()).is_ok() {
            let _ = std::fs::rename(&tmp, self.dir.join("prints"));
        }
    }
}

fn format_of(ext: &str) -> Option<Format> {
    [Format::Jpeg, Format::Png, Format::Gif, Format::WebP].into_iter().find(|f| f.ext() == ext)
}

fn read_meta(dir: &Path) -> Option<Entry> {
    let meta = std::fs::read_to_string(dir.join("meta")).ok()?;
    let mut lines = meta.lines();
    let mut head = lines.next()?.split(' ');
    if head.next()? != "loa-image-1" {
        return None;
    }
    let width = head.next()?.parse().ok()?;
    let height = head.next()?.parse().ok()?;
    let format = format_of(head.next()?)?;
    let animated = head.next()? == "animated";
    let original = dir.join(format!("original.{}", format.ext()));
    let mut variants = Vec::new();
    for line in lines {
        let mut f = line.split(' ');
        let (w, h, ext) = (f.next()?.parse().ok()?, f.next()?.parse().ok()?, f.next()?);
        let format = format_of(ext)?;
        variants.push((w, h, format, dir.join(format!("{w}.{ext}"))));
    }
    Some(Entry { width, height, format, animated, original, variants })
}

impl Store for DiskStore {
    fn print_of(&self, file: &Path) -> Option<u64> {
        let state = state_of(file)?;
        let prints = self.prints.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        prints.get(file).filter(|(s, _)| *s == state).map(|(_, p)| *p)
    }

    fn remember(&self, file: &Path, print: u64) {
        // The state read after the bytes: a file changed while read is read again next time.
        if let Some(state) = state_of(file) {
            let mut prints = self.prints.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            prints.insert(file.to_path_buf(), (state, print));
            self.changed.store(true, Ordering::Relaxed);
        }
    }

    fn get(&self, key: u64) -> Option<Entry> {
        read_meta(&self.dir.join(format!("{key:016x}")))
    }

    fn put(&self, key: u64, made: &codec::Processed) -> Result<Entry, String> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self.dir.join(format!(".tmp-{key:016x}-{}-{n}", std::process::id()));
        let fin = self.dir.join(format!("{key:016x}"));
        let io = |e: std::io::Error, p: &Path| format!("{}: {e}", p.display());
        std::fs::create_dir_all(&tmp).map_err(|e| io(e, &tmp))?;
        let write = |name: String, bytes: &[u8]| {
            let p = tmp.join(name);
            std::fs::write(&p, bytes).map_err(|e| io(e, &p))
        };
        let original_format = Format::sniff(&made.original).unwrap_or(made.format);
        write(format!("original.{}", original_format.ext()), &made.original)?;
        let mut meta = format!(
            "loa-image-1 {} {} {} {}\n",
            made.width,
            made.height,
            original_format.ext(),
            if made.animated { "animated" } else { "still" }
        );
        for v in &made.variants {
            write(format!("{}.{}", v.width, v.format.ext()), &v.bytes)?;
            meta.push_str(&format!("{} {} {}\n", v.width, v.height, v.format.ext()));
        }
        write("meta".to_string(), meta.as_bytes())?;
        if std::fs::rename(&tmp, &fin).is_err() {
            // Made at the same time by another build: theirs is as good.
            let _ = std::fs::remove_dir_all(&tmp);
        }
        read_meta(&fin).ok_or_else(|| format!("{}: not readable after writing", fin.display()))
    }
}
