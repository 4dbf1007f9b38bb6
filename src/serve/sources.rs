//! The sources of a served site: which paths are sources (`loa.yaml` and the files under
//! `content/`, `templates/`, `static/`, `themes/`, `i18n/`, without editor temp files or
//! hidden names, but the published hidden files of `static/`), and a fingerprint of each, to tell a real
//! change from an event (a save that wrote the same bytes, a `touch`).

use std::collections::BTreeMap;
use std::hash::Hasher;
use std::path::{Component, Path, PathBuf};

use std::collections::BTreeSet;

/// What happened to one watched file between two looks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A file that was not there before.
    Added(PathBuf),
    /// A file whose content differs.
    Modified(PathBuf),
    /// A file that is gone.
    Removed(PathBuf),
}

impl Change {
    /// The file concerned.
    pub fn path(&self) -> &Path {
        match self {
            Change::Added(p) | Change::Modified(p) | Change::Removed(p) => p,
        }
    }
}

/// The changes of two looks in a row, one per file. An addition or a removal is never turned
/// into a modification, since a build in between may have seen it (the load then walks the
/// folders again): added then modified stays added, removed then added is added, and added
/// then removed is removed.
pub fn merge_changes(older: Vec<Change>, newer: Vec<Change>) -> Vec<Change> {
    let mut by_path: BTreeMap<PathBuf, Change> = BTreeMap::new();
    for c in older.into_iter().chain(newer) {
        let path = c.path().to_path_buf();
        let merged = match by_path.remove(&path) {
            Some(first @ (Change::Added(_) | Change::Removed(_))) if matches!(c, Change::Modified(_)) => {
                first
            }
            _ => c,
        };
        by_path.insert(path, merged);
    }
    by_path.into_values().collect()
}

/// The folders under the site root whose files make up the site.
pub const WATCHED_DIRS: &[&str] = &["content", "templates", "static", "themes", "i18n"];

/// Files larger than this are fingerprinted by size and modification time, not read.
pub(super) const HASH_LIMIT: u64 = 8 * 1024 * 1024;

#[cfg(unix)]
pub(super) fn inode(m: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(m)
}

#[cfg(not(unix))]
pub(super) fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// The watched files at or under `path` (the whole site when `path` is the root), skipping
/// temp names and `exclude`.
pub(super) fn files_under(root: &Path, path: &Path, exclude: Option<&Path>) -> Vec<PathBuf> {
    if path == root {
        return std::iter::once(root.join(crate::config::CONFIG_FILE))
            .chain(WATCHED_DIRS.iter().map(|d| root.join(d)))
            .flat_map(|p| files_under(root, &p, exclude))
            .collect();
    }
    if !is_watched(root, path) {
        return Vec::new();
    }
    let excluded = |p: &Path| exclude.is_some_and(|x| p.starts_with(x));
    walkdir::WalkDir::new(path)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| (e.depth() == 0 || is_watched(root, e.path())) && !excluded(e.path()))
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// True for editor temp, swap, backup and lock names (vim, Emacs, JetBrains, VS Code, Kate)
/// and hidden files: saving them never changes the site.
pub fn is_temp_name(name: &str) -> bool {
    crate::names::is_ignored(name) || is_temp_name_extra(name)
}

/// Temp names beyond `load::is_editor_temp` that only the watcher meets.
pub(super) fn is_temp_name_extra(name: &str) -> bool {
    name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// True when `path` is a source of the site: `loa.yaml`, or a file or folder under one of the
/// watched folders, with no temp or hidden name on the way.
pub fn is_watched(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let Some(Component::Normal(top)) = parts.next() else {
        return false;
    };
    let top = top.to_string_lossy();
    if top == crate::config::CONFIG_FILE {
        return parts.next().is_none();
    }
    if !WATCHED_DIRS.contains(&top.as_ref()) {
        return false;
    }
    // Hidden files of `static/` (the site's or a theme's) are published (`.well-known/`), so
    // they are sources; elsewhere hidden names are not.
    let names: Vec<String> = parts
        .map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()
        .unwrap_or_else(|| vec![String::from(".")]);
    let in_static = |i: usize| match top.as_ref() {
        "static" => true,
        "themes" => names.get(1).is_some_and(|n| n == "static") && i >= 2,
        _ => false,
    };
    names.iter().enumerate().all(|(i, n)| {
        if in_static(i) {
            !crate::names::is_editor_temp(n)
                && !crate::names::is_unpublished_hidden(n)
                && !is_temp_name_extra(n)
        } else {
            !is_temp_name(n)
        }
    })
}

/// A fingerprint per watched file, to tell real changes from events.
#[derive(Debug)]
pub struct Sources {
    /// The site root, canonical.
    root: PathBuf,
    /// Files never looked at (the output folder, when it sits inside a watched folder).
    exclude: Option<PathBuf>,
    /// Every watched file → its fingerprint.
    files: BTreeMap<PathBuf, u64>,
}

impl Sources {
    /// Fingerprints every watched file under `root`.
    pub fn scan(root: &Path, exclude: Option<PathBuf>) -> Sources {
        let mut s = Sources { root: root.to_path_buf(), exclude, files: BTreeMap::new() };
        s.files = s.walk(root);
        s
    }

    /// Number of files watched.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file is watched.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Sets the folder never to look into (the output folder, from the current config).
    pub fn set_exclude(&mut self, exclude: Option<PathBuf>) {
        self.exclude = exclude;
    }

    /// Looks again at `paths` (files or folders; gone or not) and returns what changed since
    /// the last look, remembering the new state.
    pub fn changes(&mut self, paths: &BTreeSet<PathBuf>) -> Vec<Change> {
        let mut out = BTreeSet::new();
        let mut covered: Option<&PathBuf> = None;
        for p in paths {
            // A path inside one already looked at adds nothing. Paths sort component by
            // component, so a folder's descendants directly follow it.
            if covered.is_some_and(|c| p.starts_with(c)) {
                continue;
            }
            covered = Some(p);
            let now = self.walk(p);
            let before: Vec<(PathBuf, u64)> = self
                .files
                .range(p.clone()..)
                .take_while(|(k, _)| k.starts_with(p))
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            for (k, old) in &before {
                match now.get(k) {
                    None => {
                        self.files.remove(k);
                        out.insert(Change::Removed(k.clone()));
                    }
                    Some(new) if new != old => {
                        self.files.insert(k.clone(), *new);
                        out.insert(Change::Modified(k.clone()));
                    }
                    Some(_) => {}
                }
            }
            for (k, v) in now {
                if self.files.insert(k.clone(), v).is_none() {
                    out.insert(Change::Added(k));
                }
            }
        }
        out.into_iter().collect()
    }

    /// Looks at every watched file again (after lost events).
    pub fn rescan(&mut self) -> Vec<Change> {
        let all: BTreeSet<PathBuf> = std::iter::once(self.root.join(crate::config::CONFIG_FILE))
            .chain(WATCHED_DIRS.iter().map(|d| self.root.join(d)))
            .collect();
        self.changes(&all)
    }

    /// The watched files at or under `path`, fingerprinted.
    fn walk(&self, path: &Path) -> BTreeMap<PathBuf, u64> {
        files_under(&self.root, path, self.exclude.as_deref())
            .into_iter()
            .filter_map(|p| fingerprint(&p).map(|f| (p, f)))
            .collect()
    }
}

/// The content hash of a file (size and modification time for very large files); `None` when
/// it cannot be read (gone already).
pub(super) fn fingerprint(path: &Path) -> Option<u64> {
    let meta = std::fs::metadata(path).ok()?;
    let mut h = std::hash::DefaultHasher::new();
    if meta.len() > HASH_LIMIT {
        h.write_u64(meta.len());
        let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        h.write_u128(mtime.as_nanos());
    } else {
        h.write(&std::fs::read(path).ok()?);
    }
    Some(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_names_are_not_sources() {
        let root = Path::new("/s");
        for temp in [
            "content/.mot.md.swp",
            "content/mot.md~",
            "content/mot.md___jb_tmp___",
            "content/mot.md___jb_old___",
            "content/.#mot.md",
            "content/#mot.md#",
            "content/mot.md.kate-swp",
            "content/mot.md.bck",
            "content/.git/x",
            "public/index.html",
            "loa.yaml.swp",
            "other/x.md",
            "static/.git/HEAD",
            "static/anh/.DS_Store",
            "static/.a.css.swp",
            "themes/loa/static/.#a.css",
            "themes/loa/.hidden/static/a.css",
            "templates/.x.html",
        ] {
            assert!(!is_watched(root, &root.join(temp)), "{temp}");
        }
        for real in [
            "content/mot.md",
            "loa.yaml",
            "themes/loa/templates/base.html",
            "static/a.css",
            "content",
            // Published, so watched (issue 21).
            "static/.well-known/security.txt",
            "static/.nojekyll",
            "themes/loa/static/.well-known/x",
        ] {
            assert!(is_watched(root, &root.join(real)), "{real}");
        }
    }

    #[test]
    fn changes_of_two_looks_merge_to_one_per_file() {
        let [a, b, c, d, e] = ["a", "b", "c", "d", "e"].map(PathBuf::from);
        let older = vec![
            Change::Modified(a.clone()),
            Change::Added(b.clone()),
            Change::Removed(c.clone()),
            Change::Added(d.clone()),
            Change::Modified(e.clone()),
        ];
        let newer = vec![
            Change::Modified(a.clone()),
            Change::Modified(b.clone()),
            Change::Added(c.clone()),
            Change::Removed(d.clone()),
            Change::Removed(e.clone()),
        ];
        assert_eq!(
            merge_changes(older, newer),
            vec![
                Change::Modified(a),
                Change::Added(b),
                Change::Added(c),
                Change::Removed(d),
                Change::Removed(e)
            ]
        );
    }

    #[test]
    fn only_content_changes_count() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().canonicalize().expect("canon");
        let file = root.join("content/a.md");
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, "a").expect("write");
        let mut s = Sources::scan(&root, None);
        let one = |p: &Path| BTreeSet::from([p.to_path_buf()]);
        std::fs::write(&file, "a").expect("write");
        assert!(s.changes(&one(&file)).is_empty(), "unchanged save");
        std::fs::remove_file(&file).expect("rm");
        std::fs::write(&file, "b").expect("write");
        assert_eq!(s.changes(&one(&file)), vec![Change::Modified(file.clone())], "delete + recreate");
        std::fs::write(root.join("content/b.md"), "b").expect("write");
        std::fs::remove_file(&file).expect("rm");
        let dir = one(&root.join("content"));
        assert_eq!(s.changes(&dir), vec![Change::Added(root.join("content/b.md")), Change::Removed(file)]);
        assert!(s.rescan().is_empty());
        // A folder and a file inside it, named by one burst: the file counts once.
        std::fs::write(root.join("content/b.md"), "c").expect("write");
        let both = BTreeSet::from([root.join("content"), root.join("content/b.md")]);
        assert_eq!(s.changes(&both), vec![Change::Modified(root.join("content/b.md"))]);
    }
}
