//! The catalogue by edition against the corpus: every code `../shared/corpus/` prints is
//! in the catalogue of its edition with the name printed, or listed in
//! `docs/catalogue.md` as unconfirmed; a 2017 Jiangsu document is checked against the
//! 2017 edition.

use gongkai::check::check;
use gongkai::check::rules::classification::normalize;
use gongkai::model::catalogue::Editions;
use gongkai::source::Root;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const CODES: &str = include_str!("../docs/corpus-codes.tsv");
const DOC: &str = include_str!("../docs/catalogue.md");

/// `(edition, code)` listed as unconfirmed in `docs/catalogue.md`: the rows
/// `| 2018 | 2040405 | … |` of its table of unconfirmed corpus codes.
fn unconfirmed() -> BTreeSet<(u32, String)> {
    let section = DOC
        .split("## Corpus codes not in the catalogue")
        .nth(1)
        .expect("docs/catalogue.md has the section of unconfirmed corpus codes");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let year = cells.get(1)?.parse().ok()?;
            let code = cells.get(2)?.trim_matches('`');
            code.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| (year, code.to_string()))
        })
        .collect()
}

/// (edition, code, name) of `docs/corpus-codes.tsv`.
fn printed() -> Vec<(u32, String, String)> {
    CODES
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].parse().unwrap(), f[1].to_string(), f[2].to_string())
        })
        .collect()
}

#[test]
fn every_corpus_code_is_in_its_edition_or_listed_as_unconfirmed() {
    let editions = Editions::builtin().unwrap();
    let listed = unconfirmed();
    let printed = printed();
    assert!(printed.len() > 250, "{} lines", printed.len());
    let mut missing = Vec::new();
    let mut in_catalogue = 0;
    for (year, code, name) in &printed {
        let edition = editions.for_year(*year);
        assert_eq!(
            edition.edition,
            year.to_string(),
            "every corpus year is held"
        );
        match edition.name(code) {
            Some(n) if normalize(n) == normalize(name) => in_catalogue += 1,
            Some(n) if !listed.contains(&(*year, code.clone())) => {
                missing.push(format!("{year} {code} 印作「{name}」，目录为「{n}」"))
            }
            None if !listed.contains(&(*year, code.clone())) => {
                missing.push(format!("{year} {code} {name}：目录中没有，也未列为未确认"))
            }
            _ => {}
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
    // A listed code is really not confirmed: the list holds nothing the catalogue has.
    for (year, code) in &listed {
        let name = editions.for_year(*year).name(code);
        let agrees = printed.iter().any(|(y, c, n)| {
            y == year && c == code && name.is_some_and(|k| normalize(k) == normalize(n))
        });
        assert!(
            !agrees,
            "{year} {code} is listed as unconfirmed but in the catalogue"
        );
        assert!(
            printed.iter().any(|(y, c, _)| y == year && c == code),
            "{year} {code} is listed as unconfirmed but the corpus does not print it"
        );
    }
    assert!(in_catalogue >= printed.len() - listed.len());
}

fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    assert!(dir.is_dir(), "the corpus is missing: {}", dir.display());
    dir
}

/// `docs/corpus-codes.tsv` is what `scripts/corpus-codes.py` makes of the corpus today
/// (skipped where python3 or pdftotext is missing).
#[test]
fn the_corpus_code_list_is_current() {
    let run = std::process::Command::new("python3")
        .arg("scripts/corpus-codes.py")
        .arg(corpus())
        .output();
    match run {
        Ok(out) if out.status.success() => {
            let now = String::from_utf8(out.stdout).unwrap();
            assert!(
                now == CODES,
                "docs/corpus-codes.tsv is stale: run `python3 scripts/corpus-codes.py ../shared/corpus > docs/corpus-codes.tsv`"
            );
        }
        Ok(out) => eprintln!(
            "skipped: scripts/corpus-codes.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("skipped: python3 not runnable: {e}"),
    }
}

/// The 政协办公厅's 2017 tables, imported and checked: the codes of 2017 that 2018
/// renamed or removed (30104 其他社会保障缴费, 30307 医疗费, 30311 住房公积金,
/// 30312 提租补贴, 310 其他资本性支出) are right in 2017 and wrong against 2023.
#[test]
fn a_2017_jiangsu_document_is_checked_against_the_2017_edition() {
    let pdf = corpus().join("jiangsu/江苏省政协办公厅/2017年度部门预算公开表.pdf");
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let (draft, _) =
        gongkai::import::import(&[pdf.as_path()], &content, Some("zx"), false).unwrap();
    assert_eq!(draft.disclosure.year, 2017);
    let yaml = content.join("zx/2017-budget.yaml");
    let names = |catalogue_edition: Option<u32>| -> Vec<(String, String)> {
        if let Some(e) = catalogue_edition {
            let text = std::fs::read_to_string(&yaml).unwrap();
            let text = text.replacen(
                "\ntemplate:",
                &format!("\ncatalogue_edition: {e}\ntemplate:"),
                1,
            );
            std::fs::write(&yaml, text).unwrap();
        }
        let report = check(&Root::Content(content.clone())).unwrap();
        let mut out: Vec<(String, String)> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "catalogue.name")
            .map(|d| {
                let code = d.target.as_deref().unwrap().split('/').nth(1).unwrap();
                (code.to_string(), d.message.clone())
            })
            .collect();
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        out
    };
    let as_2017 = names(None);
    assert!(as_2017.is_empty(), "{as_2017:#?}");
    let as_2023 = names(Some(2023));
    let codes: Vec<&str> = as_2023.iter().map(|(c, _)| c.as_str()).collect();
    for c in ["30307", "30311", "310"] {
        assert!(
            codes.contains(&c),
            "{c} not reported against 2023: {as_2023:#?}"
        );
    }
    assert!(
        as_2023.iter().all(|(_, m)| m.contains("2023 年版")),
        "{as_2023:#?}"
    );
}

/// Every code the five seeds print is in the catalogue of the seed's edition (2022 for
/// the 衡阳 final accounts, 2023 for the budgets): no `catalogue.unknown-code`.
#[test]
fn every_seed_code_is_in_its_edition() {
    let report = check(&Root::Content("content".into())).unwrap();
    let unknown: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "catalogue.unknown-code")
        .map(|d| d.message.as_str())
        .collect();
    assert!(unknown.is_empty(), "{unknown:#?}");
    let years: BTreeSet<u32> = report
        .site
        .units
        .iter()
        .flat_map(|u| u.disclosures.iter().map(|d| d.year))
        .collect();
    assert_eq!(years, BTreeSet::from([2022, 2023]));
}
