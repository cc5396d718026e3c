//! Fuzzes the whole source loader and every rule, in memory (`Root::Memory`: the same
//! reading, parsing, conversion and rules as from disk, without writing files).
//!
//! The input is split at 0xFF bytes (never valid UTF-8, so never inside a part's text):
//! unit `demo`'s `unit.yaml`, `2023-budget.yaml` and `2023-budget.md` (an empty part: no
//! such file), then any number of further files as pairs of a path (relative to the
//! content directory) and its bytes (an empty file is one of these).
//! `fuzz/seed_corpora.py` writes the seeds in this form.
//! Nothing may panic; rendering the diagnostics must not panic either.
#![no_main]

use gongkai::source::Root;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|b| *b == 0xFF);
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for name in ["unit.yaml", "2023-budget.yaml", "2023-budget.md"] {
        let bytes = parts.next().unwrap_or_default();
        if !bytes.is_empty() {
            files.push((PathBuf::from("demo").join(name), bytes.to_vec()));
        }
    }
    while let (Some(path), Some(bytes)) = (parts.next(), parts.next()) {
        let path = PathBuf::from(String::from_utf8_lossy(path).into_owned());
        files.push((path, bytes.to_vec()));
    }
    let report = gongkai::check::check(&Root::Memory(files)).expect("built-in data loads");
    let _ = gongkai::model::diagnostic::render_human(&report.diagnostics, &report.site.files, false);
    let _ = gongkai::model::diagnostic::render_json(&report.diagnostics, &report.site.files);
});
