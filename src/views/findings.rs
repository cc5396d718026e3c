//! 核对结果: what the check found in each disclosure, for the reader.
//!
//! Made once per build from the check the build runs anyway (`check::Report`), never by
//! checking again: each diagnostic located in a disclosure's files becomes a
//! [`Finding`] (in a class a reader understands, with links to the table rows and text
//! passages involved), and each place it points at gets a [`Mark`] (the cell, row, table
//! or text figure carries a visible `※n` linked to the finding). A disclosure's findings
//! travel with its listing (`listing::DisclosureListing`), so that a unit kept unchecked
//! by an incremental build shows the findings of the build that checked it.
//!
//! Classes (documented in `docs/site.md`): `错误` — an identity, pair, name, text figure
//! or date that does not hold (every rule of severity 错误 or 警告 about what was
//! published, acknowledged or not: an acknowledged error is a published error whose
//! transcription was confirmed); `尾数差异` — `rounding`; `无法核对` — a figure that
//! cannot be checked (`sum.unchecked`, `narrative.unchecked`, `narrative.unmatched`,
//! `catalogue.unknown-code`, `complete.missing`, `narrative.name`); `缺表` — something the
//! template requires that was not published (`complete.table`, `complete.reason`,
//! `complete.section`, `narrative.reason`). Rules about the transcription itself (YAML,
//! values that do not parse, references, unused acknowledgements) are not findings of
//! the publication: `gongkai check` reports them, the page does not.

use crate::check::Report;
use crate::model::amount;
use crate::model::diagnostic::{Diagnostic, Loc, Severity};
use crate::model::files::FileId;
use crate::model::{Disclosure, Site};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// What kind of finding, for a reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Error,
    Rounding,
    Unchecked,
    Missing,
}

impl Class {
    pub const ALL: [Class; 4] = [
        Class::Error,
        Class::Rounding,
        Class::Unchecked,
        Class::Missing,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Class::Error => "错误",
            Class::Rounding => "尾数差异",
            Class::Unchecked => "无法核对",
            Class::Missing => "缺表",
        }
    }

    /// `error`, as in the CSV and `data.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Error => "error",
            Class::Rounding => "rounding",
            Class::Unchecked => "unchecked",
            Class::Missing => "missing",
        }
    }
}

/// The class of a rule's diagnostics; `None` for rules about the transcription (the
/// sources' syntax and references), which are not findings of the publication.
pub fn class_of(rule: &str, severity: Severity) -> Option<Class> {
    let class = match rule {
        "rounding" => Class::Rounding,
        "sum.unchecked"
        | "narrative.unchecked"
        | "narrative.unmatched"
        | "catalogue.unknown-code"
        | "complete.missing"
        | "narrative.name" => Class::Unchecked,
        "complete.table" | "complete.reason" | "complete.section" | "narrative.reason" => {
            Class::Missing
        }
        _ if rule.starts_with("source.")
            || rule.starts_with("yaml.")
            || rule.starts_with("table.")
            || matches!(
                rule,
                "value.amount"
                    | "value.precision"
                    | "value.code"
                    | "value.enum"
                    | "value.date"
                    | "value.url"
                    | "narrative.syntax"
                    | "narrative.reference"
                    | "ack.unused"
            ) =>
        {
            return None;
        }
        _ => match severity {
            Severity::Notice => Class::Unchecked,
            Severity::Error | Severity::Warning => Class::Error,
        },
    };
    Some(class)
}

/// Findings counted by class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub error: usize,
    pub rounding: usize,
    pub unchecked: usize,
    pub missing: usize,
}

impl Counts {
    pub fn get(&self, c: Class) -> usize {
        match c {
            Class::Error => self.error,
            Class::Rounding => self.rounding,
            Class::Unchecked => self.unchecked,
            Class::Missing => self.missing,
        }
    }

    fn add(&mut self, c: Class) {
        match c {
            Class::Error => self.error += 1,
            Class::Rounding => self.rounding += 1,
            Class::Unchecked => self.unchecked += 1,
            Class::Missing => self.missing += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.error + self.rounding + self.unchecked + self.missing
    }

    /// `核对：2 处错误，1 处尾数差异，3 处无法核对`, or `核对：全部相符`.
    pub fn verdict(&self) -> String {
        if self.total() == 0 {
            return "核对：全部相符".into();
        }
        let mut parts = vec![
            format!("{} 处错误", self.error),
            format!("{} 处尾数差异", self.rounding),
        ];
        if self.unchecked > 0 {
            parts.push(format!("{} 处无法核对", self.unchecked));
        }
        if self.missing > 0 {
            parts.push(format!("{} 处缺表", self.missing));
        }
        format!("核对：{}", parts.join("，"))
    }
}

pub use crate::check::Checked;

/// A link from a finding to a place on the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub href: String,
    pub label: String,
}

/// One finding, for a reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// From 1, in the check's order; the page's anchor is `finding-<number>`.
    pub number: usize,
    pub rule: String,
    pub class: Class,
    /// What disagrees with what, by how much (the check's message).
    pub text: String,
    pub table: Option<String>,
    pub row: Option<String>,
    pub column: Option<String>,
    /// The figure as published, the figure the other figures give, and their
    /// difference (published − expected), each with its unit.
    pub published: Option<String>,
    pub expected: Option<String>,
    pub difference: Option<String>,
    /// Acknowledged in the sources: the publication is so (`原文如此`), with the reason.
    pub acknowledged: bool,
    pub reason: Option<String>,
    pub links: Vec<Link>,
}

impl Finding {
    pub fn anchor(&self) -> String {
        format!("finding-{}", self.number)
    }
}

/// Where a finding points on the disclosure page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    /// A table cell: the table id, the row's anchor and the column's index.
    Cell {
        table: String,
        row: String,
        column: usize,
    },
    /// A whole row (its name).
    Row { table: String, row: String },
    /// A table (also an absent one), by its section's anchor.
    Table { anchor: String },
    /// A place in the explanation text: 1-based line and column (characters).
    Text { line: u32, col: u32 },
    /// A part of the page (`part-tables`, `part-explanation`), by its id.
    Part { id: String },
}

/// A marker on one place of the page, linked to its finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub finding: usize,
    pub class: Class,
    pub place: Place,
    /// The value the other figures give, beside a published figure that differs from
    /// it: `各行合计 1,008.74`.
    pub computed: Option<String>,
}

/// Everything the pages and downloads show of one disclosure's check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureFindings {
    pub counts: Counts,
    pub findings: Vec<Finding>,
    pub marks: Vec<Mark>,
    pub checked: Checked,
}

impl DisclosureFindings {
    pub fn verdict(&self) -> String {
        self.counts.verdict()
    }

    /// A hash of what the pages show of them, for the unit's render key.
    pub fn digest(all: &[DisclosureFindings]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        // Serializing plain data cannot fail.
        serde_json::to_string(all).unwrap_or_default().hash(&mut h);
        h.finish()
    }
}

/// The findings of every disclosure of the site's units, by unit folder, each unit's in
/// the order of its disclosures.
pub type SiteFindings = HashMap<String, Vec<DisclosureFindings>>;

/// Where a source location lies in a disclosure.
struct Index<'a> {
    d: &'a Disclosure,
    places: HashMap<Loc, Place>,
}

fn index(d: &Disclosure) -> Index<'_> {
    let mut places = HashMap::new();
    for t in &d.tables {
        let table_anchor = super::anchor_of(&t.id);
        places.insert(
            t.loc,
            Place::Table {
                anchor: table_anchor.clone(),
            },
        );
        places.insert(
            t.kind_loc,
            Place::Table {
                anchor: table_anchor.clone(),
            },
        );
        for c in &t.columns {
            places.insert(
                c.loc,
                Place::Table {
                    anchor: table_anchor.clone(),
                },
            );
        }
        for f in &t.fields {
            places.insert(
                f.value.loc,
                Place::Table {
                    anchor: table_anchor.clone(),
                },
            );
        }
        for (r, anchor) in t.rows.iter().zip(super::row_anchors(t)) {
            let row = Place::Row {
                table: t.id.clone(),
                row: anchor.clone(),
            };
            places.insert(r.loc, row.clone());
            if let Some(l) = r.name_loc {
                places.insert(l, row.clone());
            }
            for (i, c) in t.columns.iter().enumerate() {
                if let Some(cell) = r.cells.get(&c.key) {
                    places.insert(
                        cell.loc,
                        Place::Cell {
                            table: t.id.clone(),
                            row: anchor.clone(),
                            column: i,
                        },
                    );
                }
            }
        }
    }
    Index { d, places }
}

impl Index<'_> {
    /// The place of `loc` (in one of this disclosure's files); `target` is the
    /// diagnostic's, which names an absent table's kind.
    fn place(&self, loc: Loc, rule: &str, target: Option<&str>) -> Place {
        // A finding about the whole text is located at its start: it is the part's.
        let whole_text =
            loc.line <= 1 && loc.col <= 1 || matches!(target, Some("text" | "text/unmatched"));
        if self.d.text.as_ref().is_some_and(|t| t.file == loc.file) && !whole_text {
            return Place::Text {
                line: loc.line,
                col: loc.col,
            };
        }
        if let Some(p) = self.places.get(&loc) {
            return p.clone();
        }
        if rule == "complete.table"
            && let Some(kind) = target
        {
            return Place::Table {
                anchor: super::anchor_of(&format!("absent-{kind}")),
            };
        }
        let explanation = rule == "complete.section" || rule.starts_with("narrative.");
        Place::Part {
            id: if explanation {
                "part-explanation"
            } else {
                "part-tables"
            }
            .into(),
        }
    }

    /// The link to `place`; `missing` names the absent table it may be.
    fn link(&self, place: &Place, number: usize, k: usize, missing: Option<&str>) -> Link {
        match place {
            Place::Cell { table, row, column } => {
                let t = self.d.table(table);
                let col = t
                    .and_then(|t| t.columns.get(*column))
                    .map_or(String::new(), |c| format!("「{}」栏", c.name));
                Link {
                    href: format!("#{row}"),
                    label: format!("表{table}{}{col}", row_label(t, row)),
                }
            }
            Place::Row { table, row } => Link {
                href: format!("#{row}"),
                label: format!("表{table}{}", row_label(self.d.table(table), row)),
            },
            Place::Table { anchor } => Link {
                href: format!("#{anchor}"),
                label: match self
                    .d
                    .tables
                    .iter()
                    .find(|t| super::anchor_of(&t.id) == *anchor)
                {
                    Some(t) => format!("表{}", t.label()),
                    None => match missing {
                        Some(name) => format!("「{name}」（原文未公开）"),
                        None => "原文未公开的表".into(),
                    },
                },
            },
            Place::Text { .. } => Link {
                href: format!("#{}", text_mark_id(number, k)),
                label: "情况说明中的文字".into(),
            },
            Place::Part { id } => Link {
                href: format!("#{id}"),
                label: if id == "part-explanation" {
                    "情况说明".into()
                } else {
                    "公开表".into()
                },
            },
        }
    }
}

/// The id of the `k`th text passage marked for finding `number`.
pub fn text_mark_id(number: usize, k: usize) -> String {
    format!("finding-{number}-text-{k}")
}

fn row_label(t: Option<&crate::model::Table>, anchor: &str) -> String {
    let Some(t) = t else {
        return String::new();
    };
    super::row_anchors(t)
        .iter()
        .position(|a| a == anchor)
        .map_or(String::new(), |i| format!("「{}」行", t.rows[i].label()))
}

/// The check's message as a reader sees it: without the advice to the sources' author
/// (`如需核对，可写作 {{ … }}`) and the keys of the sources (`各行之和（functional）`),
/// amounts with thousands separators.
fn for_reader(message: &str) -> String {
    let mut s = message
        .split("。如需核对")
        .next()
        .unwrap_or(message)
        .to_string();
    // The class says it (`尾数差异`).
    if let Some(rest) = s.strip_prefix("尾数误差：") {
        s = rest.to_string();
    }
    // `（functional）`, `（income_general_funding + income_general_nontax）`: keys.
    let mut from = 0;
    while let Some(open) = s[from..].find('（').map(|i| from + i) {
        let Some(len) = s[open..].find('）') else {
            break;
        };
        let inner = &s[open + '（'.len_utf8()..open + len];
        // Keys, or advice on writing the sources (`声明 status: missing`).
        let is_key = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " _+-.".contains(c))
            || inner.contains("status:");
        if is_key {
            s.replace_range(open..open + len + '）'.len_utf8(), "");
            from = open;
        } else {
            from = open + '（'.len_utf8();
        }
    }
    // Amounts the check prints bare (`1868.74万元`) get their thousands separators.
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        let num = &tail[..len];
        let after = &tail[len..];
        let amount = ["万元", "元"]
            .iter()
            .any(|u| after.trim_start().starts_with(u));
        match amount.then(|| amount::parse(num).ok()).flatten() {
            Some(v) if !out.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') => {
                out.push_str(&amount::format_grouped(v))
            }
            _ => out.push_str(num),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `1008.74万元` → (1008.74, `万元`), for differences and display.
fn split_amount(s: &str) -> Option<(Decimal, &str)> {
    let s = s.trim();
    let unit = ["万元", "亿元", "元", "%"]
        .into_iter()
        .find(|u| s.ends_with(u))
        .unwrap_or("");
    let num = s[..s.len() - unit.len()].trim();
    let v = amount::parse(num).ok()?;
    Some((v, unit))
}

/// An amount as the tables print it: `1,008.74万元` (a non-amount is left as it is).
fn display(s: &str) -> String {
    match split_amount(s) {
        Some((v, unit)) => format!("{}{unit}", amount::format_grouped(v)),
        None => s.to_string(),
    }
}

/// What the computed value is called beside the published one.
fn computed_label(rule: &str, target: Option<&str>) -> &'static str {
    let rule = match (rule, target) {
        ("rounding", Some(t)) => t.split(':').next().unwrap_or(rule),
        _ => rule,
    };
    match rule {
        "sum.row" => "各行合计",
        "sum.column" => "各栏合计",
        "sum.hierarchy" => "下级合计",
        "value.scale" => "换算后",
        "cross.table" | "cross.code-amount" => "另表为",
        "narrative.figure" => "按表计算",
        _ => "应为",
    }
}

/// The findings of one disclosure from its diagnostics (`diags`, in the check's order).
fn of_disclosure(d: &Disclosure, diags: &[&Diagnostic], checked: Checked) -> DisclosureFindings {
    let mut out = DisclosureFindings {
        checked,
        ..Default::default()
    };
    // Most disclosures of a large site have nothing to place: no index of their cells.
    if diags.is_empty() {
        return out;
    }
    let index = index(d);
    for diag in diags {
        let Some(class) = class_of(diag.rule, diag.severity) else {
            continue;
        };
        let number = out.findings.len() + 1;
        out.counts.add(class);
        let target = diag.target.as_deref();
        let mut places: Vec<Place> = Vec::new();
        // A sum's related location only says where its parts start: the published total
        // is what disagrees. Another rule's is the other side (the other table's figure).
        let related = !diag.rule.starts_with("sum.");
        let others = diag.related.iter().filter(|_| related).map(|r| &r.loc);
        for loc in diag.loc.iter().chain(others) {
            let p = index.place(*loc, diag.rule, target);
            if !places.contains(&p) {
                places.push(p);
            }
        }
        if places.is_empty() {
            places.push(index.place(
                Loc {
                    file: d.loc.file,
                    line: 0,
                    col: 0,
                },
                diag.rule,
                target,
            ));
        }
        // `narrative.unmatched` counts figures: its `found` is a count, not a figure.
        // A completeness rule's `expected` names what is missing: not a figure.
        let figures = diag.rule != "narrative.unmatched" && !diag.rule.starts_with("complete.");
        let published = diag.found.as_deref().filter(|_| figures).map(display);
        let expected = diag.expected.as_deref().filter(|_| figures).map(display);
        let difference = match (
            diag.found.as_deref().and_then(split_amount),
            diag.expected.as_deref().and_then(split_amount),
        ) {
            (Some((f, fu)), Some((e, eu))) if fu == eu && figures => f
                .checked_sub(e)
                .map(|x| format!("{}{fu}", amount::format_grouped(x))),
            _ => None,
        };
        let mut text_k = 0;
        let mut links = Vec::new();
        for (i, place) in places.iter().enumerate() {
            links.push(index.link(place, number, text_k, diag.expected.as_deref()));
            if matches!(place, Place::Text { .. }) {
                text_k += 1;
            }
            // The computed value goes beside the published figure (the first place).
            // Without its unit, as the figure beside it is printed (`各行合计 1,008.74`).
            let computed = (i == 0 && published != expected)
                .then(|| {
                    diag.expected.as_deref().map(|e| {
                        let shown = match split_amount(e) {
                            Some((v, "万元" | "元")) => amount::format_grouped(v),
                            _ => display(e),
                        };
                        format!("{} {shown}", computed_label(diag.rule, target))
                    })
                })
                .flatten();
            out.marks.push(Mark {
                finding: number,
                class,
                place: place.clone(),
                computed,
            });
        }
        out.findings.push(Finding {
            number,
            rule: diag.rule.to_string(),
            class,
            text: for_reader(&diag.message),
            table: diag.table.clone(),
            row: diag.row.clone(),
            column: diag.column.clone(),
            published,
            expected,
            difference,
            acknowledged: diag.acknowledged.is_some(),
            reason: diag.acknowledged.clone(),
            links,
        });
    }
    out
}

/// The findings of every disclosure of `report`'s units (see the module docs).
pub fn of_report(report: &Report) -> SiteFindings {
    of_diagnostics(&report.site, &report.diagnostics, &report.checked)
}

/// [`of_report`] from its parts: the site, its diagnostics and what was checked in
/// each disclosure (by the disclosure's file).
pub fn of_diagnostics(
    site: &Site,
    diagnostics: &[Diagnostic],
    checked: &HashMap<FileId, Checked>,
) -> SiteFindings {
    // Each disclosure by its files (data and text).
    let mut owner: HashMap<FileId, (usize, usize)> = HashMap::new();
    for (ui, u) in site.units.iter().enumerate() {
        for (di, d) in u.disclosures.iter().enumerate() {
            owner.insert(d.loc.file, (ui, di));
            if let Some(t) = &d.text {
                owner.insert(t.file, (ui, di));
            }
        }
    }
    let mut by_disclosure: BTreeMap<(usize, usize), Vec<&Diagnostic>> = BTreeMap::new();
    for diag in diagnostics {
        if let Some(o) = diag.loc.and_then(|l| owner.get(&l.file)) {
            by_disclosure.entry(*o).or_default().push(diag);
        }
    }
    site.units
        .iter()
        .enumerate()
        .map(|(ui, u)| {
            let findings = u
                .disclosures
                .iter()
                .enumerate()
                .map(|(di, d)| {
                    let diags = by_disclosure.get(&(ui, di)).map_or(&[][..], Vec::as_slice);
                    let checked = checked.get(&d.loc.file).copied().unwrap_or_default();
                    of_disclosure(d, diags, checked)
                })
                .collect();
            (u.slug.clone(), findings)
        })
        .collect()
}

/// The HTML of the markers of `marks` on one place: `<a class="flag" …>※2</a>` for each,
/// and the computed value where one differs (`各行合计 1,008.74万元`). `id` gives the
/// `k`th marker its id, when it needs one (the finding links to it).
pub fn marks_html(
    marks: &[&Mark],
    findings: &[Finding],
    id: &dyn Fn(usize) -> Option<String>,
) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for (k, m) in marks.iter().enumerate() {
        let Some(f) = findings.iter().find(|f| f.number == m.finding) else {
            continue;
        };
        let id = id(k).map_or(String::new(), |i| format!(" id=\"{i}\""));
        let _ = write!(
            s,
            "<a class=\"flag flag-{}\"{id} href=\"#{}\" aria-label=\"{}\">※{}</a>",
            m.class.as_str(),
            f.anchor(),
            super::escape_html(&describe(f)),
            f.number
        );
        if let Some(c) = &m.computed {
            let _ = write!(
                s,
                "<span class=\"computed\">{}</span>",
                super::escape_html(c)
            );
        }
    }
    s
}

/// Puts the markers of `f`'s marks on the tables (cells, row names, table titles) and
/// returns those of the text (see `markdown::substitute_figures_marked`) and of the
/// page's parts (by part id).
pub fn apply(
    f: &DisclosureFindings,
    tables: &mut [super::TableView],
) -> (Vec<super::markdown::TextMark>, BTreeMap<String, String>) {
    let none = |_| None;
    let mut text = Vec::new();
    let mut parts: BTreeMap<String, String> = ["part-tables", "part-explanation"]
        .into_iter()
        .map(|p| (p.to_string(), String::new()))
        .collect();
    // The text marks of each finding, numbered for their ids.
    let mut text_k: HashMap<usize, usize> = HashMap::new();
    for m in &f.marks {
        let one = [m];
        match &m.place {
            Place::Cell { table, row, column } => {
                let cell = tables
                    .iter_mut()
                    .filter(|t| t.id == *table)
                    .flat_map(|t| t.rows.iter_mut())
                    .find(|r| r.anchor == *row)
                    .and_then(|r| r.cells.get_mut(*column));
                if let Some(c) = cell {
                    c.marks.push_str(&marks_html(&one, &f.findings, &none));
                }
            }
            Place::Row { table, row } => {
                let r = tables
                    .iter_mut()
                    .filter(|t| t.id == *table)
                    .flat_map(|t| t.rows.iter_mut())
                    .find(|r| r.anchor == *row);
                if let Some(r) = r {
                    r.marks.push_str(&marks_html(&one, &f.findings, &none));
                }
            }
            Place::Table { anchor } => {
                if let Some(t) = tables.iter_mut().find(|t| t.anchor == *anchor) {
                    t.marks.push_str(&marks_html(&one, &f.findings, &none));
                } else {
                    parts
                        .entry("part-tables".into())
                        .or_default()
                        .push_str(&marks_html(&one, &f.findings, &none));
                }
            }
            Place::Text { line, col } => {
                let k = text_k.entry(m.finding).or_insert(0);
                let id = text_mark_id(m.finding, *k);
                *k += 1;
                text.push(super::markdown::TextMark {
                    line: *line,
                    col: *col,
                    html: marks_html(&one, &f.findings, &|_| Some(id.clone())),
                });
            }
            Place::Part { id } => {
                parts
                    .entry(id.clone())
                    .or_default()
                    .push_str(&marks_html(&one, &f.findings, &none))
            }
        }
    }
    (text, parts)
}

/// What the 核对结果 section shows.
#[derive(Clone, Debug, Serialize)]
pub struct FindingsView {
    pub verdict: String,
    /// Each class with its count, in the order of [`Class::ALL`].
    pub counts: Vec<CountView>,
    pub items: Vec<ItemView>,
    pub checked: Checked,
}

#[derive(Clone, Debug, Serialize)]
pub struct CountView {
    pub class: &'static str,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ItemView {
    pub anchor: String,
    pub number: usize,
    pub class: &'static str,
    pub class_label: &'static str,
    pub rule: String,
    pub text: String,
    pub published: Option<String>,
    pub expected: Option<String>,
    pub difference: Option<String>,
    pub acknowledged: bool,
    pub reason: Option<String>,
    pub links: Vec<Link>,
}

/// The 核对结果 section of `f`.
pub fn view(f: &DisclosureFindings) -> FindingsView {
    FindingsView {
        verdict: f.verdict(),
        counts: Class::ALL
            .iter()
            .map(|c| CountView {
                class: c.as_str(),
                label: c.label_zh(),
                count: f.counts.get(*c),
            })
            .collect(),
        items: f
            .findings
            .iter()
            .map(|x| ItemView {
                anchor: x.anchor(),
                number: x.number,
                class: x.class.as_str(),
                class_label: x.class.label_zh(),
                rule: x.rule.clone(),
                text: x.text.clone(),
                published: x.published.clone(),
                expected: x.expected.clone(),
                difference: x.difference.clone(),
                acknowledged: x.acknowledged,
                reason: x.reason.clone(),
                links: x.links.clone(),
            })
            .collect(),
        checked: f.checked,
    }
}

/// The accessible description of a marker: `核对结果第2条，错误（原文如此）：…`.
pub fn describe(f: &Finding) -> String {
    format!(
        "核对结果第{}条，{}{}：{}",
        f.number,
        f.class.label_zh(),
        if f.acknowledged {
            "（原文如此）"
        } else {
            ""
        },
        f.text
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_name_errors_and_rounding_and_say_when_all_held() {
        assert_eq!(Counts::default().verdict(), "核对：全部相符");
        let c = Counts {
            error: 2,
            rounding: 0,
            unchecked: 3,
            missing: 0,
        };
        assert_eq!(c.verdict(), "核对：2 处错误，0 处尾数差异，3 处无法核对");
    }

    #[test]
    fn every_rule_has_a_class_or_is_about_the_transcription() {
        for r in crate::check::rules::RULES {
            let class = class_of(r.id, r.severity);
            let transcription = r.id.starts_with("source.")
                || r.id.starts_with("yaml.")
                || r.id.starts_with("table.")
                || r.id.starts_with("value.") && r.id != "value.scale"
                || matches!(
                    r.id,
                    "narrative.syntax" | "narrative.reference" | "ack.unused"
                );
            assert_eq!(class.is_none(), transcription, "{}", r.id);
        }
    }

    #[test]
    fn amounts_show_grouped_and_differences_keep_their_unit() {
        assert_eq!(display("1008.74万元"), "1,008.74万元");
        assert_eq!(display("T07"), "T07");
        assert_eq!(
            split_amount("1868.74万元"),
            Some((Decimal::new(186874, 2), "万元"))
        );
    }
}
