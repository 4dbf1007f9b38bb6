//! Load stage: walks `content/` and the static folders; reads and decodes every Markdown file.
//!
//! Gives the sources (sorted by path, so the rest of the pipeline is deterministic) and the
//! asset files to copy, or every I/O problem with its path. Symlinks that leave the site are
//! refused with a warning, loops and unreadable entries are named, never skipped silently.
//! Must not parse: decoding is `parse::decode_text`.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::Config;
use crate::content::Source;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::names::{is_editor_temp, is_ignored, is_unpublished_hidden};

/// `ELOOP`: too many levels of symbolic links.
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
const ELOOP: i32 = 62;
#[cfg(not(any(target_os = "macos", target_os = "ios", target_os = "freebsd")))]
const ELOOP: i32 = 40;

/// Markdown files larger than this are refused (a pasted video, a runaway export).
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// A non-Markdown file to copy into the output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Asset {
    /// Absolute path to read from.
    pub from: PathBuf,
    /// Path relative to its base folder (`content/`, a static folder), `/`-separated, NFC.
    pub rel: String,
}

/// What `load` found.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    /// Markdown sources, sorted by `rel`.
    pub sources: Vec<Source>,
    /// Other files under `content/` (bundle assets), sorted.
    pub content_assets: Vec<Asset>,
    /// Files of the theme's `static/` then the site's `static/` (the site wins on equal paths).
    pub static_files: Vec<Asset>,
    /// Warnings (refused symlinks, skipped empty files).
    pub warnings: Diagnostics,
    /// Some Markdown file is reached through a symbolic link (its own or a folder's): an edit
    /// is then reported under the link's target, so a load told which files changed cannot
    /// trust that list.
    pub linked_sources: bool,
}

/// A Markdown file the walk found, not read yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownFile {
    /// Path relative to `content/` (`bai-viet/x.md`), `/`-separated, NFC.
    pub rel: String,
    /// Where to read it.
    pub path: PathBuf,
}

impl MarkdownFile {
    /// Path relative to the site root, for messages (`content/bai-viet/x.md`).
    pub fn file(&self) -> String {
        format!("content/{}", self.rel)
    }
}

/// What the walk found: the Markdown files to read and the files to copy.
#[derive(Debug, Default, Clone)]
pub struct Found {
    /// Markdown files under `content/`, in walk order.
    pub markdown: Vec<MarkdownFile>,
    /// Other files under `content/` (bundle assets).
    pub content_assets: Vec<Asset>,
    /// Files of the theme's `static/` then the site's `static/` (the site wins on equal paths).
    pub static_files: Vec<Asset>,
    /// Problems met on the way (refused symlinks, loops, unreadable entries, special files).
    pub diagnostics: Diagnostics,
    /// Some Markdown file is reached through a symbolic link (see [`Loaded::linked_sources`]).
    pub linked_sources: bool,
}

/// Walks `content/` and the static folders. Reads no file.
pub fn scan(config: &Config) -> Found {
    let mut found = Found::default();
    let root = canonical(&config.root);
    let content = config.root.join("content");
    if content.is_dir() {
        let Found { markdown, content_assets, diagnostics, linked_sources, .. } = &mut found;
        walk(&root, &content, Hidden::Skip, diagnostics, |rel, path, linked| {
            if rel.ends_with(".md") {
                *linked_sources |= linked;
                markdown.push(MarkdownFile { rel, path });
            } else {
                content_assets.push(Asset { from: path, rel });
            }
        });
    } else {
        found.diagnostics.push(
            Diagnostic::warning("content", Location::file("content"), "không có thư mục content/")
                .with_hint("tạo content/_index.md cho trang chủ"),
        );
    }
    let mut static_dirs = Vec::new();
    if let Some(theme) = config.theme_dir() {
        static_dirs.push(theme.join("static"));
    }
    static_dirs.push(config.root.join("static"));
    for dir in static_dirs.iter().filter(|d| d.is_dir()) {
        let Found { static_files, diagnostics, .. } = &mut found;
        walk(&root, dir, Hidden::Publish, diagnostics, |rel, path, _| {
            static_files.retain(|a: &Asset| a.rel != rel);
            static_files.push(Asset { from: path, rel });
        });
    }
    found
}

/// The load's result from the walk and the reading of each of its Markdown files (in the
/// walk's order): sources sorted by path, every problem of every file, or the errors.
pub fn collect(found: Found, read: Vec<Result<Option<Source>, Diagnostic>>) -> Result<Loaded, Diagnostics> {
    let Found {
        content_assets: mut assets,
        static_files: mut statics,
        diagnostics: mut diags,
        linked_sources,
        ..
    } = found;
    let mut sources = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(Some(s)) => sources.push(s),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    // Two files whose names differ only in Unicode form (NFC/NFD, e.g. one made on macOS)
    // would become one page: refuse rather than let one silently win.
    for pair in sources.windows(2) {
        if pair[0].rel == pair[1].rel {
            diags.push(
                Diagnostic::error(
                    "route-collision",
                    Location::file(&pair[1].file),
                    "hai tệp có cùng tên nhưng khác dạng mã Unicode (NFC và NFD)",
                )
                .with_hint("xóa một trong hai tệp (thường là bản sao chép từ máy Mac)"),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    assets.sort();
    statics.sort();
    Ok(Loaded { sources, content_assets: assets, static_files: statics, warnings: diags, linked_sources })
}

/// The Markdown file at `path` (absolute, under the site root `root`), if it is one.
pub fn markdown_file(root: &Path, path: &Path) -> Option<MarkdownFile> {
    let rel = crate::vi::nfc(&slash_path(path.strip_prefix(root).ok()?));
    let md = rel.strip_prefix("content/").filter(|r| r.ends_with(".md"))?;
    Some(MarkdownFile { rel: md.to_string(), path: path.to_path_buf() })
}

/// The metadata of a Markdown file, or the error naming it.
pub fn metadata(file: &MarkdownFile) -> Result<std::fs::Metadata, Diagnostic> {
    std::fs::metadata(&file.path).map_err(|e| io_error(&file.file(), &e))
}

/// A key for a file's text from its metadata: path, size, inode, modification and change
/// times. `None` (read the file) when a time is unknown or less than two seconds old: a file
/// written twice within one tick of the file system's clock can keep its times and size, so
/// only a file that has been still for a while is trusted by its metadata (the "racy clean"
/// rule of git's index). `now` is the build's start in seconds since the Unix epoch.
pub fn text_key(file: &MarkdownFile, meta: &std::fs::Metadata, now: u64) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let newest = meta.mtime().max(meta.ctime());
        if u64::try_from(newest).ok()? + 2 > now {
            return None;
        }
        Some(crate::fingerprint::key_of(&(
            &file.rel,
            meta.len(),
            meta.dev(),
            meta.ino(),
            (meta.mtime(), meta.mtime_nsec()),
            (meta.ctime(), meta.ctime_nsec()),
        )))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, meta, now);
        None
    }
}

/// Reads and decodes one Markdown file. A file that vanished since the walk, or cannot be
/// read, is an error naming it; an empty file is a warning. `meta` is its metadata when the
/// caller already has it (else the open file is asked: one system call, not a `stat` first).
pub fn read(file: &MarkdownFile, meta: Option<&std::fs::Metadata>) -> Result<Option<Source>, Diagnostic> {
    read_checked(file.rel.clone(), &file.path, file.file(), meta)
}

/// Reads one Markdown file: `open`, `fstat` (unless `meta` is known), `read` until the end,
/// `close`. A large site's load is mostly system time, and `std::fs::read` after a `stat`
/// made two more calls per file for the size it already had.
fn read_checked(
    rel: String,
    path: &Path,
    file: String,
    meta: Option<&std::fs::Metadata>,
) -> Result<Option<Source>, Diagnostic> {
    let mut f = std::fs::File::open(path).map_err(|e| io_error(&file, &e))?;
    let len = match meta {
        Some(m) => m.len(),
        None => f.metadata().map_err(|e| io_error(&file, &e))?.len(),
    };
    if len > MAX_FILE_SIZE {
        return Err(Diagnostic::error(
            "file-size",
            Location::file(&file),
            format!("tệp quá lớn ({} MiB, tối đa {} MiB)", len >> 20, MAX_FILE_SIZE >> 20),
        )
        .with_hint("chia bài thành nhiều bài hoặc bỏ dữ liệu nhúng trong tệp"));
    }
    let bytes = read_sized(&mut f, len).map_err(|e| io_error(&file, &e))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Diagnostic::warning("empty-file", Location::file(&file), "tệp rỗng, bỏ qua")
            .with_hint("xóa tệp hoặc viết nội dung cho nó"));
    }
    let text = crate::parse::decode_borrowed(&bytes, &file)?;
    Ok(Some(Source { file, rel, text: (*text).into() }))
}

/// The bytes of a file whose size `fstat` gave as `len`: one `read` for the usual file, not a
/// second one that finds the end (on a virtual machine every system call is a trap to the
/// hypervisor, and a large site's load is mostly system calls). The reads stop at `len` bytes, or earlier at the
/// file's end; bytes written after the `fstat` are not read, as if it had been read a moment
/// before. Through `take`, not the `File` itself: `File::read_to_end` asks the size and
/// position again.
fn read_sized(f: &mut impl std::io::Read, len: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    f.take(len).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn io_error(file: &str, e: &std::io::Error) -> Diagnostic {
    let (msg, hint) = match e.kind() {
        std::io::ErrorKind::NotFound => {
            ("tệp biến mất trong khi dựng trang".to_string(), "chạy lại loa build khi tệp đã ổn định")
        }
        std::io::ErrorKind::PermissionDenied => {
            ("không có quyền đọc tệp".to_string(), "sửa quyền của tệp (chmod) hoặc xóa nó")
        }
        _ => (format!("không đọc được tệp: {e}"), "kiểm tra tệp và ổ đĩa"),
    };
    Diagnostic::error("io", Location::file(file), msg).with_hint(hint)
}

/// Walks `dir`, calling `found(rel, path, linked)` for each regular file (`linked`: reached
/// through a symbolic link, its own or a folder's). Hidden files, editor temp
/// files and anything under a hidden folder are skipped; symlinks that resolve outside the site
/// root are refused with a warning (a symlinked folder once, not per file) and never followed;
/// loops are warnings naming the link; unreadable entries are errors. Directories whose name
/// ends in `.md` are folders like any other (never read as a file).
fn walk(
    root: &Path,
    dir: &Path,
    hidden: Hidden,
    diags: &mut Diagnostics,
    mut found: impl FnMut(String, PathBuf, bool),
) {
    // What the walk met, each under its path below `dir` with `/` as a zero byte: sorted by
    // that key, files and messages come in the order of a walk that visits every folder's
    // entries by name (`a/b.md` before `a.md`), without walkdir's sort, which parsed both
    // paths of every comparison (a tenth of the serial part of loading 10,000 files).
    let mut met: Vec<(Vec<u8>, Met)> = Vec::new();
    let key_of = |path: &Path| -> Vec<u8> {
        let bytes = path.as_os_str().as_encoded_bytes();
        let rel = bytes.strip_prefix(dir.as_os_str().as_encoded_bytes()).unwrap_or(bytes);
        let rel = rel.strip_prefix(std::path::MAIN_SEPARATOR_STR.as_bytes()).unwrap_or(rel);
        rel.iter().map(|&b| if std::path::is_separator(char::from(b)) { 0 } else { b }).collect()
    };
    // Whether a file's folder lies under a link depends on the folder only: asked once per
    // folder, not once per file (10,000 `lstat`s of one folder on a large site).
    let mut last: Option<(PathBuf, bool)> = None;
    let mut ancestor_linked = |path: &Path| -> bool {
        let parent = path.parent().unwrap_or(path);
        match &last {
            Some((p, linked)) if p == parent => *linked,
            _ => {
                let linked = has_symlink_ancestor(dir, path);
                last = Some((parent.to_path_buf(), linked));
                linked
            }
        }
    };
    let mut walker = WalkDir::new(dir).follow_links(true).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0
            || match hidden {
                Hidden::Skip => !is_ignored(&name),
                Hidden::Publish => !is_editor_temp(&name),
            }
    });
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let key = e.path().map(key_of).unwrap_or_default();
                let path = e.path().map(|p| display_path(root, p)).unwrap_or_else(|| "content".into());
                // A loop of links (`a -> b -> a`) fails with ELOOP instead of a loop ancestor.
                let eloop = e.io_error().and_then(std::io::Error::raw_os_error) == Some(ELOOP);
                if e.loop_ancestor().is_some() || eloop {
                    met.push((
                        key,
                        Met::Message(
                            Diagnostic::warning(
                                "symlink-loop",
                                Location::file(&path),
                                "liên kết tượng trưng tạo vòng lặp, bỏ qua",
                            )
                            .with_hint("xóa liên kết này"),
                        ),
                    ));
                } else {
                    let detail = e.io_error().map_or_else(|| e.to_string(), ToString::to_string);
                    let hint = if e.io_error().map(|io| io.kind()) == Some(std::io::ErrorKind::NotFound) {
                        "liên kết tượng trưng trỏ tới tệp không tồn tại, hoặc tệp vừa bị xóa; xóa hoặc sửa nó rồi chạy lại"
                    } else {
                        "sửa quyền của tệp hoặc thư mục (chmod) rồi chạy lại"
                    };
                    met.push((
                        key,
                        Met::Message(
                            Diagnostic::error(
                                "io",
                                Location::file(&path),
                                format!("không đọc được: {detail}"),
                            )
                            .with_hint(hint),
                        ),
                    ));
                }
                continue;
            }
        };
        let path = entry.path().to_path_buf();
        if hidden == Hidden::Publish
            && entry.depth() > 0
            && is_unpublished_hidden(&entry.file_name().to_string_lossy())
        {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            met.push((
                key_of(&path),
                Met::Message(
                    Diagnostic::warning(
                        "hidden-static",
                        Location::file(display_path(root, &path)),
                        "tệp hoặc thư mục ẩn này không được xuất bản",
                    )
                    .with_hint("thư mục quản lý phiên bản và .DS_Store không bao giờ được xuất bản; xóa nó khỏi static/"),
                ),
            ));
            continue;
        }
        let linked = entry.depth() > 0 && (entry.path_is_symlink() || ancestor_linked(&path));
        if linked {
            let target = canonical(&path);
            if !target.starts_with(root) {
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                // Under a refused folder link: already reported (the folder is not entered).
                met.push((
                    key_of(&path),
                    Met::Message(
                        Diagnostic::warning(
                            "symlink-outside",
                            Location::file(display_path(root, &path)),
                            "liên kết tượng trưng trỏ ra ngoài thư mục của trang, không sao chép",
                        )
                        .with_hint("chép tệp vào trong trang thay vì dùng liên kết"),
                    ),
                ));
                continue;
            }
        }
        let kind = entry.file_type();
        if !kind.is_file() {
            if !kind.is_dir() {
                // A FIFO, socket or device: reading one would block or read a device.
                met.push((
                    key_of(&path),
                    Met::Message(
                        Diagnostic::warning(
                            "special-file",
                            Location::file(display_path(root, &path)),
                            format!("bỏ qua {}: không phải tệp thường", special_kind(&kind)),
                        )
                        .with_hint("xóa nó khỏi thư mục của trang; loa chỉ đọc tệp và thư mục thường"),
                    ),
                ));
            }
            continue;
        }
        let key = key_of(&path);
        met.push((key, Met::File(path, linked)));
    }
    met.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, m) in met {
        match m {
            Met::Message(d) => diags.push(d),
            Met::File(path, linked) => {
                // The key is the relative path with its separators as zero bytes.
                let rel: Vec<u8> = key.into_iter().map(|b| if b == 0 { b'/' } else { b }).collect();
                let rel = String::from_utf8(rel)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                found(crate::vi::nfc_cow(&rel).into_owned(), path, linked);
            }
        }
    }
}

/// What a file that is neither a regular file nor a folder is, in words.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "ống đặt tên (FIFO)";
        }
        if kind.is_socket() {
            return "socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "tệp thiết bị";
        }
    }
    let _ = kind;
    "tệp đặc biệt"
}

/// A file or a message met by [`walk`].
enum Met {
    File(PathBuf, bool),
    Message(Diagnostic),
}

fn has_symlink_ancestor(base: &Path, path: &Path) -> bool {
    let mut p = path.parent();
    while let Some(dir) = p {
        if dir == base {
            return false;
        }
        if dir.symlink_metadata().map(|m| m.file_type().is_symlink()).unwrap_or(false) {
            return true;
        }
        p = dir.parent();
    }
    false
}

/// How a walk treats hidden names (`.x`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hidden {
    /// Skipped (`content/`: Markdown and bundle assets).
    Skip,
    /// Published (`static/`), but for [`crate::names::is_unpublished_hidden`] names, skipped with a warning.
    Publish,
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

fn slash_path(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A path relative to the site root for messages (`content/x.md`), or as is when outside.
pub fn display_path(root: &Path, p: &Path) -> String {
    let canon_root = canonical(root);
    p.strip_prefix(root)
        .or_else(|_| p.strip_prefix(&canon_root))
        .map(slash_path)
        .unwrap_or_else(|_| p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file's content, handed out at most `piece` bytes per `read`; counts the reads.
    struct Counted<'a> {
        rest: &'a [u8],
        piece: usize,
        reads: usize,
    }

    impl std::io::Read for Counted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.reads += 1;
            let n = buf.len().min(self.piece).min(self.rest.len());
            buf[..n].copy_from_slice(&self.rest[..n]);
            self.rest = &self.rest[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_file_of_the_size_fstat_gave_takes_one_read() {
        let text = "---\ntitle: Học tập suốt đời\n---\nNội dung bài viết.\n".repeat(40);
        let mut f = Counted { rest: text.as_bytes(), piece: usize::MAX, reads: 0 };
        assert_eq!(read_sized(&mut f, text.len() as u64).unwrap(), text.as_bytes());
        assert_eq!(f.reads, 1, "the end is known from the size: no read to find it");
        // A file system that hands out pieces: read on to the size.
        let mut f = Counted { rest: text.as_bytes(), piece: 7, reads: 0 };
        assert_eq!(read_sized(&mut f, text.len() as u64).unwrap(), text.as_bytes());
        // Shorter than its size (cut since the fstat): what is there, found by a read of 0.
        let mut f = Counted { rest: &text.as_bytes()[..100], piece: usize::MAX, reads: 0 };
        assert_eq!(read_sized(&mut f, text.len() as u64).unwrap(), &text.as_bytes()[..100]);
        assert_eq!(f.reads, 2);
        // Longer (written to since): the bytes the size covers.
        let mut f = Counted { rest: text.as_bytes(), piece: usize::MAX, reads: 0 };
        assert_eq!(read_sized(&mut f, 100).unwrap(), &text.as_bytes()[..100]);
    }

    #[test]
    fn the_walk_gives_files_and_messages_in_name_order() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("content");
        // Made in an order unlike the name order, among enough others that a walk in the
        // folder's own order would not match by chance.
        let mut names = vec!["b.md", "a/x.md", "a.md", "a/b/y.md", "a-b.md", "z/a.md", "Ä.md", "ab.md"];
        let many: Vec<String> = (0..40).map(|i| format!("m/{:02}.md", (i * 17) % 40)).collect();
        names.extend(many.iter().map(String::as_str));
        for n in &names {
            let p = dir.join(n);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, "x").expect("write");
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(&dir, dir.join("a/loop")).expect("symlink");
        let mut diags = Diagnostics::new();
        let mut got = Vec::new();
        walk(tmp.path(), &dir, Hidden::Skip, &mut diags, |rel, _, _| got.push(rel));
        let mut want: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        // Name order per folder: a folder's files before a sibling file whose name it starts.
        want.sort_by(|a, b| a.split('/').cmp(b.split('/')));
        assert_eq!(got, want);
        assert_eq!(&got[..3], ["a/b/y.md", "a/x.md", "a-b.md"]);
        #[cfg(unix)]
        {
            assert_eq!(diags.0.len(), 1, "{diags:?}");
            assert!(
                diags.iter().next().is_some_and(|d| d.location == Some(Location::file("content/a/loop")))
            );
        }
    }

    #[test]
    fn a_file_that_vanished_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().expect("tmp");
        let file = MarkdownFile { rel: "a/x.md".into(), path: tmp.path().join("x.md") };
        let e = read(&file, None).unwrap_err();
        assert!(e.is_error());
        assert_eq!(e.location, Some(Location::file("content/a/x.md")));
        assert!(e.message.contains("biến mất"), "{e}");
    }
}
