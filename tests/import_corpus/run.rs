//! The Jiangsu corpus imported into one site, one import per unit-year (a department's
//! files of one year together, each department in its own folder), and the `sum.*` /
//! `cross.*` errors that `check` then reports. Shared by `tests/import_corpus.rs` (which
//! compares them with the list in docs/import.md) and `examples/import_corpus.rs` (which
//! prints them).
#![allow(dead_code)]

use gongkai::import::printed::Place;
use gongkai::import::{read_file, recognize, write};
use std::path::{Path, PathBuf};

/// One unit-year of the corpus: a department's files of one year.
pub struct UnitYear {
    pub department: String,
    pub year: u32,
    pub files: Vec<PathBuf>,
}

impl UnitYear {
    /// `江苏省政协办公厅 2019`.
    pub fn label(&self) -> String {
        format!("{} {}", self.department, self.year)
    }
}

/// The unit-years under `jiangsu` (one folder per department), in folder and year order.
pub fn unit_years(jiangsu: &Path) -> Vec<UnitYear> {
    let mut departments: Vec<PathBuf> = std::fs::read_dir(jiangsu)
        .unwrap_or_else(|e| panic!("{}: {e}", jiangsu.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    departments.sort();
    let mut out = Vec::new();
    for dept in departments {
        let department = dept
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dept)
            .expect("department folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        files.sort();
        for year in 2000..2100u32 {
            let of_year: Vec<PathBuf> = files
                .iter()
                .filter(|f| {
                    f.file_name()
                        .is_some_and(|n| n.to_string_lossy().contains(&year.to_string()))
                })
                .cloned()
                .collect();
            if !of_year.is_empty() {
                out.push(UnitYear {
                    department: department.clone(),
                    year,
                    files: of_year,
                });
            }
        }
    }
    out
}

/// One `sum.*` / `cross.*` error on the imported corpus.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// `江苏省政协办公厅 2019`.
    pub unit_year: String,
    /// The PDF that prints the table, and the page its table starts on.
    pub file: String,
    pub page: u32,
    pub rule: String,
    /// What an acknowledgement names (`T07/21015/total`, or a cross-table pair's id).
    pub target: String,
    pub table: String,
    pub row: String,
    pub column: String,
    pub found: String,
    pub expected: String,
    pub message: String,
}

impl Finding {
    /// The finding as one line, the form the test compares: unit-year, rule, target,
    /// printed and expected value.
    pub fn key(&self) -> String {
        format!(
            "{} | {} | {} | {} | {}",
            self.unit_year, self.rule, self.target, self.found, self.expected
        )
    }
}

/// Where each imported table came from: its id → (file name, first page).
type Origins = std::collections::BTreeMap<(String, String), (String, u32)>;

/// The imported site: where each table came from, and each unit folder's department.
pub struct Imported {
    origins: Origins,
    /// Unit folder → department.
    labels: std::collections::BTreeMap<String, String>,
}

/// Imports every unit-year under `jiangsu` into `site/content` and returns the errors of
/// the rules `sum.*` and `cross.*` that `check` reports on the site, sorted.
pub fn import_and_check(jiangsu: &Path, site: &Path) -> Vec<Finding> {
    let imported = import(jiangsu, site);
    let root = gongkai::source::resolve_root(site).expect("site");
    let report = gongkai::check::check(&root).expect("check");
    findings(&imported, &report)
}

/// Imports every unit-year under `jiangsu` into `site/content`.
pub fn import(jiangsu: &Path, site: &Path) -> Imported {
    let content = site.join("content");
    let mut origins = Origins::new();
    let mut labels = std::collections::BTreeMap::new();
    for uy in unit_years(jiangsu) {
        let slug = recognize::slug_of(&uy.department);
        labels.insert(slug.clone(), uy.department.clone());
        let docs: Vec<_> = uy
            .files
            .iter()
            .map(|f| read_file(f).unwrap_or_else(|e| panic!("{}: {e}", f.display())))
            .collect();
        let draft = recognize::recognize(&docs, Some(&slug))
            .unwrap_or_else(|e| panic!("{}: {e}", uy.label()));
        // Later years of a department printing its name differently replace nothing but
        // their own year: --force, as in docs/import.md.
        write::write(&content, &draft, true).unwrap_or_else(|e| panic!("{}: {e}", uy.label()));
        // Tables are numbered across the files in the order given.
        let mut n = 0;
        for (doc, file) in docs.iter().zip(&uy.files) {
            for t in &doc.tables {
                n += 1;
                let page = match t.place {
                    Place::Page(p) => p,
                    Place::Sheet { .. } => 0,
                };
                let name = file
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                origins.insert((uy.label(), format!("T{n:02}")), (name, page));
            }
        }
    }
    Imported { origins, labels }
}

/// The `sum.*` and `cross.*` errors of `report`, sorted.
pub fn findings(imported: &Imported, report: &gongkai::check::Report) -> Vec<Finding> {
    let Imported { origins, labels } = imported;
    let mut out = Vec::new();
    for d in &report.diagnostics {
        if !(d.rule.starts_with("sum.") || d.rule.starts_with("cross.")) || !d.is_failing() {
            continue;
        }
        // `<slug>/<year>-budget.yaml`.
        // A blank cell has no place: the figure it is compared with has one.
        let shown = d
            .loc
            .or_else(|| d.related.first().map(|r| r.loc))
            .map(|l| report.site.files.get(l.file).display.clone())
            .unwrap_or_default();
        let (slug, file) = shown.split_once('/').unwrap_or(("", &shown));
        let year = file.split('-').next().unwrap_or("");
        let unit_year = format!(
            "{} {year}",
            labels.get(slug).map(String::as_str).unwrap_or(slug)
        );
        let table = d.table.clone().unwrap_or_default();
        let id = table.split_whitespace().next().unwrap_or("").to_string();
        let (pdf, page) = origins
            .get(&(unit_year.clone(), id))
            .cloned()
            .unwrap_or_default();
        out.push(Finding {
            unit_year,
            file: pdf,
            page,
            rule: d.rule.to_string(),
            target: d.target.clone().unwrap_or_default(),
            table,
            row: d.row.clone().unwrap_or_default(),
            column: d.column.clone().unwrap_or_default(),
            found: d.found.clone().unwrap_or_default(),
            expected: d.expected.clone().unwrap_or_default(),
            message: d.message.clone(),
        });
    }
    out.sort();
    out
}

/// For each disclosure, each cross-table pair (`cross_table::PAIRS`) whose tables it has
/// but that the checker had to skip, with the reference it could not read: a row or
/// column the import did not key, or an unreadable cell. Pairs between tables the
/// disclosure does not have are left out.
pub fn skipped_pairs(imported: &Imported, report: &gongkai::check::Report) -> Vec<String> {
    use gongkai::check::lookup::{self, Lookup};
    use gongkai::check::rules::cross_table::PAIRS;
    let mut out = Vec::new();
    for unit in &report.site.units {
        let dept = imported.labels.get(&unit.slug).unwrap_or(&unit.slug);
        for d in &unit.disclosures {
            for p in PAIRS {
                let mut problems = Vec::new();
                let mut tables_present = true;
                for side in [p.left, p.right] {
                    let Ok(e) = gongkai::check::expr::parse(side) else {
                        continue;
                    };
                    for r in gongkai::check::expr::refs(&e) {
                        let got = lookup::cell(
                            d,
                            r,
                            gongkai::model::amount::AmountUnit::Yuan,
                            &Default::default(),
                        );
                        match got {
                            Lookup::Value(..) => {}
                            Lookup::NoTable => tables_present = false,
                            Lookup::NoRow if r.optional => {}
                            other => problems.push(format!("{r}: {}", lookup_name(&other))),
                        }
                    }
                }
                if tables_present && !problems.is_empty() {
                    out.push(format!(
                        "{dept} {} | {} | {}",
                        d.year,
                        p.id,
                        problems.join("; ")
                    ));
                }
            }
        }
    }
    out.sort();
    out
}

fn lookup_name(l: &gongkai::check::lookup::Lookup) -> &'static str {
    use gongkai::check::lookup::Lookup;
    match l {
        Lookup::Value(..) => "value",
        Lookup::NoTable => "no table",
        Lookup::NoRow => "no row",
        Lookup::NoColumn => "no column",
        Lookup::Unknown => "unreadable",
    }
}
