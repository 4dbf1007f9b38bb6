//! Every local `<img>` of a page's HTML (Markdown images, figures of shortcodes, raw HTML)
//! found, and turned into its responsive form: a `<picture>` with a WebP `<source>`, `srcset`
//! and `sizes`, `width`/`height` (no layout shift), `loading="lazy"` and `decoding="async"`
//! but for the page's first image. Pure: HTML and the made images in, HTML out. Tags that are
//! not local raster images (other hosts, `data:`, SVG, an `<img>` that already has a `srcset`)
//! stay as they are. A `<video>`'s local poster becomes one made copy of it (a poster has no
//! `srcset`), and gives the player its width and height.

use std::collections::BTreeMap;

use super::strip::Format;

/// One published form of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// Its URL (base path included).
    pub url: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Its format.
    pub format: Format,
}

/// What a page may show of one source image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// The upright original's width.
    pub width: u32,
    /// The upright original's height.
    pub height: u32,
    /// The smaller copies, ascending width; empty when the image is published as it is (an
    /// animated GIF).
    pub forms: Vec<Form>,
}

/// An `<img>` tag found in HTML: its byte range and its attributes as written (values
/// unescaped of nothing: they are copied back as they were).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Byte range of `<img …>` in the HTML.
    pub range: std::ops::Range<usize>,
    /// Attribute name (lower case) → raw value (without quotes), in order.
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    /// The raw value of an attribute.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Every `<img>` tag of the HTML, in order. HTML comments are skipped.
pub fn img_tags(html: &str) -> Vec<Tag> {
    tags_named(html, "img")
}

/// Every `<video>` tag of the HTML that has a `poster`, in order.
pub fn poster_tags(html: &str) -> Vec<Tag> {
    let mut tags = tags_named(html, "video");
    tags.retain(|t| t.get("poster").is_some_and(|p| !p.is_empty()));
    tags
}

/// Whether the HTML may hold a tag of one of `names` (lower case): a `<` followed by the name
/// in any case. (A name inside a comment counts: a quick filter before [`img_tags`].)
pub fn has_tag(html: &str, names: &[&str]) -> bool {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(k) = b[i..].iter().position(|&c| c == b'<') {
        let at = i + k + 1;
        if names.iter().any(|n| b.get(at..at + n.len()).is_some_and(|w| w.eq_ignore_ascii_case(n.as_bytes())))
        {
            return true;
        }
        i = at;
    }
    false
}

/// Every tag `name` (lower case) of the HTML, in order. HTML comments are skipped.
fn tags_named(html: &str, name: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let after = name.len() + 1;
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = html[i..].find('<') {
        let start = i + k;
        if html[start..].starts_with("<!--") {
            i = html[start..].find("-->").map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let named = html.get(start + 1..start + after).is_some_and(|n| n.eq_ignore_ascii_case(name))
            && b.get(start + after).is_some_and(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/');
        if !named {
            i = start + 1;
            continue;
        }
        let Some((attrs, end)) = attributes(html, start + after) else { break };
        out.push(Tag { range: start..end, attrs });
        i = end;
    }
    out
}

/// Reads attributes from `i` up to the closing `>`; gives them and the index after `>`.
fn attributes(html: &str, mut i: usize) -> Option<(Vec<(String, String)>, usize)> {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace() || *c == b'/') {
            i += 1;
        }
        match b.get(i)? {
            b'>' => return Some((attrs, i + 1)),
            _ => {
                let name_start = i;
                while b.get(i).is_some_and(|c| !c.is_ascii_whitespace() && !b"=>/".contains(c)) {
                    i += 1;
                }
                let name = html[name_start..i].to_ascii_lowercase();
                while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                let mut value = String::new();
                if b.get(i) == Some(&b'=') {
                    i += 1;
                    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    match b.get(i)? {
                        q @ (b'"' | b'\'') => {
                            let end = i + 1 + html[i + 1..].find(char::from(*q))?;
                            value = html[i + 1..end].to_string();
                            i = end + 1;
                        }
                        _ => {
                            let s = i;
                            while b.get(i).is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>') {
                                i += 1;
                            }
                            value = html[s..i].to_string();
                        }
                    }
                }
                if name.is_empty() {
                    i += 1;
                } else {
                    attrs.push((name, value));
                }
            }
        }
    }
}

/// The output path (`bai-viet/x/anh.jpg`) an `<img src>` points at, when it is a file of this
/// site: a site path under `base_path`, or a path relative to the page at `page_url`
/// (`/bai-viet/x/`). `None` for other hosts, `data:` and other schemes.
pub fn output_path(src: &str, page_url: &str, base_path: &str) -> Option<String> {
    let src = src.replace("&amp;", "&");
    let src = src.split(['?', '#']).next().unwrap_or("");
    if src.is_empty() || src.starts_with("//") || src.contains(':') {
        return None;
    }
    let joined = if let Some(abs) = src.strip_prefix('/') {
        let abs = format!("/{abs}");
        abs.strip_prefix(base_path).unwrap_or(&abs).to_string()
    } else {
        let dir = page_url.strip_prefix(base_path).unwrap_or(page_url);
        let dir = &dir[..dir.rfind('/').map_or(0, |k| k + 1)];
        format!("{dir}{src}")
    };
    let mut parts: Vec<String> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(percent_decode(p)),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) =
                (b.get(i + 1).and_then(|c| hex(*c)), b.get(i + 2).and_then(|c| hex(*c)))
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// How the page's images are written.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The `sizes` attribute (from the theme).
    pub sizes: &'a str,
    /// The page's URL (`/bai-viet/x/`, base path included), for relative sources.
    pub page_url: &'a str,
    /// The site's base path (`""` or `/tin-tuc`).
    pub base_path: &'a str,
    /// Whether the first image may load at once (a page's body); `false` in summaries.
    pub eager_first: bool,
}

/// The HTML with each local `<img>` whose output path is in `pictures` in its responsive
/// form. Gives the HTML unchanged (same allocation) when there is nothing to change.
pub fn rewrite(html: &str, pictures: &BTreeMap<String, Picture>, o: Options<'_>) -> Option<String> {
    let tags = img_tags(html);
    let mut out = String::with_capacity(html.len() + tags.len() * 400);
    let mut last = 0;
    let mut first = o.eager_first;
    let mut changed = false;
    for tag in tags {
        let eager = std::mem::take(&mut first);
        if tag.get("srcset").is_some() {
            continue;
        }
        let Some(path) = tag.get("src").and_then(|s| output_path(s, o.page_url, o.base_path)) else {
            continue;
        };
        let Some(pic) = pictures.get(&path) else { continue };
        out.push_str(&html[last..tag.range.start]);
        out.push_str(&picture(&tag, pic, o.sizes, eager));
        last = tag.range.end;
        changed = true;
    }
    let posters = |html: &str| posters(html, pictures, o);
    if !changed {
        return posters(html);
    }
    out.push_str(&html[last..]);
    Some(posters(&out).unwrap_or(out))
}

/// The HTML with the local poster of each `<video>` (in `pictures`) replaced by one of its
/// made forms, and the player given the poster's width and height when it has none.
fn posters(html: &str, pictures: &BTreeMap<String, Picture>, o: Options<'_>) -> Option<String> {
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for tag in poster_tags(html) {
        let Some(path) = tag.get("poster").and_then(|s| output_path(s, o.page_url, o.base_path)) else {
            continue;
        };
        let Some(form) = pictures.get(&path).and_then(poster_form) else { continue };
        out.push_str(&html[last..tag.range.start]);
        out.push_str("<video");
        for (name, value) in &tag.attrs {
            match (name.as_str(), value.as_str()) {
                ("poster", _) => out.push_str(&format!(" poster=\"{}\"", attr(&form.url))),
                (_, "") => out.push_str(&format!(" {name}")),
                _ => out.push_str(&format!(" {name}=\"{value}\"")),
            }
        }
        if tag.get("width").is_none() && tag.get("height").is_none() {
            out.push_str(&format!(" width=\"{}\" height=\"{}\"", form.width, form.height));
        }
        out.push('>');
        last = tag.range.end;
    }
    if last == 0 {
        return None;
    }
    out.push_str(&html[last..]);
    Some(out)
}

/// The form a poster shows: a WebP copy as wide as a phone's screen at twice its density (the
/// narrowest of at least 960 pixels), else the widest.
fn poster_form(pic: &Picture) -> Option<&Form> {
    let webp = || pic.forms.iter().filter(|f| f.format == Format::WebP);
    webp().find(|f| f.width >= 960).or_else(|| webp().next_back())
}

fn picture(tag: &Tag, pic: &Picture, sizes: &str, eager: bool) -> String {
    let srcset = |f: Format| {
        let list: Vec<String> = pic
            .forms
            .iter()
            .filter(|x| x.format == f)
            .map(|x| format!("{} {}w", attr(&x.url), x.width))
            .collect();
        list.join(", ")
    };
    let fallback = pic.forms.iter().map(|f| f.format).find(|f| *f != Format::WebP).unwrap_or(Format::WebP);
    let largest = pic.forms.iter().rev().find(|f| f.format == fallback);
    let mut img = String::from("<img");
    for (name, value) in &tag.attrs {
        if matches!(name.as_str(), "src" | "loading" | "decoding" | "sizes") {
            continue;
        }
        img.push_str(&format!(" {name}=\"{value}\""));
    }
    match largest {
        Some(f) => img.push_str(&format!(
            " src=\"{}\" srcset=\"{}\" sizes=\"{}\"",
            attr(&f.url),
            srcset(fallback),
            attr(sizes)
        )),
        None => img.push_str(&format!(" src=\"{}\"", tag.get("src").unwrap_or(""))),
    }
    if tag.get("width").is_none() && tag.get("height").is_none() {
        let (w, h) = largest.map_or((pic.width, pic.height), |f| (f.width, f.height));
        img.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    if !eager {
        img.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    img.push('>');
    if fallback == Format::WebP || largest.is_none() {
        return img;
    }
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{}\">{img}</picture>",
        srcset(Format::WebP),
        attr(sizes)
    )
}

/// A value for a double-quoted attribute.
fn attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pic() -> Picture {
        let form = |w: u32, f: Format| Form {
            url: format!("/a/x.{w}.{}", f.ext()),
            width: w,
            height: w * 3 / 4,
            format: f,
        };
        Picture {
            width: 4000,
            height: 3000,
            forms: vec![
                form(480, Format::Jpeg),
                form(480, Format::WebP),
                form(960, Format::Jpeg),
                form(960, Format::WebP),
            ],
        }
    }

    #[test]
    fn has_tag_finds_a_name_in_any_case_and_nothing_else() {
        assert!(has_tag("<p>a</p><IMG src=a.jpg>", &["img", "video"]));
        assert!(has_tag("<Video poster=x>", &["img", "video"]));
        assert!(!has_tag("<p>img and video, <b>no tags</b></p>", &["img", "video"]));
        assert!(!has_tag("", &["img"]));
        assert!(!has_tag("<im", &["img"]));
    }

    #[test]
    fn img_tags_reads_quoted_unquoted_and_bare_attributes() {
        let tags = img_tags("<p><IMG src=a.jpg alt='x > y' hidden><!-- <img src=b> --><img src=\"c\"/></p>");
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0].get("src"), Some("a.jpg"));
        assert_eq!(tags[0].get("alt"), Some("x > y"));
        assert_eq!(tags[0].get("hidden"), Some(""));
        assert_eq!(tags[1].get("src"), Some("c"));
    }

    #[test]
    fn sources_resolve_to_output_paths() {
        assert_eq!(output_path("anh.jpg", "/b/x/", ""), Some("b/x/anh.jpg".into()));
        assert_eq!(output_path("/tin/anh/a%20b.jpg", "/tin/b/", "/tin"), Some("anh/a b.jpg".into()));
        assert_eq!(output_path("../y/a.png?v=1", "/b/x/", ""), Some("b/y/a.png".into()));
        assert_eq!(output_path("https://x.vn/a.jpg", "/", ""), None);
        assert_eq!(output_path("//x.vn/a.jpg", "/", ""), None);
        assert_eq!(output_path("data:image/png;base64,AA", "/", ""), None);
        assert_eq!(output_path("../../../a.jpg", "/b/", ""), None);
    }

    #[test]
    fn the_first_image_loads_at_once_and_the_others_lazily() {
        let mut pictures = BTreeMap::new();
        pictures.insert("a/x.jpg".to_string(), pic());
        let o = Options { sizes: "100vw", page_url: "/a/", base_path: "", eager_first: true };
        let html = "<p><img src=\"x.jpg\" alt=\"Một &quot;ảnh&quot;\"></p><img src=\"/a/x.jpg\" alt=\"\">";
        let out = rewrite(html, &pictures, o).expect("changed");
        let first = &out[..out.find("</picture>").expect("picture")];
        assert!(first.starts_with("<p><picture><source type=\"image/webp\" srcset=\"/a/x.480.webp 480w, /a/x.960.webp 960w\" sizes=\"100vw\">"), "{out}");
        assert!(first.contains("alt=\"Một &quot;ảnh&quot;\" src=\"/a/x.960.jpg\" srcset=\"/a/x.480.jpg 480w, /a/x.960.jpg 960w\" sizes=\"100vw\" width=\"960\" height=\"720\">"), "{out}");
        assert!(!first.contains("lazy"), "{out}");
        let second = &out[out.find("</picture>").expect("p")..];
        assert!(second.contains("loading=\"lazy\" decoding=\"async\""), "{out}");
        let o = Options { eager_first: false, ..o };
        assert_eq!(rewrite(html, &pictures, o).expect("changed").matches("loading=\"lazy\"").count(), 2);
    }

    #[test]
    fn a_video_poster_is_a_made_copy_and_gives_the_player_its_size() {
        let mut pictures = BTreeMap::new();
        pictures.insert("a/x.jpg".to_string(), pic());
        let o = Options { sizes: "100vw", page_url: "/a/", base_path: "", eager_first: true };
        let html = "<figure><video controls preload=\"none\" poster=\"x.jpg\" aria-label=\"Một &quot;video&quot;\"><source src=\"v.mp4\"></video></figure>";
        assert_eq!(
            rewrite(html, &pictures, o).expect("changed"),
            "<figure><video controls preload=\"none\" poster=\"/a/x.960.webp\" aria-label=\"Một &quot;video&quot;\" width=\"960\" height=\"720\"><source src=\"v.mp4\"></video></figure>"
        );
        // A size written stays; a poster of another host, or not made, stays as it is.
        let sized = "<video poster=\"/a/x.jpg\" width=\"16\" height=\"9\"></video><img src=\"x.jpg\">";
        let out = rewrite(sized, &pictures, o).expect("changed");
        assert!(
            out.starts_with("<video poster=\"/a/x.960.webp\" width=\"16\" height=\"9\"></video><picture>"),
            "{out}"
        );
        assert_eq!(
            rewrite("<video poster=\"https://x.vn/p.jpg\"></video><video poster=\"y.jpg\">", &pictures, o),
            None
        );
    }

    #[test]
    fn foreign_and_already_responsive_images_are_left_alone() {
        let mut pictures = BTreeMap::new();
        pictures.insert("a/x.jpg".to_string(), pic());
        let o = Options { sizes: "100vw", page_url: "/a/", base_path: "", eager_first: true };
        assert_eq!(
            rewrite("<img src=\"https://x.vn/x.jpg\"><img src=x.jpg srcset=\"x.jpg 1x\">", &pictures, o),
            None
        );
    }
}
