//! The floor of a static-site build, for `benches/compare.sh`.
//!
//! usage: floor [--threads N] [--yaml] CONTENT_DIR OUT_DIR
//!
//! Reads every `.md` file under CONTENT_DIR, splits off its front matter (`---` YAML or `+++`
//! TOML fences; with `--yaml` it also parses YAML front matter with serde_yaml), renders the body
//! with pulldown-cmark (tables, footnotes, strikethrough, as loa enables them) and writes one
//! `index.html` per file: `a/b.md` to `OUT_DIR/a/b/index.html`, `a/_index.md` to
//! `OUT_DIR/a/index.html`. No templates, listings, feeds or assets: what remains of a build
//! when everything but read, Markdown and write is taken away. `--threads 1` (the default)
//! works on the calling thread; `--threads N` on a rayon pool of N threads.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use walkdir::WalkDir;

/// The front-matter fields the corpus uses; `--yaml` parses into this and drops it.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct FrontMatter {
    title: Option<String>,
    date: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    audiences: Vec<String>,
    #[serde(default)]
    draft: bool,
}

/// (front matter, body) of a source; the front matter is empty when there is none.
fn split(src: &str) -> (&str, &str) {
    for fence in ["---", "+++"] {
        let Some(rest) = src.strip_prefix(fence).and_then(|r| r.strip_prefix('\n')) else {
            continue;
        };
        let close = format!("\n{fence}\n");
        if let Some(end) = rest.find(&close) {
            return (&rest[..end], &rest[end + close.len()..]);
        }
    }
    ("", src)
}

/// Where the page of `rel` (a path relative to the content folder) goes.
fn target(out: &Path, rel: &Path) -> PathBuf {
    let dir = rel.parent().map_or_else(|| out.to_path_buf(), |p| out.join(p));
    match rel.file_stem().and_then(|s| s.to_str()) {
        Some("_index") | None => dir.join("index.html"),
        Some(stem) => dir.join(stem).join("index.html"),
    }
}

/// Renders one source; returns the bytes of HTML written.
fn page(content: &Path, path: &Path, out: &Path, yaml: bool) -> Result<usize, String> {
    let src = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (front, body) = split(&src);
    if yaml && src.starts_with("---") {
        let fm: FrontMatter = serde_yaml::from_str(front).map_err(|e| format!("{}: {e}", path.display()))?;
        std::hint::black_box(&fm);
    }
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_out, Parser::new_ext(body, options));
    let rel = path.strip_prefix(content).unwrap_or(path);
    let dest = target(out, rel);
    if let Some(dir) = dest.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(&dest, &html_out).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(html_out.len())
}

fn run(args: &[String]) -> Result<(), String> {
    let mut threads = 1usize;
    let mut yaml = false;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--yaml" => yaml = true,
            "--threads" => {
                let n = it.next().ok_or("--threads needs a number")?;
                threads = n.parse().ok().filter(|&n| n > 0).ok_or(format!("bad --threads {n}"))?;
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => paths.push(PathBuf::from(a)),
        }
    }
    let [content, out] = paths.as_slice() else {
        return Err("usage: floor [--threads N] [--yaml] CONTENT_DIR OUT_DIR".into());
    };
    let mut sources = Vec::new();
    for entry in WalkDir::new(content).sort_by_file_name() {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "md") {
            sources.push(entry.into_path());
        }
    }
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let bytes: usize = if threads == 1 {
        sources.iter().map(|p| page(content, p, out, yaml)).sum::<Result<usize, String>>()?
    } else {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| e.to_string())?;
        pool.install(|| {
            sources.par_iter().map(|p| page(content, p, out, yaml)).sum::<Result<usize, String>>()
        })?
    };
    eprintln!("floor: {} pages, {bytes} bytes of HTML, {threads} thread(s)", sources.len());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_toml_front_matter() {
        assert_eq!(split("---\ntitle: a\n---\n\nbody\n"), ("title: a", "\nbody\n"));
        assert_eq!(split("+++\ntitle = \"a\"\n+++\nbody"), ("title = \"a\"", "body"));
        assert_eq!(split("no front matter\n"), ("", "no front matter\n"));
        assert_eq!(split("---\nnever closed\n"), ("", "---\nnever closed\n"));
    }

    #[test]
    fn section_files_go_to_their_folder() {
        let out = Path::new("/o");
        assert_eq!(target(out, Path::new("a/b.md")), Path::new("/o/a/b/index.html"));
        assert_eq!(target(out, Path::new("a/_index.md")), Path::new("/o/a/index.html"));
        assert_eq!(target(out, Path::new("_index.md")), Path::new("/o/index.html"));
    }
}
