//! Longer than 600 lines: one drawing (layout, shaping, coverage, indexed PNG) whose tests,
//! a third of the file, need its private helpers.
//! Share cards: the 1200 × 630 image a page is shared with (Zalo, Facebook) when it has no
//! `image:` of its own.
//!
//! Takes: a card's texts ([`CardText`]: the page's title, or a campaign audience page's
//! headline and call to action; the site's name; the section).
//! Gives: the card as a PNG ([`render`]): the title set in Be Vietnam Pro Bold, shaped with
//! rustybuzz (the fonts are the theme's, made into TrueType by `fonts/make-ttf.py`, OFL), so
//! that stacked Vietnamese marks (ẩ, ệ, ờ) are the font's own; wrapped between syllables (never
//! inside one), the size lowered until the title fits, a title too long even then ended with
//! "…" after a whole syllable. The image is drawn as coverage into one mask and written as an
//! indexed PNG of 16 colours, four bits a pixel (about 20 kilobytes). Its name is a hash of its
//! texts ([`CardText::file`]), so a changed title is a new address (social networks keep an
//! image by its address) and an unchanged one is found in the cache ([`cached`]).
//! Must not: read anything but the cache folder it is given (`.loa-cache/cards/`), or fail a
//! build: a card that cannot be written to the cache is still made.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::OnceLock;

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use std::str::FromStr;

use rustybuzz::{Direction, Face, Language, ShapePlan, UnicodeBuffer};
use tiny_skia::{FillRule, Mask, PathBuilder, Transform};

use super::card_cache::Pack;
use super::deflate;

/// Width of a card in pixels.
pub const WIDTH: u32 = 1200;
/// Height of a card in pixels.
pub const HEIGHT: u32 = 630;
/// The folder of the cards in the output.
pub const DIR: &str = "anh-chia-se";
/// Part of every card's name (its address): a new value gives every card a new address, which
/// social networks fetch again. Kept when the drawing changes only by the rasteriser's rounding
/// (the golden card's test bounds it).
const VERSION: u32 = 2;
/// Changes with the drawing, even by a pixel: cards cached by another drawing are not reused
/// (a restored cache gives the bytes a build without it gives). 3: glyphs rasterised once per
/// size and quarter of a pixel, PNG rows filtered `Up`. 4: the same pixels, compressed by
/// `deflate` in parts (the rows above and below the title made once per thread).
const DRAWING: u32 = 4;

static BOLD: &[u8] = include_bytes!("fonts/BeVietnamPro-Bold.ttf");
static REGULAR: &[u8] = include_bytes!("fonts/BeVietnamPro-Regular.ttf");

/// What a card says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CardText {
    /// The big text: the page's title, or a campaign audience page's headline.
    pub title: String,
    /// The site's name (bottom left).
    pub site: String,
    /// The section the page is in (top); empty for none.
    pub section: String,
    /// A campaign audience page's call to action (above the site's name); empty for none.
    pub call_to_action: String,
}

impl CardText {
    /// Whether the card's fonts have a glyph for every character of its texts: a title in a
    /// script they lack (Khmer: Be Vietnam Pro has Latin and Vietnamese only) would be drawn
    /// as blanks, so such a page is shared with the site's default image instead.
    pub fn drawable(&self) -> bool {
        let (bold, regular) = (face(&BOLD_FACE, BOLD), face(&REGULAR_FACE, REGULAR));
        let (bold_has, regular_has) = (covered(&BOLD_COVERS, bold), covered(&REGULAR_COVERS, regular));
        let has = |face: &Face<'static>, covers: &Covers, text: &str| {
            text.chars().all(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || covers.get(c as usize / 64).map_or_else(
                        || face.glyph_index(c).is_some(),
                        |word| word & (1 << (c as usize % 64)) != 0,
                    )
            })
        };
        has(bold, bold_has, &self.title)
            && [&self.site, &self.section, &self.call_to_action].iter().all(|t| has(regular, regular_has, t))
    }

    /// A fingerprint of the texts, the drawing and the fonts: FNV-1a over them (each text
    /// length-prefixed), the same from one build, machine and version of loa to the next (it
    /// names the card's file and its place in the cache).
    pub fn key(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes {
                h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
        };
        feed(&VERSION.to_le_bytes());
        feed(&(BOLD.len() as u64 ^ ((REGULAR.len() as u64) << 32)).to_le_bytes());
        for text in [&self.title, &self.site, &self.section, &self.call_to_action] {
            feed(&(text.len() as u64).to_le_bytes());
            feed(text.as_bytes());
        }
        h
    }

    /// The card's file in the output: `anh-chia-se/<hash>.png`.
    pub fn file(&self) -> String {
        file_of(self.key())
    }
}

/// The file in the output of the card whose key is `key` ([`CardText::file`]).
pub fn file_of(key: u64) -> String {
    format!("{DIR}/{key:016x}.png")
}

/// Colours: background, text, accent (the theme's), muted text.
const BG: [u8; 3] = [0xfd, 0xfd, 0xfb];
const INKS: [[u8; 3]; 3] = [[0x1b, 0x1b, 0x1b], [0xa4, 0x16, 0x1a], [0x5a, 0x5a, 0x5a]];
const TEXT: u8 = 0;
const ACCENT: u8 = 1;
const MUTED: u8 = 2;
/// Coverage levels per ink (antialiased edges), besides the background: with three inks, 16
/// colours in all, so that a pixel takes four bits.
const LEVELS: u8 = 5;

/// Left and right margin.
const MARGIN: f32 = 80.0;
/// The title's largest and smallest sizes (pixels per em), and the step between them.
const TITLE_MAX: f32 = 80.0;
const TITLE_MIN: f32 = 44.0;
const TITLE_STEP: f32 = 4.0;

/// The card of `text` (whose key is `key`, [`CardText::key`]), from `cache` when it was made
/// before, else made and kept there. Without a cache, or when it cannot be read or written,
/// the card is made.
pub fn cached(key: u64, text: &CardText, cache: Option<&Pack>) -> Vec<u8> {
    let Some(pack) = cache else { return render(text) };
    if let Some(bytes) = pack.get(key) {
        return bytes;
    }
    let bytes = render(text);
    pack.put(key, &bytes);
    bytes
}

/// The cache of cards in `dir` (`.loa-cache/cards/`), for this drawing.
pub fn open_cache(dir: &Path) -> Pack {
    Pack::open(dir, DRAWING)
}

/// After a build: the cache kept to the cards of `keys` when most of it went unused.
pub fn close_cache(pack: Pack, keys: impl Iterator<Item = u64>) {
    pack.compact(keys, DRAWING);
}

/// The card of `text` as a PNG.
pub fn render(text: &CardText) -> Vec<u8> {
    CANVAS.with_borrow_mut(|canvas| match by_parts(canvas, text) {
        Some(png) => png,
        None => whole(canvas, text),
    })
}

/// What a card draws above its title (the accent band, the section) or below it (the call to
/// action, the site's name), compressed once per thread and copied into each card that has it:
/// rows `0..edge` (a head, its last row blank) or `edge..HEIGHT` (a foot, the row above it
/// blank).
#[derive(Debug)]
struct Part {
    edge: usize,
    piece: deflate::Piece,
}

thread_local! {
    /// This thread's canvas, blank between cards (only the rows drawn are cleared).
    static CANVAS: RefCell<Canvas> = RefCell::new(Canvas::new());
    /// The rows above the title, by section.
    static HEADS: RefCell<HashMap<String, Rc<Part>>> = RefCell::new(HashMap::new());
    /// The rows below the title, by site name and call to action.
    static FEET: RefCell<HashMap<(String, String), Rc<Part>>> = RefCell::new(HashMap::new());
}

/// Draws the band and the section.
fn draw_head(canvas: &mut Canvas, section: &str) {
    let regular = face(&REGULAR_FACE, REGULAR);
    canvas.band(0, 14, ACCENT);
    if !section.trim().is_empty() {
        let line = fit_one(regular, section.trim(), 32.0, WIDTH as f32 - 2.0 * MARGIN);
        canvas.text(regular, &line, 32.0, MARGIN, 96.0, MUTED);
    }
}

/// Draws the call to action and the site's name.
fn draw_foot(canvas: &mut Canvas, site: &str, cta: &str) {
    let bold = face(&BOLD_FACE, BOLD);
    let width = WIDTH as f32 - 2.0 * MARGIN;
    let site_size = 36.0;
    let site = fit_one(bold, site.trim(), site_size, width);
    canvas.text(bold, &site, site_size, MARGIN, HEIGHT as f32 - 60.0, ACCENT);
    let cta = cta.trim();
    if !cta.is_empty() {
        let line = fit_one(bold, &format!("» {cta}"), 40.0, width);
        canvas.text(bold, &line, 40.0, MARGIN, HEIGHT as f32 - 135.0, ACCENT);
    }
}

/// Draws the title in the room the call to action leaves.
fn draw_title(canvas: &mut Canvas, title: &str, cta: &str) {
    let bold = face(&BOLD_FACE, BOLD);
    let width = WIDTH as f32 - 2.0 * MARGIN;
    let bottom = if cta.trim().is_empty() { HEIGHT as f32 - 130.0 } else { HEIGHT as f32 - 200.0 };
    let top = 140.0;
    let (size, lines) = layout_title(bold, title.trim(), width, bottom - top);
    let line_height = size * 1.25;
    // The block of lines sits at the top of its area; the first baseline one ascent down.
    let mut baseline = top + size * 0.95;
    for line in lines {
        canvas.text(bold, &line, size, MARGIN, baseline, TEXT);
        baseline += line_height;
    }
}

/// The card drawn whole and compressed in one piece.
fn whole(canvas: &mut Canvas, text: &CardText) -> Vec<u8> {
    draw_head(canvas, &text.section);
    draw_foot(canvas, &text.site, &text.call_to_action);
    draw_title(canvas, &text.title, &text.call_to_action);
    let piece = canvas.piece(0, HEIGHT as usize);
    canvas.clear();
    png_file(&deflate::zlib(&[&piece]))
}

/// The card as its head and foot (made once per thread) around its title's rows; none when the
/// title reaches into their rows or the row beside them (then [`whole`] draws it).
fn by_parts(canvas: &mut Canvas, text: &CardText) -> Option<Vec<u8>> {
    let head = kept(&HEADS, text.section.clone(), || {
        draw_head(canvas, &text.section);
        // With the blank row below what it drew: the title's first row is set against it.
        let to = (canvas.drawn_end() + 1).min(HEIGHT as usize);
        let piece = canvas.piece(0, to);
        canvas.clear();
        Part { edge: to, piece }
    });
    let foot = kept(&FEET, (text.site.clone(), text.call_to_action.clone()), || {
        draw_foot(canvas, &text.site, &text.call_to_action);
        let from = canvas.drawn_start().unwrap_or(HEIGHT as usize);
        let piece = canvas.piece(from, HEIGHT as usize);
        canvas.clear();
        Part { edge: from, piece }
    });
    draw_title(canvas, &text.title, &text.call_to_action);
    // The title's rows, and the row above the foot's (which its first row is set against),
    // are between the head and the foot.
    let fits = head.edge <= foot.edge
        && canvas.drawn_start().is_none_or(|start| start >= head.edge && canvas.drawn_end() < foot.edge);
    let png = fits.then(|| {
        let middle = canvas.piece(head.edge, foot.edge);
        png_file(&deflate::zlib(&[&head.piece, &middle, &foot.piece]))
    });
    canvas.clear();
    png
}

/// An indexed PNG of the card's size, four bits a pixel, with the card's palette, around a
/// zlib stream of its filtered rows.
fn png_file(zlib: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(zlib.len() + 128);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&WIDTH.to_be_bytes());
    header.extend_from_slice(&HEIGHT.to_be_bytes());
    // Four bits, indexed colour, deflate, adaptive filtering (each row names its filter), not
    // interlaced.
    header.extend_from_slice(&[4, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"PLTE", &palette());
    chunk(&mut out, b"IDAT", zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A PNG chunk: its length, kind, data and the CRC-32 of kind and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// The palette: index 0 the background, then [`LEVELS`] levels of each ink.
fn palette() -> Vec<u8> {
    let mut palette = Vec::with_capacity(3 * (1 + INKS.len() * LEVELS as usize));
    palette.extend_from_slice(&BG);
    for ink in INKS {
        for level in 1..=LEVELS {
            let t = f32::from(level) / f32::from(LEVELS);
            palette.extend(
                BG.iter()
                    .zip(ink)
                    .map(|(b, i)| (f32::from(*b) + (f32::from(i) - f32::from(*b)) * t).round() as u8),
            );
        }
    }
    palette
}

/// Coverage → palette index, for each ink.
static LUTS: [[u8; 256]; 3] = {
    let mut t = [[0u8; 256]; 3];
    let mut ink = 0;
    while ink < 3 {
        let mut c = 0;
        while c < 256 {
            let level = ((c as u16 * LEVELS as u16 + 127) / 255) as u8;
            t[ink][c] = if level == 0 { 0 } else { ink as u8 * LEVELS + level };
            c += 1;
        }
        ink += 1;
    }
    t
};

static BOLD_FACE: OnceLock<Option<Face<'static>>> = OnceLock::new();
static REGULAR_FACE: OnceLock<Option<Face<'static>>> = OnceLock::new();

/// Which characters below [`COVERS_END`] a face has, a bit each: asked once per face, so that
/// [`CardText::drawable`] (twice a page each build, `loa serve` each rebuild) does not look up
/// the font's character map for each character of every title (8 % of a serve rebuild at
/// 10,000 articles).
type Covers = Vec<u64>;
/// Latin, Vietnamese (U+1EA0–U+1EF9), punctuation (dashes, quotes, "…") and a little more.
const COVERS_END: u32 = 0x2100;
static BOLD_COVERS: OnceLock<Covers> = OnceLock::new();
static REGULAR_COVERS: OnceLock<Covers> = OnceLock::new();

fn covered(cell: &'static OnceLock<Covers>, face: &Face<'static>) -> &'static Covers {
    cell.get_or_init(|| {
        let mut bits = vec![0u64; (COVERS_END / 64) as usize];
        for c in (0..COVERS_END).filter_map(char::from_u32) {
            if face.glyph_index(c).is_some() {
                bits[c as usize / 64] |= 1 << (c as usize % 64);
            }
        }
        bits
    })
}

/// The face a cell holds, if parsed.
fn face_of(cell: &'static OnceLock<Option<Face<'static>>>) -> *const Face<'static> {
    cell.get().and_then(Option::as_ref).map_or(std::ptr::null(), |f| f as *const Face<'static>)
}

/// A font, parsed once.
fn face(cell: &'static OnceLock<Option<Face<'static>>>, bytes: &'static [u8]) -> &'static Face<'static> {
    // The fonts are part of the binary and were parsed by the tests: a failure is a build
    // of loa without them.
    cell.get_or_init(|| Face::from_slice(bytes, 0)).as_ref().expect("the card fonts are built into loa")
}

/// A shaped run: each glyph, with its offset from the run's start and its advance, in font
/// units.
#[derive(Debug)]
struct Shaped {
    glyphs: Vec<(u16, i32, i32, i32)>,
    advance: i32,
}

/// The most entries a thread keeps in each of its caches (shaped runs, glyph masks) before it
/// starts them again: a bound on memory whatever the titles.
const CACHE_ENTRIES: usize = 16_384;

thread_local! {
    /// Runs shaped by this thread, by face (bold or not) and text: a site's titles share most
    /// of their syllables, and each card shapes its words to lay them out, then its lines.
    static SHAPED: RefCell<HashMap<(bool, String), Rc<Shaped>>> = RefCell::new(HashMap::new());
    /// Glyphs rasterised by this thread ([`GlyphKey`]): a card is drawn by copying them.
    static GLYPHS: RefCell<HashMap<GlyphKey, Rc<GlyphMask>>> = RefCell::new(HashMap::new());
}

fn is_bold(face: &Face<'static>) -> bool {
    std::ptr::eq(face, face_of(&BOLD_FACE))
}

/// `text` shaped in `face`, from this thread's cache when it shaped it before.
fn shape(face: &Face<'static>, text: &str) -> Rc<Shaped> {
    kept(&SHAPED, (is_bold(face), text.to_string()), || shape_now(face, text))
}

/// The value of `key` in a thread's `cache`, made and kept when it is not there (the cache
/// started again when full).
fn kept<K: std::hash::Hash + Eq, V>(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<K, Rc<V>>>>,
    key: K,
    make: impl FnOnce() -> V,
) -> Rc<V> {
    if let Some(v) = cache.with_borrow(|m| m.get(&key).cloned()) {
        return v;
    }
    let v = Rc::new(make());
    cache.with_borrow_mut(|m| {
        if m.len() >= CACHE_ENTRIES {
            m.clear();
        }
        m.insert(key, Rc::clone(&v));
    });
    v
}

fn shape_now(face: &Face<'static>, text: &str) -> Shaped {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(Direction::LeftToRight);
    buffer.set_script(rustybuzz::script::LATIN);
    buffer.set_language(vietnamese());
    // The plan (which features of the font apply) is made once per font: making it for each
    // call cost more than the shaping itself (a card shapes each word of its title).
    let out = rustybuzz::shape_with_plan(face, plan(face), buffer);
    let mut x = 0;
    let mut glyphs = Vec::with_capacity(out.len());
    for (info, pos) in out.glyph_infos().iter().zip(out.glyph_positions()) {
        glyphs.push((info.glyph_id as u16, x + pos.x_offset, pos.y_offset, pos.x_advance));
        x += pos.x_advance;
    }
    Shaped { glyphs, advance: x }
}

/// Vietnamese, for the fonts' language-specific forms.
fn vietnamese() -> Language {
    Language::from_str("vi").expect("`vi` is a language tag")
}

static BOLD_PLAN: OnceLock<ShapePlan> = OnceLock::new();
static REGULAR_PLAN: OnceLock<ShapePlan> = OnceLock::new();

/// The shaping plan of Vietnamese, left to right, in `face` (one of the two card fonts).
fn plan(face: &Face<'static>) -> &'static ShapePlan {
    let cell = if std::ptr::eq(face, face_of(&BOLD_FACE)) { &BOLD_PLAN } else { &REGULAR_PLAN };
    cell.get_or_init(|| {
        ShapePlan::new(face, Direction::LeftToRight, Some(rustybuzz::script::LATIN), Some(&vietnamese()), &[])
    })
}

/// Width of `text` at `size` pixels per em.
fn width_of(face: &Face<'static>, text: &str, size: f32) -> f32 {
    units_of(face, text) as f32 * size / face.units_per_em() as f32
}

/// Width of `text` in font units, as [`Canvas::text`] sets it: its words shaped one by one, a
/// space's advance between them.
fn units_of(face: &Face<'static>, text: &str) -> i32 {
    let space = shape(face, " ").advance;
    text.split(' ').enumerate().map(|(n, w)| shape(face, w).advance + if n > 0 { space } else { 0 }).sum()
}

/// The title's size and lines: the largest size from [`TITLE_MAX`] down to [`TITLE_MIN`] at
/// which it fits `height` (lines 1.25 em apart), wrapped between syllables to `width`; at the
/// smallest size, the lines that fit, the last one ended with "…" after a whole syllable. A
/// syllable wider than a line (an address) lowers the size further until it fits.
fn layout_title(face: &Face<'static>, title: &str, width: f32, height: f32) -> (f32, Vec<String>) {
    let title = crate::vi::nfc::nfc(title);
    let words: Vec<&str> = title.split_whitespace().collect();
    if words.is_empty() {
        return (TITLE_MAX, Vec::new());
    }
    let upem = face.units_per_em() as f32;
    let word_units: Vec<i32> = words.iter().map(|w| shape(face, w).advance).collect();
    let space_units = shape(face, " ").advance;
    let widest = word_units.iter().copied().max().unwrap_or(0) as f32;
    let mut size = TITLE_MAX;
    loop {
        let scale = size / upem;
        let lines = wrap(&words, &word_units, space_units, width / scale);
        let fits = (lines.len() as f32 - 1.0) * size * 1.25 + size <= height;
        let smallest = size - TITLE_STEP < TITLE_MIN && widest * scale <= width;
        if (fits && widest * scale <= width) || smallest || size <= 12.0 {
            if fits {
                return (size, lines);
            }
            let most = (((height - size) / (size * 1.25)).floor() as usize + 1).max(1);
            return (size, ellipsis(face, lines, most, width / scale));
        }
        size -= TITLE_STEP;
    }
}

/// Greedy wrapping of `words` (each `units` wide, spaces `space` wide) to lines of `width`
/// units; a word wider than a line has a line of its own.
fn wrap(words: &[&str], units: &[i32], space: i32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0i32;
    for (word, w) in words.iter().zip(units) {
        if !line.is_empty() && (used + space + w) as f32 > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            used += space;
        }
        line.push_str(word);
        used += w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The first `most` lines, the last one ending in "…" after the last whole syllable that
/// leaves room for it (`width` in font units).
fn ellipsis(face: &Face<'static>, mut lines: Vec<String>, most: usize, width: f32) -> Vec<String> {
    if lines.len() <= most {
        return lines;
    }
    lines.truncate(most);
    if let Some(last) = lines.last_mut() {
        let mut words: Vec<&str> = last.split(' ').collect();
        loop {
            let candidate = format!("{}…", words.join(" ").trim_end_matches([',', ';', ':', '-', '–']));
            if units_of(face, &candidate) as f32 <= width || words.len() <= 1 {
                *last = candidate;
                break;
            }
            words.pop();
        }
    }
    lines
}

/// `text` on one line at `size` in `width`, ended with "…" after a whole syllable when it is
/// longer.
fn fit_one(face: &Face<'static>, text: &str, size: f32, width: f32) -> String {
    let units = width * face.units_per_em() as f32 / size;
    if width_of(face, text, size) <= width {
        return text.to_string();
    }
    ellipsis(face, vec![text.to_string(), String::new()], 1, units).remove(0)
}

/// What a card is drawn on: the coverage of every text (one byte a pixel) and the ink of each
/// row (texts of different inks never share a row).
struct Canvas {
    coverage: Vec<u8>,
    ink: Vec<u8>,
    /// Rows painted whole, with their ink (the band at the top).
    solid: Vec<Option<u8>>,
    /// Rows whose coverage was written (cleared by [`Canvas::clear`], and only they).
    drawn: Vec<bool>,
    /// The first row drawn or painted, and one past the last (`HEIGHT`, 0 for none).
    start: usize,
    end: usize,
}

/// Steps of a pixel at which a glyph is placed across: its origin is rounded to a quarter
/// of a pixel across and to a whole pixel down (a line's glyphs share a baseline), so that
/// one rasterised glyph serves every card that has it at that size and quarter.
const SUBPIXELS: f32 = 4.0;

/// One glyph rasterised at one size and quarter of a pixel ([`GlyphKey`]).
#[derive(Debug, PartialEq, Eq, Hash, Clone, Copy)]
struct GlyphKey {
    bold: bool,
    glyph: u16,
    /// The size in pixels per em, as `f32` bits.
    size: u32,
    /// Which quarter of a pixel the origin is at, across.
    quarter: u8,
}

/// A glyph's coverage, `width` × `height` bytes, with the place of its top left corner
/// relative to the glyph's origin rounded down to whole pixels.
#[derive(Debug, Default)]
struct GlyphMask {
    left: i32,
    top: i32,
    width: usize,
    height: usize,
    coverage: Vec<u8>,
}

/// Glyph `key.glyph` of `face` rasterised (antialiased, nonzero winding) with its origin at
/// `key.quarter` quarters of a pixel right of a pixel's corner.
fn rasterise(face: &Face<'static>, key: GlyphKey) -> GlyphMask {
    let size = f32::from_bits(key.size);
    let scale = size / face.units_per_em() as f32;
    let dx = f32::from(key.quarter) / SUBPIXELS;
    let Some(b) = face.glyph_bounding_box(GlyphId(key.glyph)) else { return GlyphMask::default() };
    // One pixel of room on each side for the antialiased edges.
    let left = (f32::from(b.x_min) * scale + dx).floor() as i32 - 1;
    let right = (f32::from(b.x_max) * scale + dx).ceil() as i32 + 1;
    let top = (-f32::from(b.y_max) * scale).floor() as i32 - 1;
    let bottom = (-f32::from(b.y_min) * scale).ceil() as i32 + 1;
    let (width, height) = ((right - left).max(1) as u32, (bottom - top).max(1) as u32);
    let mut path = Outline { builder: PathBuilder::new(), x: dx - left as f32, y: -top as f32, scale };
    face.outline_glyph(GlyphId(key.glyph), &mut path);
    let (Some(path), Some(mut mask)) = (path.builder.finish(), Mask::new(width, height)) else {
        return GlyphMask::default();
    };
    mask.fill_path(&path, FillRule::Winding, true, Transform::identity());
    GlyphMask { left, top, width: width as usize, height: height as usize, coverage: mask.data().to_vec() }
}

/// The glyph of `key`, from this thread's cache when it rasterised it before.
fn glyph_mask(face: &Face<'static>, key: GlyphKey) -> Rc<GlyphMask> {
    kept(&GLYPHS, key, || rasterise(face, key))
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            coverage: vec![0; (WIDTH * HEIGHT) as usize],
            ink: vec![TEXT; HEIGHT as usize],
            solid: vec![None; HEIGHT as usize],
            drawn: vec![false; HEIGHT as usize],
            start: HEIGHT as usize,
            end: 0,
        }
    }

    /// Rows `from..to` in one ink.
    fn band(&mut self, from: usize, to: usize, ink: u8) {
        for row in &mut self.solid[from..to] {
            *row = Some(ink);
        }
        self.mark(from, to);
    }

    fn mark(&mut self, from: usize, to: usize) {
        if from < to {
            self.start = self.start.min(from);
            self.end = self.end.max(to);
        }
    }

    /// The first row drawn or painted, if any.
    fn drawn_start(&self) -> Option<usize> {
        (self.start < self.end).then_some(self.start)
    }

    /// One past the last row drawn or painted (0 for none).
    fn drawn_end(&self) -> usize {
        self.end
    }

    /// Blank again: the rows drawn cleared, the others left as they are (blank).
    fn clear(&mut self) {
        let w = WIDTH as usize;
        for y in self.start..self.end {
            if self.drawn[y] {
                self.coverage[y * w..(y + 1) * w].fill(0);
                self.drawn[y] = false;
            }
            self.solid[y] = None;
            self.ink[y] = TEXT;
        }
        (self.start, self.end) = (HEIGHT as usize, 0);
    }

    /// Row `y` as palette indices, two pixels a byte, into `row`; false (and `row` untouched)
    /// for a blank row.
    fn row(&self, y: usize, row: &mut [u8]) -> bool {
        if let Some(ink) = self.solid[y] {
            let full = ink * LEVELS + LEVELS;
            row.fill((full << 4) | full);
            return true;
        }
        if !self.drawn[y] {
            return false;
        }
        let w = WIDTH as usize;
        let lut = &LUTS[usize::from(self.ink[y])];
        // Most of a text's row is blank: looked at eight pixels at a time.
        for (p4, c8) in row.chunks_exact_mut(4).zip(self.coverage[y * w..(y + 1) * w].chunks_exact(8)) {
            if u64::from_ne_bytes(c8.try_into().expect("8 bytes")) == 0 {
                p4.fill(0);
                continue;
            }
            for (p, c) in p4.iter_mut().zip(c8.chunks_exact(2)) {
                *p = (lut[usize::from(c[0])] << 4) | lut[usize::from(c[1])];
            }
        }
        true
    }

    /// Rows `from..to`, each filtered `Up` (less the row above; the row above `from` taken as
    /// blank), compressed as one piece.
    fn piece(&self, from: usize, to: usize) -> deflate::Piece {
        let half = WIDTH as usize / 2;
        let mut e = deflate::Encoder::new();
        let (mut above, mut row, mut filtered) = (vec![0u8; half], vec![0u8; half], vec![0u8; half + 1]);
        let mut above_blank = true;
        // `Up`, named at the start of each row.
        filtered[0] = 2;
        for y in from..to {
            let blank = !self.row(y, &mut row);
            if blank && above_blank {
                e.push_run(2, 1);
                e.push_run(0, half);
                continue;
            }
            if blank {
                row.fill(0);
            }
            for ((f, r), a) in filtered[1..].iter_mut().zip(&row).zip(&above) {
                *f = r.wrapping_sub(*a);
            }
            e.push(&filtered);
            std::mem::swap(&mut above, &mut row);
            above_blank = blank;
        }
        e.finish()
    }

    /// `text` at `size` from (`x`, `baseline`), in `ink`: its words shaped one by one (as the
    /// layout measured them), a space's advance between them, each glyph copied from its
    /// rasterised mask (where two glyphs overlap, the larger coverage).
    fn text(&mut self, face: &Face<'static>, text: &str, size: f32, x: f32, baseline: f32, ink: u8) {
        let scale = size / face.units_per_em() as f32;
        let space = shape(face, " ").advance;
        let baseline = baseline.round() as i32;
        let (mut first_row, mut end_row) = (usize::MAX, 0usize);
        let mut pen = 0i32;
        for (n, word) in text.split(' ').enumerate() {
            if n > 0 {
                pen += space;
            }
            let shaped = shape(face, word);
            for &(glyph, dx, dy, _) in &shaped.glyphs {
                if glyph == 0 {
                    continue; // a character the font does not have: no box drawn
                }
                let at = ((x + (pen + dx) as f32 * scale) * SUBPIXELS).round() as i32;
                let quarter = at.rem_euclid(SUBPIXELS as i32) as u8;
                let key = GlyphKey { bold: is_bold(face), glyph, size: size.to_bits(), quarter };
                let mask = glyph_mask(face, key);
                let left = at.div_euclid(SUBPIXELS as i32) + mask.left;
                let top = baseline - (dy as f32 * scale).round() as i32 + mask.top;
                if let Some((from, to)) = self.blit(&mask, left, top) {
                    first_row = first_row.min(from);
                    end_row = end_row.max(to);
                }
            }
            pen += shaped.advance;
        }
        for row in self.ink.iter_mut().take(end_row).skip(first_row) {
            *row = ink;
        }
        self.mark(first_row, end_row);
    }

    /// Copies `mask` with its top left corner at (`left`, `top`), keeping the larger coverage
    /// of each pixel; gives the rows it covered.
    fn blit(&mut self, mask: &GlyphMask, left: i32, top: i32) -> Option<(usize, usize)> {
        let (w, h) = (WIDTH as i32, HEIGHT as i32);
        let x0 = left.max(0);
        let x1 = (left + mask.width as i32).min(w);
        let y0 = top.max(0);
        let y1 = (top + mask.height as i32).min(h);
        if x0 >= x1 || y0 >= y1 {
            return None;
        }
        for y in y0..y1 {
            let from = (y - top) as usize * mask.width + (x0 - left) as usize;
            let src = &mask.coverage[from..from + (x1 - x0) as usize];
            let at = y as usize * WIDTH as usize + x0 as usize;
            for (d, &c) in self.coverage[at..at + src.len()].iter_mut().zip(src) {
                *d = (*d).max(c);
            }
            self.drawn[y as usize] = true;
        }
        Some((y0 as usize, y1 as usize))
    }
}

/// Glyph outlines, moved to their place and scaled (font units up, pixels down), into a path.
struct Outline {
    builder: PathBuilder,
    x: f32,
    y: f32,
    scale: f32,
}

impl Outline {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y - y * self.scale)
    }
}

impl OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.builder.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.builder.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x, y) = self.at(x, y);
        self.builder.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x2, y2) = self.at(x2, y2);
        let (x, y) = self.at(x, y);
        self.builder.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.builder.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(title: &str) -> CardText {
        CardText {
            title: title.into(),
            site: "Loa khuyến học".into(),
            section: "Bài viết".into(),
            call_to_action: String::new(),
        }
    }

    /// The card's pixels as RGB.
    fn pixels(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/media/testdata/card-golden.png");

    /// The card of a long title with stacked marks, against the golden card
    /// (`src/media/testdata/card-golden.png`, made again with `LOA_BLESS=1`): the same size,
    /// and pixels that differ little (another version of the rasterizer may move an edge):
    /// under 0.5 % of the pixels off by more than a quarter of the range, mean difference
    /// under 1 level.
    #[test]
    fn a_card_matches_the_golden_card() {
        let card = render(&CardText {
            call_to_action: "Đăng ký ở chi hội gần nhà".into(),
            ..text(
                "Mỗi cán bộ, đảng viên trở thành công dân học tập: những điều cần biết về Kết luận số 49-KL/TW, ẩn ý ở từng điểm",
            )
        });
        if std::env::var_os("LOA_BLESS").is_some() {
            std::fs::write(GOLDEN, &card).expect("write the golden card");
        }
        let golden = std::fs::read(GOLDEN).expect("the golden card (LOA_BLESS=1 makes it)");
        let (w, h, got) = pixels(&card);
        let (gw, gh, want) = pixels(&golden);
        assert_eq!((w, h, gw, gh), (WIDTH, HEIGHT, WIDTH, HEIGHT));
        assert_eq!(got.len(), want.len());
        let diffs: Vec<u8> = got.iter().zip(&want).map(|(a, b)| a.abs_diff(*b)).collect();
        let mean = diffs.iter().map(|&d| f64::from(d)).sum::<f64>() / diffs.len() as f64;
        let off = diffs.chunks(3).filter(|px| px.iter().any(|&d| d > 64)).count();
        let share = off as f64 / f64::from(w * h);
        assert!(
            share < 0.005 && mean < 1.0,
            "{off} pixels off ({:.3} %), mean difference {mean:.3}",
            share * 100.0
        );
        // A card is small: 16 colours, indexed, four bits a pixel.
        assert!(card.len() < 40_000, "{} bytes", card.len());
    }

    /// The card drawn whole and written by the png crate, rows filtered as it chooses.
    fn plain(text: &CardText) -> Vec<u8> {
        let mut canvas = Canvas::new();
        draw_head(&mut canvas, &text.section);
        draw_foot(&mut canvas, &text.site, &text.call_to_action);
        draw_title(&mut canvas, &text.title, &text.call_to_action);
        let half = WIDTH as usize / 2;
        let mut packed = vec![0u8; half * HEIGHT as usize];
        for (y, row) in packed.chunks_exact_mut(half).enumerate() {
            canvas.row(y, row);
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Four);
        encoder.set_palette(palette());
        let mut writer = encoder.write_header().expect("header");
        writer.write_image_data(&packed).expect("data");
        writer.finish().expect("end");
        out
    }

    fn cards_to_check() -> Vec<CardText> {
        let long = "Mỗi cán bộ, đảng viên trở thành công dân học tập: những điều cần biết về Kết luận số 49-KL/TW của Ban Bí thư về tiếp tục đẩy mạnh";
        vec![
            text("Xây dựng gia đình học tập"),
            text(long),
            CardText { call_to_action: "Đăng ký ở chi hội gần nhà".into(), ..text(long) },
            CardText { section: String::new(), ..text("Ẩn ý ở từng điểm, ệ ờ") },
            CardText {
                section: "Chiến dịch".into(),
                call_to_action: "Tham gia".into(),
                ..text("Học tập suốt đời")
            },
            CardText { title: String::new(), ..text("") },
            CardText { site: String::new(), ..text(&"học tập suốt đời ".repeat(30)) },
        ]
    }

    #[test]
    fn a_card_put_together_from_parts_has_the_pixels_of_a_plain_encoding() {
        let mut canvas = Canvas::new();
        for t in cards_to_check() {
            let want = pixels(&plain(&t));
            let parts = by_parts(&mut canvas, &t).expect("head, title and foot apart");
            assert_eq!(pixels(&parts), want, "{t:?}");
            // Drawn whole (when the title would reach into the head's or foot's rows).
            assert_eq!(pixels(&whole(&mut canvas, &t)), want, "{t:?}");
            assert_eq!(render(&t), parts);
            // Not much larger than with the png crate's adaptive filters and default compression.
            assert!(parts.len() < plain(&t).len() * 3 / 2, "{} {}", parts.len(), plain(&t).len());
        }
    }

    #[test]
    fn a_card_is_the_same_whatever_the_thread_drew_before() {
        let cards = cards_to_check();
        let fresh: Vec<Vec<u8>> = std::thread::scope(|s| {
            cards
                .iter()
                .map(|t| s.spawn(|| render(t)))
                .collect::<Vec<_>>()
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        // On this thread, after each other, twice: nothing left on the canvas from the last.
        for _ in 0..2 {
            for (t, want) in cards.iter().zip(&fresh) {
                assert_eq!(&render(t), want, "{t:?}");
            }
        }
    }

    #[test]
    fn the_coverage_bits_agree_with_the_fonts_and_decide_what_is_drawable() {
        for (cell, bytes, covers) in
            [(&BOLD_FACE, BOLD, &BOLD_COVERS), (&REGULAR_FACE, REGULAR, &REGULAR_COVERS)]
        {
            let f = face(cell, bytes);
            let bits = covered(covers, f);
            for c in (0..COVERS_END).filter_map(char::from_u32) {
                let bit = bits[c as usize / 64] & (1 << (c as usize % 64)) != 0;
                assert_eq!(bit, f.glyph_index(c).is_some(), "U+{:04X}", c as u32);
            }
        }
        assert!(text("Khuyến học, khuyến tài – “xã hội học tập”…").drawable());
        assert!(!text("ការលើកទឹកចិត្តការសិក្សា").drawable(), "Khmer: not in Be Vietnam Pro");
        assert!(!text("Học tập 📚").drawable(), "an emoji, above the bits, asked of the font");
        let mut muted = text("Khuyến học");
        muted.section = "ការសិក្សា".into();
        assert!(!muted.drawable(), "the section is drawn in the regular face");
    }

    #[test]
    fn a_changed_word_changes_the_card_and_its_name() {
        let a = render(&text("Xây dựng gia đình học tập"));
        let b = render(&text("Xây dựng dòng họ học tập"));
        let (_, _, pa) = pixels(&a);
        let (_, _, pb) = pixels(&b);
        assert!(pa.iter().zip(&pb).filter(|(x, y)| x != y).count() > 1000);
        assert_ne!(text("Xây dựng gia đình học tập").file(), text("Xây dựng dòng họ học tập").file());
    }

    #[test]
    fn names_stay_the_same_from_one_build_to_the_next() {
        // FNV-1a of fixed bytes: a change here is a change of every card's address (and of
        // the cache); it comes with a new VERSION or new fonts only.
        let t = text("Kết luận 49");
        assert_eq!(t.file(), "anh-chia-se/68595512b5aa1a64.png");
        assert_eq!(t.key(), text("Kết luận 49").key());
        assert_ne!(t.key(), CardText { section: String::new(), ..t.clone() }.key());
        assert_ne!(
            CardText { title: "ab".into(), site: "c".into(), ..Default::default() }.key(),
            CardText { title: "a".into(), site: "bc".into(), ..Default::default() }.key()
        );
    }

    #[test]
    fn stacked_marks_are_the_fonts_own_glyphs_whatever_the_normalization() {
        let bold = face(&BOLD_FACE, BOLD);
        for (composed, decomposed) in
            [("ẩ", "a\u{302}\u{309}"), ("ệ", "e\u{323}\u{302}"), ("ờ", "o\u{31b}\u{300}")]
        {
            let c = shape(bold, composed);
            assert_eq!(c.glyphs.len(), 1, "{composed}");
            assert_ne!(c.glyphs[0].0, 0, "{composed} is in the font");
            let base = shape(bold, &decomposed[..1]).glyphs[0].0;
            let (mark, plain) = (
                bold.glyph_bounding_box(GlyphId(c.glyphs[0].0)).expect("outline"),
                bold.glyph_bounding_box(GlyphId(base)).expect("outline"),
            );
            // The marks stand above the letter (and ệ's dot below it), not on it.
            assert!(mark.y_max > plain.y_max + 100, "{composed}: {mark:?} / {plain:?}");
            // A title written decomposed is drawn the same.
            assert_eq!(
                render(&text(&format!("Chữ {composed}"))),
                render(&text(&format!("Chữ {decomposed}")))
            );
        }
        let dot = bold.glyph_bounding_box(GlyphId(shape(bold, "ệ").glyphs[0].0)).expect("outline");
        let e = bold.glyph_bounding_box(GlyphId(shape(bold, "e").glyphs[0].0)).expect("outline");
        assert!(dot.y_min < e.y_min - 50, "the dot of ệ is below the letter");
    }

    #[test]
    fn titles_wrap_between_syllables_and_shrink_then_end_in_an_ellipsis() {
        let bold = face(&BOLD_FACE, BOLD);
        let width = WIDTH as f32 - 2.0 * MARGIN;
        let short = "Xây dựng gia đình học tập";
        let long = "Mỗi cán bộ, đảng viên trở thành công dân học tập: những điều cần biết về Kết luận số 49-KL/TW của Ban Bí thư về tiếp tục đẩy mạnh";
        let (s1, l1) = layout_title(bold, short, width, 350.0);
        let (s2, l2) = layout_title(bold, long, width, 350.0);
        assert_eq!(s1, TITLE_MAX);
        assert!(s2 < s1, "a long title is set smaller ({s2})");
        for (title, lines, size) in [(short, &l1, s1), (long, &l2, s2)] {
            // Every line is whole syllables of the title, in order, and fits.
            assert_eq!(lines.join(" "), title, "{lines:?}");
            for line in lines {
                assert!(width_of(bold, line, size) <= width, "{line}");
            }
        }
        let endless = "học tập suốt đời ".repeat(30);
        let (s3, l3) = layout_title(bold, &endless, width, 350.0);
        assert_eq!(s3, TITLE_MIN);
        let last = l3.last().expect("lines");
        assert!(last.ends_with('…'), "{last}");
        let words: Vec<&str> = endless.split_whitespace().collect();
        for w in l3.join(" ").trim_end_matches('…').split(' ') {
            assert!(words.contains(&w), "`{w}` is a whole syllable");
        }
        assert!((l3.len() as f32 - 1.0) * s3 * 1.25 + s3 <= 350.0);
        // A word wider than a line (an address) is never cut: the size goes lower.
        let (s4, l4) = layout_title(
            bold,
            "https://khuyenhoc.example.vn/bai-viet/mot-dia-chi-rat-dai-khong-co-dau-cach/",
            width,
            350.0,
        );
        assert!(s4 < TITLE_MIN && l4.len() == 1, "{s4} {l4:?}");
    }

    #[test]
    fn the_cache_gives_back_a_card_made_before_and_replaces_a_broken_one() {
        let dir = tempfile::tempdir().expect("tmp");
        let t = text("Học tập suốt đời");
        let pack = open_cache(dir.path());
        let made = cached(t.key(), &t, Some(&pack));
        assert_eq!(made, render(&t));
        drop(pack);
        // What the cache holds is what is given back (not made again): a pack holding other
        // bytes under this key gives those.
        let other = render(&text("Khuyến học"));
        let pack = open_cache(dir.path());
        assert_eq!(cached(t.key(), &t, Some(&pack)), made);
        pack.put(t.key(), &other);
        drop(pack);
        assert_eq!(cached(t.key(), &t, Some(&open_cache(dir.path()))), other);
        // A card whose bytes are damaged in the pack is made again.
        let path = dir.path().join(super::super::card_cache::FILE);
        let mut bytes = std::fs::read(&path).expect("pack");
        let n = bytes.len();
        bytes[n - 100] ^= 1;
        std::fs::write(&path, &bytes).expect("write");
        assert_eq!(cached(t.key(), &t, Some(&open_cache(dir.path()))), made);
        // Nor one of another drawing (an older loa): its pack starts again.
        let pack = Pack::open(dir.path(), DRAWING - 1);
        pack.put(t.key(), &other);
        drop(pack);
        assert_eq!(cached(t.key(), &t, Some(&open_cache(dir.path()))), made);
        // A cache that cannot be written still gives the card.
        assert_eq!(cached(t.key(), &t, Some(&open_cache(&dir.path().join("no/such\0dir")))), made);
        assert_eq!(cached(t.key(), &t, None), made);
    }
}
