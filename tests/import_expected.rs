//! Five Jiangsu unit-years imported from their PDFs with the real importer and compared
//! cell by cell with transcriptions made without it (`tests/import/expected/`, made by
//! `scripts/transcribe.py` and checked against the page images; see the README there).
//!
//! Rows are matched by what the page prints, not by gongkai's row keys: a printed
//! classification code, else the row's printed texts (the name and any text cells),
//! the n-th such row when a label repeats. Columns by their printed header path, else
//! by the last word of the path when only one amount column of the table ends so.
//!
//! Counted per amount cell of the transcription: equal, different (another text in
//! the same row and column), missing (no such cell in the import); and per amount cell
//! of the import that matches none: misplaced (its text is that of a missing cell of
//! the same table: a figure read onto the wrong row or column), unread (`?`) or
//! invented (a figure the page does not print there and that is missing nowhere).

use gongkai::import::draft::{Draft, TableDraft};
use gongkai::import::printed::Place;
use gongkai::import::{read_file, recognize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const UNIT_YEARS: [&str; 5] = [
    "renda-2017",
    "jianchayuan-2018",
    "weibangongting-2019",
    "zhengxie-2017",
    "fayuan-2018",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RowId {
    Code(String),
    /// The printed texts of the row, sorted, and which of the rows so labelled (1-based).
    Label(Vec<String>, usize),
}

impl std::fmt::Display for RowId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowId::Code(c) => write!(f, "{c}"),
            RowId::Label(l, n) if *n > 1 => write!(f, "[{}]#{n}", l.join("|")),
            RowId::Label(l, _) => write!(f, "[{}]", l.join("|")),
        }
    }
}

struct ExpectedCell {
    row: RowId,
    column: String,
    text: String,
}

struct ExpectedTable {
    kind: String,
    page: u32,
    title: String,
    cells: Vec<ExpectedCell>,
}

struct Expected {
    file: String,
    tables: Vec<ExpectedTable>,
}

fn sorted_pieces(pieces: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = pieces.map(|p| norm(&p)).filter(|p| !p.is_empty()).collect();
    v.sort();
    v
}

fn parse_row(field: &str) -> RowId {
    if let Some(code) = field.strip_prefix("code:") {
        return RowId::Code(code.to_string());
    }
    let label = field
        .strip_prefix("label:")
        .unwrap_or_else(|| panic!("bad row {field}"));
    let (label, n) = match label.rsplit_once('#') {
        Some((l, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
            (l, n.parse().expect("occurrence"))
        }
        _ => (label, 1),
    };
    RowId::Label(sorted_pieces(label.split('|').map(str::to_string)), n)
}

fn load(name: &str) -> Expected {
    let path = root()
        .join("tests/import/expected")
        .join(name)
        .join("tables.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut file = String::new();
    let mut tables: Vec<ExpectedTable> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        match f[0] {
            "file" => file = f[1].to_string(),
            "table" => tables.push(ExpectedTable {
                kind: f[2].to_string(),
                page: f[3].parse().expect("page"),
                title: f[4].to_string(),
                cells: Vec::new(),
            }),
            "cell" => {
                assert_eq!(f.len(), 4, "{}:{}: {line}", path.display(), i + 1);
                tables
                    .last_mut()
                    .expect("a cell before any table")
                    .cells
                    .push(ExpectedCell {
                        row: parse_row(f[1]),
                        column: norm(f[2]),
                        text: f[3].to_string(),
                    });
            }
            other => panic!("{}:{}: unknown line {other}", path.display(), i + 1),
        }
    }
    Expected { file, tables }
}

fn import(file: &str) -> Draft {
    let path = root().join("../shared/corpus/jiangsu").join(file);
    assert!(path.is_file(), "the corpus is missing: {}", path.display());
    let doc = read_file(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    recognize::recognize(&[doc], Some("expected")).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// One disagreement, as the known list writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    unit_year: String,
    table: usize,
    what: &'static str,
    row: String,
    column: String,
    expected: String,
    imported: String,
}

impl Finding {
    fn line(&self) -> String {
        format!(
            "{}\tT{:02}\t{}\t{}\t{}\t{}\t{}",
            self.unit_year,
            self.table,
            self.what,
            self.row,
            self.column,
            self.expected,
            self.imported
        )
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    expected: usize,
    equal: usize,
    different: usize,
    missing: usize,
    misplaced: usize,
    unread: usize,
    invented: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.expected += o.expected;
        self.equal += o.equal;
        self.different += o.different;
        self.missing += o.missing;
        self.misplaced += o.misplaced;
        self.unread += o.unread;
        self.invented += o.invented;
    }
}

/// The identity of each imported row that prints a figure, as the page would name it.
fn draft_rows(t: &TableDraft) -> Vec<(usize, RowId, Option<RowId>)> {
    let text_cols: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| c.ty.is_some())
        .map(|c| c.key.as_str())
        .collect();
    let amount_cols: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| c.ty.is_none())
        .map(|c| c.key.as_str())
        .collect();
    let mut seen: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, r) in t.rows.iter().enumerate() {
        if !r
            .values
            .iter()
            .any(|(k, _)| amount_cols.contains(&k.as_str()))
        {
            continue;
        }
        // A two-level label is written as one name joined with `/`.
        let name = r.name.iter().flat_map(|n| n.split('/')).map(str::to_string);
        let pieces = sorted_pieces(
            name.chain(
                r.values
                    .iter()
                    .filter(|(k, _)| text_cols.contains(&k.as_str()))
                    .map(|(_, v)| v.clone()),
            ),
        );
        let n = seen.entry(pieces.clone()).or_insert(0);
        *n += 1;
        let code = r.code.clone().map(RowId::Code);
        out.push((i, RowId::Label(pieces, *n), code));
    }
    out
}

/// The amount column of `t` the printed header path `path` names.
fn column<'a>(t: &'a TableDraft, path: &str) -> Option<&'a str> {
    let amounts: Vec<_> = t.columns.iter().filter(|c| c.ty.is_none()).collect();
    if let Some(c) = amounts.iter().find(|c| norm(&c.name) == path) {
        return Some(&c.key);
    }
    let leaf = |p: &str| p.rsplit('/').next().unwrap_or("").to_string();
    let same_leaf: Vec<_> = amounts
        .iter()
        .filter(|c| leaf(&norm(&c.name)) == leaf(path))
        .collect();
    match same_leaf.as_slice() {
        [one] => Some(&one.key),
        _ => None,
    }
}

fn compare_table(
    name: &str,
    index: usize,
    exp: &ExpectedTable,
    t: &TableDraft,
    findings: &mut Vec<Finding>,
) -> Counts {
    let rows = draft_rows(t);
    let mut used: Vec<(usize, String)> = Vec::new();
    let mut counts = Counts::default();
    let mut missing_texts: Vec<String> = Vec::new();
    let finding = |what, row: &RowId, column: &str, expected: &str, imported: &str| Finding {
        unit_year: name.to_string(),
        table: index + 1,
        what,
        row: row.to_string(),
        column: column.to_string(),
        expected: expected.to_string(),
        imported: imported.to_string(),
    };
    for cell in &exp.cells {
        counts.expected += 1;
        let row = rows.iter().find(|(_, label, code)| match &cell.row {
            RowId::Code(_) => code.as_ref() == Some(&cell.row),
            RowId::Label(..) => *label == cell.row,
        });
        let value = row.and_then(|(i, _, _)| {
            let key = column(t, &cell.column)?;
            let v = t.rows[*i].values.iter().find(|(k, _)| k == key)?;
            Some((*i, key.to_string(), v.1.clone()))
        });
        match value {
            Some((i, key, text)) => {
                used.push((i, key));
                if text.trim() == cell.text {
                    counts.equal += 1;
                } else {
                    counts.different += 1;
                    findings.push(finding(
                        "different",
                        &cell.row,
                        &cell.column,
                        &cell.text,
                        &text,
                    ));
                }
            }
            None => {
                counts.missing += 1;
                missing_texts.push(cell.text.clone());
                findings.push(finding("missing", &cell.row, &cell.column, &cell.text, ""));
            }
        }
    }
    let amount_cols: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| c.ty.is_none())
        .map(|c| c.key.as_str())
        .collect();
    for (i, r) in t.rows.iter().enumerate() {
        for (k, v) in &r.values {
            if !amount_cols.contains(&k.as_str()) || used.contains(&(i, k.clone())) {
                continue;
            }
            let id = rows
                .iter()
                .find(|(j, _, _)| *j == i)
                .map(|(_, l, c)| c.clone().unwrap_or_else(|| l.clone()))
                .unwrap_or(RowId::Label(Vec::new(), 1));
            let what = if v.trim() == "?" {
                counts.unread += 1;
                "unread"
            } else if let Some(p) = missing_texts.iter().position(|m| m == v.trim()) {
                missing_texts.remove(p);
                counts.misplaced += 1;
                "misplaced"
            } else {
                counts.invented += 1;
                "invented"
            };
            let column = t
                .columns
                .iter()
                .find(|c| c.key == *k)
                .map_or(k.clone(), |c| norm(&c.name));
            findings.push(finding(what, &id, &column, "", v.trim()));
        }
    }
    counts
}

struct Outcome {
    total: Counts,
    wrong_kinds: Vec<String>,
    findings: Vec<Finding>,
}

fn compare_all() -> Outcome {
    let mut total = Counts::default();
    let mut wrong_kinds = Vec::new();
    let mut findings = Vec::new();
    for name in UNIT_YEARS {
        let exp = load(name);
        let draft = import(&exp.file);
        let tables = &draft.disclosure.tables;
        assert_eq!(
            tables.len(),
            exp.tables.len(),
            "{name}: {} tables imported, {} printed",
            tables.len(),
            exp.tables.len()
        );
        let mut unit = Counts::default();
        for (i, (e, t)) in exp.tables.iter().zip(tables).enumerate() {
            if e.kind != t.kind {
                wrong_kinds.push(format!(
                    "{name} T{:02} {}: kind {}, printed as {}",
                    i + 1,
                    e.title,
                    t.kind,
                    e.kind
                ));
            }
            let place = draft.report.tables.get(i).map(|f| f.place.clone());
            let page_note = if place == Some(Place::Page(e.page)) {
                String::new()
            } else {
                format!(" (page {:?}, printed on {})", place, e.page)
            };
            let c = compare_table(name, i, e, t, &mut findings);
            println!(
                "{name} T{:02} {:<22} {:>3} cells: {:>3} equal, {} different, {} missing, {} misplaced, {} unread, {} invented{page_note}",
                i + 1,
                e.kind,
                c.expected,
                c.equal,
                c.different,
                c.missing,
                c.misplaced,
                c.unread,
                c.invented
            );
            unit.add(c);
        }
        println!(
            "{name}: {} of {} amount cells equal\n",
            unit.equal, unit.expected
        );
        total.add(unit);
    }
    Outcome {
        total,
        wrong_kinds,
        findings,
    }
}

fn share(c: &Counts) -> f64 {
    // Display and threshold only; no figure is computed from it.
    c.equal as f64 / c.expected.max(1) as f64
}

/// Issue #18: at least 99.5 % of the amount cells equal, every table's kind right, no
/// amount invented.
#[test]
fn imports_match_the_hand_checked_transcriptions() {
    let o = compare_all();
    let t = o.total;
    println!(
        "all: {} amount cells: {} equal ({:.2} %), {} different, {} missing, {} misplaced, {} unread, {} invented",
        t.expected,
        t.equal,
        share(&t) * 100.0,
        t.different,
        t.missing,
        t.misplaced,
        t.unread,
        t.invented
    );
    for f in &o.findings {
        println!("{}", f.line());
    }
    assert!(t.expected > 800, "only {} cells transcribed", t.expected);
    assert!(o.wrong_kinds.is_empty(), "{:#?}", o.wrong_kinds);
    assert_eq!(t.invented, 0, "amounts invented (see the list above)");
    assert!(
        share(&t) >= 0.995,
        "{} of {} amount cells equal ({:.2} %), 99.5 % required",
        t.equal,
        t.expected,
        share(&t) * 100.0
    );
}

/// Every disagreement is one listed, with its cause, in `known-differences.tsv`; a new
/// one (a cell changed in a transcription, or in what the importer reads) fails, and
/// so does a listed one that no longer happens (remove it from the list).
#[test]
fn disagreements_are_the_known_ones() {
    let o = compare_all();
    let path = root().join("tests/import/expected/known-differences.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let known: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.rsplit_once("\t#").map_or(l, |(a, _)| a))
        .collect();
    let found: Vec<String> = o.findings.iter().map(Finding::line).collect();
    let new: Vec<&String> = found
        .iter()
        .filter(|f| !known.contains(&f.as_str()))
        .collect();
    let gone: Vec<&&str> = known
        .iter()
        .filter(|k| !found.iter().any(|f| f == *k))
        .collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "new disagreements:\n{}\nlisted but no longer found:\n{}",
        new.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        gone.iter().map(|s| **s).collect::<Vec<_>>().join("\n")
    );
}
