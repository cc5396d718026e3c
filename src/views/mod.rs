//! The site: view structs built from the model, read-only, for the templates.
//!
//! Views read the model and never change it. Every figure is the model's `Decimal`
//! formatted for display (`amount::format_grouped`); nothing goes through floating point except
//! chart geometry in `charts`.

pub mod charts;
pub mod findings;
pub mod headline;
pub mod listing;
pub mod markdown;
pub mod paths;
pub mod sections;
pub mod summary;

use crate::config::Config;
use crate::model::amount;
use crate::model::catalogue::Catalogue;
use crate::model::templates::Templates;
use crate::model::{ColType, Disclosure, Kind, Row, Status, Table, Unit, Value};
pub use headline::KeyFigure;
use markdown::{Heading, Rendered};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Facts about the site shown on every page.
#[derive(Clone, Debug, Serialize)]
pub struct SiteInfo {
    pub title: String,
    pub description: Option<String>,
    /// The path prefix of every internal link: `/` or `/sub/path/`.
    pub base: String,
    /// 主办单位, contact and 备案号 (`gongkai.toml`), in the footer of every page.
    pub organizer: Option<String>,
    pub contact: Option<String>,
    pub icp: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisclosureLink {
    pub year: u32,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub url: String,
    /// 本年支出合计 as printed, and its unit.
    pub total: Option<String>,
    pub total_unit: Option<String>,
    /// `核对：…` (`findings::Counts::verdict`), once the check's findings are known.
    #[serde(default)]
    pub verdict: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Total {
    pub year: u32,
    pub kind_label: String,
    pub label: String,
    pub amount: String,
    pub unit: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitSummary {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub code: Option<String>,
    pub region: String,
    pub level: String,
    pub parent: Option<String>,
    pub unit_type: String,
    /// Newest first.
    pub disclosures: Vec<DisclosureLink>,
    pub latest_total: Option<Total>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LevelGroup {
    pub level: String,
    pub units: Vec<UnitSummary>,
}

/// Units of one province (or municipality), by level.
#[derive(Clone, Debug, Serialize)]
pub struct RegionGroup {
    pub region: String,
    pub levels: Vec<LevelGroup>,
}

#[derive(Clone, Debug, Serialize)]
pub struct HeaderCell {
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
    pub numeric: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct CellView {
    pub text: String,
    pub numeric: bool,
    pub unknown: bool,
    /// The markers of findings on this cell (`findings::marks_html`), else empty.
    pub marks: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RowView {
    /// The row's `id` on the page (`T07-2101501`): figures in the text link to it.
    pub anchor: String,
    pub code: String,
    pub name: String,
    /// 0 for 类 (or a labelled line), 1 for 款, 2 for 项.
    pub level: usize,
    pub total: bool,
    pub cells: Vec<CellView>,
    /// The markers of findings on the whole row, else empty.
    pub marks: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FieldView {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TableView {
    pub anchor: String,
    pub id: String,
    pub number: Option<String>,
    /// The standard name of the table's kind (the printed title when it has none).
    pub name: String,
    /// The title as printed, when it differs from `name`.
    pub printed_title: Option<String>,
    pub unit: &'static str,
    /// Whether the table has amount columns (text tables state no amount unit).
    pub has_amounts: bool,
    /// `present`, `empty`, `missing`, or `absent` (required but not in the source).
    pub status: &'static str,
    pub reason: Option<String>,
    /// `此表为空：…` or `原文无法辨认：…`, for empty and missing tables.
    pub status_text: Option<String>,
    /// What the publication prints under the table.
    pub footnote: Option<String>,
    /// A template-specific table outside the standard set.
    pub extra: bool,
    pub fields: Vec<FieldView>,
    /// Label columns before the figures: `科目编码` and `科目名称`, or `项目`.
    pub has_code: bool,
    /// Whether rows have a name column (text tables may have none).
    pub has_label: bool,
    /// Many columns: printed on a landscape page.
    pub wide: bool,
    pub header_rows: Vec<Vec<HeaderCell>>,
    pub header_depth: usize,
    pub rows: Vec<RowView>,
    /// The table's CSV and XLSX (`paths::add_links`), shown next to its caption.
    pub downloads: Vec<DownloadLink>,
    /// The markers of findings on the whole table, else empty.
    pub marks: String,
}

/// A link to a download of a table.
#[derive(Clone, Debug, Serialize)]
pub struct DownloadLink {
    pub url: String,
    /// The visible text: `下载 CSV`.
    pub text: String,
    /// The accessible name, naming the table: `下载 CSV：T07 一般公共预算支出表`.
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TocEntry {
    pub href: String,
    pub title: String,
    pub depth: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct DisclosureView {
    pub unit: UnitSummary,
    pub link: DisclosureLink,
    pub title: String,
    pub template_name: String,
    pub amount_unit: &'static str,
    pub published: Option<String>,
    pub approved: Option<String>,
    pub source: Option<String>,
    /// The original publication's address, linked from the page.
    pub source_url: Option<String>,
    pub overview: Rendered,
    /// 情况说明: the preamble and the standard sections, each generated text followed by
    /// the author's text.
    pub explanation: sections::Explanation,
    pub tables: Vec<TableView>,
    /// 主要数字 (`headline::key_figures`).
    pub key_figures: Vec<KeyFigure>,
    /// Final accounts: 财政拨款支出 年初预算, 决算 and 完成率.
    pub budget_actual: Option<headline::BudgetActual>,
    pub toc: Vec<TocEntry>,
    pub charts: Vec<charts::ChartView>,
    /// The whole disclosure's data as JSON (`paths::DATA_JSON`).
    pub data_url: String,
    /// The workbook, a sheet per table (`paths::WORKBOOK`), when a table has columns.
    pub workbook_url: Option<String>,
    /// The name the workbook is saved under: `衡山县医疗保障局2023年部门预算.xlsx`.
    pub workbook_name: String,
    /// 核对结果.
    pub findings: findings::FindingsView,
    /// The markers of findings on a part of the page, by the part's id.
    pub part_marks: BTreeMap<String, String>,
}

/// Output path (relative to the output directory) of a unit's page.
pub fn unit_path(u: &Unit) -> String {
    format!("{}/index.html", u.slug)
}

/// Output path of a disclosure's page.
pub fn disclosure_path(u: &Unit, d: &Disclosure) -> String {
    format!("{}/{}-{}/index.html", u.slug, d.year, d.kind.as_str())
}

pub fn url_of(base: &str, path: &str) -> String {
    format!("{base}{}", path.strip_suffix("index.html").unwrap_or(path))
}

pub fn site_info(config: &Config) -> SiteInfo {
    SiteInfo {
        title: config.title.clone(),
        description: config.description.clone(),
        base: config.base_path(),
        organizer: config.organizer.clone(),
        contact: config.contact.clone(),
        icp: config.icp.clone(),
    }
}

/// Disclosures newest first: by year, and a year's final accounts (published the year
/// after) before its budget.
pub fn newest_first(u: &Unit) -> Vec<&Disclosure> {
    newest_first_by(&u.disclosures, |d| (d.year, d.kind))
}

/// `items` (disclosures, or what is kept of them) newest first by their (year, kind):
/// final accounts before budgets of the same year.
pub fn newest_first_by<T>(items: &[T], year_kind: impl Fn(&T) -> (u32, Kind)) -> Vec<&T> {
    let mut ds: Vec<&T> = items.iter().collect();
    ds.sort_by_key(|d| std::cmp::Reverse(year_kind(d)));
    ds
}

pub fn disclosure_link(base: &str, u: &Unit, d: &Disclosure) -> DisclosureLink {
    let total = total_expenditure(d);
    DisclosureLink {
        total: total.as_ref().map(|(_, v, _)| amount::format_grouped(*v)),
        total_unit: total.as_ref().map(|(_, _, unit)| unit.to_string()),
        year: d.year,
        kind: d.kind.as_str().to_string(),
        kind_label: d.kind.label_zh().to_string(),
        title: d.title.clone(),
        url: url_of(base, &disclosure_path(u, d)),
        verdict: None,
    }
}

/// The disclosure's total expenditure as printed: 本年支出合计 of the summary table, else
/// the 合计 of the expenditure tables.
pub fn total_expenditure(d: &Disclosure) -> Option<(String, Decimal, &'static str)> {
    let candidates: [(&str, &str, &str); 6] = [
        ("summary", "exp_total", "amount"),
        ("final_summary", "exp_total", "amount"),
        ("expenditure", "total", "total"),
        ("final_expenditure", "total", "total"),
        ("general_expenditure", "total", "total"),
        ("final_general_expenditure", "total", "total"),
    ];
    for (kind, row, col) in candidates {
        let Some(t) = d.table(kind) else { continue };
        if t.status != Status::Present {
            continue;
        }
        let Some(r) = t.row(row) else { continue };
        if let Some(Value::Amount(v)) = r.cells.get(col).map(|c| &c.value) {
            let label = r.name.clone().unwrap_or_else(|| "支出合计".into());
            return Some((label, *v, t.unit.as_str()));
        }
    }
    None
}

pub fn unit_summary(base: &str, u: &Unit) -> UnitSummary {
    let ds = newest_first(u);
    let latest_total = ds.iter().find_map(|d| {
        total_expenditure(d).map(|(label, v, unit)| Total {
            year: d.year,
            kind_label: d.kind.label_zh().to_string(),
            label,
            amount: amount::format_grouped(v),
            unit: unit.to_string(),
            url: url_of(base, &disclosure_path(u, d)),
        })
    });
    UnitSummary {
        slug: u.slug.clone(),
        name: u.name.clone(),
        url: url_of(base, &unit_path(u)),
        code: u.code.clone(),
        region: u.region.clone(),
        level: u.level.clone(),
        parent: u.parent.clone(),
        unit_type: u.unit_type.clone(),
        disclosures: ds.iter().map(|d| disclosure_link(base, u, d)).collect(),
        latest_total,
    }
}

/// The province (or municipality / autonomous region) a region string starts with.
pub fn province(region: &str) -> String {
    for suffix in ["自治区", "特别行政区", "省", "市"] {
        if let Some(i) = region.find(suffix) {
            return region[..i + suffix.len()].to_string();
        }
    }
    region.to_string()
}

fn level_rank(level: &str) -> usize {
    ["省级", "市级", "县级"]
        .iter()
        .position(|l| *l == level)
        .unwrap_or(3)
}

/// The units of each province (by name), by level (province, city, county), each
/// level's units by region and name.
type Grouped<'a> = Vec<(String, Vec<(String, Vec<&'a listing::UnitListing>)>)>;

fn grouped(units: &[listing::UnitListing]) -> Grouped<'_> {
    let mut by_region: BTreeMap<String, BTreeMap<(usize, String), Vec<&listing::UnitListing>>> =
        BTreeMap::new();
    for u in units {
        by_region
            .entry(province(&u.summary.region))
            .or_default()
            .entry((level_rank(&u.summary.level), u.summary.level.clone()))
            .or_default()
            .push(u);
    }
    by_region
        .into_iter()
        .map(|(region, levels)| {
            let levels = levels
                .into_iter()
                .map(|((_, level), mut units)| {
                    units.sort_by(|a, b| {
                        (&a.summary.region, &a.summary.name)
                            .cmp(&(&b.summary.region, &b.summary.name))
                    });
                    (level, units)
                })
                .collect();
            (region, levels)
        })
        .collect()
}

/// Every unit, grouped by province then level, units by region and name.
pub fn groups(units: &[listing::UnitListing]) -> Vec<RegionGroup> {
    grouped(units)
        .into_iter()
        .map(|(region, levels)| RegionGroup {
            region,
            levels: levels
                .into_iter()
                .map(|(level, units)| LevelGroup {
                    level,
                    units: units.into_iter().map(|u| u.summary.clone()).collect(),
                })
                .collect(),
        })
        .collect()
}

/// The units in the home page's order (see [`groups`]).
pub fn home_order(units: &[listing::UnitListing]) -> Vec<&listing::UnitListing> {
    grouped(units)
        .into_iter()
        .flat_map(|(_, levels)| levels)
        .flat_map(|(_, units)| units)
        .collect()
}

pub(crate) fn anchor_of(id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("table-{clean}")
}

fn clean_id(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The anchor of row `i` of `t` before repeats are numbered.
fn row_base(t: &Table, i: usize, r: &Row) -> String {
    match r.code.as_deref().or(r.key.as_deref()).or(r.unit.as_deref()) {
        Some(x) if !x.is_empty() => format!("{}-{}", clean_id(&t.id), clean_id(x)),
        _ => format!("{}-r{}", clean_id(&t.id), i + 1),
    }
}

/// Numbers the `n`th occurrence (from 1) of an anchor: `base`, `base-2`, `base-3` …
fn numbered(base: String, n: usize) -> String {
    if n == 1 { base } else { format!("{base}-{n}") }
}

/// The `id` of each row of `t`, in order: `T07-2101501` (table id and the row's code,
/// key or unit code), unique within the table (a repeated one gets `-2`, `-3` …).
pub fn row_anchors(t: &Table) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    t.rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let base = row_base(t, i, r);
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            numbered(base, *n)
        })
        .collect()
}

/// The `id` of the row `reference` (key, code or unit code, as `Table::row` finds it):
/// the same as `row_anchors` gives it, counting only the rows before it.
pub fn row_anchor(t: &Table, reference: &str) -> Option<String> {
    let row = t.row(reference)?;
    let i = t.rows.iter().position(|r| std::ptr::eq(r, row))?;
    let base = row_base(t, i, row);
    let n = t.rows[..=i]
        .iter()
        .enumerate()
        .filter(|(j, r)| row_base(t, *j, r) == base)
        .count();
    Some(numbered(base, n))
}

/// A visible, printable link to a table row: `<sup class="src"><a href="#T07-total">表T07</a></sup>`.
pub fn source_link(t: &Table, anchor: &str) -> String {
    let id = escape_html(&t.id);
    format!(
        "<sup class=\"src\"><a href=\"#{}\" title=\"数据来源：{}\">表{id}</a></sup>",
        escape_html(anchor),
        escape_html(&t.label())
    )
}

pub(crate) fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The tables in the standard order: the template's standard set first (a required kind
/// the source lacks is shown as absent), then the template-specific extras as published.
pub fn ordered_tables(d: &Disclosure, templates: &Templates) -> Vec<TableView> {
    let template = templates.templates.get(&d.template);
    let order: Vec<&str> = template.map(|t| t.page_order()).unwrap_or_default();
    let mut out = Vec::new();
    let mut used = vec![false; d.tables.len()];
    for kind in &order {
        let mut found = false;
        for (i, t) in d.tables.iter().enumerate() {
            if t.kind == *kind && !used[i] {
                used[i] = true;
                found = true;
                out.push(table_view(t, templates, false));
            }
        }
        let required = template.is_some_and(|t| t.required.iter().any(|k| k == kind));
        if !found && required {
            let name = templates.kind_name(kind).unwrap_or(kind).to_string();
            out.push(TableView {
                anchor: anchor_of(&format!("absent-{kind}")),
                id: String::new(),
                number: None,
                name,
                printed_title: None,
                unit: d.amount_unit.as_str(),
                has_amounts: false,
                status: "absent",
                reason: None,
                status_text: None,
                footnote: None,
                extra: false,
                fields: Vec::new(),
                has_code: false,
                has_label: false,
                wide: false,
                header_rows: Vec::new(),
                header_depth: 1,
                rows: Vec::new(),
                downloads: Vec::new(),
                marks: String::new(),
            });
        }
    }
    for (i, t) in d.tables.iter().enumerate() {
        if !used[i] {
            out.push(table_view(t, templates, !order.is_empty()));
        }
    }
    out
}

fn cell_text(value: Option<&Value>) -> (String, bool) {
    match value {
        None | Some(Value::Blank) => (String::new(), false),
        Some(Value::Amount(d)) => (amount::format_grouped(*d), false),
        Some(Value::Unknown) => ("？".into(), true),
        Some(Value::Text(t)) => (t.clone(), false),
    }
}

fn row_level(r: &Row) -> usize {
    let id = r.code.as_deref().or(r.unit.as_deref()).unwrap_or("");
    match (r.code.is_some(), id.len()) {
        (true, 5) => 1,
        (true, 7) => 2,
        (false, n) if n > 3 => 1,
        _ => 0,
    }
}

fn is_total(r: &Row) -> bool {
    !r.sum_of.is_empty()
        || r.key
            .as_deref()
            .is_some_and(|k| k == "total" || k.ends_with("_total"))
}

/// Header rows for columns named with `/` for nesting (`基本支出/人员经费`).
fn header_rows(table: &Table) -> (Vec<Vec<HeaderCell>>, usize) {
    if table.columns.is_empty() {
        return (Vec::new(), 1);
    }
    let parts: Vec<Vec<&str>> = table
        .columns
        .iter()
        .map(|c| c.name.split('/').map(str::trim).collect())
        .collect();
    let depth = parts.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let mut rows = Vec::new();
    for level in 0..depth {
        let mut row = Vec::new();
        let mut i = 0;
        while i < parts.len() {
            let p = &parts[i];
            if p.len() <= level {
                i += 1;
                continue;
            }
            let numeric = table.columns[i].ty != ColType::Text;
            if p.len() == level + 1 {
                row.push(HeaderCell {
                    text: p[level].to_string(),
                    colspan: 1,
                    rowspan: depth - level,
                    numeric,
                });
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < parts.len() && parts[j].len() > level + 1 && parts[j][..=level] == p[..=level]
            {
                j += 1;
            }
            row.push(HeaderCell {
                text: p[level].to_string(),
                colspan: j - i,
                rowspan: 1,
                numeric,
            });
            i = j;
        }
        rows.push(row);
    }
    (rows, depth)
}

pub fn table_view(t: &Table, templates: &Templates, extra: bool) -> TableView {
    let standard = if t.kind == "other" {
        None
    } else {
        templates.kind_name(&t.kind)
    };
    let name = standard.unwrap_or(&t.title).to_string();
    let (header_rows, header_depth) = header_rows(t);
    let has_code = t.rows.iter().any(|r| r.code.is_some() || r.unit.is_some());
    let anchors = row_anchors(t);
    let rows = t
        .rows
        .iter()
        .zip(anchors)
        .map(|(r, anchor)| RowView {
            anchor,
            code: r
                .code
                .clone()
                .or_else(|| r.unit.clone())
                .unwrap_or_default(),
            name: r.name.clone().unwrap_or_default(),
            level: row_level(r),
            total: is_total(r),
            cells: t
                .columns
                .iter()
                .map(|c| {
                    let (text, unknown) = cell_text(r.cells.get(&c.key).map(|c| &c.value));
                    CellView {
                        text,
                        numeric: c.ty != ColType::Text,
                        unknown,
                        marks: String::new(),
                    }
                })
                .collect(),
            marks: String::new(),
        })
        .collect();
    TableView {
        anchor: anchor_of(&t.id),
        id: t.id.clone(),
        number: t.number.clone(),
        printed_title: (t.title != name).then(|| t.title.clone()),
        name,
        unit: t.unit.as_str(),
        has_amounts: t.columns.is_empty() || t.amount_columns().next().is_some(),
        status: match t.status {
            Status::Present => "present",
            Status::Empty => "empty",
            Status::Missing => "missing",
        },
        reason: t.reason.clone(),
        status_text: match t.status {
            Status::Present => None,
            Status::Empty => Some(format!(
                "此表为空：{}",
                t.reason.as_deref().unwrap_or("原文未说明原因")
            )),
            Status::Missing => Some(format!(
                "原文无法辨认：{}",
                t.reason.as_deref().unwrap_or("原文此表无法辨认")
            )),
        },
        footnote: t.footnote.as_ref().map(|f| f.text.clone()),
        extra,
        fields: t
            .fields
            .iter()
            .map(|f| FieldView {
                name: f.name.clone(),
                value: cell_text(Some(&f.value.value)).0,
            })
            .collect(),
        has_code,
        has_label: has_code || t.rows.iter().any(|r| r.name.is_some()),
        wide: t.columns.len() > 7,
        header_rows,
        header_depth,
        rows,
        downloads: Vec::new(),
        marks: String::new(),
    }
}

/// A cell by table kind, row and column.
type CellAt<'a> = (&'a str, &'a str, &'a str);

pub use crate::model::measures::Measure;

/// Each headline measure of a disclosure of `kind`: its label and the cells it is read
/// from, in order of preference (`model::measures`, shared with the check of the text).
pub fn key_sources(kind: Kind) -> [(Measure, &'static str, Vec<CellAt<'static>>); 6] {
    use crate::model::measures::cells;
    let three_label = match kind {
        Kind::Budget => "“三公”经费预算",
        Kind::Final => "“三公”经费决算",
    };
    [
        (
            Measure::Income,
            "本年收入合计",
            cells(kind, Measure::Income),
        ),
        (
            Measure::Expenditure,
            "本年支出合计",
            cells(kind, Measure::Expenditure),
        ),
        (Measure::Basic, "基本支出", cells(kind, Measure::Basic)),
        (Measure::Project, "项目支出", cells(kind, Measure::Project)),
        (
            Measure::Running,
            "一般公共预算基本支出中的公用经费",
            cells(kind, Measure::Running),
        ),
        (
            Measure::ThreePublic,
            three_label,
            cells(kind, Measure::ThreePublic),
        ),
    ]
}

/// The cell a headline measure is read from.
pub struct KeyCell<'a> {
    pub measure: Measure,
    pub label: &'static str,
    pub table: &'a Table,
    pub row: &'a Row,
    pub column: &'a crate::model::Column,
    /// The amount as printed; zero for a blank cell.
    pub value: Decimal,
    /// Printed blank: zero as published.
    pub blank: bool,
    /// The row's `id` on the disclosure page.
    pub anchor: String,
}

impl KeyCell<'_> {
    /// `T01 收支总表 › 本年收入合计 › 预算数`.
    pub fn source(&self) -> String {
        format!(
            "{} › {} › {}",
            self.table.label(),
            self.row.label(),
            self.column.name
        )
    }
}

/// Why a headline measure cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Absent {
    /// No table of this kind (the first one the measure is read from) was published.
    NotPublished(&'static str),
    /// The table is there but empty, unreadable, or lacks the cell (in Chinese).
    Unreadable(String),
}

impl Absent {
    /// For the page: `原文未公开一般公共预算基本支出表`, or the reason.
    pub fn describe(&self, templates: &Templates) -> String {
        match self {
            Absent::NotPublished(kind) => match templates.kind_name(kind) {
                Some(name) => format!("原文未公开{name}"),
                None => "原文未公开此表".into(),
            },
            Absent::Unreadable(why) => why.clone(),
        }
    }
}

/// Reads `measure` from `d`: the first candidate cell printing an amount, else the first
/// printed blank; otherwise why there is none.
pub fn key_cell(d: &Disclosure, measure: Measure) -> Result<KeyCell<'_>, Absent> {
    let sources = key_sources(d.kind);
    let Some((_, label, cells)) = sources.iter().find(|(m, _, _)| *m == measure) else {
        return Err(Absent::Unreadable("无此项".into()));
    };
    let read = |(kind, row, col): &CellAt| -> Option<KeyCell> {
        let t = d.table(kind).filter(|t| t.status == Status::Present)?;
        let column = t.column(col)?;
        let r = t.row(row)?;
        let (value, blank) = match r.cells.get(col).map(|c| &c.value) {
            Some(Value::Amount(v)) => (*v, false),
            None | Some(Value::Blank) => (Decimal::ZERO, true),
            _ => return None,
        };
        Some(KeyCell {
            measure,
            label,
            table: t,
            row: r,
            column,
            value,
            blank,
            anchor: row_anchor(t, row).unwrap_or_else(|| anchor_of(&t.id)),
        })
    };
    let found: Vec<KeyCell> = cells.iter().filter_map(read).collect();
    if let Some(i) = found.iter().position(|k| !k.blank) {
        return Ok(found.into_iter().nth(i).expect("position is in range"));
    }
    if let Some(k) = found.into_iter().next() {
        return Ok(k);
    }
    // Why not: the first candidate table the disclosure has.
    for (kind, row, col) in cells {
        let Some(t) = d.table(kind) else { continue };
        return Err(Absent::Unreadable(match t.status {
            Status::Empty => format!(
                "{}为空：{}",
                t.label(),
                t.reason.as_deref().unwrap_or("原文未说明原因")
            ),
            Status::Missing => format!("原文{}无法辨认", t.label()),
            Status::Present => match t.row(row).map(|r| r.cells.get(col).map(|c| &c.value)) {
                None => format!("{}中没有此行", t.label()),
                Some(Some(Value::Unknown)) => format!("原文{}中此数无法辨认", t.label()),
                Some(_) => format!("{}中没有此栏", t.label()),
            },
        }));
    }
    Err(Absent::NotPublished(cells.first().map_or("", |c| c.0)))
}

fn toc_from(headings: &[Heading], out: &mut Vec<TocEntry>) {
    let top = headings.iter().map(|h| h.level).min().unwrap_or(2);
    for h in headings {
        let depth = usize::from(h.level - top) + 2;
        if depth <= 3 {
            out.push(TocEntry {
                href: format!("#{}", h.id),
                title: h.title.clone(),
                depth,
            });
        }
    }
}

/// The page of disclosure `d` of `u`, with the findings `f` of its check.
pub fn disclosure_view(
    info: &SiteInfo,
    u: &Unit,
    d: &Disclosure,
    templates: &Templates,
    catalogue: &Catalogue,
    f: &findings::DisclosureFindings,
) -> DisclosureView {
    let mut tables = ordered_tables(d, templates);
    paths::add_links(&info.base, u, d, &mut tables);
    let (text_marks, part_marks) = findings::apply(f, &mut tables);
    let charts = charts::for_disclosure(d, catalogue);
    let generated = summary::by_section(u, d, &charts);
    let (overview, explanation) = match &d.text {
        Some(text) => {
            let md = markdown::substitute_figures_marked(d, &text.markdown, &text_marks);
            let (a, b) = markdown::split_overview(&md);
            (markdown::render(a), sections::explanation(b, &generated))
        }
        None => (Rendered::default(), sections::explanation("", &generated)),
    };
    let mut toc = vec![TocEntry {
        href: "#findings".into(),
        title: "核对结果".into(),
        depth: 1,
    }];
    toc.push(TocEntry {
        href: "#part-overview".into(),
        title: "一、部门概况".into(),
        depth: 1,
    });
    toc_from(&overview.headings, &mut toc);
    toc.push(TocEntry {
        href: "#part-tables".into(),
        title: "二、公开表".into(),
        depth: 1,
    });
    for t in &tables {
        toc.push(TocEntry {
            href: format!("#{}", t.anchor),
            title: t.name.clone(),
            depth: 2,
        });
    }
    if !charts.is_empty() {
        toc.push(TocEntry {
            href: "#part-charts".into(),
            title: "三、图表".into(),
            depth: 1,
        });
        for c in &charts {
            toc.push(TocEntry {
                href: format!("#{}", c.id),
                title: c.title.clone(),
                depth: 2,
            });
        }
    }
    toc.push(TocEntry {
        href: "#part-explanation".into(),
        title: if !charts.is_empty() {
            "四、情况说明".into()
        } else {
            "三、情况说明".into()
        },
        depth: 1,
    });
    for sec in &explanation.sections {
        toc.push(TocEntry {
            href: format!("#{}", sec.id),
            title: sec.toc_title.clone(),
            depth: usize::from(sec.depth) + 1,
        });
    }
    DisclosureView {
        unit: unit_summary(&info.base, u),
        link: disclosure_link(&info.base, u, d),
        title: d.title.clone(),
        template_name: templates
            .templates
            .get(&d.template)
            .map_or_else(|| d.template.clone(), |t| t.name.clone()),
        amount_unit: d.amount_unit.as_str(),
        published: d.published.clone(),
        approved: d.approved.clone(),
        source: d.source.clone(),
        source_url: d.source_url.clone(),
        overview,
        explanation,
        tables,
        key_figures: headline::key_figures(&info.base, u, d, templates),
        budget_actual: headline::budget_actual(d),
        toc,
        charts,
        data_url: format!(
            "{}{}{}",
            info.base,
            paths::disclosure_dir(u, d),
            paths::DATA_JSON
        ),
        workbook_url: d.tables.iter().any(paths::has_download).then(|| {
            format!(
                "{}{}{}",
                info.base,
                paths::disclosure_dir(u, d),
                paths::WORKBOOK
            )
        }),
        workbook_name: format!("{}{}年{}.xlsx", u.name, d.year, d.kind.label_zh())
            .replace(['/', '\\', ':', '*', '?', '"', '<', '>', '|'], "-"),
        findings: findings::view(f),
        part_marks,
    }
}
