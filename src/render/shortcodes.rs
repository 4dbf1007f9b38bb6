//! The site's shortcodes, as the Markdown stage asks for them: each file
//! `shortcodes/<name>.html` of the templates (the site's `templates/shortcodes/` over the
//! theme's) defines a Tera component of that name, whose arguments (names, types, defaults)
//! are the shortcode's.
//!
//! Takes: the loaded templates and a way to find a local file's size (for `tai_ve`).
//! Gives: [`TemplateShortcodes`], the Markdown stage's [`Shortcodes`]; diagnostics for a
//! shortcode file without its component.
//! Must not: render without autoescape (an argument is a value, never markup), or reach the
//! network (the video shortcodes write a poster and a link; the player is loaded by the
//! reader's click, in the theme's `video.js`).

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::markdown::shortcodes::{ArgKind, ArgSpec, ArgValue, ShortcodeSpec, Shortcodes};
use tera::ComponentArgType;

use super::templates::Templates;

/// Where shortcode templates are, among the templates.
pub const DIR: &str = "shortcodes/";

/// The size in bytes of the local file at a site URL (`/tai-lieu/a.pdf`), if there is one.
pub type FileSize<'a> = &'a (dyn Fn(&str) -> Option<u64> + Sync);

/// The shortcodes of the templates.
pub struct TemplateShortcodes<'a> {
    templates: &'a Templates,
    specs: BTreeMap<String, ShortcodeSpec>,
    size: FileSize<'a>,
}

impl std::fmt::Debug for TemplateShortcodes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateShortcodes").field("specs", &self.specs).finish()
    }
}

impl<'a> TemplateShortcodes<'a> {
    /// The shortcodes of `templates`, with an error for each shortcode file that does not
    /// define its component.
    pub fn new(templates: &'a Templates, size: FileSize<'a>) -> (Self, Diagnostics) {
        let mut specs = BTreeMap::new();
        let mut diags = Diagnostics::new();
        for (template, file) in &templates.files {
            let Some(name) = template.strip_prefix(DIR).and_then(|n| n.strip_suffix(".html")) else {
                continue;
            };
            let Some(info) = templates.tera.get_component_definition(name) else {
                diags.push(
                    Diagnostic::error(
                        "shortcode",
                        Location::file(file),
                        format!("mẫu shortcode `{template}` không định nghĩa component `{name}`"),
                    )
                    .with_hint(format!(
                        "viết `{{% component {name}(ten_tham_so: string, …) %}}…{{% endcomponent {name} %}}` trong tệp này"
                    )),
                );
                continue;
            };
            // Required arguments first, as editors read them in hints.
            let mut args: Vec<ArgSpec> = info
                .args()
                .iter()
                .filter(|a| !a.is_implicit())
                .map(|a| ArgSpec {
                    name: a.name().to_string(),
                    kind: match a.arg_type() {
                        Some(ComponentArgType::String) => ArgKind::Text,
                        Some(ComponentArgType::Bool) => ArgKind::Bool,
                        Some(ComponentArgType::Integer) => ArgKind::Integer,
                        Some(ComponentArgType::Float | ComponentArgType::Number) => ArgKind::Number,
                        _ => ArgKind::Any,
                    },
                    required: a.is_required(),
                })
                .collect();
            args.sort_by_key(|a| !a.required);
            specs.insert(name.to_string(), ShortcodeSpec { name: name.to_string(), args });
        }
        (TemplateShortcodes { templates, specs, size }, diags)
    }
}

impl Shortcodes for TemplateShortcodes<'_> {
    fn specs(&self) -> &BTreeMap<String, ShortcodeSpec> {
        &self.specs
    }

    fn file_size(&self, url: &str) -> Option<u64> {
        (self.size)(url)
    }

    fn render(&self, name: &str, args: &[(String, ArgValue)], body: Option<&str>) -> Result<String, String> {
        let text = |n: &str| {
            args.iter().find(|(a, _)| a == n).and_then(|(_, v)| match v {
                ArgValue::Text(s) => Some(s.as_str()),
                _ => None,
            })
        };
        check_builtin(name, &text)?;
        let mut ctx = tera::Context::new();
        for (arg, value) in args {
            let value = match value {
                ArgValue::Text(s) => tera::Value::from(s.as_str()),
                ArgValue::Bool(b) => tera::Value::from(*b),
                ArgValue::Integer(n) => tera::Value::from(*n),
                ArgValue::Number(n) => tera::Value::from(*n),
            };
            ctx.insert_value(arg.clone(), value);
        }
        // A download's size and type, from the file itself, unless written.
        let spec = self.specs.get(name);
        let accepts = |a: &str| spec.is_some_and(|s| s.args.iter().any(|x| x.name == a));
        if let Some(file) = text("tep") {
            if accepts("kich_thuoc")
                && text("kich_thuoc").is_none()
                && let Some(bytes) = (self.size)(file)
            {
                ctx.insert_value("kich_thuoc", tera::Value::from(human_size(bytes)));
            }
            if accepts("dinh_dang") && text("dinh_dang").is_none() {
                ctx.insert_value("dinh_dang", tera::Value::from(file_type(file)));
            }
        }
        self.templates
            .tera
            .render_component(name, &ctx, body, true)
            .map_err(|e| format!("mẫu của shortcode không dựng được ({})", tera_detail(&e)))
    }
}

/// The checks of the built-in shortcodes that a type cannot say.
fn check_builtin<'v>(name: &str, text: &dyn Fn(&str) -> Option<&'v str>) -> Result<(), String> {
    match name {
        "youtube" => match text("id") {
            Some(id)
                if id.len() == 11
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                Ok(())
            }
            Some(id) => Err(format!(
                "`{id}` không phải mã video YouTube: mã gồm 11 ký tự (chữ, số, - hoặc _), là phần sau `v=` trong địa chỉ youtube.com/watch?v=…"
            )),
            None => Ok(()),
        },
        "facebook_video" => match text("url") {
            Some(url)
                if ["https://www.facebook.com/", "https://facebook.com/", "https://fb.watch/"]
                    .iter()
                    .any(|p| url.starts_with(p)) =>
            {
                Ok(())
            }
            Some(url) => Err(format!(
                "`{url}` không phải địa chỉ video Facebook (bắt đầu bằng https://www.facebook.com/ hoặc https://fb.watch/)"
            )),
            None => Ok(()),
        },
        "video" => {
            let ext = |url: &str| file_type(url).to_ascii_lowercase();
            match (text("tep"), text("phu_de"), text("tieu_de")) {
                (Some(file), _, _) if !VIDEO_TYPES.contains(&ext(file).as_str()) => Err(format!(
                    "`{file}` không phải tệp video MP4 hay WebM: xuất video ra MP4 (H.264) hoặc WebM (VP9), trình duyệt nào cũng phát được"
                )),
                (_, Some(captions), _) if ext(captions) != "vtt" => Err(format!(
                    "phụ đề `{captions}` không phải tệp WebVTT (.vtt): lưu phụ đề dạng WebVTT (phần mềm làm phụ đề nào cũng xuất được)"
                )),
                (_, _, Some(title)) if title.trim().is_empty() => Err(
                    "`tieu_de` trống: mỗi video cần một tên, người đọc bằng máy đọc màn hình nghe tên này"
                        .to_string(),
                ),
                _ => Ok(()),
            }
        }
        "callout" => match text("loai") {
            Some(kind) if !CALLOUT_KINDS.contains(&kind) => {
                Err(format!("loại `{kind}` không có: `loai` là một trong {}", CALLOUT_KINDS.join(", ")))
            }
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The extensions of the video files `video` plays (what every current browser plays).
pub const VIDEO_TYPES: [&str; 2] = ["mp4", "webm"];

/// The kinds of `callout` the theme styles.
pub const CALLOUT_KINDS: [&str; 3] = ["ghi_chu", "luu_y", "canh_bao"];

/// `1 234 567` bytes → `1,2 MB` (Vietnamese decimal comma).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else if value < 10.0 {
        format!("{:.1} {}", value, UNITS[unit]).replace('.', ",")
    } else {
        format!("{:.0} {}", value, UNITS[unit])
    }
}

/// A file's type as readers know it, from its extension: `a.pdf` → `PDF`.
pub fn file_type(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let name = path.rsplit('/').next().unwrap_or("");
    match name.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() => ext.to_uppercase(),
        _ => String::new(),
    }
}

/// Tera's message with its causes.
fn tera_detail(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_types_read_as_editors_write_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1_234_567), "1,2 MB");
        assert_eq!(human_size(45_000), "45 KB");
        assert_eq!(file_type("/tai-lieu/ket-luan-49.pdf?x=1"), "PDF");
        assert_eq!(file_type("/tai-lieu/khong-duoi"), "");
    }
}
