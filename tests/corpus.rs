//! Runs the bad-input corpus (`tests/corpus/cases.yaml`): every case gives its expected
//! diagnostic, nothing panics, and resource attacks end with a clear error quickly.

use gongkai::model::diagnostic::{Diagnostic, Severity};
use gongkai::source::Root;
use std::path::Path;
use std::time::Duration;

/// CPU time this process has used (all threads). A bad input must be bounded in the
/// work it costs; wall time would also count whatever else the machine is doing (a
/// loaded CI machine once took 19 s of wall time for what costs about 3 s of CPU).
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(rc, 0, "getrusage failed");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}
#[path = "common/cases.rs"]
mod cases;
mod common;
use cases::{Case, Expect, Step, generated, hex};
use common::copy_dir;

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

fn matches(d: &Diagnostic, e: &Expect, root: &Path, files: &gongkai::model::files::Files) -> bool {
    // One discrepancy is one finding: the other rules that saw it are listed in `also`.
    if d.rule != e.rule && !d.also.iter().any(|a| a.rule == e.rule) {
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
        let started = cpu_time();
        let report = gongkai::check::check(&Root::Content(root.clone())).unwrap();
        let took = cpu_time() - started;
        // Rendering must cope with whatever was loaded.
        let _ = gongkai::model::diagnostic::render_human(
            &report.diagnostics,
            &report.site.files,
            false,
        );
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
            failures.push(format!("{}: took {took:?} of CPU time", case.name));
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
