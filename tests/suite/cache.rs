//! The build cache of `loa serve`: a rebuild reuses the unchanged work of the last build and
//! gives exactly what a fresh build gives.

use loa::build::{BuildOptions, build, build_cached};
use loa::cache::BuildCache;
use loa::config::{Config, Overrides};

use crate::harness::{minimal_site, write};

#[test]
fn a_cached_rebuild_reuses_unchanged_work_and_equals_a_fresh_build() {
    let site = minimal_site();
    let root = site.path();
    for i in 0..6 {
        write(
            root,
            &format!("content/bai-viet/b{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: 2022-09-1{i}\n---\n## Mục\n\nNội dung {i}.\n"),
        );
    }
    let config = Config::load(root, &Overrides::default()).expect("config");
    let opts = BuildOptions::default();
    let cache = BuildCache::default();
    let first = build_cached(&config, opts, &cache).expect("first build");
    assert_eq!(cache.parsed.reused(), 0);
    // One article edited: everything else comes from the cache.
    write(
        root,
        "content/bai-viet/b3.md",
        "---\ntitle: Bài 3 sửa\ndate: 2022-09-13\n---\n## Mục\n\nĐã sửa.\n",
    );
    let second = build_cached(&config, opts, &cache).expect("second build");
    let fresh = build(&config, opts).expect("fresh build");
    assert_eq!(second.output, fresh.output, "a cached rebuild must equal a fresh build");
    assert_ne!(first.output, second.output);
    let files = 2 + 1 + 6; // _index.md ×2, mot.md, six articles
    assert_eq!(cache.parsed.reused(), files - 1, "every unchanged file's parse is reused");
    assert!(cache.rendered.reused() >= 6, "unchanged bodies are reused: {}", cache.rendered.reused());
    assert!(
        second.output.files["bai-viet/b3/index.html"]
            .windows(6)
            .any(|w| w == "Đã sửa".as_bytes().get(..6).unwrap_or(&[]))
    );
    // A failed build keeps the last good entries.
    write(root, "content/bai-viet/b4.md", "---\ntitle: [\n---\n");
    assert!(build_cached(&config, opts, &cache).is_err());
    write(
        root,
        "content/bai-viet/b4.md",
        "---\ntitle: Bài 4\ndate: 2022-09-14\n---\n## Mục\n\nNội dung 4.\n",
    );
    let third = build_cached(&config, opts, &cache).expect("third build");
    assert_eq!(third.output, second.output);
    assert_eq!(cache.parsed.reused(), files, "after the fix, the last good build's entries are reused");
}
