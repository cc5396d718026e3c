//! The disclosure's workbook (`<unit>/<year>-<kind>/data.xlsx`): one sheet per table
//! that has columns, in the document's order, named by table id and short title
//! (`T07 一般公共预算支出表`).
//!
//! Each sheet holds, from the top: the table's title (`T07 一般公共预算支出表`), its unit
//! of amounts (`金额单位：万元`, with the reason when the table is empty or unreadable),
//! one line per field printed above the table (`项目名称：…`), then the header row (the
//! CSV's columns, [`downloads::grid`], amount headers carrying the unit) and one row per
//! table row. Codes and names are text cells, figures numbers shown with their published
//! decimals, `?` an unreadable cell, a blank cell empty. The creation time is fixed
//! (1 January of the disclosure's year), so the file is byte-identical across builds.

use super::OutputError;
use super::downloads::{GridColumn, Label, grid, label_value, spreadsheet_number};
use crate::model::templates::Templates;
use crate::model::{ColType, Disclosure, Status, Table, Unit, Value};
use crate::views::paths::has_download;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

/// Excel's limit on the length of a sheet name, in characters.
const SHEET_NAME_MAX: usize = 31;

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> OutputError {
    OutputError::Make(format!("生成 Excel 文件失败：{e}"))
}

/// The number format showing `scale` decimals, with thousands separators.
fn number_format(scale: u32) -> String {
    if scale == 0 {
        "#,##0".into()
    } else {
        format!("#,##0.{}", "0".repeat(scale as usize))
    }
}

/// The short title of a table: the standard name of its kind, else its own title.
pub fn short_title<'a>(t: &'a Table, templates: &'a Templates) -> &'a str {
    let standard = (t.kind != "other")
        .then(|| templates.kind_name(&t.kind))
        .flatten();
    standard.unwrap_or(&t.title)
}

/// Sheet names for the given wanted names (`T07 一般公共预算支出表`), in order: without
/// the characters Excel forbids (`[ ] : * ? / \`, an apostrophe at either end), at most
/// 31 characters, never empty nor the reserved `History`, and unique regardless of
/// letter case (a repeated name gets `（2）`, `（3）`, … within the 31 characters).
pub fn sheet_names(wanted: &[String]) -> Vec<String> {
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(wanted.len());
    for w in wanted {
        let cleaned: String = w
            .chars()
            .map(|c| {
                if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut base: String = cleaned.trim_matches('\'').to_string();
        if base.is_empty() || base.eq_ignore_ascii_case("history") {
            base = "表".into();
        }
        let fit = |s: &str, room: usize| -> String {
            let mut cut: String = s.chars().take(room).collect();
            if cut.len() < s.len() {
                cut = drop_open_bracket(&cut).to_string();
            }
            cut.trim_end().trim_end_matches('\'').to_string()
        };
        let mut name = fit(&base, SHEET_NAME_MAX);
        let mut n = 1;
        while taken.contains(&name.to_lowercase()) {
            n += 1;
            let suffix = format!("（{n}）");
            name = format!(
                "{}{suffix}",
                fit(&base, SHEET_NAME_MAX - suffix.chars().count())
            );
        }
        taken.insert(name.to_lowercase());
        out.push(name);
    }
    out
}

/// A name cut short without the bracket left open at its end: `…人员经费（工资福利支出）（按`
/// becomes `…人员经费（工资福利支出）`. Unchanged when that would leave nothing.
fn drop_open_bracket(s: &str) -> &str {
    let mut depth = 0usize;
    let mut outermost_open = None;
    for (i, c) in s.char_indices() {
        match c {
            '（' | '(' | '《' | '【' => {
                if depth == 0 {
                    outermost_open = Some(i);
                }
                depth += 1;
            }
            '）' | ')' | '》' | '】' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    match outermost_open {
        Some(i) if depth > 0 && !s[..i].trim().is_empty() => &s[..i],
        _ => s,
    }
}

/// The tables of `d` that are sheets of its workbook, with their sheet names.
pub fn sheets<'a>(d: &'a Disclosure, templates: &Templates) -> Vec<(&'a Table, String)> {
    let tables: Vec<&Table> = d.tables.iter().filter(|t| has_download(t)).collect();
    let wanted: Vec<String> = tables
        .iter()
        .map(|t| format!("{} {}", t.id, short_title(t, templates)))
        .collect();
    tables.into_iter().zip(sheet_names(&wanted)).collect()
}

/// The text of a field's value on its line above the table.
fn field_text(v: &Value) -> String {
    match v {
        Value::Blank => String::new(),
        Value::Unknown => "?".into(),
        Value::Amount(d) => d.to_string(),
        Value::Text(t) => t.clone(),
    }
}

/// The line under a sheet's title: the unit of amounts, and why an empty table is empty.
fn unit_line(t: &Table) -> String {
    let mut s = format!("金额单位：{}", t.unit.as_str());
    match t.status {
        Status::Present => {}
        Status::Empty => {
            s.push_str("。此表为空：");
            s.push_str(t.reason.as_deref().unwrap_or("原文未说明原因"));
        }
        Status::Missing => {
            s.push_str("。原文此表无法辨认：");
            s.push_str(t.reason.as_deref().unwrap_or("原文未说明原因"));
        }
    }
    s
}

/// The formats shared by every sheet of a workbook.
struct Formats {
    title: Format,
    header: Format,
    text: Format,
    unknown: Format,
    /// By number of decimals.
    numbers: Vec<Option<Format>>,
}

impl Formats {
    fn number(&mut self, scale: u32) -> Format {
        let i = scale as usize;
        if self.numbers.len() <= i {
            self.numbers.resize(i + 1, None);
        }
        self.numbers[i]
            .get_or_insert_with(|| Format::new().set_num_format(number_format(scale)))
            .clone()
    }
}

/// The row of a sheet's header: after the title, the unit line and the fields.
pub fn header_row(t: &Table) -> usize {
    2 + t.fields.len()
}

fn too_big(what: &str) -> OutputError {
    OutputError::Make(format!("表格{what}过多，无法生成 Excel 文件"))
}

/// Writes table `t` on sheet `ws` (see the module docs for the layout).
fn write_sheet(
    ws: &mut Worksheet,
    t: &Table,
    title: &str,
    f: &mut Formats,
) -> Result<(), OutputError> {
    let g = grid(t);
    ws.write_string_with_format(0, 0, title, &f.title)
        .map_err(xlsx_err)?;
    ws.write_string(1, 0, unit_line(t)).map_err(xlsx_err)?;
    for (i, field) in t.fields.iter().enumerate() {
        let row = u32::try_from(2 + i).map_err(|_| too_big("行数"))?;
        let line = format!("{}：{}", field.name, field_text(&field.value.value));
        ws.write_string(row, 0, line).map_err(xlsx_err)?;
    }
    let head = u32::try_from(header_row(t)).map_err(|_| too_big("行数"))?;
    for (ci, (col, name)) in g.columns.iter().enumerate() {
        let ci = u16::try_from(ci).map_err(|_| too_big("列数"))?;
        ws.write_string_with_format(head, ci, name, &f.header)
            .map_err(xlsx_err)?;
        let width = match col {
            GridColumn::Label(Label::Name) => 30.0,
            GridColumn::Figure(c) if c.ty == ColType::Text => 24.0,
            _ => 14.0,
        };
        ws.set_column_width(ci, width).map_err(xlsx_err)?;
    }
    for (ri, r) in t.rows.iter().enumerate() {
        let row = u32::try_from(ri + 1)
            .ok()
            .and_then(|n| n.checked_add(head))
            .ok_or_else(|| too_big("行数"))?;
        for (ci, (col, _)) in g.columns.iter().enumerate() {
            // Fits: the header loop checked the column count.
            let ci = ci as u16;
            match col {
                GridColumn::Label(l) => {
                    let v = label_value(r, *l);
                    if !v.is_empty() {
                        ws.write_string_with_format(row, ci, &v, &f.text)
                            .map_err(xlsx_err)?;
                    }
                }
                GridColumn::Figure(c) => match r.cells.get(&c.key).map(|c| &c.value) {
                    None | Some(Value::Blank) => {}
                    Some(Value::Unknown) => {
                        ws.write_string_with_format(row, ci, "?", &f.unknown)
                            .map_err(xlsx_err)?;
                    }
                    Some(Value::Text(s)) => {
                        ws.write_string_with_format(row, ci, s, &f.text)
                            .map_err(xlsx_err)?;
                    }
                    Some(Value::Amount(v)) => {
                        match spreadsheet_number(*v) {
                            Some(n) => {
                                let nf = f.number(v.scale());
                                ws.write_number_with_format(row, ci, n, &nf)
                            }
                            // Not exact as a spreadsheet number: the printed text.
                            None => ws.write_string_with_format(row, ci, v.to_string(), &f.unknown),
                        }
                        .map_err(xlsx_err)?;
                    }
                },
            }
        }
    }
    ws.set_freeze_panes(head + 1, 0).map_err(xlsx_err)?;
    Ok(())
}

/// The workbook of disclosure `d`, or `None` when no table has columns.
pub fn workbook(
    u: &Unit,
    d: &Disclosure,
    templates: &Templates,
) -> Result<Option<Vec<u8>>, OutputError> {
    let sheets = sheets(d, templates);
    if sheets.is_empty() {
        return Ok(None);
    }
    let mut wb = Workbook::new();
    let year = u16::try_from(d.year.clamp(1900, 9999)).unwrap_or(1900);
    let created = ExcelDateTime::from_ymd(year, 1, 1).map_err(xlsx_err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} {}年{}", u.name, d.year, d.kind.label_zh()))
            .set_subject(&d.title)
            .set_company(&u.name)
            .set_comment(
                "每张公开表一个工作表。空白单元格为原文空白（表示数据为零），“?”为原文无法辨认。",
            )
            .set_creation_datetime(&created),
    );
    // Level 1: saves about twice as fast as the default, for a slightly larger file.
    wb.set_zip_compression_level(1);
    let mut formats = Formats {
        title: Format::new().set_bold().set_font_size(14),
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center),
        text: Format::new().set_num_format("@"),
        unknown: Format::new().set_align(FormatAlign::Right),
        numbers: Vec::new(),
    };
    for (t, name) in &sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(xlsx_err)?;
        let title = format!("{} {}", t.id, t.title);
        write_sheet(ws, t, &title, &mut formats)?;
    }
    wb.save_to_buffer().map(Some).map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::sheet_names;

    fn names(w: &[&str]) -> Vec<String> {
        sheet_names(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn a_cut_name_loses_its_open_bracket() {
        let got =
            names(&["T07 一般公共预算基本支出表——人员经费（工资福利支出）（按政府预算经济分类）"]);
        assert_eq!(
            got[0],
            "T07 一般公共预算基本支出表——人员经费（工资福利支出）"
        );
        // A name that fits keeps its brackets.
        let got = names(&["T03 支出总表（按功能科目）"]);
        assert_eq!(got[0], "T03 支出总表（按功能科目）");
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let long = "T21 2023年一般公共预算财政拨款基本支出经济分类预算表（按部门预算经济分类）";
        let got = names(&[
            "T01 收支总表",
            "T02 收入/支出:总表[甲]*?\\",
            long,
            long,
            "'T09'",
            "",
            "History",
            "t01 收支总表",
        ]);
        assert_eq!(got[0], "T01 收支总表");
        assert_eq!(got[1], "T02 收入 支出 总表 甲");
        for n in &got {
            assert!(n.chars().count() <= 31, "{n}");
            assert!(!n.contains(['[', ']', ':', '*', '?', '/', '\\']), "{n}");
            assert!(!n.starts_with('\'') && !n.ends_with('\''), "{n}");
            assert!(!n.is_empty());
        }
        // Cut at 31 characters, then before the bracket the cut left open.
        assert_eq!(
            got[2],
            "T21 2023年一般公共预算财政拨款基本支出经济分类预算表"
        );
        assert_eq!(
            got[3],
            "T21 2023年一般公共预算财政拨款基本支出经济分类预（2）"
        );
        assert_eq!(got[4], "T09");
        assert_eq!(got[5], "表");
        assert_eq!(got[6], "表（2）");
        // Excel compares sheet names without regard to case.
        assert_eq!(got[7], "t01 收支总表（2）");
        let lower: std::collections::BTreeSet<String> =
            got.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(lower.len(), got.len());
    }
}
