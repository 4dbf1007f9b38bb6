//! The steps of making one photo's published forms, timed with the crates loa uses and with
//! the `image` crate's own code for the same step, to choose the crates on measurements
//! (BENCHMARKS.md, "Images"):
//!
//!     cargo run --release --example image_steps -- PHOTO.jpg [ROUNDS]
//!
//! decode (image with zune-jpeg), resize 4000 → 1600 → 960 → 480 (fast_image_resize vs
//! image::imageops, both Lanczos-3), JPEG q78 (jpeg-encoder vs image's JpegEncoder), WebP q75
//! (libwebp; image has only a lossless WebP encoder). Prints the median of ROUNDS (5) per step.

use std::time::Instant;

use fast_image_resize::images::Image as FrImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..rounds {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    (median(times), last.expect("one round"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: image_steps PHOTO.jpg [ROUNDS]");
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let bytes = std::fs::read(path).expect("read");
    let (ms, img) = time(rounds, || image::load_from_memory(&bytes).expect("decode").into_rgb8());
    let (w, h) = img.dimensions();
    println!("decode {w}x{h} (image + zune-jpeg): {ms:.0} ms");
    let widths = [1600u32, 960, 480];
    let (ms, _) = time(rounds, || {
        let src = FrImage::from_vec_u8(w, h, img.as_raw().clone(), PixelType::U8x3).expect("image");
        let mut from = src;
        for &tw in &widths {
            let th = h * tw / w;
            let mut dst = FrImage::new(tw, th, PixelType::U8x3);
            let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
            Resizer::new().resize(&from, &mut dst, &opts).expect("resize");
            from = dst;
        }
    });
    println!("resize 3 widths, fast_image_resize Lanczos3 (cascade, as loa): {ms:.0} ms");
    let (ms, _) = time(rounds, || {
        for &tw in &widths {
            image::imageops::resize(&img, tw, h * tw / w, image::imageops::FilterType::Lanczos3);
        }
    });
    println!("resize 3 widths, image::imageops Lanczos3 (each from the original): {ms:.0} ms");
    let small = image::imageops::resize(&img, 1600, h * 1600 / w, image::imageops::FilterType::Lanczos3);
    let (sw, sh) = small.dimensions();
    let (ms, out) = time(rounds, || {
        let mut out = Vec::new();
        let enc = jpeg_encoder::Encoder::new(&mut out, 78);
        enc.encode(small.as_raw(), sw as u16, sh as u16, jpeg_encoder::ColorType::Rgb).expect("jpeg");
        out
    });
    println!("JPEG q78 1600 px, jpeg-encoder: {ms:.0} ms, {} KB", out.len() / 1024);
    let (ms, out) = time(rounds, || {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 78).encode_image(&small).expect("jpeg");
        out
    });
    println!("JPEG q78 1600 px, image's JpegEncoder: {ms:.0} ms, {} KB", out.len() / 1024);
    let (ms, out) = time(rounds, || webp::Encoder::from_rgb(small.as_raw(), sw, sh).encode(75.0).to_vec());
    println!("WebP q75 1600 px, libwebp: {ms:.0} ms, {} KB", out.len() / 1024);
}
