//! The explanation text checked as published: the five seeds with every `{{ … }}`
//! replaced by its published text give the same `narrative.figure` findings (same
//! figure, same verdict) as the marked seeds, check at least 90 % of the figures the
//! marked seeds check, and report no error the marked seeds do not.

mod common;
use common::copy_dir;
use gongkai::check::check;
use gongkai::check::expr::refs;
use gongkai::check::lookup::{self, Lookup};
use gongkai::check::narrative;
use gongkai::check::plain::{self, Outcome};
use gongkai::model::diagnostic::{Diagnostic, Severity};
use gongkai::source::{self, Root};
use std::collections::BTreeMap;
use std::path::Path;

/// One marked figure of a seed: where it stands in the marked and in the plain text.
struct Marked {
    file: String,
    /// (line, col) of `{{` in the marked text.
    at_marked: (u32, u32),
    /// (line, col) of the published text in the plain text.
    at_plain: (u32, u32),
    source: String,
    /// Checked by the marked seed: printed figure, expression, every cell readable.
    checked: bool,
}

fn line_col(text: &str, byte: usize) -> (u32, u32) {
    let before = &text[..byte];
    let line = before.matches('\n').count() as u32 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..byte].chars().count() as u32 + 1)
}

/// The plain copy of `md` and its marked figures.
fn unmark(file: &str, md: &str) -> (String, Vec<Marked>) {
    let mut out = String::new();
    let mut figs = Vec::new();
    let mut last = 0;
    for f in narrative::figures(md, gongkai::model::files::FileId(0)) {
        out.push_str(&md[last..f.range.start]);
        let at = out.len();
        let printed = f
            .published
            .as_ref()
            .map(|p| p.text.clone())
            .unwrap_or_default();
        out.push_str(&printed);
        figs.push(Marked {
            file: file.to_string(),
            at_marked: line_col(md, f.range.start),
            at_plain: (0, 0),
            source: f.source.clone(),
            checked: false,
        });
        let n = figs.len() - 1;
        figs[n].at_plain = (at as u32, 0); // fixed below, once `out` is complete up to here
        last = f.range.end;
    }
    out.push_str(&md[last..]);
    for m in &mut figs {
        m.at_plain = line_col(&out, m.at_plain.0 as usize);
    }
    (out, figs)
}

fn key(d: &Diagnostic, files: &gongkai::model::files::Files) -> Option<(String, (u32, u32))> {
    let loc = d.loc?;
    Some((files.get(loc.file).display.clone(), (loc.line, loc.col)))
}

/// `narrative.figure` errors and the rounding notices of text figures.
fn figure_findings(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| {
            d.rule == "narrative.figure"
                || d.rule == "narrative.zero-base"
                || (d.rule == "rounding"
                    && d.target
                        .as_deref()
                        .is_some_and(|t| t.starts_with("narrative.figure:")))
        })
        .collect()
}

#[test]
fn plain_seeds_check_what_the_marked_seeds_check() {
    let verbose = std::env::var_os("PLAIN_VERBOSE").is_some();
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(Path::new("content"), &content);
    let mut marked: Vec<Marked> = Vec::new();
    for e in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let rel = e
                .path()
                .strip_prefix(&content)
                .unwrap()
                .display()
                .to_string();
            let md = std::fs::read_to_string(e.path()).unwrap();
            let (plain, figs) = unmark(&rel, &md);
            std::fs::write(e.path(), plain).unwrap();
            marked.extend(figs);
        }
    }
    // Which marked figures the marked seeds check.
    let (site, _) = source::load(&Root::Content("content".into()));
    for u in &site.units {
        for d in &u.disclosures {
            let Some(t) = &d.text else { continue };
            let file = site.files.get(t.file).display.clone();
            for f in narrative::figures(&t.markdown, t.file) {
                let Some(Ok(e)) = &f.expr else { continue };
                let readable = refs(e).iter().all(|r| {
                    matches!(
                        lookup::cell(d, r, d.text_unit, &Default::default()),
                        Lookup::Value(..)
                    )
                });
                if f.published.is_some() && readable {
                    let at = line_col(&t.markdown, f.range.start);
                    if let Some(m) = marked
                        .iter_mut()
                        .find(|m| m.file == file && m.at_marked == at)
                    {
                        m.checked = true;
                    }
                }
            }
        }
    }
    // What the plain copy checks.
    let (plain_site, _) = source::load(&Root::Content(content.clone()));
    let mut plain_checked: BTreeMap<(String, (u32, u32)), String> = BTreeMap::new();
    let mut unmatched: BTreeMap<String, usize> = BTreeMap::new();
    for u in &plain_site.units {
        for d in &u.disclosures {
            let Some(t) = &d.text else { continue };
            let file = plain_site.files.get(t.file).display.clone();
            let scan = plain::scan(d);
            for f in &scan.figures {
                match &f.outcome {
                    Outcome::Matched { text, .. } => {
                        plain_checked.insert((file.clone(), (f.loc.line, f.loc.col)), text.clone());
                    }
                    _ => *unmatched.entry(file.clone()).or_default() += 1,
                }
                if verbose {
                    eprintln!(
                        "{file}:{}:{} {} → {:?}",
                        f.loc.line, f.loc.col, f.published.text, f.outcome
                    );
                }
            }
        }
    }
    let to_check: Vec<&Marked> = marked.iter().filter(|m| m.checked).collect();
    let mut missed = Vec::new();
    for m in &to_check {
        if !plain_checked.contains_key(&(m.file.clone(), m.at_plain)) {
            missed.push(format!(
                "{}:{}:{} {{{{ {} }}}}",
                m.file, m.at_plain.0, m.at_plain.1, m.source
            ));
        }
    }
    let share = 100.0 * (to_check.len() - missed.len()) as f64 / to_check.len() as f64;
    eprintln!(
        "plain copy checks {} of the {} figures the marked seeds check ({share:.1} %); missed:\n  {}",
        to_check.len() - missed.len(),
        to_check.len(),
        missed.join("\n  ")
    );
    eprintln!(
        "unmatched (incl. changes from last year and unreadable tables) per document: {unmatched:?}"
    );

    let marked_report = check(&Root::Content("content".into())).unwrap();
    let plain_report = check(&Root::Content(content)).unwrap();
    // Every finding on a marked figure is found, on the same figure, with the same verdict.
    let plain_findings: Vec<(String, String, (u32, u32))> =
        figure_findings(&plain_report.diagnostics)
            .iter()
            .filter_map(|d| {
                key(d, &plain_report.site.files).map(|(f, at)| (d.rule.to_string(), f, at))
            })
            .collect();
    let mut lost = Vec::new();
    for d in figure_findings(&marked_report.diagnostics) {
        let Some((file, at)) = key(d, &marked_report.site.files) else {
            continue;
        };
        let Some(m) = marked.iter().find(|m| m.file == file && m.at_marked == at) else {
            continue;
        };
        if !plain_findings.contains(&(d.rule.to_string(), file.clone(), m.at_plain)) {
            lost.push(format!(
                "{} {}:{:?} {}",
                d.rule, file, m.at_plain, d.message
            ));
        }
    }
    eprintln!(
        "findings on marked figures: {}; found on the plain copy: {}",
        figure_findings(&marked_report.diagnostics).len(),
        figure_findings(&marked_report.diagnostics).len() - lost.len()
    );
    // No error the marked seeds do not report (by rule and message).
    let marked_errors: Vec<(String, String)> = marked_report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.rule.to_string(), d.message.clone()))
        .collect();
    let new_errors: Vec<String> = plain_report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| !marked_errors.contains(&(d.rule.to_string(), d.message.clone())))
        .map(|d| {
            let (f, at) = key(d, &plain_report.site.files).unwrap_or_default();
            format!("{} {f}:{at:?} {}", d.rule, d.message)
        })
        .collect();
    eprintln!("new errors on the plain copy: {new_errors:#?}");
    let failing: Vec<String> = plain_report
        .diagnostics
        .iter()
        .filter(|d| d.is_failing())
        .map(|d| format!("{} {}", d.rule, d.message))
        .collect();
    // The counts docs/rules.md records (`narrative.unmatched`).
    let expected: BTreeMap<String, usize> = [
        ("hengshan-ybj/2023-budget.md", 7),
        ("hengyang-ybj/2022-final.md", 29),
        ("kaifu-ybj/2023-budget.md", 10),
        ("xixiang-ybzx/2023-budget.md", 14),
    ]
    .into_iter()
    .map(|(f, n)| (f.to_string(), n))
    .collect();
    assert_eq!(unmatched, expected, "update narrative.unmatched's docs");
    assert!(
        lost.is_empty(),
        "findings lost on the plain copy: {lost:#?}"
    );
    assert!(
        new_errors.is_empty(),
        "errors only on the plain copy: {new_errors:#?}"
    );
    assert!(
        failing.is_empty(),
        "unacknowledged errors on the plain copy: {failing:#?}"
    );
    assert!(
        share >= 90.0,
        "only {share:.1} % of the marked figures checked"
    );
}

#[test]
fn annotate_writes_markup_that_check_accepts_once() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(Path::new("content"), &content);
    for e in walkdir::WalkDir::new(&content) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let md = std::fs::read_to_string(e.path()).unwrap();
            std::fs::write(e.path(), unmark("", &md).0).unwrap();
        }
    }
    let before = check(&Root::Content(content.clone())).unwrap();
    let annotate_all = |content: &Path| -> usize {
        let (site, _) = source::load(&Root::Content(content.to_path_buf()));
        let mut n = 0;
        for d in site.units.iter().flat_map(|u| &u.disclosures) {
            if let (Some(t), Some(new)) = (&d.text, plain::annotate(d)) {
                std::fs::write(&site.files.get(t.file).path, new).unwrap();
                n += 1;
            }
        }
        n
    };
    assert_eq!(annotate_all(&content), 4);
    let after = check(&Root::Content(content.clone())).unwrap();
    let bad: Vec<&Diagnostic> = after
        .diagnostics
        .iter()
        .filter(|d| d.rule == "narrative.syntax" || d.rule == "narrative.reference")
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    let verdicts = |r: &gongkai::check::Report| -> Vec<(String, Option<String>, Option<String>)> {
        figure_findings(&r.diagnostics)
            .iter()
            .map(|d| (d.rule.to_string(), d.expected.clone(), d.found.clone()))
            .collect()
    };
    assert_eq!(verdicts(&before), verdicts(&after));
    assert!(!after.has_errors());
    assert_eq!(annotate_all(&content), 0, "a second run changes nothing");
}
