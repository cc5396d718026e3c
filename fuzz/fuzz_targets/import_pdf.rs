//! Fuzzes `gongkai import` of a PDF: the bytes as a `.pdf` file through the same reader,
//! limits and containment as the command, then recognition and the rendered sources.
//! Nothing may panic out of it (panics the import contains are not crashes; see
//! `common/import.rs`).
#![no_main]

#[path = "common/import.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: common::contain_panics(),
    |data: &[u8]| common::import("fuzz.pdf", data)
);
