//! A body's structure for reading aloud (bulletins, issue 26): headings, paragraphs, list
//! items, figure captions and small tables as plain text, each with its file line.
//!
//! Takes: a body and the file line it starts at. Gives: [`Block`]s in reading order, and the
//! lines of the tables too large to read. Images (their alt text), code, raw HTML and footnote
//! definitions are left out; links are their text; an image's title is its caption; a
//! shortcode is what it shows (`shortcodes::spoken`).
//! Must not: spell anything out (that is `vi::spell`), or touch the file system.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// A table read row by row has at most this many rows (the header not counted) and columns;
/// a larger one is left out with a warning.
pub const MAX_TABLE_ROWS: usize = 8;
/// See [`MAX_TABLE_ROWS`].
pub const MAX_TABLE_COLUMNS: usize = 4;

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading of this level (2–6 in a body; 1 is possible).
    Heading(u8),
    /// A paragraph (in a quote too).
    Paragraph,
    /// An item of a list.
    Item,
    /// An image's caption (its title).
    Caption,
    /// A row of a small table, as "header: cell" pairs.
    Row,
}

/// One block to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What it is.
    pub kind: BlockKind,
    /// Its text; `\n` where the source has a line break, so that a sentence's line can be
    /// counted from the block's.
    pub text: String,
    /// The file line where it starts.
    pub line: usize,
}

/// The blocks of a body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Speech {
    /// In reading order.
    pub blocks: Vec<Block>,
    /// The file line of each table left out for its size.
    pub large_tables: Vec<usize>,
}

/// The blocks of `body`, which starts at file line `first_line`.
pub fn speech(body: &str, first_line: usize) -> Speech {
    // Shortcodes are read as what they show (a figure's caption, a quotation's words), on
    // the lines they are written on.
    let spoken = super::shortcodes::spoken(body, super::parser_options());
    let body = spoken.as_deref().unwrap_or(body);
    let starts: Vec<usize> = body.match_indices('\n').map(|(i, _)| i).collect();
    let line_of = |offset: usize| first_line + starts.partition_point(|&nl| nl < offset);
    let mut out = Speech::default();
    // The block being collected: its kind, text, line; and what is being skipped.
    let mut current: Option<(BlockKind, String, usize)> = None;
    let mut skip = 0usize;
    let mut items = 0usize;
    let mut table: Option<(Vec<Vec<String>>, usize)> = None;
    let mut cell: Option<String> = None;
    let flush = |current: &mut Option<(BlockKind, String, usize)>, out: &mut Speech| {
        if let Some((kind, text, line)) = current.take() {
            let text = text.trim().to_string();
            if !text.is_empty() {
                out.blocks.push(Block { kind, text, line });
            }
        }
    };
    for (event, range) in Parser::new_ext(body, super::parser_options()).into_offset_iter() {
        match event {
            Event::Start(
                Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::FootnoteDefinition(_) | Tag::MetadataBlock(_),
            ) => skip += 1,
            Event::End(
                TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::FootnoteDefinition | TagEnd::MetadataBlock(_),
            ) => skip = skip.saturating_sub(1),
            // An image's alt text is skipped (counted in `skip` by its start).
            Event::End(TagEnd::Image) => skip = skip.saturating_sub(1),
            _ if skip > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut current, &mut out);
                current = Some((BlockKind::Heading(level as u8), String::new(), line_of(range.start)));
            }
            Event::Start(Tag::Paragraph) if items == 0 => {
                flush(&mut current, &mut out);
                current = Some((BlockKind::Paragraph, String::new(), line_of(range.start)));
            }
            Event::Start(Tag::Item) => {
                flush(&mut current, &mut out);
                items += 1;
                current = Some((BlockKind::Item, String::new(), line_of(range.start)));
            }
            Event::End(TagEnd::Item) => {
                flush(&mut current, &mut out);
                items = items.saturating_sub(1);
            }
            Event::Start(Tag::List(_)) if items > 0 => flush(&mut current, &mut out),
            Event::End(TagEnd::Heading(_)) => flush(&mut current, &mut out),
            Event::End(TagEnd::Paragraph) if items == 0 => flush(&mut current, &mut out),
            Event::End(TagEnd::Paragraph) => {
                if let Some((_, text, _)) = &mut current {
                    text.push(' ');
                }
            }
            Event::Start(Tag::Image { title, .. }) => {
                skip += 1;
                if !title.trim().is_empty() {
                    out.blocks.push(Block {
                        kind: BlockKind::Caption,
                        text: title.trim().to_string(),
                        line: line_of(range.start),
                    });
                }
            }
            Event::Start(Tag::Table(_)) => {
                flush(&mut current, &mut out);
                table = Some((Vec::new(), line_of(range.start)));
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                if let Some((rows, _)) = &mut table {
                    rows.push(Vec::new());
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some((rows, _))) = (cell.take(), &mut table)
                    && let Some(row) = rows.last_mut()
                {
                    row.push(c.trim().to_string());
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((rows, line)) = table.take() {
                    read_table(rows, line, &mut out);
                }
            }
            Event::Text(t) => push_text(&mut current, &mut cell, &t),
            Event::Code(_) | Event::InlineHtml(_) | Event::Html(_) | Event::FootnoteReference(_) => {}
            Event::SoftBreak | Event::HardBreak => push_text(&mut current, &mut cell, "\n"),
            _ => {}
        }
    }
    flush(&mut current, &mut out);
    out
}

fn push_text(current: &mut Option<(BlockKind, String, usize)>, cell: &mut Option<String>, t: &str) {
    if let Some(c) = cell {
        c.push_str(&t.replace('\n', " "));
    } else if let Some((_, text, _)) = current {
        text.push_str(t);
    }
}

/// A small table, row by row: the first cell names the row, then the others ("Số hiệu:
/// 49-KL/TW"; with more columns "2022: Số chi bộ 5; Số đảng viên 120"); or its line among
/// the large ones.
fn read_table(rows: Vec<Vec<String>>, line: usize, out: &mut Speech) {
    let Some((head, body)) = rows.split_first() else { return };
    if body.len() > MAX_TABLE_ROWS || head.len() > MAX_TABLE_COLUMNS {
        out.large_tables.push(line);
        return;
    }
    for (k, row) in body.iter().enumerate() {
        let Some((name, cells)) = row.split_first() else { continue };
        let pairs: Vec<String> = cells
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(i, c)| match head.get(i + 1).filter(|h| !h.is_empty() && cells.len() > 1) {
                Some(h) => format!("{h} {c}"),
                None => c.clone(),
            })
            .collect();
        let text = match (name.is_empty(), pairs.is_empty()) {
            (true, true) => continue,
            (false, true) => format!("{name}."),
            (true, false) => format!("{}.", pairs.join("; ")),
            (false, false) => format!("{name}: {}.", pairs.join("; ")),
        };
        out.blocks.push(Block { kind: BlockKind::Row, text, line: line + 2 + k });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(body: &str) -> Vec<(BlockKind, String, usize)> {
        speech(body, 10).blocks.into_iter().map(|b| (b.kind, b.text, b.line)).collect()
    }

    #[test]
    fn blocks_in_reading_order_with_their_lines() {
        let body = "Mở đầu có [liên kết](https://x.vn) và `mã`.\n\n## Phần một {#mot}\n\n- Ý một\n- Ý hai\n  dòng hai\n\n```\nbỏ qua\n```\n\n![ảnh](a.jpg \"Chú thích ảnh\")\n\n> Trích dẫn.\n";
        assert_eq!(
            kinds(body),
            vec![
                (BlockKind::Paragraph, "Mở đầu có liên kết và .".into(), 10),
                (BlockKind::Heading(2), "Phần một".into(), 12),
                (BlockKind::Item, "Ý một".into(), 14),
                (BlockKind::Item, "Ý hai\ndòng hai".into(), 15),
                (BlockKind::Caption, "Chú thích ảnh".into(), 22),
                (BlockKind::Paragraph, "Trích dẫn.".into(), 24),
            ]
        );
    }

    #[test]
    fn small_tables_are_read_and_large_ones_left_out() {
        let small = "| Năm | Số |\n|---|---|\n| 2022 | 5 |\n| 2023 | 7 |\n";
        assert_eq!(
            kinds(small),
            vec![(BlockKind::Row, "2022: 5.".into(), 12), (BlockKind::Row, "2023: 7.".into(), 13)]
        );
        let large: String = std::iter::once("| a | b |\n|---|---|\n".to_string())
            .chain((0..=MAX_TABLE_ROWS).map(|i| format!("| {i} | x |\n")))
            .collect();
        let s = speech(&format!("Trước.\n\n{large}"), 1);
        assert_eq!(s.large_tables, vec![3]);
        assert_eq!(s.blocks.len(), 1);
    }
}
