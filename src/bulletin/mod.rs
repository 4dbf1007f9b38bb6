//! Bulletins for the loudspeakers (issue 26): for every article and every campaign audience
//! page a script to read aloud, `<page URL>ban-tin.txt` and `ban-tin.ssml`, with its airtime;
//! the scripts grouped by week for the programmes of `/truyen-thanh/`.
//!
//! Takes: the config (`bulletin:`), the assembled site (bodies, titles, dates, the document
//! registry). Gives: [`Bulletins`]: each script's text, SSML and airtime, the weeks, and for
//! `loa check` the sentences too long for one breath, the tokens that could not be spelled out
//! and the numbers that read two ways, at `file:line`.
//! Must not: render templates or write files (the recipe gives the files to the sink, the
//! render stage makes the `/truyen-thanh/` pages), or touch the file system.
//!
//! The body is read from its Markdown structure (`markdown::speech`), the words spelled out by
//! `vi::spell`.

pub mod script;
pub mod weeks;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{DocId, Document, Site};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::output::Bytes;
use crate::vi::dates::DateTime;
use crate::vi::spell::{Problem, Registered, Speaker};

/// URL folder of the listing and the weekly programmes.
pub const PATH: &str = "/truyen-thanh/";
/// File name of a plain-text script, beside its page.
pub const TEXT_FILE: &str = "ban-tin.txt";
/// File name of an SSML script, beside its page.
pub const SSML_FILE: &str = "ban-tin.ssml";

/// One script.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Script {
    /// The page it reads.
    pub page: DocId,
    /// The campaign audience it reads (an audience page of a campaign), by id.
    pub audience: Option<String>,
    /// URL path of the page read, without the base path (`/bai-viet/x/`); the scripts are
    /// `{path}ban-tin.txt` and `{path}ban-tin.ssml`.
    pub path: String,
    /// The title as written.
    pub title: String,
    /// The date it goes in a week by: the article's date, the campaign's first day.
    pub date: Option<DateTime>,
    /// The spoken title and parts: the scripts' text ([`Script::text`], [`Script::ssml`]) and
    /// the programme pages.
    pub spoken: script::Spoken,
    /// Syllables read.
    pub syllables: usize,
    /// Estimated airtime in seconds (rounded up to 5).
    pub seconds: u64,
    /// The files' bytes once made, when the caller keeps the script between builds, and the
    /// fingerprint of its spoken parts once asked for.
    #[serde(skip)]
    pub made: Made,
}

/// What is made from a script and kept with it, when the caller keeps scripts between builds
/// (`loa serve`): the bytes of its files ([`Script::files`]: remaking the text and SSML of
/// every script was a third of a rebuild at 10,000 articles), and the fingerprint of its
/// spoken parts ([`Script::parts_print`]: the weekly programmes show every word of their
/// scripts, and hashing the words again to learn that no programme changed was a third of a
/// rebuild after that). Not part of what a script is: always equal, never serialized.
#[derive(Clone, Default)]
pub struct Made(std::sync::OnceLock<[(String, Bytes); 2]>, std::sync::OnceLock<u64>);

impl PartialEq for Made {
    fn eq(&self, _: &Made) -> bool {
        true
    }
}

impl Eq for Made {}

impl std::fmt::Debug for Made {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "Made(kept)" } else { "Made(none)" })
    }
}

/// Every script of the site, and the findings for `loa check`.
#[derive(Debug, Clone, Default)]
pub struct Bulletins {
    /// Each page's scripts as they were made, in page order (a campaign's audience pages after
    /// it, in written order): shared with the memo that keeps them, not copied.
    pages: Vec<PageScripts>,
    /// Script `k` is script `.1` of `pages[.0]`.
    at: Vec<(u32, u32)>,
    /// Warnings for `loa check`.
    pub diagnostics: Diagnostics,
}

impl Script {
    /// The plain-text script: the heading line (title and airtime), then the parts.
    pub fn text(&self) -> String {
        script::text(&self.spoken, &script::airtime_label(self.seconds))
    }

    /// The SSML script.
    pub fn ssml(&self) -> String {
        script::ssml(&self.spoken)
    }

    /// The script's files: output path (`bai-viet/x/ban-tin.txt`), bytes; the text, then the
    /// SSML. With `keep`, the bytes are kept with the script and given again by the next call
    /// (shared, not copied); without, they are made for this call only (a build keeps nothing).
    pub fn files(&self, keep: bool) -> [(String, Bytes); 2] {
        if let Some(made) = self.made.0.get() {
            return made.clone();
        }
        let make = || {
            let [text, ssml] = self.paths();
            [(text, Bytes::new(self.text().into_bytes())), (ssml, Bytes::new(self.ssml().into_bytes()))]
        };
        if keep { self.made.0.get_or_init(make).clone() } else { make() }
    }

    /// The output paths of the script's files: the text, then the SSML.
    fn paths(&self) -> [String; 2] {
        let dir = self.path.trim_start_matches('/');
        [format!("{dir}{TEXT_FILE}"), format!("{dir}{SSML_FILE}")]
    }

    /// The fingerprint of the spoken parts (each part's `transition` and text, in order), made
    /// at the first call and kept with the script: what a weekly programme's fingerprint takes
    /// for the script's words ([`crate::fingerprint::Printed`]).
    pub fn parts_print(&self) -> u64 {
        *self.made.1.get_or_init(|| crate::fingerprint::of(&parts_seen(&self.spoken.parts)))
    }
}

/// One file of a script, to make when asked (`build::later`): its page's scripts (shared with
/// the memo that keeps them), which script, and whether the SSML or the text.
#[derive(Debug, Clone)]
pub struct ScriptFile {
    page: PageScripts,
    index: usize,
    ssml: bool,
}

impl ScriptFile {
    /// The file's bytes: those [`Script::files`] gives for its path.
    pub fn bytes(&self) -> Vec<u8> {
        let script = &self.page.0[self.index];
        if self.ssml { script.ssml() } else { script.text() }.into_bytes()
    }
}

/// The spoken parts as their fingerprint sees them.
fn parts_seen(parts: &[script::Part]) -> Vec<(bool, &str)> {
    parts.iter().map(|p| (p.transition, p.text.as_str())).collect()
}

impl Bulletins {
    /// The scripts of each page, in page order.
    pub fn from_pages(mut pages: Vec<PageScripts>) -> Bulletins {
        let mut out = Bulletins::default();
        for page in &pages {
            out.diagnostics.extend(page.1.clone());
        }
        // A campaign without audiences has findings but no script.
        pages.retain(|p| !p.0.is_empty());
        for (k, page) in pages.iter().enumerate() {
            // More than 4 billion pages or scripts a page do not fit a build's memory anyway.
            let k = u32::try_from(k).unwrap_or(u32::MAX);
            out.at.extend((0..page.0.len()).map(|j| (k, u32::try_from(j).unwrap_or(u32::MAX))));
        }
        out.pages = pages;
        out
    }

    /// How many scripts there are.
    pub fn len(&self) -> usize {
        self.at.len()
    }

    /// True if there is no script.
    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Script `k`, in page order.
    pub fn get(&self, k: usize) -> &Script {
        let (page, j) = self.at[k];
        &self.pages[page as usize].0[j as usize]
    }

    /// Every script, in page order.
    pub fn iter(&self) -> impl Iterator<Item = &Script> {
        self.pages.iter().flat_map(|p| p.0.iter())
    }

    /// Every script's files (`Script::files`, kept with the scripts with `keep`), made in
    /// parallel: `each` is called on the threads that make them, its results gathered.
    pub fn par_files<T: Send>(
        &self,
        keep: bool,
        each: impl Fn(String, Bytes) -> Option<T> + Sync + Send,
    ) -> Vec<T> {
        self.pages
            .par_iter()
            .flat_map_iter(|p| p.0.iter().flat_map(|s| s.files(keep)))
            .filter_map(|(path, bytes)| each(path, bytes))
            .collect()
    }

    /// Every script's two files to make when asked ([`ScriptFile`]), with their output paths,
    /// in the order of [`Bulletins::par_files`].
    pub fn files_later(&self) -> Vec<(String, ScriptFile)> {
        let mut out = Vec::with_capacity(2 * self.len());
        for page in &self.pages {
            for (index, script) in page.0.iter().enumerate() {
                let [text, ssml] = script.paths();
                let file = |ssml| ScriptFile { page: std::sync::Arc::clone(page), index, ssml };
                out.push((text, file(false)));
                out.push((ssml, file(true)));
            }
        }
        out
    }

    /// The script of page `i` (not of its audience pages).
    pub fn of_page(&self, i: DocId) -> Option<&Script> {
        // The pages are in order: a search, not a scan of every script for every page.
        let from = self.pages.partition_point(|p| p.0.first().is_some_and(|s| s.page.0 < i.0));
        self.pages[from..]
            .iter()
            .take_while(|p| p.0.first().is_some_and(|s| s.page == i))
            .flat_map(|p| p.0.iter())
            .find(|s| s.audience.is_none())
    }
}

/// True if page `i` gets scripts: an article, or a campaign (one per audience), unless its
/// front matter or the nearest section saying so has `bulletin: false`.
pub fn wanted(site: &Site, i: DocId) -> bool {
    let p = &site.pages[i];
    if !matches!(p.kind, crate::content::Kind::Article | crate::content::Kind::Campaign) {
        return false;
    }
    if let Some(on) = p.bulletin {
        return on;
    }
    let mut section = Some(p.section);
    while let Some(s) = section {
        if let Some(on) = site.sections[s].bulletin {
            return on;
        }
        section = site.sections[s].parent;
    }
    true
}

/// One page's scripts and their findings: what `loa serve` keeps between rebuilds.
pub type PageScripts = std::sync::Arc<(Vec<Script>, Diagnostics)>;

/// How the caller keeps a page's scripts between builds: `kept(key, make)` gives the value
/// kept for `key()` or `make()`s it (the recipe passes its memo; [`make`] keeps nothing).
pub type Kept<'a> = &'a (dyn Fn(&dyn Fn() -> u64, &dyn Fn() -> PageScripts) -> PageScripts + Sync);

/// Makes every script of the site.
pub fn make(config: &Config, site: &Site) -> Bulletins {
    make_kept(config, site, &|_, make| make())
}

/// [`make`], each page's scripts through `kept` (keyed by [`page_key`]).
pub fn make_kept(config: &Config, site: &Site, kept: Kept<'_>) -> Bulletins {
    let registry = registry(site);
    // What every page's scripts read besides the page: the settings and the registry.
    let shared = std::sync::OnceLock::new();
    let shared = || {
        *shared.get_or_init(|| {
            let mut codes: Vec<(&String, &Registered)> = registry.iter().collect();
            codes.sort_by(|a, b| a.0.cmp(b.0));
            let codes: Vec<(&String, &String, &String)> =
                codes.iter().map(|(c, r)| (*c, &r.kind, &r.issuer)).collect();
            let b = &config.bulletin;
            crate::fingerprint::key_of(&(
                codes,
                b.syllables_per_minute,
                b.dialect as u8,
                b.breath,
                &b.abbreviations,
            ))
        })
    };
    let lookup = |code: &str| registry.get(&crate::vi::docnum::normalize_code(code)).cloned();
    let speaker = Speaker {
        dialect: config.bulletin.dialect,
        abbreviations: &config.bulletin.abbreviations,
        documents: &lookup,
    };
    let made: Vec<PageScripts> = crate::content::DocId::all(site.pages.len())
        .collect::<Vec<_>>()
        .into_par_iter()
        .filter(|&i| wanted(site, i))
        .map(|i| {
            kept(&|| page_key(shared(), site, i), &|| {
                std::sync::Arc::new(page_scripts(config, site, i, &speaker))
            })
        })
        .collect();
    Bulletins::from_pages(made)
}

/// Everything page `i`'s scripts read, with `shared` (the settings and the registry): the
/// file, the URL, the title, the date, the body and its line, the lines of the front matter's
/// keys (where the warnings point), and a campaign's dates and audience messages.
pub fn page_key(shared: u64, site: &Site, i: DocId) -> u64 {
    let p = &site.pages[i];
    let campaign = p.meta.campaign().map(|c| (c.starts.unix(), crate::fingerprint::of(&c.audiences)));
    crate::fingerprint::key_of(&(
        shared,
        i.0,
        &p.file,
        &p.path,
        &p.title,
        p.date.map(|d| d.unix()),
        &*p.body,
        p.body_line,
        &p.key_lines.keys,
        campaign,
    ))
}

/// The scripts of page `i`: an article's own; a campaign's, one per audience (the campaign
/// page itself is read in those: its audience's message, then its body).
fn page_scripts(config: &Config, site: &Site, i: DocId, speaker: &Speaker<'_>) -> (Vec<Script>, Diagnostics) {
    let p = &site.pages[i];
    let speech = crate::markdown::speech::speech(&p.body, p.body_line);
    let mut diags = Diagnostics::new();
    for line in &speech.large_tables {
        diags.push(
            Diagnostic::warning(
                "bulletin-table",
                Location::at(&p.file, *line, 1),
                format!(
                    "bảng quá lớn để đọc trên loa (quá {} dòng hoặc {} cột): bản tin bỏ qua bảng này",
                    crate::markdown::speech::MAX_TABLE_ROWS,
                    crate::markdown::speech::MAX_TABLE_COLUMNS
                ),
            )
            .with_hint("tóm tắt bảng thành vài câu trong bài nếu người nghe cần biết nội dung của nó"),
        );
    }
    let title_line = p.key_lines.locate(&p.file, "title").line.max(1);
    let mut scripts = Vec::new();
    let mut all = Vec::new();
    if p.meta.campaign().is_none() {
        let (page, sentences) =
            one(config, p, i, None, &p.title, title_line, &speech.blocks, p.date, speaker);
        scripts.push(page);
        all = sentences;
    }
    if let Some(c) = p.meta.campaign() {
        for (id, m) in &c.audiences {
            let line = p.key_lines.locate(&p.file, &format!("campaign.audiences.{id}.headline")).line.max(1);
            let mut blocks = vec![crate::markdown::speech::Block {
                kind: crate::markdown::speech::BlockKind::Paragraph,
                text: m.message.clone(),
                line: p.key_lines.locate(&p.file, &format!("campaign.audiences.{id}.message")).line.max(1),
            }];
            blocks.extend(speech.blocks.iter().cloned());
            let title = format!("{}: {}", p.title, m.headline);
            let (s, sentences) = one(config, p, i, Some(id), &title, line, &blocks, Some(c.starts), speaker);
            scripts.push(s);
            // The body's findings are the page's: reported once (below, by line and text).
            all.extend(sentences);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for s in all {
        if !seen.insert((s.line, s.text.clone())) {
            continue;
        }
        findings(config, &p.file, &s, &mut diags);
    }
    (scripts, diags)
}

#[allow(clippy::too_many_arguments)]
fn one(
    config: &Config,
    p: &Document,
    i: DocId,
    audience: Option<&String>,
    title: &str,
    title_line: usize,
    blocks: &[crate::markdown::speech::Block],
    date: Option<DateTime>,
    speaker: &Speaker<'_>,
) -> (Script, Vec<script::Sentence>) {
    let (spoken, syllables, sentences) =
        script::spell(title, title_line, blocks, speaker, config.bulletin.breath);
    let seconds = script::airtime_seconds(syllables, config.bulletin.syllables_per_minute);
    let path = match audience {
        Some(id) => format!("{}{id}/", p.path),
        None => p.path.clone(),
    };
    (
        Script {
            page: i,
            audience: audience.cloned(),
            path,
            title: title.to_string(),
            date,
            spoken,
            syllables,
            seconds,
            made: Made::default(),
        },
        sentences,
    )
}

/// The warnings of one sentence.
fn findings(config: &Config, file: &str, s: &script::Sentence, diags: &mut Diagnostics) {
    let at = Location::at(file, s.line, 1);
    if s.breath > config.bulletin.breath {
        diags.push(
            Diagnostic::warning(
                "bulletin-breath",
                at.clone(),
                format!(
                    "câu có đoạn dài {} âm tiết không có chỗ ngắt khi đọc trên loa, khó đọc trong một hơi (quá {}): “{}”",
                    s.breath,
                    config.bulletin.breath,
                    excerpt(&s.text)
                ),
            )
            .with_hint("tách câu, hoặc thêm dấu phẩy ở chỗ người đọc có thể ngắt hơi; giới hạn đặt bằng `bulletin.breath` trong loa.yaml"),
        );
    }
    for problem in &s.problems {
        diags.push(match problem {
            Problem::Unknown(token) => Diagnostic::warning(
                "bulletin-unknown",
                at.clone(),
                format!("bản tin không đọc được `{token}` thành lời"),
            )
            .with_hint(format!(
                "viết đầy đủ, hoặc thêm cách đọc vào loa.yaml: `bulletin: {{abbreviations: {{{token}: …}}}}`"
            )),
            Problem::TwoWays(token, read, other) => Diagnostic::warning(
                "bulletin-two-ways",
                at.clone(),
                format!("`{token}` đọc được hai cách: bản tin đọc “{read}”, cũng có thể là “{other}”"),
            )
            .with_hint("viết rõ: dấu chấm ngăn cách hàng nghìn (1.250), dấu phẩy trước phần thập phân (1,25), ngày có năm (3/4/2024)"),
        });
    }
}

fn excerpt(s: &str) -> String {
    let words: Vec<&str> = s.split(' ').collect();
    if words.len() <= 12 { s.to_string() } else { format!("{} …", words[..12].join(" ")) }
}

/// The document registry as the speller reads it: normalised code → type and issuer. The type
/// and the issuer come from the official title when it has the form "Kết luận của Ban Bí thư
/// về …", else from the table of types (by the code) and the `issuer:` field.
fn registry(site: &Site) -> std::collections::HashMap<String, Registered> {
    site.pages
        .iter()
        .filter_map(|p| p.meta.document())
        .filter_map(|d| {
            let title = d.title.as_deref().unwrap_or("");
            let (kind, issuer) = from_title(title);
            let kind = kind.or_else(|| kind_of_code(&d.code))?;
            let issuer = issuer.or_else(|| d.issuer.clone()).unwrap_or_default();
            Some((crate::vi::docnum::normalize_code(&d.code), Registered { kind, issuer }))
        })
        .collect()
}

/// "Kết luận của Ban Bí thư về …" → (Kết luận, Ban Bí thư); "Quyết định về …" → (Quyết định,
/// none). The type must be one of the table's.
fn from_title(title: &str) -> (Option<String>, Option<String>) {
    let kind = crate::vi::spell::DOCUMENT_TYPES
        .iter()
        .map(|(_, name)| *name)
        .filter(|name| title.starts_with(name))
        .max_by_key(|name| name.len());
    let Some(kind) = kind else { return (None, None) };
    let rest = title[kind.len()..].trim_start();
    let issuer = rest
        .strip_prefix("của ")
        .map(|r| r.split(" về ").next().unwrap_or(r).trim().to_string())
        .filter(|s| !s.is_empty());
    (Some(kind.to_string()), issuer)
}

fn kind_of_code(code: &str) -> Option<String> {
    code.split(['-', '/'])
        .find_map(|piece| crate::vi::spell::DOCUMENT_TYPES.iter().find(|(k, _)| *k == piece))
        .map(|(_, name)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_and_issuer_from_the_official_title() {
        assert_eq!(
            from_title("Kết luận của Ban Bí thư về tiếp tục thực hiện Chỉ thị số 11-CT/TW"),
            (Some("Kết luận".into()), Some("Ban Bí thư".into()))
        );
        assert_eq!(from_title("Quyết định về Đề án"), (Some("Quyết định".into()), None));
        assert_eq!(from_title("Về khuyến học"), (None, None));
        assert_eq!(kind_of_code("1373/QĐ-TTg"), Some("Quyết định".into()));
    }

    /// The spoken parts' fingerprint is that of what the programme shows of them (each part's
    /// `transition` and text, in order), made once and kept with the script, and another text
    /// or transition gives another.
    #[test]
    fn the_parts_print_stands_for_the_parts_and_is_kept() {
        let part = |transition: bool, text: &str| script::Part {
            transition,
            text: text.to_string(),
            starts: Vec::new(),
        };
        let script = |parts: Vec<script::Part>| Script {
            page: DocId(0),
            audience: None,
            path: "/bai-viet/x/".into(),
            title: "Tiêu đề".into(),
            date: None,
            spoken: script::Spoken { title: "Tiêu đề đọc lên".into(), parts },
            syllables: 12,
            seconds: 5,
            made: Made::default(),
        };
        let a = script(vec![part(false, "Câu thứ nhất."), part(true, "Tiếp theo: phần hai.")]);
        assert!(a.made.1.get().is_none(), "nothing is hashed before it is asked for");
        let want = crate::fingerprint::of(&vec![(false, "Câu thứ nhất."), (true, "Tiếp theo: phần hai.")]);
        assert_eq!(a.parts_print(), want);
        assert_eq!(a.made.1.get(), Some(&want), "kept with the script");
        let others = [
            script(vec![part(false, "Câu thứ nhất!"), part(true, "Tiếp theo: phần hai.")]),
            script(vec![part(false, "Câu thứ nhất."), part(false, "Tiếp theo: phần hai.")]),
            script(vec![part(false, "Câu thứ nhất.")]),
            script(vec![part(false, "Câu thứ nhất. Tiếp theo: phần hai.")]),
        ];
        for other in &others {
            assert_ne!(other.parts_print(), want, "{:?}", other.spoken.parts);
        }
    }
}
