//! Installing without Rust: the release workflow packs the binary, and the example CI workflow
//! of a site's repository installs it. Their shell steps run here, on a release made from the
//! binary under test and read from a `file://` URL (GitHub Actions itself is not run).

use std::path::Path;
use std::process::Command;

/// A workflow file of the repository.
fn workflow(rel: &str) -> (String, serde_yaml::Value) {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).expect("workflow");
    let doc = serde_yaml::from_str(&text).expect("valid YAML");
    (text, doc)
}

/// The `run:` script of the step of `job` whose name starts with `name`.
fn step(doc: &serde_yaml::Value, job: &str, name: &str) -> String {
    let steps = doc["jobs"][job]["steps"].as_sequence().expect("steps");
    let step = steps
        .iter()
        .find(|s| s["name"].as_str().is_some_and(|n| n.starts_with(name)))
        .unwrap_or_else(|| panic!("no step {name} in {job}"));
    step["run"].as_str().expect("run").to_string()
}

/// Runs a step's script as GitHub's default shell does (`bash -eo pipefail`).
fn bash(dir: &Path, script: &str, env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new("bash");
    c.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script]).current_dir(dir);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("bash")
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn the_example_ci_installs_the_released_binary_and_checks_its_sha256() {
    if !["curl", "tar", "sha256sum"].into_iter().all(have) {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "curl, tar and sha256sum are needed under CI");
        println!("skipped: curl, tar or sha256sum missing");
        return;
    }
    let (release_text, release) = workflow(".github/workflows/release.yml");
    let (example_text, example) = workflow("docs/ci-example.yml");
    assert!(release_text.contains("tags: [\"v*\"]"), "the release runs on a tag v*");
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-pc-windows-msvc",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(release_text.contains(&format!("target: {target},")), "no release for {target}");
    }
    // A site's repository has no Cargo.toml: the example must not need Rust.
    assert!(!example_text.contains("cargo"), "the example CI builds loa from source");
    // The image cache is restored before the first command that makes images.
    let cache =
        example_text.find("path: .loa-cache/images").expect("the example CI caches .loa-cache/images");
    assert!(cache < example_text.find("loa check --strict").expect("check"), "the cache step comes first");
    // So is the build cache (cards and scripts, keyed by content: issue 29).
    let memo = example_text.find(".loa-cache/memo").expect("the example CI keeps .loa-cache/memo");
    assert!(
        memo < example_text.find("loa build --output-dir").expect("build"),
        "the build cache comes first"
    );

    // The release job's packing and sums, for the tarball the example downloads.
    let tmp = tempfile::tempdir().expect("tmp");
    let work = tmp.path().join("work");
    let target = "x86_64-unknown-linux-musl";
    let bin = work.join(format!("target/{target}/release"));
    std::fs::create_dir_all(&bin).expect("mkdir");
    // The binary under test, behind a small script: packing and unpacking the 100 MB of a
    // debug build would only slow the test.
    let script = format!("#!/bin/sh\nexec '{}' \"$@\"\n", env!("CARGO_BIN_EXE_loa"));
    std::fs::write(bin.join("loa"), script).expect("write loa");
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(bin.join("loa"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    std::fs::write(work.join("README.md"), "# loa\n").expect("readme");
    let version = "0.1.0";
    let package = step(&release, "build", "Package")
        .replace("${{ matrix.target }}", target)
        .replace("${{ matrix.exe }}", "");
    let out = bash(&work, &package, &[("VERSION", version)]);
    assert!(out.status.success(), "package: {}", String::from_utf8_lossy(&out.stderr));
    let download = tmp.path().join(format!("releases/download/v{version}"));
    std::fs::create_dir_all(&download).expect("mkdir");
    let tarball = format!("loa-{version}-{target}.tar.gz");
    std::fs::rename(work.join(&tarball), download.join(&tarball))
        .expect("the tarball is named as the example expects");
    let sums = step(&release, "release", "SHA-256 sums");
    let out = bash(&download, &sums, &[]);
    assert!(out.status.success(), "sums: {}", String::from_utf8_lossy(&out.stderr));
    let sum = std::fs::read_to_string(download.join("SHA256SUMS")).expect("SHA256SUMS");
    let hash = sum.split_whitespace().next().expect("a hash").to_string();

    // The example's install step, reading that release.
    let real = "https://github.com/$LOA_REPO/releases/download/v$LOA_VERSION";
    let install = step(&example, "check-and-build", "Install loa");
    assert!(install.contains(real), "{install}");
    let install =
        install.replace(real, &format!("file://{}/releases/download/v$LOA_VERSION", tmp.path().display()));
    let install_with = |sha: &str| {
        let runner = tempfile::tempdir().expect("tmp");
        let path_file = runner.path().join("github_path");
        let runner_temp = runner.path().to_str().expect("utf-8").to_string();
        let out = bash(
            runner.path(),
            &install,
            &[
                ("LOA_REPO", "OWNER/loa"),
                ("LOA_VERSION", version),
                ("LOA_SHA256", sha),
                ("RUNNER_TEMP", &runner_temp),
                ("GITHUB_PATH", path_file.to_str().expect("utf-8")),
            ],
        );
        let dir = std::fs::read_to_string(&path_file).unwrap_or_default().trim().to_string();
        (out, runner, dir)
    };
    for sha in ["", hash.as_str()] {
        let (out, _runner, dir) = install_with(sha);
        assert!(
            out.status.success(),
            "install with LOA_SHA256={sha:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let loa = Path::new(&dir).join("loa");
        let version_out = Command::new(&loa).arg("--version").output().expect("installed loa runs");
        assert_eq!(
            String::from_utf8_lossy(&version_out.stdout).trim(),
            format!("loa {}", env!("CARGO_PKG_VERSION"))
        );
        assert!(Path::new(&dir).join("README.md").is_file());
    }
    // A tarball that is not the pinned one is refused, and nothing is put on PATH.
    let (out, _runner, dir) = install_with(&"0".repeat(64));
    assert!(!out.status.success(), "a wrong SHA-256 was accepted");
    assert!(dir.is_empty(), "loa put on PATH after a failed check: {dir}");

    // Then the gate and the build, as `loa` on PATH.
    assert!(step(&example, "check-and-build", "loa check").contains("loa check --strict --format json"));
    assert!(step(&example, "check-and-build", "loa build").contains("loa build --output-dir public"));
}
