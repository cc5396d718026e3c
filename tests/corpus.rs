//! Runs the bad-input corpus (`tests/corpus/cases.yaml`): every case gives its expected
//! diagnostic, nothing panics, and resource attacks end with a clear error quickly.

use gongkai::diagnostic::{Diagnostic, Severity};
use gongkai::source::Root;
use serde::Deserialize;
use std::path::Path;
use std::time::{Duration, Instant};
mod common;
use common::copy_dir;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    class: String,
    steps: Vec<Step>,
    expect: Vec<Expect>,
    #[serde(default)]
    errors: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    replace: Option<String>,
    write: Option<String>,
    write_hex: Option<String>,
    prepend_hex: Option<String>,
    append: Option<String>,
    remove: Option<String>,
    mkdir: Option<String>,
    symlink: Option<String>,
    generate: Option<String>,
    from: Option<String>,
    to: Option<String>,
    text: Option<String>,
    hex: Option<String>,
    target: Option<String>,
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    rule: String,
    file: Option<String>,
    line_of: Option<String>,
    contains: Option<String>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn generated(kind: &str) -> String {
    match kind {
        "alias_bomb" => {
            // A billion laughs inside a field of the schema: it must fail at once, not expand.
            let mut s = String::from(
                "kind: budget\nyear: 2023\ntemplate: hunan-budget\ntitle: x\namount_unit: 万元\ntables:\n  - id: T01\n    kind: summary\n    title: t\n    rows:\n      - {sum_of: &a0 [x, x, x, x, x, x, x, x, x, x]}\n",
            );
            for i in 1..9 {
                let p = format!("*a{}", i - 1);
                s.push_str(&format!(
                    "      - {{sum_of: &a{i} [{}]}}\n",
                    vec![p; 10].join(", ")
                ));
            }
            s
        }
        "deep_nesting" => format!("kind: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        "oversized" => "这一行用来填充超大的文件。\n".repeat(700_000),
        "million_rows" => {
            let mut s = String::from(
                "kind: budget\nyear: 2023\ntemplate: hunan-budget\ntitle: x\namount_unit: 万元\ntables:\n  - id: T01\n    kind: summary\n    title: 收支总表\n    rows:\n",
            );
            s.push_str(&"      - {}\n".repeat(1_000_000));
            s
        }
        other => panic!("unknown generator {other}"),
    }
}

fn apply(root: &Path, step: &Step) {
    let p = |rel: &str| root.join(rel);
    if let Some(f) = &step.replace {
        let text = std::fs::read_to_string(p(f)).unwrap();
        let from = step.from.as_deref().unwrap();
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur once in {f}"
        );
        std::fs::write(p(f), text.replacen(from, step.to.as_deref().unwrap(), 1)).unwrap();
    } else if let Some(f) = &step.write {
        std::fs::write(p(f), step.text.as_deref().unwrap()).unwrap();
    } else if let Some(f) = &step.write_hex {
        std::fs::write(p(f), hex(step.hex.as_deref().unwrap())).unwrap();
    } else if let Some(f) = &step.prepend_hex {
        let mut bytes = hex(step.hex.as_deref().unwrap());
        bytes.extend(std::fs::read(p(f)).unwrap());
        std::fs::write(p(f), bytes).unwrap();
    } else if let Some(f) = &step.append {
        let mut text = std::fs::read_to_string(p(f)).unwrap();
        text.push_str(step.text.as_deref().unwrap());
        std::fs::write(p(f), text).unwrap();
    } else if let Some(f) = &step.remove {
        std::fs::remove_file(p(f)).unwrap();
    } else if let Some(d) = &step.mkdir {
        std::fs::create_dir_all(p(d)).unwrap();
    } else if let Some(l) = &step.symlink {
        std::os::unix::fs::symlink(step.target.as_deref().unwrap(), p(l)).unwrap();
    } else if let Some(f) = &step.generate {
        std::fs::write(p(f), generated(step.kind.as_deref().unwrap())).unwrap();
    } else {
        panic!("empty step");
    }
}

fn matches(d: &Diagnostic, e: &Expect, root: &Path, files: &gongkai::source::Files) -> bool {
    if d.rule != e.rule {
        return false;
    }
    if let Some(c) = &e.contains
        && !d.message.contains(c.as_str())
    {
        return false;
    }
    if let (Some(file), Some(needle)) = (&e.file, &e.line_of) {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let line = text
            .lines()
            .position(|l| l.contains(needle.as_str()))
            .expect("line_of present") as u32
            + 1;
        let Some(loc) = d.loc else { return false };
        if loc.line != line || !files.get(loc.file).display.ends_with(file.as_str()) {
            return false;
        }
    }
    true
}

#[test]
fn bad_input_corpus() {
    let cases: Vec<Case> =
        serde_saphyr::from_str(&std::fs::read_to_string("tests/corpus/cases.yaml").unwrap())
            .unwrap();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let mut classes: Vec<&str> = cases.iter().map(|c| c.class.as_str()).collect();
    classes.sort();
    classes.dedup();
    assert!(classes.len() >= 15, "failure classes: {classes:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("content");
        copy_dir(Path::new("tests/fixtures/valid/content"), &root);
        for step in &case.steps {
            apply(&root, step);
        }
        let started = Instant::now();
        let report = gongkai::check::check(&Root::Content(root.clone())).unwrap();
        let took = started.elapsed();
        // Rendering must cope with whatever was loaded.
        let _ = gongkai::diagnostic::render_human(&report.diagnostics, &report.site.files, false);
        let diags = &report.diagnostics;
        for e in &case.expect {
            if !diags
                .iter()
                .any(|d| matches(d, e, &root, &report.site.files))
            {
                let got: Vec<String> = diags
                    .iter()
                    .map(|d| format!("{} {:?} {}", d.rule, d.loc.map(|l| l.line), d.message))
                    .collect();
                failures.push(format!("{}: expected {e:?}; got {got:#?}", case.name));
            }
        }
        if case.errors.as_deref() == Some("none") {
            let errors: Vec<&Diagnostic> = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            if !errors.is_empty() {
                failures.push(format!("{}: expected no error, got {errors:#?}", case.name));
            }
        }
        if took > Duration::from_secs(10) {
            failures.push(format!("{}: took {took:?}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
