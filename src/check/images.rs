//! The image rules of `loa check`, once the images stage has read every image: an original
//! heavier than `images.max_original_kb` (`image-heavy`: phones' photos of several MB are kept
//! in the repository and published as originals), and a page's `image:` smaller than a share
//! card, 1200 × 630 (`image-share-small`: Facebook and Zalo show it small or not at all).
//! Takes the sizes the stage found; reads only the source files' lengths.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::Config;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The smallest share image Facebook shows large.
pub const SHARE_WIDTH: u32 = 1200;
/// Its height.
pub const SHARE_HEIGHT: u32 = 630;

/// `sources`: output path → the editor's file; `sizes`: output path → (width, height) of the
/// upright picture; `output_path`: a page's `image:` → its output path (when local).
pub fn check(
    config: &Config,
    site: &Site,
    sources: &BTreeMap<String, PathBuf>,
    sizes: &BTreeMap<String, (u32, u32)>,
    output_path: &dyn Fn(&crate::content::Document, &str) -> Option<String>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let limit = config.images.max_original_kb;
    for from in sources.values() {
        let Ok(len) = std::fs::metadata(from).map(|m| m.len()) else { continue };
        if len / 1024 > limit {
            let file = from.strip_prefix(&config.root).unwrap_or(from).to_string_lossy().replace('\\', "/");
            diags.push(
                Diagnostic::warning(
                    "image-heavy",
                    Location::file(&file),
                    format!("ảnh gốc `{file}` nặng {} KB, quá giới hạn {limit} KB", len / 1024),
                )
                .with_hint(format!(
                    "thu nhỏ ảnh gốc (1600–2400 điểm ảnh chiều ngang là đủ) trước khi đưa vào; giới hạn đặt ở `images.max_original_kb` trong {}",
                    crate::config::CONFIG_FILE
                )),
            );
        }
    }
    for p in &site.pages {
        let Some(image) = &p.image else { continue };
        let Some((w, h)) = output_path(p, image).and_then(|o| sizes.get(&o)) else { continue };
        if *w < SHARE_WIDTH || *h < SHARE_HEIGHT {
            diags.push(
                Diagnostic::warning(
                    "image-share-small",
                    Location::file(&p.file),
                    format!("ảnh đại diện `{image}` chỉ có {w} × {h} điểm ảnh, nhỏ hơn cỡ ảnh chia sẻ {SHARE_WIDTH} × {SHARE_HEIGHT}"),
                )
                .with_hint("Facebook và Zalo hiện ảnh nhỏ như vậy thành ô vuông bé: chọn ảnh ngang, rộng ít nhất 1200 điểm ảnh"),
            );
        }
    }
    diags
}
