//! One image file → its published forms: the picture turned upright (EXIF orientation), made
//! smaller to each width, encoded as WebP and in its own format, and the original without its
//! metadata. Pure: bytes and settings in, bytes out; reads and writes no file.
//!
//! The crates are chosen on measurements (BENCHMARKS.md, "Ảnh"): `image` reads the header and
//! decodes (its JPEG decoder is zune-jpeg), `fast_image_resize` makes smaller (SIMD Lanczos-3),
//! libwebp (`webp`) and `jpeg-encoder` encode. The size is read from the header and refused
//! above [`Settings::max_pixels`] before anything is decoded, so a decompression bomb costs
//! nothing; one decoded picture and its smaller copies are what a thread holds.

use std::io::Cursor;

use fast_image_resize::images::Image as FrImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageReader};

use super::credit;
use super::strip::{self, Format};

/// How images are made; every field is part of the cache key.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Settings {
    /// Target widths in pixels, ascending.
    pub widths: Vec<u32>,
    /// WebP quality, 0–100.
    pub webp_quality: u8,
    /// JPEG quality, 1–100.
    pub jpeg_quality: u8,
    /// The largest picture decoded, in pixels (width × height).
    pub max_pixels: u64,
    /// The credit fields (EXIF Artist, Copyright) copied into every published form.
    pub keep: credit::Keep,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            widths: vec![480, 960, 1600],
            webp_quality: 75,
            jpeg_quality: 78,
            max_pixels: 50_000_000,
            keep: credit::Keep::default(),
        }
    }
}

/// Why an image could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not a JPEG, PNG, GIF or WebP file, whatever its name.
    NotImage,
    /// The format is known but the file is broken (cut short, corrupt); the decoder's words.
    Broken(String),
    /// More pixels than allowed: width, height.
    TooLarge(u32, u32),
}

/// One encoded picture.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Its format.
    pub format: Format,
    /// The file.
    pub bytes: Vec<u8>,
}

/// What one source image becomes.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The upright picture's width.
    pub width: u32,
    /// The upright picture's height.
    pub height: u32,
    /// The source's format.
    pub format: Format,
    /// The original file without metadata (re-encoded when it had to be turned upright).
    pub original: Vec<u8>,
    /// The smaller copies, WebP and fallback, by ascending width; empty for an animated GIF,
    /// which is published as it is (without metadata).
    pub variants: Vec<Variant>,
    /// An animated GIF: not made smaller.
    pub animated: bool,
}

/// The widths an image of `width` gets: each configured width narrower than it, and its own
/// width when some configured width is wider (never wider than the original).
pub fn widths_for(width: u32, configured: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = configured.iter().copied().filter(|&w| w < width && w > 0).collect();
    if configured.iter().any(|&w| w >= width) {
        out.push(width);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The size and format from the header alone (the upright size: a picture turned by its EXIF
/// orientation has width and height swapped). Decodes nothing.
pub fn probe(bytes: &[u8]) -> Result<(Format, u32, u32), Problem> {
    let format = Format::sniff(bytes).ok_or(Problem::NotImage)?;
    let mut decoder = decoder(bytes, format)?;
    let (w, h) = decoder.dimensions();
    let turned = decoder.orientation().map(swaps).unwrap_or(false);
    Ok(if turned { (format, h, w) } else { (format, w, h) })
}

fn swaps(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation as O;
    matches!(o, O::Rotate90 | O::Rotate270 | O::Rotate90FlipH | O::Rotate270FlipH)
}

fn decoder(bytes: &[u8], format: Format) -> Result<Box<dyn ImageDecoder + '_>, Problem> {
    let f = match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::Gif => image::ImageFormat::Gif,
        Format::WebP => image::ImageFormat::WebP,
    };
    let mut r = ImageReader::with_format(Cursor::new(bytes), f);
    r.no_limits();
    r.into_decoder().map(|d| Box::new(d) as Box<dyn ImageDecoder>).map_err(|e| Problem::Broken(e.to_string()))
}

/// Makes every published form of one image.
pub fn process(bytes: &[u8], s: &Settings) -> Result<Processed, Problem> {
    let format = Format::sniff(bytes).ok_or(Problem::NotImage)?;
    let mut dec = decoder(bytes, format)?;
    let (w, h) = dec.dimensions();
    // The JPEG decoder paints a file cut short grey instead of failing.
    if format == Format::Jpeg && !strip::jpeg_complete(bytes) {
        return Err(Problem::Broken("JPEG without its end: the file is cut short".into()));
    }
    if u64::from(w) * u64::from(h) > s.max_pixels || w == 0 || h == 0 {
        return Err(Problem::TooLarge(w, h));
    }
    if format == Format::Gif && gif_frames(bytes) > 1 {
        let original = strip::strip(bytes).ok_or_else(|| Problem::Broken("GIF structure".into()))?;
        return Ok(Processed { width: w, height: h, format, original, variants: Vec::new(), animated: true });
    }
    let orientation = dec.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    // The credit kept on request: a new EXIF block with those fields alone.
    let exif = if s.keep.any() { dec.exif_metadata().ok().flatten() } else { None };
    let exif = exif.and_then(|e| credit::only(&e, s.keep));
    let (cw, ch) = if swaps(orientation) { (h, w) } else { (w, h) };
    let credited = |file: Vec<u8>, format: Format, width: u32, height: u32| match &exif {
        Some(e) => credit::embed(file, format, e, width, height),
        None => file,
    };
    // Only the original asked for, upright already: its metadata goes without decoding it.
    if s.widths.is_empty()
        && orientation == image::metadata::Orientation::NoTransforms
        && let Some(original) = strip::strip(bytes)
    {
        return Ok(Processed {
            width: w,
            height: h,
            format,
            original: credited(original, format, w, h),
            variants: Vec::new(),
            animated: false,
        });
    }
    // The whole picture plus the decoder's own buffers: bounded by the pixel limit above.
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(s.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    dec.set_limits(limits).map_err(|e| Problem::Broken(e.to_string()))?;
    let mut img = DynamicImage::from_decoder(dec).map_err(|e| Problem::Broken(e.to_string()))?;
    img.apply_orientation(orientation);
    let alpha = img.color().has_alpha();
    let (pixels, kind) = if alpha {
        (img.into_rgba8().into_raw(), PixelType::U8x4)
    } else {
        (img.into_rgb8().into_raw(), PixelType::U8x3)
    };
    let (w, h) = if swaps(orientation) { (h, w) } else { (w, h) };
    let full = FrImage::from_vec_u8(w, h, pixels, kind).map_err(|e| Problem::Broken(e.to_string()))?;
    let fallback = match format {
        Format::Jpeg => Some(Format::Jpeg),
        Format::Png | Format::Gif => Some(Format::Png),
        Format::WebP => None,
    };
    let original = match (orientation, strip::strip(bytes)) {
        (image::metadata::Orientation::NoTransforms, Some(stripped)) => stripped,
        _ => encode(&full, fallback.unwrap_or(Format::WebP), 90, 90)?,
    };
    let original_format = Format::sniff(&original).unwrap_or(format);
    let original = credited(original, original_format, cw, ch);
    let mut variants = Vec::new();
    // From the widest down, each made from the one before: the big picture is read once.
    let mut source: Option<FrImage<'static>> = None;
    for &tw in widths_for(w, &s.widths).iter().rev() {
        let th = ((u64::from(h) * u64::from(tw) + u64::from(w) / 2) / u64::from(w)).max(1);
        let th = u32::try_from(th).unwrap_or(u32::MAX);
        let made = if tw == w {
            None
        } else {
            let from = source.as_ref().unwrap_or(&full);
            let mut dst = FrImage::new(tw, th, kind);
            let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
            Resizer::new().resize(from, &mut dst, &opts).map_err(|e| Problem::Broken(e.to_string()))?;
            Some(dst)
        };
        let pic = made.as_ref().unwrap_or(&full);
        variants.push(Variant {
            width: tw,
            height: th,
            format: Format::WebP,
            bytes: credited(encode(pic, Format::WebP, s.webp_quality, s.jpeg_quality)?, Format::WebP, tw, th),
        });
        if let Some(f) = fallback {
            variants.push(Variant {
                width: tw,
                height: th,
                format: f,
                bytes: credited(encode(pic, f, s.webp_quality, s.jpeg_quality)?, f, tw, th),
            });
        }
        if let Some(m) = made {
            source = Some(m);
        }
    }
    variants.sort_by_key(|v| (v.width, v.format.ext()));
    Ok(Processed { width: w, height: h, format, original, variants, animated: false })
}

fn encode(pic: &FrImage<'_>, format: Format, webp_q: u8, jpeg_q: u8) -> Result<Vec<u8>, Problem> {
    let (w, h, buf) = (pic.width(), pic.height(), pic.buffer());
    let alpha = pic.pixel_type() == PixelType::U8x4;
    let broken = |e: String| Problem::Broken(e);
    match format {
        Format::WebP => {
            let enc =
                if alpha { webp::Encoder::from_rgba(buf, w, h) } else { webp::Encoder::from_rgb(buf, w, h) };
            let mem =
                enc.encode_simple(false, f32::from(webp_q)).map_err(|e| broken(format!("WebP: {e:?}")))?;
            Ok(mem.to_vec())
        }
        Format::Jpeg => {
            let mut out = Vec::new();
            let (w16, h16) = (u16::try_from(w), u16::try_from(h));
            let (Ok(w16), Ok(h16)) = (w16, h16) else {
                return Err(broken(format!("JPEG: {w}×{h} is too large")));
            };
            let kind = if alpha { jpeg_encoder::ColorType::Rgba } else { jpeg_encoder::ColorType::Rgb };
            let mut enc = jpeg_encoder::Encoder::new(&mut out, jpeg_q);
            enc.set_progressive(true);
            enc.encode(buf, w16, h16, kind).map_err(|e| broken(format!("JPEG: {e}")))?;
            Ok(out)
        }
        Format::Png | Format::Gif => {
            use image::ImageEncoder as _;
            let mut out = Vec::new();
            let kind = if alpha { image::ExtendedColorType::Rgba8 } else { image::ExtendedColorType::Rgb8 };
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(buf, w, h, kind)
                .map_err(|e| broken(format!("PNG: {e}")))?;
            Ok(out)
        }
    }
}

/// Image descriptors in a GIF (frames), counted without decoding; 0 when unreadable.
fn gif_frames(b: &[u8]) -> usize {
    let table = |flags: u8| if flags & 0x80 == 0 { 0 } else { 3usize << ((flags & 7) + 1) };
    let Some(&flags) = b.get(10) else { return 0 };
    let mut i = 13 + table(flags);
    let skip = |mut i: usize| -> Option<usize> {
        loop {
            let n = usize::from(*b.get(i)?);
            i += 1 + n;
            if n == 0 {
                return Some(i);
            }
        }
    };
    let mut frames = 0;
    while let Some(&block) = b.get(i) {
        let next = match block {
            0x2C => {
                frames += 1;
                let Some(&f) = b.get(i + 9) else { break };
                skip(i + 11 + table(f))
            }
            0x21 => skip(i + 2),
            _ => None,
        };
        match next {
            Some(n) => i = n,
            None => break,
        }
    }
    frames
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_exceed_the_original() {
        assert_eq!(widths_for(4000, &[480, 960, 1600]), vec![480, 960, 1600]);
        assert_eq!(widths_for(800, &[480, 960, 1600]), vec![480, 800]);
        assert_eq!(widths_for(300, &[480, 960, 1600]), vec![300]);
        assert_eq!(widths_for(1600, &[480, 960, 1600]), vec![480, 960, 1600]);
    }
}

#[cfg(test)]
mod bad_input {
    use super::*;

    const PHOTO: &[u8] = include_bytes!("../../tests/sites/images/content/bai-viet/hop-dan/anh-chup.jpg");
    const PNG16: &[u8] = include_bytes!("../../tests/sites/images/static/anh/so-do.png");
    const GIF: &[u8] = include_bytes!("../../tests/sites/images/content/bai-viet/hop-dan/dong.gif");

    #[test]
    fn every_prefix_of_an_image_is_an_error_or_a_picture_never_a_panic() {
        let s = Settings { widths: vec![64], ..Settings::default() };
        for file in [PHOTO, PNG16, GIF] {
            for len in (0..file.len()).step_by(997).chain([file.len() - 1]) {
                let r = std::panic::catch_unwind(|| process(&file[..len], &s));
                assert!(r.is_ok(), "panic on a prefix of {len} bytes");
                if let Ok(Ok(p)) = r {
                    assert!(!p.original.is_empty());
                }
            }
        }
        assert_eq!(
            process(&PHOTO[..PHOTO.len() / 2], &s).err().map(|e| matches!(e, Problem::Broken(_))),
            Some(true)
        );
    }

    #[test]
    fn an_original_alone_is_stripped_without_decoding_and_turned_when_it_must_be() {
        let only = Settings { widths: Vec::new(), ..Settings::default() };
        let p = process(PHOTO, &only).expect("photo");
        assert_eq!(p.original, strip::strip(PHOTO).expect("strip"), "upright: the same scan, no metadata");
        assert_eq!((p.width, p.height), (800, 600));
        let turned = include_bytes!("../../tests/sites/images/content/bai-viet/hop-dan/anh-doc.jpg");
        let p = process(turned, &only).expect("turned");
        assert_eq!((p.width, p.height), (400, 600), "re-encoded upright");
        assert!(p.variants.is_empty());
    }

    #[test]
    fn a_picture_over_the_pixel_limit_is_refused_before_decoding() {
        let s = Settings { max_pixels: 1000, ..Settings::default() };
        assert_eq!(process(PHOTO, &s).err(), Some(Problem::TooLarge(800, 600)));
    }

    #[test]
    fn an_animated_gif_is_kept_whole_without_its_comment() {
        let p = process(GIF, &Settings::default()).expect("gif");
        assert!(p.animated && p.variants.is_empty());
        assert!(!p.original.windows(3).any(|w| w == b"GPS"));
        assert!(GIF.windows(3).any(|w| w == b"GPS"), "the fixture carries a comment");
    }
}
