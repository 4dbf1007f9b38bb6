//! The output-folder part of the hostile-input catalogue (issue 21): what a build does with an
//! output folder that others write into, share, link out of, or mount.
//!
//! Each test names the case it checks. Every run is bounded (`catalogue::run`); where a build
//! must be refused, nothing may be written anywhere; where it must succeed, the output must be
//! exactly the site's tree, and no staging folder may be left behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::catalogue::{Run, run};
use crate::harness::{minimal_site, tree, write};

/// `loa build ARGS` in `site`, which must succeed.
fn builds(site: &Path, args: &[&str]) -> Run {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let r = run(site, &all);
    assert_eq!(r.code, Some(0), "loa {all:?} failed:\n{}", r.stderr);
    r
}

/// The published files of an output folder (its marker is loa's bookkeeping, not the site).
fn published(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut t = tree(dir);
    t.remove(".loa-output");
    t
}

/// Every entry under `dir` (folders too, symlinks not followed), as relative paths.
fn entries(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .map(|e| e.path().strip_prefix(dir).expect("prefix").to_string_lossy().into_owned())
        .collect()
}

/// The symlinks under `dir`.
fn symlinks_under(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| e.path_is_symlink())
        .map(|e| e.path().display().to_string())
        .collect()
}

/// Names in `dir` that a finished build must not leave: staging, old and aborted folders.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".staging-") || n.contains(".old-") || n.contains("-aborted"))
                .collect()
        })
        .unwrap_or_default()
}

/// What `site` publishes, built on its own into a fresh folder.
fn reference(site: &Path) -> BTreeMap<String, Vec<u8>> {
    let elsewhere = tempfile::tempdir().expect("tmp");
    let out = elsewhere.path().join("public");
    builds(site, &["--output-dir", out.to_str().expect("utf-8")]);
    published(&out)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ───────────────────────── Case 2. One output folder, one build at a time ─────────────────────────

/// A site whose every page says `who`, with `extra` pages of its own.
fn site_saying(who: &str, extra: usize) -> tempfile::TempDir {
    let site = minimal_site();
    for i in 0..150 {
        write(
            site.path(),
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-15\n---\nTrang của {who}.\n"),
        );
    }
    for i in 0..extra {
        write(
            site.path(),
            &format!("content/rieng/{who}-{i}.md"),
            &format!("---\ntitle: Riêng {i}\n---\nChỉ {who} có.\n"),
        );
    }
    site
}

#[test]
fn two_sites_racing_for_one_output_folder_leave_exactly_one_complete_site() {
    // Case 2: two builds of different sites into one output folder take turns; the output is
    // always one site's complete tree, never a mix.
    let (a, b) = (site_saying("a", 5), site_saying("b", 9));
    let (want_a, want_b) = (reference(a.path()), reference(b.path()));
    assert_ne!(want_a, want_b);
    let shared = tempfile::tempdir().expect("tmp");
    let out = shared.path().join("public");
    let out_arg = out.to_str().expect("utf-8").to_string();
    for round in 0..10 {
        let racers: Vec<_> = [a.path().to_path_buf(), b.path().to_path_buf()]
            .into_iter()
            .map(|root| {
                let out_arg = out_arg.clone();
                std::thread::spawn(move || run(&root, &["build", "--output-dir", &out_arg]))
            })
            .collect();
        for r in racers {
            let r = r.join().expect("thread");
            assert_eq!(r.code, Some(0), "round {round}: {}", r.stderr);
        }
        let got = published(&out);
        assert!(got == want_a || got == want_b, "round {round}: the output mixes the two sites");
        assert!(leftovers(shared.path()).is_empty(), "round {round}: {:?}", leftovers(shared.path()));
        assert!(!shared.path().join(".public.loa-lock").exists(), "round {round}: lock file left");
    }
}

#[cfg(unix)]
#[test]
fn a_held_output_folder_lock_names_its_pid_and_nothing_is_written() {
    // Case 2: the lock beside the output folder is held (here by this test process, with
    // flock(2) as loa takes it): a build of another site waits, then exits 2 naming the PID.
    use std::io::Write as _;
    use std::os::unix::io::AsRawFd;
    let site = minimal_site();
    let shared = tempfile::tempdir().expect("tmp");
    let out = shared.path().join("public");
    let out_arg = out.to_str().expect("utf-8");
    builds(site.path(), &["--output-dir", out_arg]);
    let before = tree(&out);
    let mut held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(shared.path().join(".public.loa-lock"))
        .expect("lock file");
    // SAFETY: flock on a file descriptor this test owns.
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    writeln!(held, "{}", std::process::id()).expect("write pid");
    let other = site_saying("khac", 1);
    let r = run(other.path(), &["build", "--output-dir", out_arg]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("(pid {})", std::process::id())), "{}", r.stderr);
    assert!(r.stderr.contains(".public.loa-lock") && r.stderr.contains("gợi ý:"), "{}", r.stderr);
    assert_eq!(tree(&out), before, "written while another build held the output folder");
    assert!(leftovers(shared.path()).is_empty());
    // Released: the other site's build goes through.
    drop(held);
    builds(other.path(), &["--output-dir", out_arg]);
    assert_eq!(published(&out), reference(other.path()));
}

// ───────────────────────── Case 3. Symlinks found in the output ─────────────────────────

/// Files that belong to someone else, outside the site, for symlinks to point at.
fn precious() -> tempfile::TempDir {
    let elsewhere = tempfile::tempdir().expect("tmp");
    write(elsewhere.path(), "precious.txt", "của người khác, đừng ghi đè\n");
    write(elsewhere.path(), "dir/keep.html", "thư mục của người khác\n");
    elsewhere
}

/// Replaces `robots.txt` by a link to a file and `bai-viet/` by a link to a folder, in `dir`.
#[cfg(unix)]
fn plant_links(dir: &Path, elsewhere: &Path) {
    std::fs::remove_file(dir.join("robots.txt")).expect("rm robots.txt");
    std::os::unix::fs::symlink(elsewhere.join("precious.txt"), dir.join("robots.txt")).expect("symlink");
    std::fs::remove_dir_all(dir.join("bai-viet")).expect("rm bai-viet");
    std::os::unix::fs::symlink(elsewhere.join("dir"), dir.join("bai-viet")).expect("symlink");
}

#[cfg(unix)]
#[test]
fn symlinks_planted_in_public_are_replaced_by_real_files_and_their_targets_untouched() {
    // Case 3: `public/robots.txt -> elsewhere/precious.txt` and `public/bai-viet -> elsewhere/dir`.
    // The planted output becomes the spare, which the build after reuses: neither build may
    // write through the links.
    let site = minimal_site();
    builds(site.path(), &[]);
    builds(site.path(), &[]);
    let public = site.path().join("public");
    let want = published(&public);
    let elsewhere = precious();
    plant_links(&public, elsewhere.path());
    let targets = tree(elsewhere.path());
    for round in 0..3 {
        builds(site.path(), &[]);
        assert_eq!(tree(elsewhere.path()), targets, "round {round}: a symlink target was written");
        assert_eq!(symlinks_under(&public), Vec::<String>::new(), "round {round}");
        assert_eq!(published(&public), want, "round {round}");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_planted_in_the_spare_are_replaced_by_real_files_and_their_targets_untouched() {
    // Case 3: the same links planted in `.public.loa-spare/`, which the next build writes into.
    let site = minimal_site();
    for _ in 0..3 {
        builds(site.path(), &[]);
    }
    let public = site.path().join("public");
    let spare = site.path().join(".public.loa-spare");
    assert!(spare.is_dir(), "no spare after three builds");
    let want = published(&public);
    let elsewhere = precious();
    plant_links(&spare, elsewhere.path());
    let targets = tree(elsewhere.path());
    for round in 0..2 {
        builds(site.path(), &[]);
        assert_eq!(tree(elsewhere.path()), targets, "round {round}: a symlink target was written");
        assert_eq!(symlinks_under(&public), Vec::<String>::new(), "round {round}");
        assert_eq!(published(&public), want, "round {round}");
    }
}

#[cfg(unix)]
#[test]
fn a_spare_folder_that_is_a_symlink_is_not_written_through() {
    // Case 3: `.public.loa-spare -> elsewhere/` (a real spare, with its manifest, moved away
    // and linked back): the build must not reuse the folder the link points to.
    let site = minimal_site();
    for _ in 0..3 {
        builds(site.path(), &[]);
    }
    let elsewhere = tempfile::tempdir().expect("tmp");
    let moved = elsewhere.path().join("spare");
    std::fs::rename(site.path().join(".public.loa-spare"), &moved).expect("move spare");
    std::os::unix::fs::symlink(&moved, site.path().join(".public.loa-spare")).expect("symlink");
    let target = tree(&moved);
    for round in 0..2 {
        // A changed page, so that the build has something to write.
        write(
            site.path(),
            "content/bai-viet/mot.md",
            &format!("---\ntitle: Một\ndate: 2022-09-15\n---\nLần {round}.\n"),
        );
        builds(site.path(), &[]);
        assert_eq!(tree(&moved), target, "round {round}: written through the spare's symlink");
        let public = site.path().join("public");
        let kind = std::fs::symlink_metadata(&public).expect("public").file_type();
        assert!(kind.is_dir(), "round {round}: public/ is not a real folder: {kind:?}");
        assert_eq!(published(&public), reference(site.path()), "round {round}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_planted_in_the_spare_does_not_hang_the_build() {
    // Case 3, the same family: a FIFO in place of the spare's marker or of one of its pages
    // (opening one to read it waits for a writer). The build finishes (`run` kills it after
    // 20 s and fails) and publishes real files.
    let site = minimal_site();
    for _ in 0..3 {
        builds(site.path(), &[]);
    }
    let want = published(&site.path().join("public"));
    let spare = site.path().join(".public.loa-spare");
    // First a page of a spare that is reused, then the marker (the spare cannot be reused).
    for rel in ["bai-viet/mot/index.html", ".loa-output"] {
        assert!(spare.join(rel).is_file(), "{rel} not in the spare");
        std::fs::remove_file(spare.join(rel)).expect("rm");
        let path = std::ffi::CString::new(spare.join(rel).to_str().expect("utf-8")).expect("path");
        // SAFETY: a valid C string for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo {rel}");
        builds(site.path(), &[]);
        assert_eq!(published(&site.path().join("public")), want, "FIFO at {rel}");
    }
    assert_eq!(symlinks_under(&site.path().join("public")), Vec::<String>::new());
}

// ───────────────────────── Case 4. Mount points and system folders ─────────────────────────

#[test]
fn a_tmpfs_mount_point_as_output_builds_twice_and_leaves_no_staging() {
    // Case 4: the output folder is a mount point (rename(2) of it fails with EBUSY): it is
    // staged inside itself and its entries are swapped in. Twice: the second build replaces
    // the first's output in the same mount point, keeping its dotfiles.
    let disk = tempfile::tempdir().expect("tmp");
    let mnt = disk.path().join("public");
    if !crate::catalogue::mount_tmpfs(&mnt, "64m") {
        return;
    }
    let _guard = crate::catalogue::Unmount(mnt.clone());
    let site = minimal_site();
    let out_arg = mnt.to_str().expect("utf-8");
    builds(site.path(), &["--output-dir", out_arg]);
    assert_eq!(published(&mnt), reference(site.path()), "first build into the mount point");
    write(&mnt, ".nojekyll", "");
    write(site.path(), "content/bai-viet/mot.md", "---\ntitle: Một\ndate: 2022-09-15\n---\nĐã sửa.\n");
    write(site.path(), "content/bai-viet/hai.md", "---\ntitle: Hai\ndate: 2022-09-16\n---\nMới.\n");
    builds(site.path(), &["--output-dir", out_arg]);
    let mut got = published(&mnt);
    assert_eq!(got.remove(".nojekyll"), Some(Vec::new()), "a dotfile of the output was not kept");
    assert_eq!(got, reference(site.path()), "second build into the mount point");
    let inside: Vec<String> = entries(&mnt).into_iter().filter(|n| n.contains("staging")).collect();
    assert!(inside.is_empty(), "staging left in the mount point: {inside:?}");
    let beside: Vec<String> = std::fs::read_dir(disk.path())
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["public"], "left beside the mount point");
}

/// Removes what a wrongly accepted build would have created in a system folder.
struct RemoveAfter(Vec<PathBuf>);

impl Drop for RemoveAfter {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_dir_all(p);
            let (Some(parent), Some(name)) = (p.parent(), p.file_name()) else { continue };
            let name = name.to_string_lossy().into_owned();
            for e in std::fs::read_dir(parent).into_iter().flatten().flatten() {
                if e.file_name().to_string_lossy().contains(&name) {
                    let _ = std::fs::remove_dir_all(e.path());
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

#[test]
fn system_folders_are_refused_even_with_force_and_nothing_is_created() {
    // Case 4: `/etc/...` and `/usr/...` are never an output, whatever `--force` says.
    let site = minimal_site();
    let pid = std::process::id();
    let outs =
        [PathBuf::from(format!("/etc/loa-test-{pid}")), PathBuf::from(format!("/usr/share/loa-x-{pid}"))];
    let _cleanup = RemoveAfter(outs.to_vec());
    for out in &outs {
        let before = tree(site.path());
        let r = run(site.path(), &["build", "--force", "--output-dir", out.to_str().expect("utf-8")]);
        assert_eq!(r.code, Some(2), "{}: {}", out.display(), r.stderr);
        assert!(r.stderr.contains("thư mục hệ thống") && r.stderr.contains("gợi ý:"), "{}", r.stderr);
        assert!(!out.exists(), "{} was created", out.display());
        let name = out.file_name().expect("name").to_string_lossy().into_owned();
        let parent = out.parent().expect("parent");
        let near: Vec<String> = std::fs::read_dir(parent)
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(&name))
            .collect();
        assert!(near.is_empty(), "created beside {}: {near:?}", out.display());
        assert_eq!(tree(site.path()), before);
    }
}

// ───────────────────────── Case 5a. What "unchanged" means ─────────────────────────

/// Builds twice (so that the next build writes into a spare), then replaces 25 bytes of a
/// published page by a script of the same length; returns the page and its good bytes.
fn edit_a_page_keeping_its_length(site: &Path) -> (PathBuf, Vec<u8>) {
    builds(site, &[]);
    builds(site, &[]);
    let page = site.join("public/bai-viet/mot/index.html");
    let good = read(&page);
    let script = b"<script>alert(1)</script>";
    assert!(good.len() > script.len() + 10, "page too short for the case");
    let mut edited = good.clone();
    edited[..script.len()].copy_from_slice(script);
    assert_eq!(edited.len(), good.len());
    std::fs::write(&page, &edited).expect("edit");
    (page, good)
}

/// Four builds, with a content edit after the second: the page must be the generated one
/// after every build.
fn rebuilds_restore(site: &Path, page: &Path, good: &[u8]) {
    for round in 0..4 {
        if round == 2 {
            write(site, "content/bai-viet/hai.md", "---\ntitle: Hai\ndate: 2022-09-16\n---\nMới.\n");
        }
        builds(site, &[]);
        assert_eq!(read(page), good, "round {round}: the hand edit survived the build");
    }
}

#[test]
fn a_hand_edit_that_keeps_the_length_is_written_again() {
    // Case 5a: 25 bytes of a published page replaced by `<script>alert(1)</script>`.
    let site = minimal_site();
    let (page, good) = edit_a_page_keeping_its_length(site.path());
    rebuilds_restore(site.path(), &page, &good);
}

#[test]
fn a_hand_edit_that_keeps_the_length_and_the_modification_time_is_written_again() {
    // Case 5a: the same edit, with the file's modification time put back as it was.
    let site = minimal_site();
    builds(site.path(), &[]);
    builds(site.path(), &[]);
    let page = site.path().join("public/bai-viet/mot/index.html");
    let mtime = std::fs::metadata(&page).and_then(|m| m.modified()).expect("mtime");
    let (page, good) = {
        let good = read(&page);
        let mut edited = good.clone();
        edited[..25].copy_from_slice(b"<script>alert(1)</script>");
        std::fs::write(&page, &edited).expect("edit");
        (page, good)
    };
    std::fs::File::options().write(true).open(&page).and_then(|f| f.set_modified(mtime)).expect("set mtime");
    assert_eq!(std::fs::metadata(&page).and_then(|m| m.modified()).expect("mtime"), mtime);
    rebuilds_restore(site.path(), &page, &good);
}

// ───────────────────────── Case 5b. Files loa did not write ─────────────────────────

const KEEPING: &str =
    "title: Thử\nbase_url: https://thu.example.vn\noutput:\n  keep: [CNAME, tai-lieu/, bai-viet/ban-in/]\n";

#[test]
fn entries_listed_in_output_keep_survive_every_build() {
    // Case 5b: `output.keep` lists a file, a folder, and a folder inside a generated one.
    let site = minimal_site();
    write(site.path(), "loa.yaml", KEEPING);
    builds(site.path(), &[]);
    let public = site.path().join("public");
    write(&public, "CNAME", "thu.example.vn\n");
    write(&public, "tai-lieu/so-tay.pdf", "%PDF sổ tay\n");
    write(&public, "bai-viet/ban-in/mot.pdf", "%PDF bản in\n");
    for round in 0..3 {
        write(
            site.path(),
            "content/bai-viet/mot.md",
            &format!("---\ntitle: Một\ndate: 2022-09-15\n---\nLần {round}.\n"),
        );
        builds(site.path(), &[]);
        assert_eq!(read(&public.join("CNAME")), b"thu.example.vn\n", "round {round}");
        assert_eq!(read(&public.join("tai-lieu/so-tay.pdf")), "%PDF sổ tay\n".as_bytes(), "round {round}");
        assert_eq!(
            read(&public.join("bai-viet/ban-in/mot.pdf")),
            "%PDF bản in\n".as_bytes(),
            "round {round}"
        );
        let page = String::from_utf8(read(&public.join("bai-viet/mot/index.html"))).expect("utf-8");
        assert!(page.contains(&format!("Lần {round}.")), "round {round}: stale page");
    }
}

#[test]
fn an_unlisted_cname_is_removed_and_stays_removed() {
    // Case 5b: without `output.keep`, a file loa did not write is removed for good.
    let site = minimal_site();
    builds(site.path(), &[]);
    builds(site.path(), &[]);
    let public = site.path().join("public");
    write(&public, "CNAME", "thu.example.vn\n");
    for round in 0..4 {
        builds(site.path(), &[]);
        assert!(!public.join("CNAME").exists(), "round {round}: CNAME is back");
    }
}

#[test]
fn a_foreign_file_is_gone_after_one_build_and_never_reappears() {
    // Case 5b: `secret.txt` at the top and in a generated folder: removed by the first build,
    // and never brought back by a later one (the output it was put in becomes the spare).
    let site = minimal_site();
    builds(site.path(), &[]);
    builds(site.path(), &[]);
    let public = site.path().join("public");
    let want = published(&public);
    write(&public, "secret.txt", "bí mật\n");
    write(&public, "bai-viet/mot/secret.txt", "bí mật\n");
    for round in 0..5 {
        builds(site.path(), &[]);
        assert_eq!(published(&public), want, "round {round}: a foreign file is in the output");
    }
}

#[test]
fn a_generated_file_wins_over_a_kept_entry_with_a_warning() {
    // Case 5b, decided: a generated file with the path of a kept entry (here static/CNAME and
    // `keep: [CNAME]`) is the one published, and every build says so in a warning.
    let site = minimal_site();
    write(site.path(), "loa.yaml", "title: Thử\nbase_url: https://thu.example.vn\noutput: {keep: [CNAME]}\n");
    write(site.path(), "static/CNAME", "tu-static.example.vn\n");
    builds(site.path(), &[]);
    write(&site.path().join("public"), "CNAME", "bang-tay.example.vn\n");
    for round in 0..2 {
        let r = builds(site.path(), &[]);
        assert_eq!(read(&site.path().join("public/CNAME")), b"tu-static.example.vn\n", "round {round}");
        assert!(
            r.stderr.contains("cảnh báo") && r.stderr.contains("output.keep") && r.stderr.contains("CNAME"),
            "round {round}: no warning:\n{}",
            r.stderr
        );
    }
}

#[test]
fn output_keep_entries_must_be_relative_paths_inside_the_output() {
    // Case 5b: `output.keep` is strict like the rest of loa.yaml.
    for (keep, needle) in [
        ("output: {keep: [../ngoai]}", "output.keep"),
        ("output: {keep: [/etc/passwd]}", "output.keep"),
        ("output: {keep: [a/../../b]}", "output.keep"),
        ("output: {keep: [\"\"]}", "output.keep"),
        ("output: {kep: [CNAME]}", "`keep`"),
    ] {
        let site = minimal_site();
        write(site.path(), "loa.yaml", &format!("title: Thử\nbase_url: https://thu.example.vn\n{keep}\n"));
        let before = tree(site.path());
        let r = run(site.path(), &["build"]);
        assert_eq!(r.code, Some(2), "{keep}: {}", r.stderr);
        assert!(r.stderr.contains("loa.yaml:3") && r.stderr.contains(needle), "{keep}: {}", r.stderr);
        assert_eq!(tree(site.path()), before, "{keep}: the site was touched");
    }
}

// ───────────────────────── Case 6. The swap ─────────────────────────

/// The names moved or created in one folder, from inotify(7): (event mask, cookie, name).
#[cfg(target_os = "linux")]
struct Watch(std::os::fd::OwnedFd);

#[cfg(target_os = "linux")]
impl Watch {
    fn new(dir: &Path) -> Watch {
        use std::os::fd::FromRawFd;
        use std::os::unix::ffi::OsStrExt;
        // SAFETY: plain system calls; the descriptor is owned by the returned value.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        assert!(fd >= 0, "inotify_init1");
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).expect("path");
        let mask = libc::IN_MOVED_FROM | libc::IN_MOVED_TO | libc::IN_CREATE;
        // SAFETY: `path` is a valid C string for the duration of the call.
        assert!(unsafe { libc::inotify_add_watch(fd, path.as_ptr(), mask) } >= 0, "inotify_add_watch");
        // SAFETY: `fd` was just opened and is owned by nothing else.
        Watch(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
    }

    fn events(&self) -> Vec<(u32, u32, String)> {
        use std::os::fd::AsRawFd;
        let mut out = Vec::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            // SAFETY: reads into a buffer of the given length.
            let n = unsafe { libc::read(self.0.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
            let mut at = 0;
            while at + 16 <= n as usize {
                let word =
                    |i: usize| u32::from_ne_bytes(buf[at + i..at + i + 4].try_into().expect("4 bytes"));
                let (mask, cookie, len) = (word(4), word(8), word(12) as usize);
                let name = &buf[at + 16..at + 16 + len];
                let name = String::from_utf8_lossy(name.split(|&b| b == 0).next().unwrap_or_default());
                out.push((mask, cookie, name.into_owned()));
                at += 16 + len;
            }
        }
        out
    }
}

#[cfg(target_os = "linux")]
#[test]
fn the_swap_exchanges_public_and_the_new_output_in_one_rename() {
    // Case 6: with renameat2(RENAME_EXCHANGE) `public` is never missing: the old output moves
    // straight to the name the new one came from (the spare or the staging folder), and no
    // `.public.old-*` name (the first of two renames) ever appears.
    use std::os::unix::fs::MetadataExt;
    let site = minimal_site();
    builds(site.path(), &[]);
    builds(site.path(), &[]);
    let public = site.path().join("public");
    let old_inode = std::fs::metadata(&public).expect("public").ino();
    let watch = Watch::new(site.path());
    builds(site.path(), &[]);
    let events = watch.events();
    let names: Vec<&str> = events.iter().map(|(_, _, n)| n.as_str()).collect();
    assert!(!names.iter().any(|n| n.contains(".old-")), "two renames, not an exchange: {names:?}");
    let moved_out = events
        .iter()
        .find(|(m, _, n)| m & libc::IN_MOVED_FROM != 0 && n == "public")
        .unwrap_or_else(|| panic!("public never moved: {events:?}"));
    let moved_to = events
        .iter()
        .find(|(m, c, _)| m & libc::IN_MOVED_TO != 0 && *c == moved_out.1)
        .map(|(_, _, n)| n.as_str())
        .unwrap_or_else(|| panic!("no destination for public: {events:?}"));
    assert!(
        moved_to == ".public.loa-spare" || moved_to.starts_with(".public.staging-"),
        "public moved to {moved_to}"
    );
    let spare = std::fs::metadata(site.path().join(".public.loa-spare")).expect("spare").ino();
    assert_eq!(spare, old_inode, "the previous output is the next spare");
}

// ───────────────────────── Case 9a. An output path through a file ─────────────────────────

#[test]
fn an_output_path_through_the_lock_file_or_a_regular_file_is_refused() {
    // Case 9a: `--output-dir .loa.lock`, `.loa.lock/x` (the site's lock file, which the build
    // itself creates), and a path whose ancestor is a regular file: exit 2, nothing written.
    let site = minimal_site();
    write(site.path(), "ghi-chu.txt", "của tôi\n");
    let check = |out: &str| {
        let before = entries(site.path());
        let files = tree(site.path());
        let r = run(site.path(), &["build", "--output-dir", out]);
        assert_eq!(r.code, Some(2), "{out}: {}", r.stderr);
        assert!(r.stderr.starts_with("lỗi: ") && r.stderr.contains("gợi ý:"), "{out}: {}", r.stderr);
        assert_eq!(entries(site.path()), before, "{out}: something was created");
        assert_eq!(tree(site.path()), files, "{out}: something was written");
    };
    for out in [".loa.lock", ".loa.lock/x", "ghi-chu.txt/out", "ghi-chu.txt/a/b", "loa.yaml/x"] {
        check(out);
    }
    // The lock file of a build that died.
    write(site.path(), ".loa.lock", "4999999\n");
    for out in [".loa.lock", ".loa.lock/x"] {
        check(out);
    }
}
