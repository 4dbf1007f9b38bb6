//! The Markdown rules of `loa check`, over the pulldown-cmark events of a body parsed with the
//! build's own options (a heading, an image or a code block is what the build renders as
//! one): heading levels that skip, images without alt text, blockquotes and lists nested too
//! deep, code fences in an unknown language (strict), and images missing from the output. It
//! also finds, for the other rules, what only a parse can tell: where a body's code is (the
//! text rules skip it), the images and links of a page (missing images, external links) and
//! whether an article has an opening paragraph (summaries).
//!
//! Takes a body and the file line it starts at; gives diagnostics at file-absolute
//! line:column: block rules (headings, nesting, code fences) at the line where the block
//! starts, column 1; images at their `!`. Must not scan the text by lines or with regular
//! expressions, and must not read files or the network.

use std::cell::OnceCell;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Blockquote or list nesting deeper than this is warned (each level multiplies the HTML).
const MAX_NESTING: usize = 16;

/// The events of a body with their byte ranges, parsed as the build parses it.
fn events(body: &str) -> pulldown_cmark::OffsetIter<'_> {
    Parser::new_ext(body, crate::markdown::parser_options()).into_offset_iter()
}

/// Maps byte offsets of a body to file-absolute (line, column), as `crate::markdown` does for
/// the build's own diagnostics.
struct Lines<'a> {
    text: &'a str,
    /// Where each line starts, found on the first question (most bodies never ask).
    starts: OnceCell<Vec<usize>>,
    first_line: usize,
    file: &'a str,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, first_line: usize, file: &'a str) -> Self {
        Lines { text, starts: OnceCell::new(), first_line, file }
    }

    /// The line index (0-based, in the body) and the byte where that line starts.
    fn line_start(&self, offset: usize) -> (usize, usize) {
        let starts = self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        });
        let idx = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        (idx, starts[idx])
    }

    /// The place of `offset`: file line and column (in characters, from 1).
    fn at(&self, offset: usize) -> Location {
        let (idx, start) = self.line_start(offset);
        let col = self.text.get(start..offset.min(self.text.len())).map_or(1, |s| s.chars().count() + 1);
        Location::at(self.file, self.first_line + idx, col)
    }

    /// The line of `offset`, column 1 (for rules about a whole block).
    fn line(&self, offset: usize) -> Location {
        Location::at(self.file, self.first_line + self.line_start(offset).0, 1)
    }
}

/// What the body rules find in one source file.
pub(super) struct Body {
    /// Skipped heading levels, images without alt text, too deep nesting, unknown code
    /// languages (strict).
    pub diags: Diagnostics,
    /// Byte ranges of the body's code, in order: code blocks with their fences, code spans
    /// with their backticks.
    pub code: Vec<Range<usize>>,
}

/// Heading levels, image alt text, nesting depth and (strict) code languages of one file's
/// body, which starts at file line `body_line`.
pub(super) fn scan_body(body: &str, body_line: usize, file: &str, strict: bool) -> Body {
    let lines = Lines::new(body, body_line, file);
    let mut out = Body { diags: Diagnostics::new(), code: Vec::new() };
    // The page title is the h1 of the template: body headings start at h2.
    let mut previous = 1usize;
    // Blockquotes and lists open here.
    let mut depth = 0usize;
    let mut deep_warned = false;
    // Images open here (an alt text may hold another image): where each starts, and its alt
    // text so far (the text the build writes in `alt`).
    let mut images: Vec<(usize, String)> = Vec::new();
    for (event, range) in events(body) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = level as usize;
                if level > previous + 1 {
                    out.diags.push(
                        Diagnostic::warning(
                            "heading-skip",
                            lines.line(range.start),
                            format!(
                                "tiêu đề cấp {level} ngay sau cấp {previous}: bỏ qua cấp {}",
                                previous + 1
                            ),
                        )
                        .with_hint(format!(
                            "dùng `{}` cho mục này; trình đọc màn hình dựa vào thứ tự các cấp",
                            "#".repeat(previous + 1)
                        )),
                    );
                }
                previous = level;
            }
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                depth += 1;
                if depth > MAX_NESTING && !deep_warned {
                    deep_warned = true;
                    out.diags.push(
                        Diagnostic::warning(
                            "nesting-depth",
                            lines.line(range.start),
                            format!(
                                "trích dẫn hoặc danh sách lồng nhau quá {MAX_NESTING} cấp: trang nặng và khó đọc"
                            ),
                        )
                        .with_hint("giảm số cấp lồng nhau (thường do dán văn bản từ thư điện tử)"),
                    );
                }
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(kind)) => {
                if strict && let CodeBlockKind::Fenced(info) = &kind {
                    // The language as the build reads it from the info string.
                    let lang = info.split([' ', ',', '{']).next().unwrap_or("");
                    if !lang.is_empty() && !crate::markdown::highlight::is_known_language(lang) {
                        out.diags.push(
                            Diagnostic::warning(
                                "code-language",
                                lines.line(range.start),
                                format!(
                                    "ngôn ngữ `{lang}` của khối mã không được nhận ra; mã hiện không tô màu"
                                ),
                            )
                            .with_hint("sửa tên ngôn ngữ (ví dụ `rust`, `python`, `yaml`) hoặc bỏ trống"),
                        );
                    }
                }
                out.code.push(range);
            }
            Event::Start(Tag::Image { .. }) => images.push((range.start, String::new())),
            Event::End(TagEnd::Image) => {
                if let Some((start, alt)) = images.pop()
                    && alt.trim().is_empty()
                {
                    out.diags.push(
                        Diagnostic::warning("image-alt", lines.at(start), "ảnh không có mô tả (alt)")
                            .with_hint(
                                "viết mô tả trong ngoặc vuông: `![Lễ ký kết tại hội trường](anh.jpg)`",
                            ),
                    );
                }
            }
            Event::Code(t) => {
                for (_, alt) in &mut images {
                    alt.push_str(&t);
                }
                out.code.push(range);
            }
            Event::Text(t) => {
                for (_, alt) in &mut images {
                    alt.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// What the rules on pages need from a page's body.
#[derive(Debug, Default, PartialEq)]
pub(super) struct PageBody {
    /// Every image, by destination and place (its `!`), in order.
    pub images: Vec<(String, Location)>,
    /// Every link or image to another site (`http://`, `https://`), by URL and place, in
    /// order.
    pub external: Vec<(String, Location)>,
    /// A paragraph with text outside images, or a `<!-- more -->` marker: something a feed
    /// can show when there is no `summary:`.
    pub opening: bool,
}

/// The images, the links to other sites and the opening of a page's body, which starts at file
/// line `body_line`.
pub(super) fn scan_page(body: &str, body_line: usize, file: &str) -> PageBody {
    let lines = Lines::new(body, body_line, file);
    let mut out = PageBody::default();
    let external = |url: &str| url.starts_with("http://") || url.starts_with("https://");
    let mut in_paragraph = false;
    let mut in_images = 0usize;
    // Bare addresses are linked by the build in running text (not in links or code): each
    // stretch of text is looked at whole, as the build joins its pieces.
    let mut in_links = 0usize;
    let mut in_code = false;
    let mut text: Option<std::ops::Range<usize>> = None;
    let bare = |text: &mut Option<std::ops::Range<usize>>, out: &mut PageBody| {
        if let Some(r) = text.take() {
            let before = body[..r.start].chars().next_back();
            for (at, url) in crate::markdown::bare_web_addresses(&body[r.clone()], before) {
                out.external.push((url, lines.at(r.start + at.start)));
            }
        }
    };
    for (event, range) in events(body) {
        match &event {
            Event::Text(_) if in_links == 0 && in_images == 0 && !in_code => match &mut text {
                Some(r) if r.end == range.start => r.end = range.end,
                _ => {
                    bare(&mut text, &mut out);
                    text = Some(range.clone());
                }
            },
            _ => bare(&mut text, &mut out),
        }
        match event {
            Event::Start(Tag::Link { .. }) => in_links += 1,
            Event::End(TagEnd::Link) => in_links = in_links.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                in_images += 1;
                let at = lines.at(range.start);
                if external(&dest_url) {
                    out.external.push((dest_url.to_string(), at.clone()));
                }
                out.images.push((dest_url.into_string(), at));
            }
            Event::End(TagEnd::Image) => in_images = in_images.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) if external(&dest_url) => {
                out.external.push((dest_url.into_string(), lines.at(range.start)));
            }
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) => in_paragraph = false,
            Event::Text(t) | Event::Code(t) if in_paragraph && in_images == 0 && !t.trim().is_empty() => {
                out.opening = true;
            }
            // The marker as the build finds it.
            Event::Html(h) | Event::InlineHtml(h) if matches!(h.trim(), "<!-- more -->" | "<!--more-->") => {
                out.opening = true;
            }
            _ => {}
        }
    }
    bare(&mut text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diagnostics of the body rules on `text`, a body starting at `body_line`.
    fn check_body(text: &str, body_line: usize, file: &str, strict: bool) -> Diagnostics {
        scan_body(text, body_line, file, strict).diags
    }

    #[test]
    fn heading_skips_and_missing_alt() {
        let d = check_body("## a\n#### b\n```\n# not a heading\n```\n![](x.png)\n", 1, "f", false);
        let codes: Vec<_> = d.iter().map(|d| (d.code, d.location.as_ref().map(|l| l.line))).collect();
        assert_eq!(codes, [("heading-skip", Some(2)), ("image-alt", Some(6))]);
    }

    /// (code, line, column) of each diagnostic.
    fn places(d: &Diagnostics) -> Vec<(&'static str, usize, usize)> {
        d.iter().map(|d| d.location.as_ref().map_or((d.code, 0, 0), |l| (d.code, l.line, l.column))).collect()
    }

    #[test]
    fn places_are_file_lines_and_character_columns() {
        // A body starting at file line 6, as after a four-line front matter.
        let d = check_body("Ảnh đẹp: ![](a.png) và ![ ](b.png)\n\n## Mục\n\n#### Sâu\n", 6, "f", false);
        assert_eq!(places(&d), [("image-alt", 6, 10), ("image-alt", 6, 24), ("heading-skip", 10, 1)]);
    }

    #[test]
    fn headings_are_found_where_the_build_makes_them() {
        // Inside a list item or a quote (the line scanner only saw `#` at column 1).
        let d = check_body("## a\n\n- #### b\n\n> ###### c\n", 1, "f", false);
        assert_eq!(places(&d), [("heading-skip", 3, 1), ("heading-skip", 5, 1)]);
        // A setext heading is a level too: `####` after it skips from 2, not from 1.
        let d = check_body("Mục\n---\n\n#### b\n", 1, "f", false);
        assert!(d.0[0].message.contains("cấp 4 ngay sau cấp 2"), "{d}");
        // Not headings: indented code, `#` without a space, HTML.
        let d = check_body("    #### a\n\n#### b không\n\n<div>\n#### c\n</div>\n", 1, "f", false);
        assert_eq!(places(&d), [("heading-skip", 3, 1)]);
        let d = check_body("#hashtag\n\n<div>\n#### c\n</div>\n", 1, "f", false);
        assert!(d.is_empty(), "{d}");
    }

    #[test]
    fn images_are_those_of_the_parse() {
        // Inside a link, by reference, with an angle-bracket destination: found.
        let d = check_body(
            "[![](a.png)](https://x.vn) ![][logo] ![](<b c.png>)\n\n[logo]: l.png\n",
            1,
            "f",
            false,
        );
        assert_eq!(places(&d), [("image-alt", 1, 2), ("image-alt", 1, 28), ("image-alt", 1, 38)]);
        // In a code span or an indented code block: text, not images (the line scanner
        // warned on both). Alt text made of code, or of a nested image's alt, is alt text.
        let d = check_body(
            "`![](a.png)`\n\n    ![](b.png)\n\n![`x`](c.png) ![![y](d.png)](e.png)\n",
            1,
            "f",
            false,
        );
        assert!(d.is_empty(), "{d}");
    }

    #[test]
    fn nesting_counts_quotes_and_lists_together() {
        let deep = |n: usize| format!("a\n\n{}x\n", "> ".repeat(n));
        assert!(check_body(&deep(16), 1, "f", false).is_empty());
        assert_eq!(places(&check_body(&deep(17), 4, "f", false)), [("nesting-depth", 6, 1)]);
        // Lists nested by four spaces: 10 levels are not 17 (the line scanner warned from
        // 32 spaces of indent, here level 9).
        let list: String = (0..10).map(|i| format!("{}- x\n", "    ".repeat(i))).collect();
        assert!(check_body(&list, 1, "f", false).is_empty());
        let list: String = (0..17).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
        assert_eq!(places(&check_body(&list, 1, "f", false)), [("nesting-depth", 17, 1)]);
        // Quotes in lists in quotes: 9 quotes and 8 lists are 17 levels (the line scanner
        // counted each kind alone).
        let mixed = format!("{}{}x\n", "> ".repeat(9), "- ".repeat(8));
        assert_eq!(places(&check_body(&mixed, 1, "f", false)), [("nesting-depth", 1, 1)]);
        // `>` in code is not a quote: in a fenced block (as before) or an indented one (the
        // line scanner counted those).
        let code = format!("```\n{0}x\n```\n\n    {0}x\n", "> ".repeat(20));
        assert!(check_body(&code, 1, "f", false).is_empty());
    }

    #[test]
    fn code_languages_are_those_of_real_fences() {
        let body = "```khong-co\nx\n```\n\n- ```cung-khong\n  y\n  ```\n\n````md\n```trong-vi-du\n````\n\n``` rust\nz\n```\n";
        assert!(check_body(body, 1, "f", false).is_empty(), "only with strict");
        let d = check_body(body, 1, "f", true);
        // A fence in a list item is one (the line scanner missed it); a fence line inside a
        // code block is code; the info string is read as the build reads it (trimmed).
        assert_eq!(places(&d), [("code-language", 1, 1), ("code-language", 5, 1)]);
        assert!(d.0[1].message.contains("`cung-khong`"), "{d}");
        // A space before the language: the build reads `khong` (the line scanner read none).
        assert_eq!(places(&check_body("``` khong\nz\n```\n", 1, "f", true)), [("code-language", 1, 1)]);
    }

    #[test]
    fn code_ranges_cover_blocks_with_their_fences_and_spans_with_their_backticks() {
        let body = "a `b` c\n\n```\nx\n```\n\n    y\n";
        let code: Vec<&str> = scan_body(body, 1, "f", false).code.iter().map(|r| &body[r.clone()]).collect();
        assert_eq!(code, ["`b`", "```\nx\n```", "y\n"]);
    }

    #[test]
    fn bare_web_addresses_are_external_links_as_the_build_makes_them() {
        let body = "Trang https://hoikhuyenhoc.vn/tin_tuc/a?x=1, và www.example.vn.\n\n\
                    [https://link.vn](https://link.vn) `https://code.vn` ![www.anh.vn](a.jpg) a@b.vn\n\n\
                    ```\nhttps://block.vn\n```\n";
        let p = scan_page(body, 5, "f");
        let urls: Vec<(&str, Location)> = p.external.iter().map(|(u, l)| (u.as_str(), l.clone())).collect();
        assert_eq!(
            urls,
            [
                ("https://hoikhuyenhoc.vn/tin_tuc/a?x=1", Location::at("f", 5, 7)),
                ("http://www.example.vn", Location::at("f", 5, 49)),
                ("https://link.vn", Location::at("f", 7, 1)),
            ]
        );
    }

    #[test]
    fn page_images_links_and_opening() {
        let body = "Xem [a](http://x.vn/a) và <https://y.vn>, [r][r], `[c](http://code.vn)`.\n\n![Ảnh](anh.jpg) ![Ngoài](https://z.vn/b.png)\n\n[r]: https://ref.vn\n";
        let p = scan_page(body, 5, "f");
        let at = |l, c| Location::at("f", l, c);
        assert_eq!(
            p.images,
            [("anh.jpg".to_string(), at(7, 1)), ("https://z.vn/b.png".to_string(), at(7, 17))]
        );
        // Links start at their `[` or `<` (the line scanner placed inline links at their `]`).
        let urls: Vec<(&str, Location)> = p.external.iter().map(|(u, l)| (u.as_str(), l.clone())).collect();
        assert_eq!(
            urls,
            [
                ("http://x.vn/a", at(5, 5)),
                ("https://y.vn", at(5, 27)),
                ("https://ref.vn", at(5, 43)),
                ("https://z.vn/b.png", at(7, 17)),
            ]
        );
        assert!(p.opening);
    }

    #[test]
    fn an_opening_is_a_paragraph_with_text_or_the_more_marker() {
        let opening = |body: &str| scan_page(body, 1, "f").opening;
        assert!(opening("## Mục\n\nMở đầu.\n"));
        assert!(opening("![Ảnh](a.jpg)\n\n<!-- more -->\n"));
        assert!(opening("Một <!--more--> hai\n"));
        // `!` or `#` starting a line of text (the line scanner skipped such lines).
        assert!(opening("!Chú ý\n"));
        assert!(opening("#hashtag\n"));
        // Nothing a feed can show: headings, images, code, tight lists, tables, HTML (the line
        // scanner took the lines of code blocks, lists, tables and HTML for an opening, and a
        // marker inside code for a marker).
        for body in [
            "## Mục\n",
            "![Ảnh](a.jpg)\n",
            "```\nmã\n```\n",
            "- một\n- hai\n",
            "| a |\n|---|\n| b |\n",
            "<div>\nchữ\n</div>\n",
            "```\n<!-- more -->\n```\n",
        ] {
            assert!(!opening(body), "{body:?}");
        }
    }

    #[test]
    fn image_destinations_are_whole() {
        // Parentheses, spaces in `<...>`, entities: the destination the build links to (the
        // IMAGE regex stopped at the first `)` or space, and `anh(1` was a missing image).
        let p = scan_page("![a](anh(1).jpg) ![b](<anh 2.jpg> \"t\") ![c](a&amp;b.jpg)\n", 1, "f");
        let srcs: Vec<&str> = p.images.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(srcs, ["anh(1).jpg", "anh 2.jpg", "a&b.jpg"]);
    }
}
