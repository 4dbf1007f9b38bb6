//! `loa check`: the content checks CI runs before publishing, beyond what a build checks
//! (README, "`loa check`, the gate before publishing", lists the rules and their codes).
//!
//! Takes what the build recipe has at two moments: the loaded sources, right after the load
//! ([`sources`]), and the assembled site, while the pages still have their Markdown
//! ([`site`]). Gives diagnostics, warnings unless a rule says otherwise. One
//! file per family of rules:
//! - [`text`]: Unicode form, tone style, editorial phrases, invisible controls;
//! - [`markdown`]: heading levels, image alt text, nesting depth, code languages (strict)
//!   (images and links missing from the made site are the build's errors: `validate::links`);
//! - [`pages`]: duplicate titles, summaries, the front matter image, controls in titles;
//! - [`placeholder`]: the sentences `loa new` writes for the editor to replace, left in a page
//!   that is built (the scaffolds take them from the list there);
//! - [`templates`]: `| safe` on front matter fields (and, from `render::i18n`, the theme
//!   strings a language file lacks);
//! - [`files`]: active content in copied SVG/HTML files;
//! - [`external`]: links to other sites (with `external` only);
//! - [`images`]: heavy originals, share images too small (after the images stage).
//!
//! This file decides which rules run, in which order, and on what: each body is parsed once
//! per entry point (`markdown::scan_body`, `markdown::scan_page`) and what the parse found
//! goes to the rules that need it. It reads each source file's raw bytes (for the Unicode
//! form). Must not write anything, and never prints: the diagnostics go back to the build,
//! which hands them to `loa check`.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::config::Config;
use crate::content::Site;
use crate::diagnostics::{Diagnostics, Location};
use crate::load::Loaded;
use crate::vi::dates::DateTime;

pub mod approval;
mod external;
mod files;
pub mod images;
mod markdown;
pub mod names;
mod pages;
pub mod placeholder;
pub mod record;
mod templates;
mod text;

/// What to check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckOptions {
    /// Include draft pages.
    pub drafts: bool,
    /// The moment the site is checked for.
    pub now: DateTime,
    /// Also report what only matters when warnings fail (unknown code languages).
    pub strict: bool,
    /// Check links to other sites.
    pub external: bool,
    /// Longest wait for one external link.
    pub external_timeout: Duration,
}

/// The checks of the templates, the copied files and every source file: run by the build
/// after the load, with `--check`'s options.
pub fn sources(config: &Config, loaded: &Loaded, opts: &CheckOptions) -> Diagnostics {
    let mut diags = Diagnostics::new();
    diags.extend(templates::check_templates(config));
    diags.extend(crate::render::i18n::check_missing(config));
    for a in loaded.static_files.iter().chain(&loaded.content_assets) {
        if let Some(d) = files::check_active_content(config, &a.from) {
            diags.push(d);
        }
    }
    let editorial = text::Editorial::new(config);
    let names = names::Names::new(config);
    for s in &loaded.sources {
        let raw = std::fs::read(config.root.join(&s.file)).unwrap_or_default();
        diags.extend(text::check_normalization(&raw, &s.file));
        diags.extend(source(config, &editorial, &s.text, &s.file, opts.strict));
        if let Some(code) = code_of(&s.text, &s.file) {
            diags.extend(names.check(&s.text, &s.file, &code, opts.strict));
        }
    }
    diags
}

/// The rules on one source file's text (`text`, NFC): its body's Markdown, then tone style
/// and editorial phrases, which skip the code the parse found.
fn source(config: &Config, editorial: &text::Editorial, text: &str, file: &str, strict: bool) -> Diagnostics {
    // Without front matter (a build error), the whole file is the body.
    let (body_start, body_line) = crate::parse::split_front_matter(text, file)
        .map_or((0, 1), |sp| (text.len() - sp.body.len(), sp.body_line));
    let body = markdown::scan_body(&text[body_start..], body_line, file, strict);
    let mut diags = body.diags;
    // The code, as byte ranges of the whole file.
    let code: Vec<_> = body.code.iter().map(|r| r.start + body_start..r.end + body_start).collect();
    diags.extend(editorial.check(text, file, &code));
    if let Some(style) = config.tone_style {
        diags.extend(text::check_tone(text, file, style, &code));
    }
    diags
}

/// The code of a source file's body (code spans, fenced and indented blocks), as byte ranges
/// of the whole text; `None` without front matter (a build error).
fn code_of(text: &str, file: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let sp = crate::parse::split_front_matter(text, file).ok()?;
    let body_start = text.len() - sp.body.len();
    let body = markdown::scan_body(&text[body_start..], sp.body_line, file, false);
    Some(body.code.iter().map(|r| r.start + body_start..r.end + body_start).collect())
}

/// The checks of the assembled site (titles, summaries, images, external links): run by the
/// build after assembling it, while the pages still have their Markdown.
pub fn site(site: &Site, opts: &CheckOptions) -> Diagnostics {
    let mut diags = Diagnostics::new();
    // The first place of each link to another site.
    let mut links: BTreeMap<String, Location> = BTreeMap::new();
    for p in &site.pages {
        let body = markdown::scan_page(&p.body, p.body_line, &p.file);
        diags.extend(pages::check_page(p, &body));
        diags.extend(placeholder::check_page(p));
        if opts.external {
            for (url, at) in body.external {
                links.entry(url).or_insert(at);
            }
        }
    }
    diags.extend(pages::duplicate_titles(site));
    if opts.external {
        diags.extend(external::check_external(links, opts.external_timeout));
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn tone_and_editorial_skip_code_and_keep_their_places() {
        let mut config = Config::parse(
            "title: T\nbase_url: https://x.vn\ntone_style: old\n",
            Path::new("/s"),
            &Default::default(),
        )
        .expect("config");
        config
            .editorial
            .forbidden
            .push(crate::config::ForbiddenPhrase { phrase: "Bộ Chính trị".into(), hint: String::new() });
        let text = "---\ntitle: Hoà giải\n---\nBộ Chính trị, `hoà` và hoà.\n\n```\nBộ Chính trị hoà\n```\n\n    hoà Bộ Chính trị\n";
        let d = source(&config, &text::Editorial::new(&config), text, "f", false);
        let mut places: Vec<_> =
            d.iter().filter_map(|d| d.location.as_ref().map(|l| (l.line, l.column, d.code))).collect();
        places.sort();
        // The front matter is never code; a code span, a fenced and an indented block are.
        assert_eq!(places, [(2, 8, "tone-style"), (4, 1, "editorial"), (4, 24, "tone-style")]);
    }
}
