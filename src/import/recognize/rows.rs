//! Body rows → rows of a source: a classification code (joined from 类 / 款 / 项
//! columns, or whole), a unit line, or a labelled line with a standard key; the cells
//! as printed, `"?"` where a cell is not an amount.

use super::columns::{Col, Role, Segment, squeeze};
use crate::import::draft::{RowDraft, Unsure, place_zh};
use crate::import::printed::{Place, PrintedTable};
use crate::model::amount::{self, AmountError};
use crate::model::catalogue::Catalogue;

/// What reading the rows of one table gave.
#[derive(Default)]
pub struct Rows {
    pub rows: Vec<RowDraft>,
    pub notes: Vec<String>,
    pub unsure: Vec<Unsure>,
    /// Non-blank amount cells read (`"?"` included).
    pub cells: usize,
}

/// Tables whose lines are labelled (收支总表 and its kin): their lines get the
/// standard row keys of docs/sources.md.
pub fn is_summary_kind(kind: &str) -> bool {
    matches!(
        kind,
        "summary" | "fiscal_summary" | "final_summary" | "final_fiscal_summary"
    )
}

/// The label without its ordinal (`一、`, `1.`, `（一）`) and spaces.
pub fn bare_label(name: &str) -> String {
    super::kinds::strip_ordinal(&squeeze(name)).to_string()
}

/// The standard key of a labelled line of a 收支总表, by side (`income` true for the
/// 收入 side).
fn summary_key(label: &str, income: bool) -> Option<&'static str> {
    let l = label
        .trim_start_matches("其中：")
        .trim_start_matches("其中:");
    if income {
        let exact: &[(&str, &str)] = &[
            ("当年收入小计", "income_total"),
            ("本年收入小计", "income_total"),
            ("本年收入合计", "income_total"),
            ("收入小计", "income_total"),
            ("收入合计", "income_grand_total"),
            ("收入总计", "income_grand_total"),
            ("总计", "income_grand_total"),
            ("财政拨款", "income_fiscal"),
            ("财政拨款收入", "income_fiscal"),
            ("上年结转资金", "carryover"),
            ("上年结转", "carryover"),
            ("上年结转结余", "carryover"),
            ("年初结转和结余", "carryover"),
            ("年初财政拨款结转和结余", "carryover"),
            ("经费拨款", "income_general_funding"),
            ("其他资金", "income_other"),
            ("其他收入", "income_other"),
            ("事业收入", "income_business"),
            ("经营收入", "income_operating"),
            ("事业单位经营收入", "income_operating"),
            ("上级补助收入", "income_upper_unit"),
            ("附属单位上缴收入", "income_subsidiary"),
            ("上级财政补助收入", "income_upper_fiscal"),
            ("一般债券", "income_general_bonds"),
            ("外国政府和国际组织贷款", "income_general_foreign_loans"),
            ("外国政府和国际组织捐赠", "income_general_foreign_donations"),
            ("使用非财政拨款结余", "use_nonfiscal_balance"),
            ("本年收入", "income_total"),
            ("上级单位补助收入", "income_upper_unit"),
            ("本级财政拨款", "income_fiscal"),
            ("本级财政拨款收入", "income_fiscal"),
            ("事业单位经营服务收入", "income_operating"),
            ("其它收入", "income_other"),
        ];
        if let Some((_, k)) = exact.iter().find(|(w, _)| *w == l) {
            return Some(k);
        }
        let within: &[(&str, &str)] = &[
            ("非税收入", "income_general_nontax"),
            ("一般公共预算", "income_general"),
            ("政府性基金", "income_fund"),
            ("国有资本经营", "income_state_capital"),
            ("社会保险基金", "income_social_insurance"),
            ("社会保障基金", "income_social_insurance"),
            ("财政专户", "income_special_account"),
        ];
        return within.iter().find(|(w, _)| l.contains(w)).map(|(_, k)| *k);
    }
    let exact: &[(&str, &str)] = &[
        ("当年支出小计", "exp_total"),
        ("本年支出小计", "exp_total"),
        ("本年支出合计", "exp_total"),
        ("支出小计", "exp_total"),
        ("支出合计", "exp_grand_total"),
        ("支出总计", "exp_grand_total"),
        ("总计", "exp_grand_total"),
        ("基本支出", "exp_basic"),
        ("项目支出", "exp_project"),
        ("单位预留机动经费", "exp_reserve"),
        ("上缴上级支出", "exp_upper"),
        ("经营支出", "exp_business"),
        ("事业单位经营支出", "exp_business"),
        ("对附属单位补助支出", "exp_subsidiary"),
        ("结转下年资金", "end_balance"),
        ("结转下年", "end_balance"),
        ("年末结转和结余", "end_balance"),
        ("年末财政拨款结转和结余", "end_balance"),
        ("结余分配", "balance_distribution"),
        ("本年支出", "exp_total"),
        ("年终结转结余", "end_balance"),
        ("年终结转", "end_balance"),
        ("事业单位经营服务支出", "exp_business"),
        ("人员经费和公用经费支出", "exp_basic"),
        ("专项业务经费支出", "exp_project"),
    ];
    exact.iter().find(|(w, _)| *w == l).map(|(_, k)| *k)
}

/// Digits of a code cell (`201`, `01`, `2010101`), `None` if it is not one.
fn code_digits(cell: &str) -> Option<String> {
    let s: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    (!s.is_empty() && s.len() <= 9 && s.chars().all(|c| c.is_ascii_digit())).then_some(s)
}

/// A classification code: 3/5/7 digits starting with 2 (functional), 3/5 digits
/// starting with 3 or 5 (economic).
fn is_class_code(c: &str) -> bool {
    match c.as_bytes().first() {
        Some(b'2') => matches!(c.len(), 3 | 5 | 7),
        Some(b'3' | b'5') => matches!(c.len(), 3 | 5),
        _ => false,
    }
}

/// A unit or department code (`239`, `239001`): 6 digits, or 3 digits outside the
/// classification ranges.
fn is_unit_code(c: &str) -> bool {
    c.len() == 6 || (c.len() == 3 && !is_class_code(c))
}

/// A 3-digit code that the catalogue does not know, next to the name of an
/// organisation, is a department line (Hunan's `239 衡山县医疗保障局`), not a 类.
fn looks_like_unit_line(catalogue: &Catalogue, code: &str, name: &str) -> bool {
    let org = [
        "局",
        "厅",
        "院",
        "中心",
        "委员会",
        "办公室",
        "所",
        "站",
        "队",
        "部",
        "处",
        "馆",
        "校",
        "社",
        "单位",
        "委",
        "办",
    ];
    code.len() == 3
        && catalogue.name(code).is_none()
        && org.iter().any(|o| name.trim_end().ends_with(o))
}

/// A name cell that carries its code (`2010101 行政运行`, `2010101行政运行`).
fn split_code_name(name: &str) -> Option<(String, String)> {
    let t = name.trim();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = t[digits.len()..].trim();
    (is_class_code(&digits) && !rest.is_empty() && !rest.starts_with(['.', '、', '．']))
        .then(|| (digits, rest.to_string()))
}

pub struct RowContext<'a> {
    pub table: &'a PrintedTable,
    pub table_id: &'a str,
    pub kind: &'a str,
    pub cols: &'a [Col],
    pub catalogue: &'a Catalogue,
}

/// The columns of a side by role: codes, names, values (amount, percent, text).
fn side_columns(cols: &[Col], seg: &Segment) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let of = |keep: &dyn Fn(Role) -> bool| -> Vec<usize> {
        (seg.first..=seg.last)
            .filter(|&j| keep(cols[j].role))
            .collect()
    };
    (
        of(&|r| r == Role::Code),
        of(&|r| r == Role::Name),
        of(&|r| matches!(r, Role::Amount | Role::Percent | Role::Text)),
    )
}

/// Whether, on printed row `r`, the label of side `i` owns the figures of side `i + 1`:
/// a line that the layout prints across both sides under one header cell (Jiangsu's
/// 收支总表 prints 当年支出小计 in the 功能分类 group and its figure in the 支出用途
/// group's 金额 column). Side `i` prints a label and no figure on that row, side `i + 1`
/// a figure and neither a label nor a code.
fn label_spans_next(cx: &RowContext, segs: &[Segment], i: usize, r: usize) -> bool {
    let (Some(a), Some(b)) = (segs.get(i), segs.get(i + 1)) else {
        return false;
    };
    if a.side.is_empty() || a.side != b.side {
        return false;
    }
    let row = &cx.table.rows[r];
    let filled = |j: &usize| row.cells.get(*j).is_some_and(|c| !c.trim().is_empty());
    let (a_codes, a_names, a_values) = side_columns(cx.cols, a);
    let (b_codes, b_names, b_values) = side_columns(cx.cols, b);
    a_names.iter().any(filled)
        && !a_codes.iter().any(filled)
        && !a_values.iter().any(filled)
        && !b_codes.iter().any(filled)
        && !b_names.iter().any(filled)
        && b_values.iter().any(filled)
}

/// The name of each row on one side (name cells joined with `/`), with labels cut by a
/// page break put back together: a row at the top of a page that prints no figure and no
/// code on this side, only the end of a label (`小计` under `当年收入` at the foot of
/// the page before; `出` under `十七、国土海洋气象等支`), belongs to the row above when
/// the joined words name a line the importer knows and the first part alone does not.
/// Returns the names and which rows were so joined to the row above.
fn page_break_labels(
    cx: &RowContext,
    seg: &Segment,
    side_index: usize,
) -> (Vec<String>, Vec<bool>) {
    let (code_cols, name_cols, value_cols) = side_columns(cx.cols, seg);
    let rows = &cx.table.rows;
    let text = |r: usize, j: usize| rows[r].cells.get(j).map_or("", |s| s.trim());
    let mut names: Vec<String> = (0..rows.len())
        .map(|r| {
            let parts: Vec<&str> = name_cols
                .iter()
                .map(|&j| text(r, j))
                .filter(|s| !s.is_empty())
                .collect();
            parts.join("/")
        })
        .collect();
    let mut cut = vec![false; rows.len()];
    if name_cols.len() != 1 {
        return (names, cut);
    }
    let income = side_is_income(seg, side_index);
    let known = |label: &str| {
        let bare = bare_label(label);
        if is_summary_kind(cx.kind) {
            summary_key(&bare, income).is_some()
                || (!income && functional_code(cx.catalogue, &bare).is_some())
        } else {
            cx.catalogue.entries().any(|(_, n)| n == bare)
        }
    };
    for r in 1..rows.len() {
        let bare_row = code_cols
            .iter()
            .chain(&value_cols)
            .all(|&j| text(r, j).is_empty());
        if rows[r].place == rows[r - 1].place
            || !bare_row
            || names[r].is_empty()
            || names[r - 1].is_empty()
            || cut[r - 1]
        {
            continue;
        }
        let joined = format!("{}{}", names[r - 1], names[r]);
        if known(&joined) && !known(&names[r - 1]) {
            names[r - 1] = joined;
            cut[r] = true;
        }
    }
    (names, cut)
}

/// The rows of side `side_index` of the table (`segs` are all its sides).
pub fn read_rows(cx: &RowContext, segs: &[Segment], side_index: usize, out: &mut Rows) {
    let cols = cx.cols;
    let seg = &segs[side_index];
    let (code_cols, name_cols, own_value_cols) = side_columns(cols, seg);
    let summary = is_summary_kind(cx.kind);
    let income_side = side_is_income(seg, side_index);
    // Split codes print only the changing parts (`  01` under `201 01`): the parts above
    // carry down.
    let mut carried: Vec<String> = vec![String::new(); code_cols.len()];
    let mut after_carryover = false;
    let (names, cut) = page_break_labels(cx, seg, side_index);
    for (r, row) in cx.table.rows.iter().enumerate() {
        // A figure printed for the previous side's label is read with that label.
        if (side_index > 0 && label_spans_next(cx, segs, side_index - 1, r)) || cut[r] {
            continue;
        }
        let mut value_cols = own_value_cols.clone();
        if label_spans_next(cx, segs, side_index, r) {
            value_cols.extend(side_columns(cols, &segs[side_index + 1]).2);
        }
        let cell = |j: usize| row.cells.get(j).map(|s| s.trim()).unwrap_or("");
        let mut name = names[r].clone();
        let has_values = value_cols.iter().any(|&j| !cell(j).is_empty());
        let printed_code: Vec<&str> = code_cols.iter().map(|&j| cell(j)).collect();
        if name.is_empty() && !has_values && printed_code.iter().all(|c| c.is_empty()) {
            continue;
        }
        // The column numbers printed under a header (`栏次 1 2 3`) are not a line.
        if row.cells.iter().any(|c| squeeze(c) == "栏次") {
            continue;
        }
        let mut draft = RowDraft::default();
        // Where the row stood: a sheet's place is its row already; on a page, the row
        // of the table counts.
        let line = match &row.place {
            Place::Page(_) => format!("表中第{}行", r + 1),
            Place::Sheet { .. } => String::new(),
        };
        let where_ = format!("{}{line}", place_zh(&row.place));
        // The code.
        let mut code: Option<String> = None;
        if printed_code.iter().any(|c| !c.is_empty()) {
            let parts: Option<Vec<String>> = printed_code
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Some(String::new())
                    } else {
                        code_digits(c)
                    }
                })
                .collect();
            match parts {
                Some(mut parts) if code_cols.len() > 1 => {
                    // 款 and 项 are two digits; a workbook that stores them as numbers
                    // shows `1` for `01`.
                    for p in parts.iter_mut().skip(1) {
                        if p.len() == 1 {
                            p.insert(0, '0');
                        }
                    }
                    let first_printed = parts.iter().position(|p| !p.is_empty()).unwrap_or(0);
                    let last_printed = parts.iter().rposition(|p| !p.is_empty()).unwrap_or(0);
                    let mut joined = String::new();
                    for (i, p) in parts.iter().enumerate().take(last_printed + 1) {
                        if i < first_printed {
                            joined.push_str(&carried[i]);
                        } else {
                            joined.push_str(p);
                        }
                    }
                    for (i, p) in parts.iter().enumerate() {
                        if i >= first_printed {
                            carried[i] = p.clone();
                        }
                    }
                    code = Some(joined);
                }
                Some(parts) => code = parts.into_iter().next(),
                None => {
                    let shown = printed_code.join(" ");
                    out.notes
                        .push(format!("{where_}的编码“{shown}”不是数字编码，按名称记入。"));
                    out.unsure.push(Unsure {
                        place: row.place.clone(),
                        table: Some(cx.table_id.to_string()),
                        what: format!("{line}编码“{shown}”无法识别"),
                    });
                    if name.is_empty() {
                        name = shown;
                    }
                }
            }
        } else if let Some((c, n)) = name_cols.first().and_then(|&j| split_code_name(cell(j))) {
            code = Some(c);
            name = n;
        }
        if let Some(c) = code {
            if is_class_code(&c) && !looks_like_unit_line(cx.catalogue, &c, &name) {
                draft.code = Some(c);
            } else if is_unit_code(&c) || looks_like_unit_line(cx.catalogue, &c, &name) {
                draft.unit = Some(c);
            } else {
                out.notes.push(format!(
                    "{where_}的编码“{c}”不是完整的分类编码（3、5、7 位），按名称记入。"
                ));
                out.unsure.push(Unsure {
                    place: row.place.clone(),
                    table: Some(cx.table_id.to_string()),
                    what: format!("{line}编码“{c}”位数不对"),
                });
            }
        }
        if !name.is_empty() {
            draft.name = Some(name.clone());
        }
        if draft.code.is_none() && draft.unit.is_none() {
            // A line labelled in a text column (政府采购: 合计 under 采购品目大类).
            let text_label = value_cols
                .iter()
                .filter(|&&j| cols[j].role == Role::Text)
                .map(|&j| cell(j))
                .find(|t| !t.is_empty())
                .unwrap_or("");
            let label = if name.is_empty() {
                bare_label(text_label)
            } else {
                bare_label(&name)
            };
            // Functional 类 lines of a 收支总表 are numbered `一、` … `二十四、`; an
            // economic line (`(10)其他支出`) is not looked up.
            let chinese_ordinal = squeeze(&name).split_once('、').is_some_and(|(n, _)| {
                !n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c))
            });
            let key = if summary {
                summary_key(&label, income_side)
                    .map(|k| {
                        // The fund lines under 年初结转和结余 are the carry-over's parts.
                        let fund = k.strip_prefix("income_").filter(|f| {
                            matches!(
                                *f,
                                "general"
                                    | "fund"
                                    | "state_capital"
                                    | "social_insurance"
                                    | "special_account"
                            )
                        });
                        match fund {
                            Some(f) if after_carryover => format!("carryover_{f}"),
                            _ => k.to_string(),
                        }
                    })
                    .or_else(|| {
                        if income_side || !chinese_ordinal {
                            return None;
                        }
                        functional_code(cx.catalogue, &label).map(|c| {
                            draft.code = Some(c);
                            String::new()
                        })
                    })
            } else if matches!(label.as_str(), "合计" | "总计") {
                Some("total".to_string())
            } else {
                None
            };
            if key.as_deref() == Some("carryover") {
                after_carryover = true;
            }
            match key {
                Some(k) if k.is_empty() => {}
                Some(k) => draft.key = Some(k),
                None => draft.key = Some(format!("r{}_{}", side_index + 1, r + 1)),
            }
        }
        // The cells.
        for &j in &value_cols {
            let text = cell(j);
            if text.is_empty() {
                continue;
            }
            let col = &cols[j];
            if col.role == Role::Text {
                draft.values.push((col.key.clone(), text.to_string()));
                continue;
            }
            out.cells += 1;
            // A percentage is checked without its sign and written as printed (the
            // loader strips `%`); a full-width `％` is written as `%`.
            let (checked, written) = if col.role == Role::Percent {
                match text.strip_suffix('％') {
                    Some(v) => (v, format!("{v}%")),
                    None => (text.strip_suffix('%').unwrap_or(text), text.to_string()),
                }
            } else {
                (text, text.to_string())
            };
            match amount::parse(checked) {
                Ok(_) if col.role == Role::Percent => draft.values.push((col.key.clone(), written)),
                Ok(_) => draft.values.push((col.key.clone(), text.to_string())),
                Err(e) => {
                    let why = match e {
                        AmountError::TooManyDecimals(_) => "小数超过两位",
                        AmountError::TooLarge => "数额过大",
                        AmountError::NotANumber => "不是金额",
                    };
                    out.notes.push(format!(
                        "{where_}“{}”列印作“{text}”（{why}），记为“?”。",
                        col.name
                    ));
                    out.unsure.push(Unsure {
                        place: row.place.clone(),
                        table: Some(cx.table_id.to_string()),
                        what: format!("{line}“{}”列“{text}”{why}", col.name),
                    });
                    draft.values.push((col.key.clone(), "?".to_string()));
                }
            }
        }
        for u in &row.unsure {
            out.notes.push(format!("{where_}：{u}"));
            out.unsure.push(Unsure {
                place: row.place.clone(),
                table: Some(cx.table_id.to_string()),
                what: format!("{line}：{u}"),
            });
        }
        out.rows.push(draft);
    }
}

/// The first side of a side-by-side table is income unless its header says otherwise.
fn side_is_income(seg: &Segment, side_index: usize) -> bool {
    if seg.side.contains("支出") {
        return false;
    }
    if seg.side.contains("收入") {
        return true;
    }
    side_index == 0
}

/// The 类 code of a functional 类 printed by name only (`一、一般公共服务支出`).
fn functional_code(catalogue: &Catalogue, label: &str) -> Option<String> {
    catalogue
        .entries()
        .find(|(c, n)| c.len() == 3 && c.starts_with('2') && *n == label)
        .map(|(c, _)| c.to_string())
}

/// Makes row keys and codes unique within a table: a repeated key gets `_2`, `_3`; a
/// repeated code (the same 类 printed on two sides) keeps its first row as a code and
/// turns the repeat into a keyed line, with a note.
pub fn dedupe(rows: &mut [RowDraft], notes: &mut Vec<String>) {
    let mut keys = std::collections::BTreeSet::new();
    let mut codes = std::collections::BTreeSet::new();
    for row in rows.iter_mut() {
        if let Some(c) = row.code.clone()
            && !codes.insert((c.clone(), row.unit.clone()))
        {
            notes.push(format!(
                "编码 {c} 在表中出现不止一次，重复的一行按名称记入。"
            ));
            row.key = Some(format!("code_{c}"));
            row.code = None;
        }
        if let Some(k) = row.key.clone() {
            let mut unique = k.clone();
            let mut n = 2;
            while !keys.insert(unique.clone()) {
                unique = format!("{k}_{n}");
                n += 1;
            }
            row.key = Some(unique);
        }
    }
}
