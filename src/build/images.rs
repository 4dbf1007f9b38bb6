//! The images step of the recipe: which images the pages show (their `<img>` and front-matter
//! `image:`), the images stage (`crate::media::publish`) over the copies with the disk cache
//! around it, and each body's HTML given its responsive pictures.
//!
//! The cache (`<site>/.loa-cache/images/<key>/`, `image_cache`) is the layer of §3a on disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::image_cache::DiskStore;
use crate::config::Config;
use crate::content::Site;
use crate::diagnostics::Location;
use crate::markdown::Rendered;
use crate::media::{self, codec};
use crate::output::FileState;

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
/// join the build's), and the copies that are files of the cache with their state as checked
/// (`BuildOutput::linked`).
pub(super) fn images(
    config: &Config,
    site: &Site,
    copies: &mut BTreeMap<String, PathBuf>,
    pages: &mut [Arc<Rendered>],
    prints: &mut [u64],
    later: bool,
    check: bool,
) -> (media::Published, BTreeMap<String, FileState>) {
    // A site without raster files (most text-only sites): no page shows a made image and no
    // body changes; its bodies are not scanned (`loa serve` at 10,000 articles spent 0.3–0.6 s
    // of every rebuild on that scan).
    if !check && !copies.keys().any(|o| media::is_raster(o)) {
        return (media::Published::default(), BTreeMap::new());
    }
    let (settings, sizes) = settings(config);
    let mut shown: BTreeMap<String, Vec<Location>> = BTreeMap::new();
    // Most bodies have no image or video: their tags are not read (`Rendered::media`, found
    // when the body was rendered).
    for (p, r) in site.pages.iter().zip(pages.iter()) {
        if !r.media && p.image.is_none() {
            continue;
        }
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
            for tag in media::html::poster_tags(html) {
                if let Some(src) = tag.get("poster") {
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
    let linked = store.linked(copies);
    let mut published = published;
    if check {
        let output_path = |p: &crate::content::Document, src: &str| {
            media::html::output_path(src, &config.url(&p.path), &config.base_path)
        };
        let found = crate::check::images::check(config, site, &sources, &published.sizes, &output_path);
        published.diagnostics.extend(found);
    }
    if published.pictures.is_empty() {
        return (published, linked); // no body shows a made image: none to rewrite
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
    (published, linked)
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
pub(super) fn bodies(r: &Rendered) -> impl Iterator<Item = &str> {
    std::iter::once(&*r.html)
        .chain(r.more_html.as_deref())
        .chain(std::iter::once(&*r.first_paragraph_html))
        .chain(r.faq_answers.iter().map(String::as_str))
}
