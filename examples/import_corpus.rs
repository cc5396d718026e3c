//! Imports the Jiangsu corpus into one temporary site (one import per unit-year) and
//! prints every `sum.*` and `cross.*` error that `check` reports on it: unit-year, file
//! and page of the table, rule, table, row, column, printed and expected values.
//! `cargo run --release --example import_corpus -- [CORPUS/jiangsu] [--keep DIR] [--pairs] [--all-rules]`
//! (`--keep` writes the site into DIR and leaves it there for `gongkai check DIR`;
//! `--pairs` also lists the cross-table pairs the checker had to skip on a disclosure
//! that has both tables: a row or column not keyed, or a cell unreadable;
//! `--all-rules` counts every rule's diagnostics on standard error).

#[path = "../tests/import_corpus/run.rs"]
mod run;

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut jiangsu = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/jiangsu"
    ));
    let mut keep: Option<PathBuf> = None;
    let mut pairs = false;
    let mut all_rules = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--all-rules" {
            all_rules = true;
        } else if a == "--pairs" {
            pairs = true;
        } else if a == "--keep" {
            keep = it.next().map(PathBuf::from);
        } else {
            jiangsu = PathBuf::from(a);
        }
    }
    let tmp = tempfile::tempdir().expect("temporary directory");
    let site = keep.unwrap_or_else(|| tmp.path().join("site"));
    let start = std::time::Instant::now();
    let imported = run::import(&jiangsu, &site);
    let root = gongkai::source::resolve_root(&site).expect("site");
    let report = gongkai::check::check(&root).expect("check");
    let findings = run::findings(&imported, &report);
    if pairs {
        for line in run::skipped_pairs(&imported, &report) {
            println!("skipped: {line}");
        }
    }
    for f in &findings {
        println!(
            "{} | {} p.{} | {} | {} | {} | {} | {} | printed {} | expected {} | {}",
            f.unit_year,
            f.file,
            f.page,
            f.rule,
            f.target,
            f.table,
            f.row,
            f.column,
            f.found,
            f.expected,
            f.message
        );
    }
    if all_rules {
        let mut all = std::collections::BTreeMap::new();
        for d in &report.diagnostics {
            *all.entry((d.rule, format!("{:?}", d.severity)))
                .or_insert(0) += 1;
        }
        for ((rule, severity), n) in all {
            eprintln!("{rule} {severity}: {n}");
        }
    }
    let mut by_rule = std::collections::BTreeMap::new();
    for f in &findings {
        *by_rule.entry(f.rule.as_str()).or_insert(0) += 1;
    }
    eprintln!(
        "{} errors {by_rule:?} in {:.1} s",
        findings.len(),
        start.elapsed().as_secs_f64()
    );
}
