//! The `images:` block of loa.yaml: the widths, quality and limits of the images stage
//! (`crate::media`) and the size `loa check` warns about.

use serde::Deserialize;

/// How images are published (`images:` in loa.yaml); every key optional.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Widths made of every image, in pixels (never wider than the original); the theme's
    /// `images.widths` (theme.yaml) when not set here, else 480, 960, 1600.
    pub widths: Option<Vec<u32>>,
    /// The `sizes` attribute of the pictures; the theme's `images.sizes` when not set here.
    pub sizes: Option<String>,
    /// WebP quality (0–100).
    pub webp_quality: u8,
    /// JPEG quality (1–100) of the fallback copies.
    pub jpeg_quality: u8,
    /// The largest picture decoded, in megapixels: a larger one is refused unread.
    pub max_megapixels: u32,
    /// `loa check` warns about an original file over this size, in KB.
    pub max_original_kb: u64,
    /// Credit fields kept in the published images (`[author, copyright]`); none by default.
    pub keep: Vec<Keep>,
}

/// A credit field of `images.keep`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    /// EXIF Artist.
    Author,
    /// EXIF Copyright.
    Copyright,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: None,
            sizes: None,
            webp_quality: 75,
            jpeg_quality: 78,
            max_megapixels: 50,
            max_original_kb: 5000,
            keep: Vec::new(),
        }
    }
}
