//! The built seed site in real tools: every page passes the W3C Nu HTML validator, and
//! headless Chromium opens every page at 1280 px and 390 px with no console error, no
//! external or failed request, no broken link or anchor, and nothing overflowing the page.
//! Also under a sub-path `base_url`. Screenshots go to `target/screenshots/` for review.
//!
//! Needs the tools `scripts/install-test-tools` installs (CI runs it via `scripts/test`).

use std::path::{Path, PathBuf};
use std::process::Command;
mod common;
use common::copy_dir;

const VNU: &str = "tests/browser/node_modules/vnu-jar/build/dist/vnu.jar";
const PAGES: &str = "tests/browser/pages.mjs";
const SEARCH: &str = "tests/browser/search.mjs";

fn tools_present() {
    let missing: Vec<&str> = [
        (
            Path::new(VNU).is_file(),
            "tests/browser/node_modules (npm ci)",
        ),
        (
            Path::new("tests/browser/node_modules/playwright-core").is_dir(),
            "playwright-core",
        ),
        (
            Command::new("java").arg("-version").output().is_ok(),
            "java",
        ),
        (
            Command::new("node").arg("--version").output().is_ok(),
            "node",
        ),
        (
            Path::new(&std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into())).exists(),
            "chromium",
        ),
    ]
    .into_iter()
    .filter(|(ok, _)| !ok)
    .map(|(_, what)| what)
    .collect();
    assert!(
        missing.is_empty(),
        "missing test tools: {missing:?}; run scripts/install-test-tools"
    );
}

/// Builds the seed site with `base_url` into a fresh directory.
fn build(base_url: &str) -> (tempfile::TempDir, PathBuf) {
    build_with(base_url, "")
}

/// [`build`], with `extra` lines added to `gongkai.toml`.
fn build_with(base_url: &str, extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    let config = std::fs::read_to_string("gongkai.toml").unwrap();
    let config: String = config
        .lines()
        .map(|l| {
            if l.starts_with("base_url") {
                format!("base_url = \"{base_url}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(root.join("gongkai.toml"), format!("{config}\n{extra}\n")).unwrap();
    copy_dir(Path::new("content"), &root.join("content"));
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "build",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    (dir, out)
}

fn browser(out: &Path, base: &str, shots: Option<&str>) {
    let mut cmd = Command::new("node");
    cmd.args([PAGES, out.to_str().unwrap(), "--base", base]);
    if let Some(s) = shots {
        cmd.args(["--shots", s]);
    }
    let r = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        r.status.success(),
        "browser checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn every_page_is_valid_html() {
    tools_present();
    let (_dir, out) = build("/");
    let r = Command::new("java")
        .args([
            "-jar",
            VNU,
            "--errors-only",
            "--skip-non-html",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&r.stderr);
    assert!(
        r.status.success() && report.trim().is_empty(),
        "Nu HTML validator errors:\n{report}"
    );
}

#[test]
fn pages_work_in_a_real_browser() {
    tools_present();
    let (_dir, out) = build("/");
    browser(&out, "/", Some("target/screenshots"));
}

#[test]
fn site_works_under_a_sub_path() {
    tools_present();
    let (_dir, out) = build("/yjsgk/");
    browser(&out, "/yjsgk/", None);
}

/// The comparison pages in Chromium (`tests/browser/compare.mjs`): all the units, exact
/// data values, and every column sorting on click, Enter and Space.
#[test]
fn comparison_tables_sort_in_a_real_browser() {
    tools_present();
    let (_dir, out) = build("/yjsgk/");
    let units = std::fs::read_dir("content")
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("unit.yaml").is_file())
        .count();
    assert_eq!(units, 5, "the five seed units");
    let r = Command::new("node")
        .args([
            "tests/browser/compare.mjs",
            out.to_str().unwrap(),
            "--base",
            "/yjsgk/",
            "--units",
            &units.to_string(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        r.status.success() && stdout.contains(" passed, 0 failed"),
        "comparison checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
}

/// The search page finds what a person means: typed queries in headless Chromium, the
/// expected results first, every result link resolving (also under a sub-path).
#[test]
fn search_finds_what_a_person_means() {
    tools_present();
    // Under a sub-path, also with a server that sends the gzipped index files with
    // `Content-Encoding: gzip`, and with the index cut into segments of one unit (the
    // five seeds fall into four of eight segments).
    for (base, extra, config) in [
        ("/", None, ""),
        (
            "/yjsgk/",
            Some("--content-encoding"),
            "search_segment_units = 1",
        ),
    ] {
        let (_dir, out) = build_with(base, config);
        if !config.is_empty() {
            let meta = std::fs::read_to_string(out.join("search/meta.json")).unwrap();
            assert!(meta.contains("\"segments\":8"), "{meta}");
        }
        let r = Command::new("node")
            .args([SEARCH, out.to_str().unwrap(), "--base", base])
            .args(extra)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&r.stdout);
        assert!(
            r.status.success() && stdout.contains(" passed, 0 failed"),
            "search checks failed under {base}:\n{stdout}\n{}",
            String::from_utf8_lossy(&r.stderr)
        );
    }
}
