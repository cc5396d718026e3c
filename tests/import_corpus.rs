//! The Jiangsu corpus (`../shared/corpus/jiangsu`, 22 PDFs, 15 unit-years) imported into
//! one site and checked: the `sum.*` and `cross.*` errors are exactly those listed in
//! docs/import.md ("Errors on the imported corpus"), each shown there to be printed so.
//! A new error is an importer regression (or a new finding to document); a listed error
//! that disappears is one the importer no longer reproduces. The cross-table pairs the
//! checker skips are only those whose rows or columns Jiangsu does not print, so a figure
//! the importer stops keying cannot hide an error.

#[path = "import_corpus/run.rs"]
mod run;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn jiangsu() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/jiangsu");
    assert!(dir.is_dir(), "the corpus is missing: {}", dir.display());
    dir
}

/// The documented errors: the rows of the table headed `| unit-year | rule | …` under
/// "### Errors on the imported corpus" in docs/import.md, as
/// `unit-year | rule | target | printed | expected`.
fn documented() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/import.md"))
        .expect("docs/import.md");
    let section = doc
        .split("### Errors on the imported corpus")
        .nth(1)
        .expect("docs/import.md has the section “Errors on the imported corpus”");
    let section = section.split("\n#").next().unwrap_or(section);
    let mut rows = section
        .lines()
        .skip_while(|l| !l.starts_with("| unit-year |"))
        .take_while(|l| l.starts_with('|'));
    let header: Vec<String> = rows
        .next()
        .expect("the section has the table headed | unit-year |")
        .split('|')
        .map(|c| c.trim().to_string())
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("the table has no column {name}: {header:?}"))
    };
    let (unit_year, rule, target, printed, expected) = (
        col("unit-year"),
        col("rule"),
        col("target"),
        col("printed"),
        col("expected"),
    );
    rows.skip(1) // the |---| line
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(|c| c.trim().trim_matches('`')).collect();
            format!(
                "{} | {} | {} | {} | {}",
                cells[unit_year], cells[rule], cells[target], cells[printed], cells[expected]
            )
        })
        .collect()
}

/// References Jiangsu's budget tables do not print: its 一般公共预算支出表 and 基本支出表
/// print one 金额 column (no 基本支出 / 人员经费 / 公用经费 columns), its 收支总表 has no
/// economic-classification sides, and its 收入预算总表 lists the sources down one column
/// (its lines keep `r…` keys, docs/import.md).
const NOT_PRINTED: &[&str] = &[
    "general_expenditure.total.basic",
    "general_expenditure.total.personnel",
    "general_expenditure.total.public",
    "general_basic.total.personnel",
    "general_basic.total.public",
    "summary.exp_total_dept.amount",
    "summary.exp_total_gov.amount",
    "income.total.total",
    "income.total.general",
];

#[test]
fn corpus_errors_are_the_documented_ones() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let site = tmp.path().join("site");
    let imported = run::import(&jiangsu(), &site);
    let root = gongkai::source::resolve_root(&site).expect("site");
    let report = gongkai::check::check(&root).expect("check");
    assert_eq!(report.site.units.len(), 5, "five departments");
    let disclosures: usize = report.site.units.iter().map(|u| u.disclosures.len()).sum();
    assert_eq!(disclosures, 15, "fifteen unit-years");

    let found: BTreeSet<String> = run::findings(&imported, &report)
        .iter()
        .map(run::Finding::key)
        .collect();
    let listed = documented();
    let new: Vec<&String> = found.difference(&listed).collect();
    let gone: Vec<&String> = listed.difference(&found).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "errors not in docs/import.md: {new:#?}\nlisted there but not found: {gone:#?}"
    );

    // Every pair skipped on a disclosure that has both tables is skipped for a row or
    // column Jiangsu does not print, never for one the import lost.
    let skipped = run::skipped_pairs(&imported, &report);
    let lost: Vec<&String> = skipped
        .iter()
        .filter(|line| {
            let refs = line.rsplit(" | ").next().unwrap_or("");
            refs.split("; ").any(|r| {
                let (reference, why) = r.split_once(": ").unwrap_or((r, ""));
                why == "unreadable" || !NOT_PRINTED.contains(&reference.trim_end_matches('?'))
            })
        })
        .collect();
    assert!(
        lost.is_empty(),
        "pairs skipped for a reference the import lost: {lost:#?}"
    );
}
