//! The recipe of a site in several languages (issue 28): the sources split by language
//! (`crate::content::translation::partition`), one site assembled per language, the links
//! between them, then each language's site made as a site in one language is, its outputs
//! under its prefix (`en/…`). A site without `languages:` never comes here: its build is
//! byte for byte what it was.
//!
//! Each language's site is complete on its own: its listings, taxonomies, audiences, feeds,
//! sitemap, search index and 404 page, and a copy of the static files (templates name them
//! from `site.base_path`, which is the language's). The scripts for the loudspeakers are
//! Vietnamese speech: a site in another language has none.

use std::collections::BTreeMap;

use crate::config::{Config, Language};
use crate::content::Site;
use crate::content::translation::{LanguageLink, Links, page_key, split_language};
use crate::output::{Bytes, Sink};

/// Whether a language's site is in Vietnamese (its scripts for the loudspeakers are made).
pub fn is_vietnamese(config: &Config) -> bool {
    config.language == "vi"
}

/// Puts every file under a folder of the output (`en/…`).
pub struct Prefixed<'a> {
    /// The sink the files go to.
    pub sink: &'a dyn Sink,
    /// The folder, without slashes around it (`en`).
    pub folder: String,
}

impl Sink for Prefixed<'_> {
    fn put(&self, path: &str, bytes: Bytes) -> Result<(), String> {
        self.sink.put(&format!("{}/{path}", self.folder), bytes)
    }
}

/// The links between the languages' sites: each page and section by the page it translates.
/// A section a language has not translated (built from its original: its file has no
/// language in its name) is no translation.
pub fn links(configs: &[Config], sites: &[&Site]) -> Links {
    let languages = configs
        .iter()
        .enumerate()
        .map(|(i, c)| LanguageLink {
            code: c.language.clone(),
            name: match i.checked_sub(1).and_then(|k| configs[0].languages.get(k)) {
                Some(l) => l.name.clone(),
                None => crate::config::languages::default_name(&c.language),
            },
            home: c.url("/"),
            origin: c.base_url[..c.base_url.len() - c.base_path.len()].to_string(),
        })
        .collect();
    let pages = configs
        .iter()
        .zip(sites)
        .enumerate()
        .map(|(i, (c, site))| {
            let key = |file: &str| {
                let (base, lang) = split_language(file.trim_start_matches("content/"));
                (i == 0 || lang.is_some()).then(|| page_key(&base))
            };
            let mut urls: BTreeMap<String, String> = BTreeMap::new();
            urls.insert(String::new(), c.url("/"));
            for p in &site.pages {
                if let Some(k) = key(&p.file) {
                    urls.insert(k, c.url(&p.path));
                }
            }
            for s in site.sections.iter().skip(1) {
                if let Some(k) = s.file.as_deref().and_then(key) {
                    urls.insert(k, c.url(&s.path));
                }
            }
            urls
        })
        .collect();
    Links::new(languages, pages)
}

/// The config of the site in `lang`: its code, title, and URLs under its prefix (or its own
/// `base_url`); no languages of its own. Everything else is the site's.
pub fn language_config(config: &Config, lang: &Language) -> Config {
    let (base_url, base_path) = match &lang.base_url {
        Some(url) => crate::config::parse_base_url(url).unwrap_or_default(),
        None => {
            (format!("{}/{}", config.base_url, lang.prefix), format!("{}/{}", config.base_path, lang.prefix))
        }
    };
    Config {
        title: lang.title.clone(),
        base_url,
        base_path,
        language: lang.code.clone(),
        languages: Vec::new(),
        ..config.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_config_puts_urls_under_its_prefix() {
        let c = Config::parse(
            "title: T\nbase_url: https://x.vn/tin\nlanguages:\n  en: {name: English, title: News}\n",
            std::path::Path::new("/s"),
            &crate::config::Overrides::default(),
        )
        .expect("valid");
        let en = language_config(&c, &c.languages[0]);
        assert_eq!((en.title.as_str(), en.language.as_str()), ("News", "en"));
        assert_eq!(en.url("/a/"), "/tin/en/a/");
        assert_eq!(en.permalink("/a/"), "https://x.vn/tin/en/a/");
        assert!(en.languages.is_empty());
    }
}
