//! The fast YAML path against serde-saphyr: the input, as UTF-8 text, is read by both as
//! a unit file, a disclosure and a probe type using every shape of the schema. The fast
//! path may defer (return `None`); whenever it gives a value, serde-saphyr must accept the
//! text and give the same value, with the same line and column for every `Spanned`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The loader refuses text that is not UTF-8 before any parser sees it.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = gongkai::source::fast_yaml::compare::compare_all(text) {
        panic!("{e}\n---\n{text}");
    }
});
