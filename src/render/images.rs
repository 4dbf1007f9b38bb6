//! The template function `image(path=…, width=…, format=…)`: an image of the site at a size, as
//! the images stage made it (`crate::media`): `{url, permalink, width, height}`, for themes
//! and share images. Answers from an [`ImageIndex`] the recipe fills once the images are made
//! (the templates are loaded before).

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use crate::media::{Format, Picture};

/// What `image()` knows: set by the recipe after the images stage, read while rendering.
#[derive(Debug, Default, Clone)]
pub struct ImageIndex(Arc<RwLock<ImageData>>);

/// The made images of one build.
#[derive(Debug, Default)]
struct ImageData {
    /// Output path of each shown image → its forms.
    pictures: BTreeMap<String, Picture>,
    /// Output path of every published raster image → its size.
    sizes: BTreeMap<String, (u32, u32)>,
    /// `base_url` (scheme, host, base path).
    base_url: String,
    /// The base path.
    base_path: String,
}

impl ImageIndex {
    /// Replaces what `image()` answers from.
    pub fn set(
        &self,
        config: &crate::config::Config,
        pictures: BTreeMap<String, Picture>,
        sizes: BTreeMap<String, (u32, u32)>,
    ) {
        let mut d = self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *d = ImageData {
            pictures,
            sizes,
            base_url: config.base_url.clone(),
            base_path: config.base_path.clone(),
        };
    }

    /// `f()`, with the output path of every image `image()` was asked for on this thread while
    /// it ran (`loa serve` keeps them with the output: see [`ImageIndex::print_of`]).
    pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
        let outer = ASKED.with(|a| a.borrow_mut().replace(Vec::new()));
        let value = f();
        let asked = ASKED.with(|a| std::mem::replace(&mut *a.borrow_mut(), outer)).unwrap_or_default();
        (value, asked)
    }

    /// A fingerprint of what `image()` answers for `paths` (output paths, as
    /// [`ImageIndex::recording`] gives them): another when one of those images changed (a photo
    /// replaced under its name: other copies, other names) or appeared.
    pub fn print_of(&self, paths: &[String]) -> u64 {
        let d = self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut h = crate::fingerprint::hasher();
        for p in paths {
            std::hash::Hash::hash(&format!("{p}{:?}{:?}", d.pictures.get(p), d.sizes.get(p)), &mut h);
        }
        std::hash::Hasher::finish(&h)
    }

    /// `image(path=…, width=…, format=…)`.
    pub fn call(&self, kwargs: &tera::Kwargs) -> tera::TeraResult<tera::Value> {
        let path: &str = kwargs.must_get("path")?;
        let width: Option<u32> = kwargs.get("width")?;
        let format: Option<&str> = kwargs.get("format")?;
        let d = self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let out = output_path(path, &d.base_url, &d.base_path);
        ASKED.with(|a| {
            if let Some(asked) = a.borrow_mut().as_mut() {
                asked.push(out.clone());
            }
        });
        let origin = d.base_url.strip_suffix(&d.base_path).unwrap_or(&d.base_url).to_string();
        let answer = |url: String, w: u32, h: u32| {
            let mut m = tera::Map::new();
            m.insert("permalink".into(), tera::Value::from(format!("{origin}{url}")));
            m.insert("url".into(), tera::Value::from(url));
            m.insert("width".into(), tera::Value::from(w));
            m.insert("height".into(), tera::Value::from(h));
            Ok(tera::Value::from(m))
        };
        if let Some(pic) = d.pictures.get(&out).filter(|p| !p.forms.is_empty()) {
            let want = match format {
                Some("webp") => Format::WebP,
                Some(other) if !matches!(other, "jpg" | "png" | "original") => {
                    return Err(tera::Error::message(format!(
                        "image: định dạng `{other}` không có (dùng `webp` hoặc bỏ `format` để lấy định dạng của ảnh gốc)"
                    )));
                }
                _ => pic.forms.iter().map(|f| f.format).find(|f| *f != Format::WebP).unwrap_or(Format::WebP),
            };
            let forms: Vec<_> = pic.forms.iter().filter(|f| f.format == want).collect();
            let pick =
                width.and_then(|w| forms.iter().find(|f| f.width >= w)).or(forms.last()).copied().cloned();
            if let Some(f) = pick {
                return answer(f.url, f.width, f.height);
            }
        }
        match d.sizes.get(&out) {
            Some(&(w, h)) => answer(format!("{}/{out}", d.base_path), w, h),
            None => Err(tera::Error::message(format!(
                "image: không có ảnh `{path}` trong trang (đường dẫn bắt đầu bằng `/`, như `/anh/a.jpg`, hoặc `page.image`)"
            ))),
        }
    }
}

thread_local! {
    /// The images asked for on this thread while [`ImageIndex::recording`] runs.
    static ASKED: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// A site path (`/anh/a.jpg`, under the base path), an absolute URL of the site, or an output
/// path (`anh/a.jpg`) → the output path.
fn output_path(path: &str, base_url: &str, base_path: &str) -> String {
    let rest = match path.strip_prefix(base_url) {
        Some(r) => r,
        None if path.starts_with('/') => path.strip_prefix(base_path).unwrap_or(path),
        None => path,
    };
    rest.trim_start_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::Form;

    #[test]
    fn image_answers_the_smallest_form_as_wide_as_asked_else_the_largest() {
        let idx = ImageIndex::default();
        let form = |w: u32, f: Format| Form {
            url: format!("/tin/a.{w}.{}", f.ext()),
            width: w,
            height: w / 2,
            format: f,
        };
        let pic = Picture {
            width: 2000,
            height: 1000,
            forms: vec![
                form(480, Format::Jpeg),
                form(480, Format::WebP),
                form(960, Format::Jpeg),
                form(960, Format::WebP),
            ],
        };
        let mut config = crate::config::Config::parse(
            "title: T\nbase_url: https://x.vn/tin\n",
            std::path::Path::new("/s"),
            &Default::default(),
        )
        .expect("config");
        config.base_url = "https://x.vn/tin".into();
        idx.set(
            &config,
            [("a.jpg".to_string(), pic)].into(),
            [("a.jpg".to_string(), (2000, 1000)), ("b.png".to_string(), (10, 20))].into(),
        );
        let call = |args: &[(&'static str, tera::Value)]| {
            let map: tera::Map = args.iter().map(|(n, v)| ((*n).into(), v.clone())).collect();
            idx.call(&tera::Kwargs::new(std::sync::Arc::new(map)))
        };
        let field = |v: &tera::Value, name: &str| {
            let json = serde_json::to_value(v).expect("json");
            json.get(name).map(|f| f.as_str().map_or_else(|| f.to_string(), str::to_string))
        };
        let v = call(&[("path", "/tin/a.jpg".into()), ("width", 600.into())]).expect("image");
        assert_eq!(field(&v, "url").as_deref(), Some("/tin/a.960.jpg"));
        assert_eq!(field(&v, "permalink").as_deref(), Some("https://x.vn/tin/a.960.jpg"));
        let v = call(&[
            ("path", "https://x.vn/tin/a.jpg".into()),
            ("width", 100.into()),
            ("format", "webp".into()),
        ])
        .expect("image");
        assert_eq!(field(&v, "url").as_deref(), Some("/tin/a.480.webp"));
        let v = call(&[("path", "/tin/a.jpg".into()), ("width", 5000.into())]).expect("image");
        assert_eq!(field(&v, "width").as_deref(), Some("960"));
        let v = call(&[("path", "/tin/b.png".into())]).expect("image");
        assert_eq!(field(&v, "url").as_deref(), Some("/tin/b.png"));
        assert!(call(&[("path", "/tin/c.png".into())]).is_err());
    }
}
