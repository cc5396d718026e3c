//! Downloads of a disclosure's figures: each table as CSV, the whole disclosure as one
//! workbook (`outputs::workbook`, a sheet per table) and as JSON, beside the disclosure's
//! page (`<unit>/<year>-<kind>/T07.csv`, `data.xlsx`, `data.json`).
//!
//! Every value is the model's cell as published: amounts keep their printed scale
//! (`12.50` stays `12.50`), codes stay text, a blank cell stays blank and an unreadable
//! one is `?` — never 0. The CSV and the sheet of a table have the same columns ([`grid`]):
//! the label columns (单位编码, 科目编码, 科目名称 / 项目), the figure columns with their
//! nested headers flattened (`基本支出-人员经费`) and amounts carrying their unit
//! (`基本支出-人员经费（万元）`), then the classification levels of the
//! code (类 / 款 / 项, derived from the code). `outputs::datapackage` describes the same
//! columns for the whole site.

use crate::model::templates::Templates;
use crate::model::{Cell, ColType, Column, Disclosure, Kind, Row, Table, Unit, Value};
use crate::outputs::OutputError;
use crate::views::findings::DisclosureFindings;
use crate::views::paths::{DATA_JSON, WORKBOOK, disclosure_dir, file_stem, has_download};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// What a label column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// The row's unit code (`239001`).
    UnitCode,
    /// The row's classification code (`2101501`).
    Code,
    /// The row's name.
    Name,
    /// The code's level-`n` prefix (类 = 1: 3 digits, 款 = 2: 5 digits, 项 = 3: 7 digits).
    Level(usize),
}

/// One column of a table's download.
#[derive(Clone)]
pub enum GridColumn<'a> {
    Label(Label),
    Figure(&'a Column),
}

/// The columns of a table's CSV and sheet, with their (unique) header names.
pub struct Grid<'a> {
    pub columns: Vec<(GridColumn<'a>, String)>,
    /// The classification of the codes: `functional` (2…), `economic` (3… / 5…), or none.
    pub classification: Option<&'static str>,
}

/// The digits of each classification level: 类, 款, 项.
pub const LEVEL_DIGITS: [usize; 3] = [3, 5, 7];
const LEVEL_NAMES: [&str; 3] = ["类", "款", "项"];

/// The classification of a table's codes, from their first digit.
fn classification(t: &Table) -> Option<&'static str> {
    let mut kinds = t.rows.iter().filter_map(|r| r.code.as_deref()).map(|c| {
        if c.starts_with('2') {
            "functional"
        } else {
            "economic"
        }
    });
    let first = kinds.next()?;
    if kinds.all(|k| k == first) {
        Some(first)
    } else {
        Some("mixed")
    }
}

/// The header of a figure column: its nested name flattened (`基本支出-人员经费`).
pub fn flat_name(c: &Column) -> String {
    c.name
        .split('/')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The header of a figure column: its flattened name and, for amounts and percentages,
/// the unit (`支出合计（万元）`, `完成率（%）`) unless the name already ends with it.
pub fn figure_header(t: &Table, c: &Column) -> String {
    let mut name = flat_name(c);
    if name.is_empty() {
        name = "未命名列".into();
    }
    match column_unit(t, c) {
        Some(unit)
            if !name.ends_with(&format!("（{unit}）")) && !name.ends_with(&format!("({unit})")) =>
        {
            format!("{name}（{unit}）")
        }
        _ => name,
    }
}

/// The columns of a table's downloads (see the module docs).
pub fn grid(t: &Table) -> Grid<'_> {
    let has_unit = t.rows.iter().any(|r| r.unit.is_some());
    let has_code = t.rows.iter().any(|r| r.code.is_some());
    let has_name = t.rows.iter().any(|r| r.name.is_some()) || !has_unit && !has_code;
    let mut cols: Vec<(GridColumn, String)> = Vec::new();
    if has_unit {
        cols.push((GridColumn::Label(Label::UnitCode), "单位编码".into()));
    }
    if has_code {
        cols.push((GridColumn::Label(Label::Code), "科目编码".into()));
    }
    if has_name {
        let header = if has_code {
            "科目名称"
        } else if has_unit {
            "单位名称"
        } else {
            "项目"
        };
        cols.push((GridColumn::Label(Label::Name), header.into()));
    }
    for c in &t.columns {
        cols.push((GridColumn::Figure(c), figure_header(t, c)));
    }
    let class = classification(t);
    if has_code {
        let deepest = t
            .rows
            .iter()
            .filter_map(|r| r.code.as_deref())
            .map(str::len)
            .max()
            .unwrap_or(0);
        for (i, digits) in LEVEL_DIGITS.iter().enumerate() {
            if deepest >= *digits {
                cols.push((
                    GridColumn::Label(Label::Level(i + 1)),
                    format!("{}编码", LEVEL_NAMES[i]),
                ));
            }
        }
    }
    // Header names must be unique (a data package refuses duplicate field names).
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (_, name) in &mut cols {
        if name.is_empty() {
            *name = "未命名列".into();
        }
        let n = seen.entry(name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            *name = format!("{name}（{n}）");
        }
    }
    Grid {
        columns: cols,
        classification: class,
    }
}

/// The level-`n` prefix of a code (类 = 1, 款 = 2, 项 = 3), when the code reaches it.
pub fn level_code(code: &str, level: usize) -> Option<&str> {
    let digits = LEVEL_DIGITS[level - 1];
    // `get`: a malformed code (published with `--allow-errors`) may not be ASCII.
    code.get(..digits)
}

/// A cell's text in a CSV: the decimal as published, `?` when unreadable, empty when blank.
fn csv_value(cell: Option<&Cell>) -> String {
    match cell.map(|c| &c.value) {
        None | Some(Value::Blank) => String::new(),
        Some(Value::Unknown) => "?".into(),
        Some(Value::Amount(d)) => d.to_string(),
        Some(Value::Text(t)) => t.clone(),
    }
}

/// The text of a label column for a row.
pub(crate) fn label_value(r: &Row, label: Label) -> String {
    match label {
        Label::UnitCode => r.unit.clone().unwrap_or_default(),
        Label::Code => r.code.clone().unwrap_or_default(),
        Label::Name => r.name.clone().unwrap_or_default(),
        Label::Level(n) => r
            .code
            .as_deref()
            .and_then(|c| level_code(c, n))
            .unwrap_or_default()
            .to_string(),
    }
}

pub(crate) fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// The table as CSV: UTF-8 with a byte-order mark (so Excel reads Chinese), CRLF lines,
/// one header row.
pub fn csv(t: &Table) -> Vec<u8> {
    let g = grid(t);
    let mut s = String::from("\u{feff}");
    let line = |s: &mut String, values: &mut dyn Iterator<Item = String>| {
        for (i, v) in values.enumerate() {
            if i > 0 {
                s.push(',');
            }
            csv_field(s, &v);
        }
        s.push_str("\r\n");
    };
    line(&mut s, &mut g.columns.iter().map(|(_, n)| n.clone()));
    for r in &t.rows {
        line(
            &mut s,
            &mut g.columns.iter().map(|(c, _)| match c {
                GridColumn::Label(l) => label_value(r, *l),
                GridColumn::Figure(col) => csv_value(r.cells.get(&col.key)),
            }),
        );
    }
    s.into_bytes()
}

/// The unit of a figure column, shown in its header, if any.
pub fn column_unit(t: &Table, c: &Column) -> Option<&'static str> {
    match c.ty {
        ColType::Amount => Some(t.unit.as_str()),
        ColType::Percent => Some("%"),
        ColType::Text | ColType::Integer => None,
    }
}

/// The spreadsheet number of a published amount, only when it is exact. XLSX has no
/// decimal type (a number cell is an IEEE double, written as its shortest text), so the
/// workbook is the one output where an amount must become an `f64`; it is used only when
/// that text reads back as the same `Decimal`. Otherwise (more than ≈ 15 significant
/// digits) the caller writes the printed figure as text: never a changed figure.
pub fn spreadsheet_number(v: Decimal) -> Option<f64> {
    let n = v.to_f64()?;
    let back: Decimal = n.to_string().parse().ok()?;
    (back == v).then_some(n)
}

/// A cell of the JSON download: the type and, for a figure or text, the value.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum JsonCell {
    /// A figure as published: a decimal string keeping its scale (`"12.50"`).
    Number {
        value: String,
    },
    Text {
        value: String,
    },
    /// Printed blank (a blank figure means zero in the published table).
    Blank,
    /// `?`: unreadable in the source.
    Unknown,
}

impl JsonCell {
    fn of(cell: Option<&Cell>) -> JsonCell {
        match cell.map(|c| &c.value) {
            None | Some(Value::Blank) => JsonCell::Blank,
            Some(Value::Unknown) => JsonCell::Unknown,
            Some(Value::Amount(d)) => JsonCell::Number {
                value: d.to_string(),
            },
            Some(Value::Text(t)) => JsonCell::Text { value: t.clone() },
        }
    }
}

#[derive(Serialize)]
struct JsonUnit<'a> {
    slug: &'a str,
    name: &'a str,
    code: Option<&'a str>,
    region: &'a str,
    level: &'a str,
    unit_type: &'a str,
    parent: Option<&'a str>,
    department_code: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonColumn<'a> {
    key: &'a str,
    /// As in the source, nesting marked with `/` (`基本支出/人员经费`).
    name: &'a str,
    /// The header of this column in the CSV and the workbook.
    header: String,
    /// `amount`, `percent`, `integer` or `text`.
    #[serde(rename = "type")]
    ty: &'static str,
    /// `元` / `万元` for amounts, `%` for percentages.
    unit: Option<&'static str>,
    /// The declared identity (`total = basic + project`), as column keys.
    sum_of: Vec<String>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    key: Option<&'a str>,
    code: Option<&'a str>,
    unit: Option<&'a str>,
    name: Option<&'a str>,
    sum_of: Vec<String>,
    /// One per column, in the order of `columns`.
    cells: Vec<JsonCell>,
}

#[derive(Serialize)]
struct JsonField<'a> {
    key: Option<&'a str>,
    name: &'a str,
    value: JsonCell,
}

#[derive(Serialize)]
struct JsonTable<'a> {
    id: &'a str,
    number: Option<&'a str>,
    kind: &'a str,
    /// The standard name of the kind, when it has one.
    kind_name: Option<&'a str>,
    title: &'a str,
    unit: &'static str,
    /// `present`, `empty` (published empty, with `reason`) or `missing` (unreadable).
    status: &'static str,
    reason: Option<&'a str>,
    /// The table's CSV beside this file and its sheet in the workbook, when it has
    /// columns.
    csv: Option<String>,
    sheet: Option<String>,
    fields: Vec<JsonField<'a>>,
    columns: Vec<JsonColumn<'a>>,
    rows: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonDisclosure<'a> {
    unit: JsonUnit<'a>,
    year: u32,
    /// `budget` or `final`.
    kind: &'static str,
    kind_label: &'static str,
    title: &'a str,
    template: &'a str,
    /// The unit of the document's amounts, and of its text.
    amount_unit: &'static str,
    text_unit: &'static str,
    currency: &'static str,
    published: Option<&'a str>,
    approved: Option<&'a str>,
    source: Option<&'a str>,
    /// The workbook beside this file (a sheet per table with columns), if any.
    xlsx: Option<&'static str>,
    notes: &'static str,
    tables: Vec<JsonTable<'a>>,
    findings: JsonFindings<'a>,
}

/// What the check found in the disclosure (`views::findings`), as the page shows it.
#[derive(Serialize)]
struct JsonFindings<'a> {
    /// `核对：…`.
    verdict: String,
    counts: &'a crate::views::findings::Counts,
    checked: &'a crate::views::findings::Checked,
    items: &'a [crate::views::findings::Finding],
}

fn terms(ts: &[crate::model::Term]) -> Vec<String> {
    ts.iter()
        .map(|t| {
            if t.negative {
                format!("-{}", t.name)
            } else {
                t.name.clone()
            }
        })
        .collect()
}

fn col_type(ty: ColType) -> &'static str {
    match ty {
        ColType::Amount => "amount",
        ColType::Percent => "percent",
        ColType::Integer => "integer",
        ColType::Text => "text",
    }
}

fn status(t: &Table) -> &'static str {
    match t.status {
        crate::model::Status::Present => "present",
        crate::model::Status::Empty => "empty",
        crate::model::Status::Missing => "missing",
    }
}

/// One table of the JSON download.
fn json_table<'a>(t: &'a Table, templates: &'a Templates, sheet: Option<String>) -> JsonTable<'a> {
    let g = grid(t);
    let headers: Vec<(&str, &str)> = g
        .columns
        .iter()
        .filter_map(|(c, h)| match c {
            GridColumn::Figure(c) => Some((c.key.as_str(), h.as_str())),
            GridColumn::Label(_) => None,
        })
        .collect();
    let stem = file_stem(t);
    JsonTable {
        id: &t.id,
        number: t.number.as_deref(),
        kind: &t.kind,
        kind_name: templates.kind_name(&t.kind),
        title: &t.title,
        unit: t.unit.as_str(),
        status: status(t),
        reason: t.reason.as_deref(),
        csv: has_download(t).then(|| format!("{stem}.csv")),
        sheet,
        fields: t
            .fields
            .iter()
            .map(|f| JsonField {
                key: f.key.as_deref(),
                name: &f.name,
                value: JsonCell::of(Some(&f.value)),
            })
            .collect(),
        columns: t
            .columns
            .iter()
            .map(|c| JsonColumn {
                key: &c.key,
                name: &c.name,
                header: headers
                    .iter()
                    .find(|(k, _)| *k == c.key)
                    .map(|(_, h)| h.to_string())
                    .unwrap_or_default(),
                ty: col_type(c.ty),
                unit: column_unit(t, c),
                sum_of: terms(&c.sum_of),
            })
            .collect(),
        rows: t
            .rows
            .iter()
            .map(|r| JsonRow {
                key: r.key.as_deref(),
                code: r.code.as_deref(),
                unit: r.unit.as_deref(),
                name: r.name.as_deref(),
                sum_of: terms(&r.sum_of),
                cells: t
                    .columns
                    .iter()
                    .map(|c| JsonCell::of(r.cells.get(&c.key)))
                    .collect(),
            })
            .collect(),
    }
}

/// The whole disclosure as JSON: unit, year, kind, and every table with its columns,
/// rows and cells (decimal strings; blank and unreadable cells explicit).
/// `data.json` of `d`, with `findings` (those of its check).
pub fn json(
    u: &Unit,
    d: &Disclosure,
    templates: &Templates,
    findings: &DisclosureFindings,
) -> Result<Vec<u8>, OutputError> {
    let sheets = super::workbook::sheets(d, templates);
    let sheet_of = |t: &Table| {
        sheets
            .iter()
            .find(|(s, _)| std::ptr::eq(*s, t))
            .map(|(_, n)| n.clone())
    };
    let tables = d
        .tables
        .iter()
        .map(|t| json_table(t, templates, sheet_of(t)))
        .collect();
    let doc = JsonDisclosure {
        unit: JsonUnit {
            slug: &u.slug,
            name: &u.name,
            code: u.code.as_deref(),
            region: &u.region,
            level: &u.level,
            unit_type: &u.unit_type,
            parent: u.parent.as_deref(),
            department_code: u.department_code.as_deref(),
        },
        year: d.year,
        kind: d.kind.as_str(),
        kind_label: d.kind.label_zh(),
        title: &d.title,
        template: &d.template,
        amount_unit: d.amount_unit.as_str(),
        text_unit: d.text_unit.as_str(),
        currency: "CNY",
        published: d.published.as_deref(),
        approved: d.approved.as_deref(),
        source: d.source.as_deref(),
        xlsx: (!sheets.is_empty()).then_some(WORKBOOK),
        notes: "金额为原文所印的十进制字符串（保留原文小数位数）；blank 为原文空白（表示数据为零），unknown 为原文无法辨认（“?”）。",
        tables,
        findings: JsonFindings {
            verdict: findings.verdict(),
            counts: &findings.counts,
            checked: &findings.checked,
            items: &findings.findings,
        },
    };
    let mut s = serde_json::to_string_pretty(&doc)
        .map_err(|e| OutputError::Make(format!("生成 JSON 失败：{e}")))?;
    s.push('\n');
    Ok(s.into_bytes())
}

/// The budget phase of a disclosure's figures, in Fiscal Data Package terms.
pub fn phase(kind: Kind) -> &'static str {
    match kind {
        Kind::Budget => "approved",
        Kind::Final => "executed",
    }
}

/// The title of a table's download: `衡山县医疗保障局 2023年部门预算 T07 一般公共预算支出表`.
pub fn table_title(u: &Unit, d: &Disclosure, t: &Table, templates: &Templates) -> String {
    let name = if t.kind == "other" {
        None
    } else {
        templates.kind_name(&t.kind)
    };
    format!(
        "{} {}年{} {} {}",
        u.name,
        d.year,
        d.kind.label_zh(),
        t.id,
        name.unwrap_or(&t.title)
    )
}

/// Every download of one disclosure: `T…csv` for each table with columns, the workbook
/// (`data.xlsx`, when there is such a table) and `data.json`.
/// `findings` are those of its check (in `data.json`).
pub fn disclosure_files(
    u: &Unit,
    d: &Disclosure,
    templates: &Templates,
    findings: &DisclosureFindings,
) -> Result<Vec<(String, Vec<u8>)>, OutputError> {
    let dir = disclosure_dir(u, d);
    let mut out = Vec::new();
    let mut stems = std::collections::BTreeSet::new();
    for t in d.tables.iter().filter(|t| has_download(t)) {
        let stem = file_stem(t);
        if !stems.insert(stem.clone()) {
            return Err(OutputError::Make(format!(
                "{}：表编号 `{}` 转为下载文件名 `{stem}` 后与另一张表重复，请改用只含字母、数字、- 和 _ 的表编号",
                d.title, t.id
            )));
        }
        out.push((format!("{dir}{stem}.csv"), csv(t)));
    }
    if let Some(book) = super::workbook::workbook(u, d, templates)? {
        out.push((format!("{dir}{WORKBOOK}"), book));
    }
    out.push((
        format!("{dir}{DATA_JSON}"),
        json(u, d, templates, findings)?,
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_number;
    use rust_decimal::Decimal;

    #[test]
    fn amounts_become_spreadsheet_numbers_only_when_exact() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(spreadsheet_number(d("12.50")), Some(12.5));
        assert_eq!(spreadsheet_number(d("1880.19")), Some(1880.19));
        assert_eq!(spreadsheet_number(d("-0.01")), Some(-0.01));
        assert_eq!(
            spreadsheet_number(d("123456789012.34")),
            Some(123456789012.34)
        );
        assert_eq!(spreadsheet_number(d("1234567890123456789.01")), None);
    }
}
