//! The images stage on the `images` fixture: what is published carries no metadata, and a
//! rebuild makes only the images that changed (the cache in `.loa-cache/images/`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::{copy_site, run, sites_dir, tree};

/// Markers of metadata blocks: EXIF (with its GPS position), XMP, PNG text and EXIF chunks,
/// and the words the fixtures hide in comments and text chunks.
const METADATA: [&[u8]; 7] =
    [b"Exif\0\0", b"http://ns.adobe.com/xap", b"tEXt", b"iTXt", b"eXIf", b"GPS", b"Location"];

fn has_metadata(bytes: &[u8]) -> Option<&'static str> {
    METADATA
        .iter()
        .find(|m| bytes.windows(m.len()).any(|w| w == **m))
        .map(|m| std::str::from_utf8(m).unwrap_or("?"))
}

fn built() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_site(&sites_dir().join("images"), tmp.path());
    let out = run(tmp.path(), &["build", "--root", "."]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let files = tree(&tmp.path().join("public"));
    (tmp, files)
}

fn is_image(path: &str) -> bool {
    [".jpg", ".png", ".gif", ".webp"].iter().any(|e| path.ends_with(e))
}

#[test]
fn gps_and_every_other_metadata_go_in_and_nothing_comes_out() {
    let site = sites_dir().join("images");
    let sources = tree(&site.join("content")).into_iter().chain(tree(&site.join("static")));
    let with_metadata: Vec<String> =
        sources.filter(|(p, b)| is_image(p) && has_metadata(b).is_some()).map(|(p, _)| p).collect();
    // The photos carry EXIF with GPS, the PNG a place in a text chunk, the GIF a comment.
    assert_eq!(with_metadata.len(), 4, "the fixtures carry metadata: {with_metadata:?}");
    let (_tmp, files) = built();
    let images: Vec<(&String, &Vec<u8>)> = files.iter().filter(|(p, _)| is_image(p)).collect();
    // 25 made from the fixtures' images, and the share cards of the page without `image:` and
    // of its section.
    assert_eq!(images.len(), 27, "{:?}", images.iter().map(|(p, _)| p).collect::<Vec<_>>());
    for (path, bytes) in images {
        assert_eq!(has_metadata(bytes), None, "{path} still carries metadata");
        let img = image::load_from_memory(bytes).unwrap_or_else(|e| panic!("{path} does not decode: {e}"));
        // The width in the name is the width of the picture.
        let parts: Vec<&str> = path.rsplit('.').collect();
        if parts.len() >= 4
            && let Ok(w) = parts[1].parse::<u32>()
        {
            assert_eq!(img.width(), w, "{path}");
        }
    }
}

#[test]
fn a_picture_turned_by_its_exif_orientation_is_published_upright() {
    let (_tmp, files) = built();
    let original = image::load_from_memory(&files["bai-viet/hop-dan/anh-doc.jpg"]).expect("decode");
    assert_eq!((original.width(), original.height()), (400, 600), "stored 600 × 400 with orientation 6");
    let html = String::from_utf8_lossy(&files["bai-viet/hop-dan/index.html"]).into_owned();
    assert!(html.contains("width=\"400\" height=\"600\""), "{html}");
}

fn entries(cache: &Path) -> BTreeMap<String, std::time::SystemTime> {
    std::fs::read_dir(cache)
        .expect("cache")
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().and_then(|m| m.modified()).expect("mtime"),
            )
        })
        .collect()
}

#[test]
fn a_rebuild_reuses_the_cache_and_makes_only_the_changed_image() {
    let (tmp, first) = built();
    let cache = tmp.path().join(".loa-cache/images");
    let before = entries(&cache);
    // Five images, one of them (the PNG) shown on two pages: five entries.
    assert_eq!(before.len(), 5, "{before:?}");
    let out = run(tmp.path(), &["build", "--root", "."]);
    assert!(out.status.success());
    assert_eq!(entries(&cache), before, "an unchanged site makes nothing again");
    assert_eq!(tree(&tmp.path().join("public")), first, "the same site");
    // Other bytes under the same name (another photo's, one byte longer): one new entry, the
    // others untouched.
    let dir = tmp.path().join("content/bai-viet/hop-dan");
    let mut other = std::fs::read(dir.join("anh-chup.jpg")).expect("read");
    other.push(0);
    std::fs::write(dir.join("anh-doc.jpg"), other).expect("write");
    let out = run(tmp.path(), &["build", "--root", "."]);
    assert!(out.status.success());
    let after = entries(&cache);
    let new: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(new.len(), 1, "{after:?}");
    for (k, t) in &before {
        assert_eq!(after.get(k), Some(t), "{k} was made again");
    }
}

/// The made images are published as links to the cache's files (a rebuild reads none of
/// them), so a damaged cache must never be taken for made: a file of the cache cut short,
/// another written over with other bytes of the same length, and one of a third entry removed,
/// are each found at the next build, made again and published whole.
#[cfg(unix)]
#[test]
fn a_damaged_cache_entry_is_made_again_and_never_published() {
    use std::os::unix::fs::MetadataExt as _;
    let (tmp, first) = built();
    let cache = tmp.path().join(".loa-cache/images");
    let public = tmp.path().join("public");
    let made = |ext: &str| -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = walkdir::WalkDir::new(&cache)
            .into_iter()
            .flatten()
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        files.sort();
        files
    };
    // Every made image of the output is the cache's own file, not a copy of it.
    let inodes: std::collections::HashSet<u64> =
        made("webp").iter().map(|p| std::fs::metadata(p).expect("meta").ino()).collect();
    let linked = tree(&public)
        .keys()
        .filter(|k| k.ends_with(".webp"))
        .filter(|k| inodes.contains(&std::fs::metadata(public.join(k)).expect("meta").ino()))
        .count();
    assert!(linked >= 10, "the WebP copies are linked: {linked}");
    let (webp, jpg) = (made("webp"), made("jpg"));
    let cut = &webp[0];
    let len = std::fs::metadata(cut).expect("meta").len();
    std::fs::OpenOptions::new().write(true).open(cut).expect("open").set_len(len / 3).expect("truncate");
    let over = jpg.iter().find(|p| p.parent() != cut.parent()).expect("another entry");
    let mut bytes = std::fs::read(over).expect("read");
    for b in bytes.iter_mut().skip(200).take(64) {
        *b ^= 0x5a;
    }
    std::fs::write(over, &bytes).expect("write");
    let gone =
        webp.iter().find(|p| p.parent() != cut.parent() && p.parent() != over.parent()).expect("a third");
    std::fs::remove_file(gone).expect("rm");
    let out = run(tmp.path(), &["build", "--root", "."]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Every file as before (the marker's manifest aside: it records the new files' times).
    let now = tree(&public);
    let differ: Vec<&String> = first
        .keys()
        .chain(now.keys())
        .filter(|k| *k != ".loa-output" && first.get(*k) != now.get(*k))
        .collect();
    assert!(differ.is_empty(), "the damaged files were published: {differ:?}");
    assert!(std::fs::metadata(cut).expect("remade").len() == len && gone.is_file());
    let left: Vec<String> = std::fs::read_dir(&cache)
        .expect("cache")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// `loa serve` reloads without waiting for images: its first build shows the originals, the
/// images are made on a thread of their own, and the build after them shows the pictures.
#[test]
fn serve_shows_the_originals_first_and_the_pictures_once_they_are_made() {
    use crate::serve::Served;
    let site = tempfile::tempdir().expect("tempdir");
    copy_site(&sites_dir().join("images"), site.path());
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    srv.wait_until("the pictures", |s| s["generation"].as_u64() >= Some(2));
    let page = srv.page("/bai-viet/hop-dan/");
    assert_eq!(page.matches("<picture>").count(), 4, "{page}");
    // Build 1 served the originals (no copy made yet); build 2, started by the image thread
    // without any edit, serves 20 more files: the WebP and fallback copies.
    // The served generation can be ahead of the printed line: the line is awaited.
    let files = |n: u32| -> usize {
        let tag = format!("(lần {n}):");
        let start = std::time::Instant::now();
        let mut out = srv.stdout();
        while !out.contains(&tag) && start.elapsed() < std::time::Duration::from_secs(20) {
            std::thread::sleep(std::time::Duration::from_millis(25));
            out = srv.stdout();
        }
        let line = out.lines().find(|l| l.contains(&tag)).unwrap_or_else(|| panic!("no build {n}: {out}"));
        line.split(" tệp")
            .next()
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("files")
    };
    assert_eq!(files(2), files(1) + 20, "{}", srv.stdout());
    assert!(site.path().join(".loa-cache/images").is_dir());
}

/// An output whose template asks `image()` for a photo is made again when the photo is
/// replaced under the same name (its copies get another hashed name), even when nothing else
/// of the page changed: here the body does not show the photo, so the page's body and views are
/// the same before and after. `loa serve` kept the old page, whose share image was gone.
#[test]
fn serve_remakes_a_page_whose_template_asked_image_for_a_replaced_photo() {
    use crate::serve::Served;
    let site = tempfile::tempdir().expect("tempdir");
    copy_site(&sites_dir().join("images"), site.path());
    let folder = site.path().join("content/bai-viet/hop-dan");
    let text = std::fs::read_to_string(folder.join("index.md")).expect("read");
    let text = text.replace("![Dân làng họp ở nhà văn hoá thôn](anh-chup.jpg)\n", "");
    std::fs::write(folder.join("index.md"), text).expect("write");
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    srv.wait_until("the pictures", |s| s["generation"].as_u64() >= Some(2));
    let share = || -> String {
        let html = srv.page("/bai-viet/hop-dan/");
        html.split("og:image\" content=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    assert!(share().ends_with("/bai-viet/hop-dan/anh-chup.751b12e095.320.jpg"), "{}", share());
    // Another photo under the same name (a portrait one: other bytes, other sizes).
    let photo = std::fs::read(folder.join("anh-doc.jpg")).expect("read");
    std::fs::write(folder.join("anh-chup.jpg"), photo).expect("write");
    srv.wait_until("the new photo's copy in the page", |_| {
        let now = share();
        now.contains("/bai-viet/hop-dan/anh-chup.") && !now.contains("751b12e095") && now.ends_with(".jpg")
    });
}

#[test]
fn check_warns_about_heavy_originals_and_share_images_smaller_than_a_card() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_site(&sites_dir().join("images"), tmp.path());
    let config = std::fs::read_to_string(tmp.path().join("loa.yaml")).expect("read");
    std::fs::write(
        tmp.path().join("loa.yaml"),
        config.replace("images:\n", "images:\n  max_original_kb: 50\n"),
    )
    .expect("write");
    let out = run(tmp.path(), &["check", "--root", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 53 KB and 67 KB over 50 KB; the GIF (47 KB) and the others under it.
    for want in [
        "content/bai-viet/hop-dan/anh-chup.jpg: cảnh báo: ảnh gốc `content/bai-viet/hop-dan/anh-chup.jpg` nặng 53 KB, quá giới hạn 50 KB",
        "static/anh/so-do.png: cảnh báo: ảnh gốc `static/anh/so-do.png` nặng 67 KB",
        "content/bai-viet/hop-dan/index.md: cảnh báo: ảnh đại diện `anh-chup.jpg` chỉ có 800 × 600 điểm ảnh, nhỏ hơn cỡ ảnh chia sẻ 1200 × 630",
    ] {
        assert!(stderr.contains(want), "{want}\nin:\n{stderr}");
    }
    assert_eq!(stderr.matches("quá giới hạn").count(), 2, "{stderr}");
    // A build is not the gate: it says nothing of either.
    let out = run(tmp.path(), &["build", "--root", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("quá giới hạn") && !stderr.contains("cỡ ảnh chia sẻ"), "{stderr}");
}

/// The tags of a published image's EXIF IFD0, and the block itself (empty when it has none).
fn exif_tags(bytes: &[u8]) -> (Vec<u16>, Vec<u8>) {
    use image::ImageDecoder as _;
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().expect("format");
    let mut dec = reader.into_decoder().expect("decoder");
    let Some(exif) = dec.exif_metadata().expect("exif") else { return (Vec::new(), Vec::new()) };
    assert_eq!(&exif[..8], b"MM\0*\0\0\0\x08", "loa writes a big-endian block");
    let n = usize::from(u16::from_be_bytes([exif[8], exif[9]]));
    let tags = (0..n).map(|i| u16::from_be_bytes([exif[10 + 12 * i], exif[11 + 12 * i]])).collect();
    (tags, exif)
}

/// `images.keep: [author, copyright]`: the photo (JPEG) and the diagram (PNG) carry GPS, the
/// camera, its serial number and comments next to the author and copyright; every published
/// form keeps the two and nothing else, and without the setting (the cache key changes with
/// it, in the same site) none of them.
#[test]
fn kept_credit_is_the_author_and_copyright_alone_and_only_on_request() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_site(&sites_dir().join("images-credit"), tmp.path());
    let sources = tree(&tmp.path().join("content"));
    let sources: Vec<_> = sources.iter().filter(|(p, _)| is_image(p)).collect();
    assert_eq!(sources.len(), 2);
    for (path, bytes) in sources {
        let (tags, _) = exif_tags(bytes);
        assert_eq!(
            tags,
            [0x010E, 0x010F, 0x013B, 0x8298, 0x8769, 0x8825],
            "{path}: comment, camera, credit, EXIF, GPS"
        );
        assert!(bytes.windows(6).any(|w| w == b"SERIAL"), "{path}");
    }
    let yaml = std::fs::read_to_string(tmp.path().join("loa.yaml")).expect("loa.yaml");
    let images_of = |keep: bool| -> Vec<(String, Vec<u8>)> {
        let text = if keep { yaml.clone() } else { yaml.replace("  keep: [author, copyright]\n", "") };
        assert_eq!(text.contains("keep"), keep);
        std::fs::write(tmp.path().join("loa.yaml"), text).expect("write");
        let out = run(tmp.path(), &["build", "--root", "."]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let files = tree(&tmp.path().join("public"));
        files.into_iter().filter(|(p, _)| is_image(p) && p.contains("tac-gia")).collect()
    };
    for keep in [true, false, true] {
        let images = images_of(keep);
        // Each original, and WebP plus its own format at 160 and 320 pixels.
        assert_eq!(images.len(), 10, "{:?}", images.iter().map(|(p, _)| p).collect::<Vec<_>>());
        for (path, bytes) in &images {
            image::load_from_memory(bytes).unwrap_or_else(|e| panic!("{path} does not decode: {e}"));
            let (tags, exif) = exif_tags(bytes);
            for secret in [&b"SECRET"[..], b"SERIAL", b"PhoneMaker", b"GPS"] {
                assert!(!bytes.windows(secret.len()).any(|w| w == secret), "{path}: {secret:?}");
            }
            if keep {
                assert_eq!(tags, [0x013B, 0x8298], "{path}: Artist and Copyright alone");
                assert!(exif.windows(13).any(|w| w == b"Nguyen Van An"), "{path}");
                assert!(exif.windows(20).any(|w| w == b"(c) Ban bien tap loa"), "{path}");
            } else {
                assert!(tags.is_empty(), "{path}: {tags:?}");
                assert_eq!(has_metadata(bytes), None, "{path}");
                assert!(!bytes.windows(13).any(|w| w == b"Nguyen Van An"), "{path}");
            }
        }
    }
}

/// The `srcset` widths and `sizes` of the page's picture in the `images-theme` fixture after a
/// build with `loa_yaml` and `theme_yaml`, or the build's error output.
fn widths_and_sizes(loa_yaml: &str, theme_yaml: &str) -> Result<(Vec<u32>, String), String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_site(&sites_dir().join("images-theme"), tmp.path());
    let yaml = std::fs::read_to_string(tmp.path().join("loa.yaml")).expect("loa.yaml");
    // Another theme named in `loa_yaml` replaces the fixture's.
    let yaml = if loa_yaml.contains("theme:") { yaml.replace("theme: thu\n", "") } else { yaml };
    std::fs::write(tmp.path().join("loa.yaml"), format!("{yaml}{loa_yaml}")).expect("write");
    std::fs::write(tmp.path().join("themes/thu/theme.yaml"), theme_yaml).expect("write");
    let out = run(tmp.path(), &["build", "--root", "."]);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let html = std::fs::read_to_string(tmp.path().join("public/bai-viet/anh/index.html")).expect("page");
    let source =
        html.split("<source ").nth(1).expect("a picture").split('>').next().expect("tag").to_string();
    let attr = |name: &str| {
        source.split(&format!("{name}=\"")).nth(1).and_then(|r| r.split('"').next()).map(str::to_string)
    };
    let widths = attr("srcset")
        .expect("srcset")
        .split(", ")
        .map(|c| {
            c.rsplit(' ').next().and_then(|w| w.strip_suffix('w')).and_then(|w| w.parse().ok()).expect("w")
        })
        .collect();
    Ok((widths, attr("sizes").expect("sizes")))
}

/// theme.yaml's `images:` gives the widths and `sizes`; loa.yaml overrides each; without
/// either the built-in widths and sizes; a bad value is an error at theme.yaml's line.
#[test]
fn the_theme_sets_image_widths_and_sizes_and_loa_yaml_overrides_them() {
    let theme = "name: thu\nimages:\n  widths: [400, 200]\n  sizes: \"(min-width: 32rem) 30rem, 100vw\"\n";
    let from_theme = (vec![200, 400], "(min-width: 32rem) 30rem, 100vw".to_string());
    assert_eq!(widths_and_sizes("", theme), Ok(from_theme.clone()));
    assert_eq!(
        widths_and_sizes("images:\n  widths: [300]\n", theme),
        Ok((vec![300], from_theme.1.clone())),
        "loa.yaml's widths, the theme's sizes"
    );
    assert_eq!(
        widths_and_sizes("images:\n  sizes: 100vw\n", theme),
        Ok((from_theme.0.clone(), "100vw".to_string())),
        "the theme's widths, loa.yaml's sizes"
    );
    // The photo is 800 pixels wide: the built-in 480, then its own width for 960 and 1600.
    let builtin = (vec![480, 800], "(min-width: 46rem) 44rem, 100vw".to_string());
    assert_eq!(widths_and_sizes("", "name: thu\n"), Ok(builtin));
    // The default theme carried by loa: its theme.yaml's `sizes` (its column, 42rem).
    let default_theme = widths_and_sizes("theme: loa\n", theme).expect("theme loa");
    assert_eq!(default_theme, (vec![480, 800], "(min-width: 44rem) 42rem, calc(100vw - 2rem)".to_string()));
    for (bad, at) in [
        ("name: thu\nimages:\n  widths: [400, 0]\n", "themes/thu/theme.yaml:3:3:"),
        ("name: thu\nimages:\n  widths: [400, 100000]\n", "themes/thu/theme.yaml:3:3:"),
        ("name: thu\nimages:\n  sizes: \"\"\n", "themes/thu/theme.yaml:3:3:"),
        ("name: thu\n\nimages:\n  widht: [400]\n", "themes/thu/theme.yaml:4:"),
    ] {
        let err = widths_and_sizes("", bad).expect_err(bad);
        assert!(err.contains(at), "{bad}: {err}");
        assert!(err.contains("lỗi"), "{err}");
    }
    let err = widths_and_sizes("images:\n  widths: [0]\n", theme).expect_err("loa.yaml");
    assert!(err.contains("loa.yaml:6:3:"), "{err}");
}
