//! The `images:` block of loa.yaml: the widths, quality and limits of the images stage
//! (`crate::media`) and the size `loa check` warns about.

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::parse::yaml_error;

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

/// The widest width accepted in `images.widths`, in pixels.
pub const MAX_WIDTH: u32 = 8192;

/// The `images:` block of a theme's `theme.yaml`: the theme's defaults for `images.widths`
/// and `images.sizes` (its column width is the theme's to know), used when loa.yaml does not
/// set them. Its other keys (`name`, `description`, …) are not read here.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeImages {
    /// Widths made of every image.
    pub widths: Option<Vec<u32>>,
    /// The `sizes` attribute of the pictures.
    pub sizes: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ThemeFile {
    images: ThemeImages,
}

/// What is wrong with `widths` and `sizes` (written in `file`, whose text is `text`): the
/// errors at the line of each key.
pub fn check(widths: Option<&[u32]>, sizes: Option<&str>, text: &str, file: &str) -> Vec<Diagnostic> {
    // The line of `key:` inside the `images:` block (the first such line after `images:`).
    let at = |key: &str| {
        let start = text.lines().position(|l| l.starts_with("images:")).unwrap_or(0);
        let found = text.lines().enumerate().skip(start).find(|(_, l)| l.contains(&format!("{key}:")));
        match found {
            Some((i, l)) => Location::at(file, i + 1, l.find(key).map_or(1, |c| l[..c].chars().count() + 1)),
            None => Location::file(file),
        }
    };
    let mut out = Vec::new();
    if let Some(w) = widths {
        if w.is_empty() {
            out.push(
                Diagnostic::error(
                    "config",
                    at("widths"),
                    "`images.widths` trống: ảnh sẽ không có bản thu nhỏ nào",
                )
                .with_hint("ghi ít nhất một cỡ, ví dụ `widths: [480, 960, 1600]`, hoặc bỏ khóa này"),
            );
        }
        if let Some(bad) = w.iter().find(|&&x| x == 0 || x > MAX_WIDTH) {
            out.push(
                Diagnostic::error("config", at("widths"), format!("`images.widths`: cỡ {bad} không hợp lệ"))
                    .with_hint(format!("mỗi cỡ là số điểm ảnh chiều ngang, từ 1 đến {MAX_WIDTH}")),
            );
        }
    }
    if let Some(s) = sizes
        && (s.trim().is_empty() || s.contains(['<', '>', '"', '\n']))
    {
        out.push(
            Diagnostic::error("config", at("sizes"), format!("`images.sizes` không hợp lệ: `{s}`"))
                .with_hint("ghi như thuộc tính sizes của HTML, ví dụ `\"(min-width: 44rem) 42rem, 100vw\"`"),
        );
    }
    out
}

/// Reads the `images:` block of a theme.yaml's text (`file` names it in messages): a YAML
/// error or a bad value is an error at its line.
pub fn parse_theme(text: &str, file: &str) -> Result<ThemeImages, Diagnostics> {
    let parsed: ThemeFile = if text.trim().is_empty() {
        ThemeFile::default()
    } else {
        serde_yaml::from_str(text).map_err(|e| yaml_error(&e, text, file, 0, &["widths", "sizes"]))?
    };
    let images = parsed.images;
    let problems = check(images.widths.as_deref(), images.sizes.as_deref(), text, file);
    if problems.is_empty() { Ok(images) } else { Err(Diagnostics(problems)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_gives_widths_and_sizes_and_bad_values_are_errors_at_their_line() {
        let t = parse_theme("name: thu\nimages:\n  widths: [300, 600]\n  sizes: \"50vw\"\n", "theme.yaml")
            .expect("theme");
        assert_eq!(t, ThemeImages { widths: Some(vec![300, 600]), sizes: Some("50vw".into()) });
        assert_eq!(parse_theme("name: thu\n", "theme.yaml").expect("theme"), ThemeImages::default());
        for (text, line) in [
            ("name: thu\nimages:\n  widths: [300, 0]\n", 3),
            ("name: thu\nimages:\n  sizes: \"\"\n", 3),
            ("name: thu\nimages:\n  widths: []\n", 3),
            ("name: thu\nimages:\n  width: [300]\n", 3),
            ("name: thu\nimages:\n  widths: [a]\n", 3),
        ] {
            let e = parse_theme(text, "themes/thu/theme.yaml").expect_err(text);
            assert_eq!(e.0[0].location.as_ref().map(|l| l.line), Some(line), "{text}: {e}");
            assert_eq!(e.0[0].location.as_ref().map(|l| l.file.as_str()), Some("themes/thu/theme.yaml"));
        }
    }
}
