//! Fuzzes the whole source loader and every rule: the input is split into a unit file,
//! a disclosure YAML and its Markdown, written to a scratch directory and checked.
//! Nothing may panic; rendering the diagnostics must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("gongkai-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(base.join("content/demo")).unwrap();
        base
    })
}

fuzz_target!(|data: &[u8]| {
    // Three parts separated by 0xFF bytes (never valid UTF-8, so never inside a part's text).
    let mut parts = data.splitn(3, |b| *b == 0xFF);
    let unit = parts.next().unwrap_or_default();
    let yaml = parts.next().unwrap_or_default();
    let md = parts.next().unwrap_or_default();
    let dir = scratch().join("content/demo");
    std::fs::write(dir.join("unit.yaml"), unit).unwrap();
    std::fs::write(dir.join("2023-budget.yaml"), yaml).unwrap();
    std::fs::write(dir.join("2023-budget.md"), md).unwrap();
    let root = gongkai::source::Root::Content(scratch().join("content"));
    let report = gongkai::check::check(&root).expect("built-in data loads");
    let _ = gongkai::model::diagnostic::render_human(&report.diagnostics, &report.site.files, false);
    let _ = gongkai::model::diagnostic::render_json(&report.diagnostics, &report.site.files);
});
