//! Metadata taken out of an image file without decoding it: the bytes of the picture stay as
//! they are, every block that only describes it (EXIF with its GPS position, XMP, IPTC,
//! comments, colour profiles, text chunks) goes. Takes bytes, gives bytes or `None` when the
//! file is not laid out as its format says (the caller then refuses to publish it as is).
//! Must not keep anything it does not know: an unknown block is left out, not copied.

/// The file's format, from its first bytes (not its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG.
    Png,
    /// GIF 87a or 89a.
    Gif,
    /// WebP (`RIFF….WEBP`).
    WebP,
}

impl Format {
    /// Sniffs the format from the magic bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::WebP)
        } else {
            None
        }
    }

    /// The file extension loa writes for it.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::WebP => "webp",
        }
    }
}

/// The file without its metadata, or `None` when its structure is broken.
pub fn strip(bytes: &[u8]) -> Option<Vec<u8>> {
    match Format::sniff(bytes)? {
        Format::Jpeg => jpeg(bytes),
        Format::Png => png(bytes),
        Format::Gif => gif(bytes),
        Format::WebP => webp(bytes),
    }
}

/// Where a JPEG's first scan of the picture starts (after its header segments, not inside
/// an EXIF thumbnail), and whether an end-of-image marker follows it: a file cut short has
/// none (the entropy-coded data cannot contain `FF D9`).
pub fn jpeg_complete(b: &[u8]) -> bool {
    let mut i = 2;
    loop {
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(0xFF), Some(&marker), Some(&h), Some(&l)) =
            (b.get(i), b.get(i + 1), b.get(i + 2), b.get(i + 3))
        else {
            return false;
        };
        let end = i + 2 + usize::from(u16::from_be_bytes([h, l]));
        if marker == 0xDA {
            return b.get(end..).is_some_and(|rest| rest.windows(2).any(|w| w == [0xFF, 0xD9]));
        }
        i = end;
    }
}

/// Keeps SOI, APP0 when it is JFIF, APP14 (Adobe: how to read CMYK), every non-APP marker
/// before the scan, and the scan and what follows verbatim. Drops APP1–APP13, APP15 (EXIF,
/// XMP, ICC, IPTC, maker notes) and COM.
fn jpeg(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    loop {
        // Fill bytes (FF FF …) may stand before a marker.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if *b.get(i)? != 0xFF {
            return None;
        }
        let marker = *b.get(i + 1)?;
        if marker == 0xD9 {
            out.extend_from_slice(&[0xFF, 0xD9]);
            return Some(out);
        }
        let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        let end = i + 2 + len;
        let segment = b.get(i..end)?;
        let keep = match marker {
            0xE0 => segment.get(4..9) == Some(b"JFIF\0"),
            0xEE => true,
            0xE1..=0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(segment);
        }
        if marker == 0xDA {
            // The entropy-coded data and every later marker (restart, further scans, EOI).
            // Metadata after the first scan does not occur in files cameras write.
            out.extend_from_slice(&b[end..]);
            return Some(out);
        }
        i = end;
    }
}

/// Keeps the chunks that make the picture (and its transparency, gamma, animation); drops
/// text, EXIF, time, colour profiles and anything unknown.
fn png(b: &[u8]) -> Option<Vec<u8>> {
    const KEEP: [&[u8; 4]; 13] = [
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"acTL",
        b"fcTL", b"fdAT",
    ];
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..8]);
    let mut i = 8;
    while i < b.len() {
        let len = usize::try_from(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?)).ok()?;
        let kind = b.get(i + 4..i + 8)?;
        let end = i.checked_add(12)?.checked_add(len)?;
        let chunk = b.get(i..end)?;
        if KEEP.iter().any(|k| k.as_slice() == kind) {
            out.extend_from_slice(chunk);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
    None
}

/// Keeps the header, the colour tables, the frames, graphic controls and the NETSCAPE loop
/// count; drops comments and other application blocks (XMP).
fn gif(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    let flags = *b.get(10)?;
    let mut i = 13 + table_len(flags);
    out.extend_from_slice(b.get(..i)?);
    // The sub-blocks from `i` on, up to and including the zero-length terminator.
    let sub_blocks = |mut i: usize| -> Option<usize> {
        loop {
            let n = usize::from(*b.get(i)?);
            i += 1 + n;
            if n == 0 {
                return Some(i);
            }
        }
    };
    loop {
        match *b.get(i)? {
            0x3B => {
                out.push(0x3B);
                return Some(out);
            }
            0x2C => {
                let flags = *b.get(i + 9)?;
                let data = i + 10 + table_len(flags) + 1;
                let end = sub_blocks(data)?;
                out.extend_from_slice(b.get(i..end)?);
                i = end;
            }
            0x21 => {
                let label = *b.get(i + 1)?;
                let end = sub_blocks(i + 2)?;
                let keep = match label {
                    0xF9 | 0x01 => true,
                    0xFF => b.get(i + 3..i + 14) == Some(b"NETSCAPE2.0"),
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(b.get(i..end)?);
                }
                i = end;
            }
            _ => return None,
        }
    }
}

/// Bytes of the colour table a GIF flag byte announces.
fn table_len(flags: u8) -> usize {
    if flags & 0x80 == 0 { 0 } else { 3 << ((flags & 7) + 1) }
}

/// Drops the `EXIF`, `XMP ` and `ICCP` chunks and clears their flags in `VP8X`.
fn webp(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    let total = usize::try_from(u32::from_le_bytes(b.get(4..8)?.try_into().ok()?)).ok()?.checked_add(8)?;
    let end_all = total.min(b.len());
    let mut i = 12;
    while i + 8 <= end_all {
        let kind = &b[i..i + 4];
        let len = usize::try_from(u32::from_le_bytes(b[i + 4..i + 8].try_into().ok()?)).ok()?;
        let end = i.checked_add(8)?.checked_add(len + (len & 1))?;
        let chunk = b.get(i..end.min(end_all))?;
        match kind {
            b"EXIF" | b"XMP " | b"ICCP" => {}
            b"VP8X" => {
                let mut c = chunk.to_vec();
                if let Some(flags) = c.get_mut(8) {
                    *flags &= !(0x20 | 0x08 | 0x04);
                }
                out.extend_from_slice(&c);
            }
            _ => out.extend_from_slice(chunk),
        }
        i = end;
    }
    let size = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_loses_exif_xmp_and_comments_and_keeps_the_scan() {
        let mut f = vec![0xFF, 0xD8];
        f.extend_from_slice(&[0xFF, 0xE0, 0, 7, b'J', b'F', b'I', b'F', 0]);
        f.extend_from_slice(&[0xFF, 0xE1, 0, 10, b'E', b'x', b'i', b'f', 0, 0, b'G', b'P']);
        f.extend_from_slice(&[0xFF, 0xFE, 0, 4, b'h', b'i']);
        f.extend_from_slice(&[0xFF, 0xDB, 0, 3, 9]);
        f.extend_from_slice(&[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        let s = strip(&f).expect("strip");
        let want: Vec<u8> =
            [&[0xFF, 0xD8][..], &f[2..11], &[0xFF, 0xDB, 0, 3, 9], &[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]]
                .concat();
        assert_eq!(s, want);
        assert!(strip(&f[..14]).is_none(), "a segment cut short is broken");
    }

    #[test]
    fn png_loses_text_and_exif_chunks() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = u32::try_from(data.len()).expect("len").to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
        f.extend(chunk(b"IHDR", &[0; 13]));
        f.extend(chunk(b"tEXt", b"GPS"));
        f.extend(chunk(b"eXIf", b"MM"));
        f.extend(chunk(b"IDAT", &[1, 2]));
        f.extend(chunk(b"IEND", &[]));
        let s = strip(&f).expect("strip");
        assert!(!s.windows(4).any(|w| w == b"tEXt" || w == b"eXIf"));
        assert!(s.windows(4).any(|w| w == b"IDAT"));
        assert!(strip(&f[..40]).is_none());
    }

    #[test]
    fn gif_loses_comments_and_keeps_frames() {
        let mut f = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
        f.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        f.extend_from_slice(&[0x21, 0xFE, 3, b'G', b'P', b'S', 0]);
        f.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0]);
        f.push(0x3B);
        let s = strip(&f).expect("strip");
        assert!(!s.windows(3).any(|w| w == b"GPS"));
        assert_eq!(s.len(), f.len() - 7);
    }
}
