//! The layers of `src/` depend one way only (see ARCHITECTURE.md): a module may name
//! the layers below its own, never one above, and `publish/` names no other layer.
//! The test reads every source file and fails on a `crate::<layer>` path against the
//! direction.

use std::path::Path;

/// Each top-level layer and the layers it may use. `main.rs` and `lib.rs` sit above
/// them all.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("config", &[]),
    ("timings", &[]),
    ("publish", &[]),
    ("source", &["model", "timings"]),
    ("check", &["model", "source", "timings"]),
    ("views", &["model", "check", "config"]),
    (
        "outputs",
        &["model", "source", "check", "views", "config", "timings"],
    ),
    (
        "build",
        &[
            "model", "source", "check", "views", "outputs", "publish", "config", "timings",
        ],
    ),
    ("import", &["model", "source", "check", "timings"]),
    (
        "serve",
        &[
            "model", "source", "check", "views", "outputs", "build", "publish", "config", "timings",
        ],
    ),
];

/// The layers named in `text` as `crate::<layer>` (in `use` lines and paths alike).
fn named_layers(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() && after.starts_with('{') {
                // `use crate::{a, b}`: every name in the braces.
                let inner = after[1..].split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let part = part.trim().split("::").next().unwrap_or("").trim();
                    if !part.is_empty() {
                        out.push((n + 1, part.to_string()));
                    }
                }
            } else if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn layers_depend_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut seen = 0;
    for e in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let e = e.unwrap();
        let path = e.path();
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let layer = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if layer == "main" || layer == "lib" {
            continue;
        }
        let allowed = ALLOWED
            .iter()
            .find(|(l, _)| *l == layer)
            .unwrap_or_else(|| {
                panic!("src/{rel}: layer `{layer}` is not listed in tests/layers.rs")
            })
            .1;
        seen += 1;
        let text = std::fs::read_to_string(path).unwrap();
        for (line, used) in named_layers(&text) {
            if used != layer && !allowed.contains(&used.as_str()) {
                wrong.push(format!("src/{rel}:{line}: `{layer}` uses `crate::{used}`"));
            }
        }
    }
    assert!(seen > 50, "only {seen} source files found");
    assert!(
        wrong.is_empty(),
        "imports against the layers' direction:\n{}",
        wrong.join("\n")
    );
}

/// The reader itself: it sees paths, braces and comments as the test needs.
#[test]
fn named_layers_reads_paths_braces_and_skips_comments() {
    let text =
        "use crate::{model::Site, views};\nlet x = crate::build::render::X; // crate::serve\n";
    assert_eq!(
        named_layers(text),
        [
            (1, "model".to_string()),
            (1, "views".to_string()),
            (2, "build".to_string())
        ]
    );
}

#[test]
fn no_source_file_is_over_1000_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let long: Vec<String> = walkdir::WalkDir::new(&src)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .filter_map(|e| {
            let n = std::fs::read_to_string(e.path()).ok()?.lines().count();
            (n > 1000).then(|| format!("{}: {n} lines", e.path().display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files:\n{}", long.join("\n"));
}
