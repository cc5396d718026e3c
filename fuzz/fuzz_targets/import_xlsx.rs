//! Fuzzes `gongkai import` of a workbook: the bytes as an `.xlsx` file (the reader tells
//! `.xlsx` from `.xls` by their signature, so both formats are reached), or a workbook's
//! parts zipped by the target (`common::workbook`), through the same reader, limits and
//! containment as the command, then recognition and the rendered sources. Nothing may
//! panic out of it (panics the import contains are not crashes; see `common/import.rs`).
#![no_main]

#[path = "common/import.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: common::contain_panics(),
    |data: &[u8]| {
        if let Some(bytes) = common::workbook(data) {
            common::import("fuzz.xlsx", &bytes);
        }
    }
);
