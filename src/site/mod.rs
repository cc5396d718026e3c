//! The site: view structs built from the model, read-only, for the templates.
//!
//! Views read the model and never change it. Every figure is the model's `Decimal`
//! formatted for display (`amount::format_grouped`); nothing goes through `f64` except
//! chart geometry in `charts`.

pub mod charts;
pub mod markdown;
pub mod render;

use crate::amount;
use crate::config::Config;
use crate::model::{ColType, Disclosure, Kind, Row, Site, Status, Table, Unit, Value};
use crate::templates::Templates;
use markdown::{Heading, Rendered};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// Facts about the site shown on every page.
#[derive(Clone, Debug, Serialize)]
pub struct SiteInfo {
    pub title: String,
    pub description: Option<String>,
    /// The path prefix of every internal link: `/` or `/sub/path/`.
    pub base: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DisclosureLink {
    pub year: u32,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Total {
    pub year: u32,
    pub kind_label: &'static str,
    pub label: String,
    pub amount: String,
    pub unit: &'static str,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
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
}

#[derive(Clone, Debug, Serialize)]
pub struct RowView {
    pub code: String,
    pub name: String,
    /// 0 for 类 (or a labelled line), 1 for 款, 2 for 项.
    pub level: usize,
    pub total: bool,
    pub cells: Vec<CellView>,
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
    /// `present`, `empty`, `missing`, or `absent` (required but not in the source).
    pub status: &'static str,
    pub reason: Option<String>,
    /// A template-specific table outside the standard set.
    pub extra: bool,
    pub fields: Vec<FieldView>,
    /// Label columns before the figures: `科目编码` and `科目名称`, or `项目`.
    pub has_code: bool,
    pub header_rows: Vec<Vec<HeaderCell>>,
    pub header_depth: usize,
    pub rows: Vec<RowView>,
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
    pub overview: Rendered,
    pub explanation: Rendered,
    pub tables: Vec<TableView>,
    pub toc: Vec<TocEntry>,
    pub chart: Option<charts::ChartView>,
}

/// Output path (relative to the output directory) of a unit's page.
pub fn unit_path(u: &Unit) -> String {
    format!("{}/index.html", u.slug)
}

/// Output path of a disclosure's page.
pub fn disclosure_path(u: &Unit, d: &Disclosure) -> String {
    format!("{}/{}-{}/index.html", u.slug, d.year, d.kind.as_str())
}

fn url_of(base: &str, path: &str) -> String {
    format!("{base}{}", path.strip_suffix("index.html").unwrap_or(path))
}

pub fn site_info(config: &Config) -> SiteInfo {
    SiteInfo {
        title: config.title.clone(),
        description: config.description.clone(),
        base: config.base_path(),
    }
}

/// Disclosures newest first: by year, and a year's final accounts (published the year
/// after) before its budget.
pub fn newest_first(u: &Unit) -> Vec<&Disclosure> {
    let mut ds: Vec<&Disclosure> = u.disclosures.iter().collect();
    ds.sort_by(|a, b| b.year.cmp(&a.year).then(b.kind.cmp(&a.kind)));
    ds
}

pub fn disclosure_link(base: &str, u: &Unit, d: &Disclosure) -> DisclosureLink {
    DisclosureLink {
        year: d.year,
        kind: d.kind.as_str(),
        kind_label: d.kind.label_zh(),
        title: d.title.clone(),
        url: url_of(base, &disclosure_path(u, d)),
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
            kind_label: d.kind.label_zh(),
            label,
            amount: amount::format_grouped(v),
            unit,
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

/// Every unit, grouped by province then level, units by region and name.
pub fn groups(base: &str, site: &Site) -> Vec<RegionGroup> {
    let mut by_region: BTreeMap<String, BTreeMap<(usize, String), Vec<&Unit>>> = BTreeMap::new();
    for u in &site.units {
        by_region
            .entry(province(&u.region))
            .or_default()
            .entry((level_rank(&u.level), u.level.clone()))
            .or_default()
            .push(u);
    }
    by_region
        .into_iter()
        .map(|(region, levels)| RegionGroup {
            region,
            levels: levels
                .into_iter()
                .map(|((_, level), mut units)| {
                    units.sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
                    LevelGroup {
                        level,
                        units: units.into_iter().map(|u| unit_summary(base, u)).collect(),
                    }
                })
                .collect(),
        })
        .collect()
}

fn anchor_of(id: &str) -> String {
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

/// The tables in the standard order: the template's standard set first (a required kind
/// the source lacks is shown as absent), then the template-specific extras as published.
pub fn ordered_tables(d: &Disclosure, templates: &Templates) -> Vec<TableView> {
    let required: Vec<&str> = templates
        .templates
        .get(&d.template)
        .map(|t| t.required.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut used = vec![false; d.tables.len()];
    for kind in &required {
        let mut found = false;
        for (i, t) in d.tables.iter().enumerate() {
            if t.kind == *kind && !used[i] {
                used[i] = true;
                found = true;
                out.push(table_view(t, templates, false));
            }
        }
        if !found {
            let name = templates.kind_name(kind).unwrap_or(kind).to_string();
            out.push(TableView {
                anchor: anchor_of(&format!("absent-{kind}")),
                id: String::new(),
                number: None,
                name,
                printed_title: None,
                unit: d.amount_unit.as_str(),
                status: "absent",
                reason: None,
                extra: false,
                fields: Vec::new(),
                has_code: false,
                header_rows: Vec::new(),
                header_depth: 1,
                rows: Vec::new(),
            });
        }
    }
    for (i, t) in d.tables.iter().enumerate() {
        if !used[i] {
            out.push(table_view(t, templates, !required.is_empty()));
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
    let rows = t
        .rows
        .iter()
        .map(|r| RowView {
            code: r.code.clone().or_else(|| r.unit.clone()).unwrap_or_default(),
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
                    }
                })
                .collect(),
        })
        .collect();
    TableView {
        anchor: anchor_of(&t.id),
        id: t.id.clone(),
        number: t.number.clone(),
        printed_title: (t.title != name).then(|| t.title.clone()),
        name,
        unit: t.unit.as_str(),
        status: match t.status {
            Status::Present => "present",
            Status::Empty => "empty",
            Status::Missing => "missing",
        },
        reason: t.reason.clone(),
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
        header_rows,
        header_depth,
        rows,
    }
}

fn toc_from(headings: &[Heading], out: &mut Vec<TocEntry>) {
    let top = headings.iter().map(|h| h.level).min().unwrap_or(2);
    for h in headings {
        let depth = usize::from(h.level - top) + 1;
        if depth <= 2 {
            out.push(TocEntry {
                href: format!("#{}", h.id),
                title: h.title.clone(),
                depth,
            });
        }
    }
}

pub fn disclosure_view(
    info: &SiteInfo,
    u: &Unit,
    d: &Disclosure,
    templates: &Templates,
) -> DisclosureView {
    let (overview, explanation) = match &d.text {
        Some(text) => {
            let md = markdown::substitute_figures(d, &text.markdown);
            let (a, b) = markdown::split_overview(&md);
            (markdown::render(a), markdown::render(b))
        }
        None => Default::default(),
    };
    let tables = ordered_tables(d, templates);
    let chart = charts::functional(d);
    let mut toc = Vec::new();
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
    if chart.is_some() {
        toc.push(TocEntry {
            href: "#part-charts".into(),
            title: "三、支出结构图".into(),
            depth: 1,
        });
    }
    toc.push(TocEntry {
        href: "#part-explanation".into(),
        title: if chart.is_some() {
            "四、情况说明".into()
        } else {
            "三、情况说明".into()
        },
        depth: 1,
    });
    toc_from(&explanation.headings, &mut toc);
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
        overview,
        explanation,
        tables,
        toc,
        chart,
    }
}

/// `Kind` label for templates that only have the string.
pub fn kind_label(kind: Kind) -> &'static str {
    kind.label_zh()
}
