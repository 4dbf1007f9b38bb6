//! The credit of a photo kept on request (`images.keep` in loa.yaml): the EXIF Artist
//! (0x013B) and Copyright (0x8298) fields of the source, copied into a new, minimal EXIF block
//! that holds nothing else, and that block put into a published file (already stripped by
//! `strip`). Nothing else of the source's EXIF is ever copied: no GPS, no camera or serial
//! number, no comment, no date. XMP (`dc:creator`, `dc:rights`) is not read nor written.
//! Pure: bytes in, bytes out.

use super::strip::Format;

/// Which credit fields are kept; both off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Keep {
    /// EXIF Artist (the author).
    pub author: bool,
    /// EXIF Copyright.
    pub copyright: bool,
}

impl Keep {
    /// True when some field is kept.
    pub fn any(self) -> bool {
        self.author || self.copyright
    }
}

const ARTIST: u16 = 0x013B;
const COPYRIGHT: u16 = 0x8298;
/// The longest text kept of one field, in bytes (a JPEG segment holds 64 KB).
const MAX_TEXT: usize = 2000;

/// The EXIF block (a TIFF structure, without the `Exif\0\0` prefix) holding only the kept
/// fields of `exif` (the source's EXIF as a TIFF structure), or `None` when it has none of
/// them or cannot be read.
pub fn only(exif: &[u8], keep: Keep) -> Option<Vec<u8>> {
    let exif = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let big = match exif.get(..4)? {
        b"MM\0*" => true,
        b"II*\0" => false,
        _ => return None,
    };
    let u16_at = |i: usize| -> Option<u16> {
        let b: [u8; 2] = exif.get(i..i + 2)?.try_into().ok()?;
        Some(if big { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let u32_at = |i: usize| -> Option<usize> {
        let b: [u8; 4] = exif.get(i..i + 4)?.try_into().ok()?;
        usize::try_from(if big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) }).ok()
    };
    let ifd = u32_at(4)?;
    let mut found: Vec<(u16, Vec<u8>)> = Vec::new();
    for n in 0..usize::from(u16_at(ifd)?) {
        let e = ifd + 2 + 12 * n;
        let tag = u16_at(e)?;
        let wanted = (tag == ARTIST && keep.author) || (tag == COPYRIGHT && keep.copyright);
        // ASCII (2), or BYTE/UNDEFINED (1, 7) as some tools write UTF-8.
        if !wanted || !matches!(u16_at(e + 2)?, 1 | 2 | 7) {
            continue;
        }
        let count = u32_at(e + 4)?;
        let at = if count <= 4 { e + 8 } else { u32_at(e + 8)? };
        let Some(text) = exif.get(at..at.saturating_add(count)) else { continue };
        let mut text = text.to_vec();
        while text.last() == Some(&0) {
            text.pop();
        }
        if text.is_empty() {
            continue;
        }
        text.truncate(MAX_TEXT);
        text.push(0);
        found.push((tag, text));
    }
    if found.is_empty() {
        return None;
    }
    found.sort_by_key(|(t, _)| *t);
    // Big-endian TIFF: header, IFD0 with the fields, no next IFD, then the texts.
    let mut out = b"MM\0*\0\0\0\x08".to_vec();
    let count = u16::try_from(found.len()).ok()?;
    out.extend_from_slice(&count.to_be_bytes());
    let mut data_at = 8 + 2 + 12 * found.len() + 4;
    let mut data = Vec::new();
    for (tag, text) in &found {
        out.extend_from_slice(&tag.to_be_bytes());
        out.extend_from_slice(&2u16.to_be_bytes());
        out.extend_from_slice(&u32::try_from(text.len()).ok()?.to_be_bytes());
        if text.len() <= 4 {
            let mut inline = text.clone();
            inline.resize(4, 0);
            out.extend_from_slice(&inline);
        } else {
            out.extend_from_slice(&u32::try_from(data_at).ok()?.to_be_bytes());
            data.extend_from_slice(text);
            if text.len() % 2 == 1 {
                data.push(0);
            }
            data_at = 8 + 2 + 12 * found.len() + 4 + data.len();
        }
    }
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&data);
    Some(out)
}

/// `file` (a stripped or freshly encoded `format` file of `width`×`height` pixels) with the
/// EXIF block `exif` put in; GIF has no place for it and is given back as it is, and so is a
/// file whose structure is not as expected.
pub fn embed(file: Vec<u8>, format: Format, exif: &[u8], width: u32, height: u32) -> Vec<u8> {
    let made = match format {
        Format::Jpeg => jpeg(&file, exif),
        Format::Png => png(&file, exif),
        Format::WebP => webp(&file, exif, width, height),
        Format::Gif => None,
    };
    made.unwrap_or(file)
}

/// An APP1 `Exif` segment right after SOI, or after the JFIF APP0 when there is one.
fn jpeg(b: &[u8], exif: &[u8]) -> Option<Vec<u8>> {
    let len = u16::try_from(2 + 6 + exif.len()).ok()?;
    let mut at = 2;
    if b.get(2..4) == Some(&[0xFF, 0xE0]) && b.get(6..11) == Some(b"JFIF\0") {
        at += 2 + usize::from(u16::from_be_bytes([*b.get(4)?, *b.get(5)?]));
    }
    let mut out = Vec::with_capacity(b.len() + exif.len() + 10);
    out.extend_from_slice(b.get(..at)?);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(exif);
    out.extend_from_slice(&b[at..]);
    Some(out)
}

/// An `eXIf` chunk before the first `IDAT`.
fn png(b: &[u8], exif: &[u8]) -> Option<Vec<u8>> {
    let mut i = 8;
    loop {
        let len = usize::try_from(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?)).ok()?;
        if b.get(i + 4..i + 8)? == b"IDAT" {
            break;
        }
        i = i.checked_add(12)?.checked_add(len)?;
    }
    let mut chunk = u32::try_from(exif.len()).ok()?.to_be_bytes().to_vec();
    chunk.extend_from_slice(b"eXIf");
    chunk.extend_from_slice(exif);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    Some([&b[..i], &chunk, &b[i..]].concat())
}

/// The CRC of a PNG chunk (ISO 3309), bit by bit: a few hundred bytes per file.
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &byte in bytes {
        c ^= u32::from(byte);
        for _ in 0..8 {
            c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

/// An `EXIF` chunk at the end, with its flag set in `VP8X` (made when the file is a simple
/// `VP8 `/`VP8L` one).
fn webp(b: &[u8], exif: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    if b.get(..4)? != b"RIFF" || b.get(8..12)? != b"WEBP" {
        return None;
    }
    let mut out = b"RIFF\0\0\0\0WEBP".to_vec();
    if b.get(12..16)? == b"VP8X" {
        out.extend_from_slice(b.get(12..)?);
        *out.get_mut(20)? |= 0x08;
    } else {
        let (w, h) = (width.checked_sub(1)?.to_le_bytes(), height.checked_sub(1)?.to_le_bytes());
        out.extend_from_slice(b"VP8X");
        out.extend_from_slice(&10u32.to_le_bytes());
        out.extend_from_slice(&[0x08, 0, 0, 0, w[0], w[1], w[2], h[0], h[1], h[2]]);
        out.extend_from_slice(b.get(12..)?);
    }
    out.extend_from_slice(b"EXIF");
    out.extend_from_slice(&u32::try_from(exif.len()).ok()?.to_le_bytes());
    out.extend_from_slice(exif);
    if exif.len() % 2 == 1 {
        out.push(0);
    }
    let size = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian EXIF block with Artist, Copyright, Make and a GPS IFD pointer.
    fn source() -> Vec<u8> {
        let mut t = b"II*\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&4u16.to_le_bytes());
        let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
            t.extend_from_slice(&tag.to_le_bytes());
            t.extend_from_slice(&kind.to_le_bytes());
            t.extend_from_slice(&count.to_le_bytes());
            t.extend_from_slice(&value.to_le_bytes());
        };
        let data = 8 + 2 + 12 * 4 + 4;
        entry(&mut t, 0x010F, 2, 4, u32::from_le_bytes(*b"Cam\0"));
        entry(&mut t, ARTIST, 2, 10, data);
        entry(&mut t, COPYRIGHT, 2, 8, data + 10);
        entry(&mut t, 0x8825, 4, 1, 999);
        t.extend_from_slice(&[0; 4]);
        t.extend_from_slice(b"Nguyen An\0(c) Loa\0");
        t
    }

    #[test]
    fn only_the_kept_fields_are_copied() {
        let both = only(&source(), Keep { author: true, copyright: true }).expect("credit");
        assert!(both.windows(9).any(|w| w == b"Nguyen An"));
        assert!(both.windows(7).any(|w| w == b"(c) Loa"));
        assert!(!both.windows(3).any(|w| w == b"Cam"));
        let author = only(&source(), Keep { author: true, copyright: false }).expect("credit");
        assert!(!author.windows(7).any(|w| w == b"(c) Loa"));
        assert_eq!(only(&source(), Keep::default()), None);
        assert_eq!(only(&source()[..30], Keep { author: true, copyright: true }), None);
    }

    #[test]
    fn the_block_goes_where_each_format_reads_it() {
        let exif = only(&source(), Keep { author: true, copyright: true }).expect("credit");
        let jpeg = embed(vec![0xFF, 0xD8, 0xFF, 0xD9], Format::Jpeg, &exif, 1, 1);
        assert_eq!(&jpeg[..4], &[0xFF, 0xD8, 0xFF, 0xE1]);
        assert_eq!(&jpeg[6..12], b"Exif\0\0");
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&[0, 0, 0, 0]);
        png.extend_from_slice(b"IDAT");
        png.extend_from_slice(&crc32(b"IDAT").to_be_bytes());
        let with = embed(png.clone(), Format::Png, &exif, 1, 1);
        assert_eq!(&with[12..16], b"eXIf");
        assert!(with.ends_with(&png[8..]));
        let webp = embed(b"RIFF\x0c\0\0\0WEBPVP8L\0\0\0\0".to_vec(), Format::WebP, &exif, 3, 2);
        assert_eq!(&webp[12..16], b"VP8X");
        assert_eq!(webp[20], 0x08);
        assert_eq!(&webp[24..30], &[2, 0, 0, 1, 0, 0]);
        assert_eq!(
            usize::try_from(u32::from_le_bytes(webp[4..8].try_into().expect("4"))).expect("size") + 8,
            webp.len()
        );
        assert_eq!(embed(b"GIF89a".to_vec(), Format::Gif, &exif, 1, 1), b"GIF89a");
    }
}
