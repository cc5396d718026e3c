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

fuzz_target!(
    init: {
        // Rayon's global pool of one thread, the fuzzing thread itself: the loader's and
        // the renderer's parallel loops then run inline, without waking a pool thread per
        // loop (most of an input's time on a busy machine), and coverage is this thread's.
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .use_current_thread()
            .build_global()
            .expect("the global pool is built once, before any parallel loop");
    },
    |data: &[u8]| {
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
        let files = &report.site.files;
        let _ = gongkai::model::diagnostic::render_human(&report.diagnostics, files, false);
        let _ = gongkai::model::diagnostic::render_json(&report.diagnostics, files);
    }
);
