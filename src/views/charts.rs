//! Charts as inline SVG, drawn with plotters' SVG backend.
//!
//! Figures are the model's decimals; `f64` is used only for bar geometry. Bars are drawn
//! as rectangles (not `Histogram`, which iterates a HashMap), label areas are sized here
//! (plotters measures CJK text badly without a font), and every chart's figures are also
//! given as a table on the page.

use crate::model::amount::{self, AmountUnit};
use crate::model::catalogue::Catalogue;
use crate::model::{Disclosure, Kind, Row, Status, Table, Unit, Value};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// Plotters could not draw a chart (a defect of the chart code, not of the data).
#[derive(Debug, thiserror::Error)]
#[error("无法绘制图表：{0}")]
pub struct ChartError(String);

#[derive(Clone, Debug, Serialize)]
pub struct ChartRow {
    /// The classification code, or empty for a labelled item.
    pub code: String,
    pub name: String,
    pub amount: String,
    pub share: String,
    /// Further figures, under `ChartView::value_headers` (budget vs actual: 年初预算,
    /// 决算数, 完成率).
    pub values: Vec<String>,
    /// A link to the row of the source table (`表T03`), as HTML; empty when the figure
    /// is a sum of rows.
    pub link: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChartView {
    /// Anchor of the chart's figure; also the prefix of its `<title>` / `<desc>` ids.
    pub id: String,
    pub title: String,
    /// What is charted, without the document's title (`一般公共预算基本支出按经济分类（类）`).
    pub subject: String,
    pub desc: String,
    /// Where the figures come from (`T03 支出总表`).
    pub source: String,
    /// A link to the source (`#table-t03`), when it is on the same page.
    pub source_href: Option<String>,
    pub unit: &'static str,
    pub total: String,
    pub has_codes: bool,
    /// Header of the label column when there are no codes (`项目`, `年度`).
    pub label_header: &'static str,
    /// The 类 figures are sums of the table's 款 / 项 lines (it prints no 类 line).
    pub summed: bool,
    /// Read from the basic-expenditure table (an economic chart).
    pub basic: bool,
    /// When not empty, the table under the chart has these figure columns (the rows'
    /// `values`) instead of 金额 and 占比.
    pub value_headers: Vec<&'static str>,
    pub rows: Vec<ChartRow>,
    pub svg: String,
}

const WIDTH: u32 = 560;
const ROW_H: u32 = 34;
const BAR_H: u32 = 20;
const MARGIN: u32 = 8;
/// Pixel size of a label's character: CJK glyphs are about 1em wide.
const LABEL_PX: u32 = 15;
/// plotters writes font sizes divided by 1.24.
const FONT: f64 = LABEL_PX as f64 * 1.24;
const BAR: RGBColor = RGBColor(0x1f, 0x4e, 0x79);

/// One bar: a classified line or a labelled part, with its printed amount.
struct Item {
    code: String,
    name: String,
    value: Decimal,
    /// The row's id in the source table, when the item is one row.
    anchor: Option<String>,
}

/// Every chart of a disclosure, in page order.
pub fn for_disclosure(d: &Disclosure, catalogue: &Catalogue) -> Vec<ChartView> {
    [
        functional(d, catalogue),
        largest_class(d),
        economic(d),
        nature(d),
        three_public(d),
        budget_vs_actual(d),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn present<'a>(d: &'a Disclosure, kind: &str) -> Option<&'a Table> {
    d.table(kind).filter(|t| t.status == Status::Present)
}

/// Expenditure tables, in order of preference.
const EXPENDITURE_KINDS: [&str; 4] = [
    "expenditure",
    "final_expenditure",
    "general_expenditure",
    "final_general_expenditure",
];

/// The present tables of `kinds` that have column `col`.
fn with_column<'a>(
    d: &'a Disclosure,
    kinds: &'a [&'a str],
    col: &'a str,
) -> impl Iterator<Item = &'a Table> + 'a {
    kinds
        .iter()
        .filter_map(move |k| present(d, k))
        .filter(move |t| t.column(col).is_some())
}

fn amount(row: &Row, col: &str) -> Option<Decimal> {
    match row.cells.get(col).map(|c| &c.value) {
        Some(Value::Amount(v)) => Some(*v),
        _ => None,
    }
}

/// The 类 lines (3-digit codes starting with `first`) of `t`, valued by its `total`
/// column, or, without one, by the sum of the line's amount cells.
fn class_items(t: &Table, first: char) -> Vec<Item> {
    let has_total = t.column("total").is_some();
    t.rows
        .iter()
        .zip(super::row_anchors(t))
        .filter_map(|(r, anchor)| {
            let code = r.code.as_deref()?;
            if code.len() != 3 || !code.starts_with(first) {
                return None;
            }
            let value = if has_total {
                amount(r, "total")?
            } else {
                t.amount_columns()
                    .filter_map(|c| amount(r, &c.key))
                    .sum::<Decimal>()
            };
            (value > Decimal::ZERO).then(|| Item {
                code: code.to_string(),
                name: r.name.clone().unwrap_or_default(),
                value,
                anchor: Some(anchor),
            })
        })
        .collect()
}

/// For a table that prints only 款 / 项 lines: its top-level lines (no ancestor in the
/// table) summed by 类, named from the catalogue.
fn summed_class_items(t: &Table, first: char, catalogue: &Catalogue) -> Vec<Item> {
    let codes: Vec<&str> = t.rows.iter().filter_map(|r| r.code.as_deref()).collect();
    let mut sums: std::collections::BTreeMap<String, Decimal> = Default::default();
    for r in &t.rows {
        let Some(code) = r.code.as_deref() else {
            continue;
        };
        if code.len() < 3 || !code.starts_with(first) {
            continue;
        }
        let mut ancestor = crate::model::catalogue::parent(code);
        let mut has_ancestor = false;
        while let Some(a) = ancestor {
            has_ancestor |= codes.contains(&a);
            ancestor = crate::model::catalogue::parent(a);
        }
        if has_ancestor {
            continue;
        }
        if let Some(v) = amount(r, "total") {
            *sums.entry(code[..3].to_string()).or_default() += v;
        }
    }
    sums.into_iter()
        .filter(|(_, v)| *v > Decimal::ZERO)
        .map(|(code, value)| Item {
            name: catalogue.name(&code).unwrap_or("").to_string(),
            code,
            value,
            anchor: None,
        })
        .collect()
}

/// Expenditure by function (类): the 类 lines of the expenditure table, or the sums by
/// 类 of its lines when it prints no 类 line.
fn functional(d: &Disclosure, catalogue: &Catalogue) -> Option<ChartView> {
    for t in with_column(d, &EXPENDITURE_KINDS, "total") {
        let items = class_items(t, '2');
        if !items.is_empty() {
            return chart("chart-functional", d, "支出按功能分类（类）", t, items);
        }
    }
    for t in with_column(d, &EXPENDITURE_KINDS[..2], "total") {
        let items = summed_class_items(t, '2', catalogue);
        if !items.is_empty() {
            let mut c = chart("chart-functional", d, "支出按功能分类（类）", t, items)?;
            c.summed = true;
            return Some(c);
        }
    }
    None
}

/// The 款 within the largest functional 类, when it has two or more.
fn largest_class(d: &Disclosure) -> Option<ChartView> {
    for t in with_column(d, &EXPENDITURE_KINDS, "total") {
        let classes = class_items(t, '2');
        let Some(largest) = classes.iter().max_by_key(|i| i.value) else {
            continue;
        };
        let items: Vec<Item> = t
            .rows
            .iter()
            .zip(super::row_anchors(t))
            .filter_map(|(r, anchor)| {
                let code = r.code.as_deref()?;
                if code.len() != 5 || !code.starts_with(&largest.code) {
                    return None;
                }
                let value = amount(r, "total").filter(|v| *v > Decimal::ZERO)?;
                Some(Item {
                    code: code.to_string(),
                    name: r.name.clone().unwrap_or_default(),
                    value,
                    anchor: Some(anchor),
                })
            })
            .collect();
        if items.len() < 2 {
            return None;
        }
        let subject = format!("{}（{}）支出按款分类", largest.name, largest.code);
        return chart("chart-largest-class", d, &subject, t, items);
    }
    None
}

/// Expenditure by economic nature (部门预算支出经济分类 类).
fn economic(d: &Disclosure) -> Option<ChartView> {
    let sources = [
        ("expenditure_dept_econ", "支出按经济分类（类）"),
        (
            "general_expenditure_econ",
            "一般公共预算支出按经济分类（类）",
        ),
        ("general_basic", "一般公共预算基本支出按经济分类（类）"),
        (
            "final_general_basic",
            "一般公共预算财政拨款基本支出按经济分类（类）",
        ),
    ];
    for (kind, what) in sources {
        let Some(t) = present(d, kind) else { continue };
        let items = class_items(t, '3');
        if !items.is_empty() {
            return chart("chart-economic", d, what, t, items);
        }
    }
    None
}

/// Basic expenditure, project expenditure and the others, from the total line of an
/// expenditure table, else from the summary table's lines of them.
fn nature(d: &Disclosure) -> Option<ChartView> {
    let parts = [
        ("basic", "基本支出"),
        ("project", "项目支出"),
        ("upper", "上缴上级支出"),
        ("business", "事业单位经营支出"),
        ("subsidiary", "对附属单位补助支出"),
    ];
    for t in with_column(d, &EXPENDITURE_KINDS, "basic") {
        let Some(row) = t.row("total") else { continue };
        let anchor = super::row_anchor(t, "total");
        let items: Vec<Item> = parts
            .iter()
            .filter(|(col, _)| t.column(col).is_some())
            .filter_map(|(col, name)| {
                let value = amount(row, col)?;
                (value > Decimal::ZERO).then(|| Item {
                    code: String::new(),
                    name: name.to_string(),
                    value,
                    anchor: anchor.clone(),
                })
            })
            .collect();
        if !items.is_empty() {
            return chart("chart-nature", d, "基本支出与项目支出", t, items);
        }
    }
    // No expenditure table prints a 基本支出 column: the summary table's lines of the
    // same parts (Shaanxi: 人员经费和公用经费支出, 专项业务经费支出, …).
    let lines = [
        ("exp_basic", "基本支出"),
        ("exp_project", "项目支出"),
        ("exp_upper", "上缴上级支出"),
        ("exp_business", "事业单位经营支出"),
        ("exp_subsidiary", "对附属单位补助支出"),
    ];
    let t = ["summary", "final_summary"]
        .iter()
        .find_map(|k| present(d, k))
        .filter(|t| t.row("exp_basic").is_some() && t.row("exp_project").is_some())?;
    let items: Vec<Item> = lines
        .iter()
        .filter_map(|(key, name)| {
            let value = amount(t.row(key)?, "amount")?;
            (value > Decimal::ZERO).then(|| Item {
                code: String::new(),
                name: name.to_string(),
                value,
                anchor: super::row_anchor(t, key),
            })
        })
        .collect();
    if items.is_empty() {
        return None;
    }
    chart("chart-nature", d, "基本支出与项目支出", t, items)
}

/// The 三公 components: budget for a budget, actual for final accounts.
fn three_public(d: &Disclosure) -> Option<ChartView> {
    let (kind, row_key, what) = match d.kind {
        Kind::Budget => ("three_public", "budget", "预算"),
        Kind::Final => ("final_three_public", "actual", "决算"),
    };
    let t = present(d, kind)?;
    let row_key = if t.row(row_key).is_some() {
        row_key
    } else {
        "total"
    };
    let row = t.row(row_key)?;
    let anchor = super::row_anchor(t, row_key);
    let split = t.column("vehicle_purchase").is_some() && t.column("vehicle_running").is_some();
    let mut parts = vec![("abroad", "因公出国（境）费")];
    if split {
        parts.push(("vehicle_purchase", "公务用车购置费"));
        parts.push(("vehicle_running", "公务用车运行维护费"));
    } else {
        parts.push(("vehicle", "公务用车购置及运行费"));
    }
    parts.push(("reception", "公务接待费"));
    let items: Vec<Item> = parts
        .iter()
        .filter_map(|(col, name)| {
            let value = amount(row, col)?;
            (value > Decimal::ZERO).then(|| Item {
                code: String::new(),
                name: name.to_string(),
                value,
                anchor: anchor.clone(),
            })
        })
        .collect();
    if items.is_empty() {
        return None;
    }
    chart(
        "chart-three-public",
        d,
        &format!("“三公”经费{what}构成"),
        t,
        items,
    )
}

/// A completion rate (决算 ÷ 年初预算) of a budget-vs-actual row: the printed `rate`
/// when there is one, else computed in `Decimal` when the budget is not zero.
pub struct Rate {
    pub text: String,
    /// Printed in the source (not computed).
    pub printed: bool,
}

pub fn completion_rate(row: &Row) -> Option<Rate> {
    if let Some(r) = amount(row, "rate") {
        return Some(Rate {
            text: format!("{r}%"),
            printed: true,
        });
    }
    let (b, a) = (amount(row, "budget")?, amount(row, "actual")?);
    if b.is_zero() {
        return None;
    }
    let mut p = amount::round(a.checked_mul(Decimal::ONE_HUNDRED)? / b, 2);
    p.rescale(2);
    Some(Rate {
        text: format!("{p}%"),
        printed: false,
    })
}

/// Final accounts: the year-start budget and the actual of each 项, two bars per 项.
fn budget_vs_actual(d: &Disclosure) -> Option<ChartView> {
    if d.kind != Kind::Final {
        return None;
    }
    let t = present(d, "budget_vs_actual")?;
    let anchors = super::row_anchors(t);
    let lines: Vec<(&Row, &String)> = t
        .rows
        .iter()
        .zip(&anchors)
        .filter(|(r, _)| r.code.as_deref().is_some_and(|c| c.len() == 7))
        .filter(|(r, _)| amount(r, "budget").is_some() || amount(r, "actual").is_some())
        .collect();
    if lines.is_empty() {
        return None;
    }
    let unit = t.unit.as_str();
    let rows: Vec<ChartRow> = lines
        .iter()
        .map(|(r, anchor)| {
            let show = |col| {
                amount(r, col)
                    .map(amount::format_grouped)
                    .unwrap_or_default()
            };
            ChartRow {
                code: r.code.clone().unwrap_or_default(),
                name: r.name.clone().unwrap_or_default(),
                amount: show("actual"),
                share: String::new(),
                values: vec![
                    show("budget"),
                    show("actual"),
                    completion_rate(r).map_or_else(|| "—".to_string(), |x| x.text),
                ],
                link: super::source_link(t, anchor),
            }
        })
        .collect();
    let subject = "财政拨款支出年初预算与决算（按项）";
    let title = format!("{}{subject}", d.title);
    let desc = rows
        .iter()
        .map(|r| {
            format!(
                "{} {}：年初预算{}{unit}，决算{}{unit}，完成率{}",
                r.code, r.name, r.values[0], r.values[1], r.values[2]
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    let id = "chart-budget-vs-actual";
    let pairs: Vec<(String, Decimal, Decimal)> = lines
        .iter()
        .map(|(r, _)| {
            (
                r.name.clone().unwrap_or_default(),
                amount(r, "budget").unwrap_or_default(),
                amount(r, "actual").unwrap_or_default(),
            )
        })
        .collect();
    let svg = paired_bars(id, &title, &desc, &pairs).ok()?;
    Some(ChartView {
        id: id.to_string(),
        title,
        subject: subject.to_string(),
        desc,
        source: t.label(),
        source_href: Some(super::anchor_of(&t.id)).map(|a| format!("#{a}")),
        unit,
        total: String::new(),
        has_codes: true,
        label_header: "项目",
        summed: false,
        basic: false,
        value_headers: vec!["年初预算", "决算数", "完成率"],
        rows,
        svg,
    })
}

/// Fill of the budget bars: light grey with a dark outline, so the two series differ in
/// greyscale print as well as in colour.
const BUDGET_FILL: RGBColor = RGBColor(0xd9, 0xd9, 0xd9);
const PAIR_ROW_H: u32 = 52;
const PAIR_BAR_H: u32 = 16;
const LEGEND_H: u32 = 30;

/// Two horizontal bars per item (年初预算 light, 决算 dark), labelled with the item's
/// name and both amounts, with a legend.
fn paired_bars(
    id: &str,
    title: &str,
    desc: &str,
    items: &[(String, Decimal, Decimal)],
) -> Result<String, ChartError> {
    let n = items.len() as u32;
    let height = LEGEND_H + n * PAIR_ROW_H + 2 * MARGIN;
    // Names longer than a line are wrapped onto a second one (and only beyond two lines
    // shortened with "…"; the table under the chart has them whole).
    const LINE: usize = 10;
    let max_chars = items
        .iter()
        .map(|(name, _, _)| name.chars().count().min(LINE) as u32)
        .max()
        .unwrap_or(4)
        .max(4);
    let label_w = max_chars * LABEL_PX + 16;
    let value_w = 90;
    let bar_x0 = label_w as i32;
    let bar_span = (WIDTH - label_w - value_w - MARGIN) as f64;
    let max = items
        .iter()
        .flat_map(|(_, b, a)| [b.to_f64().unwrap_or(0.0), a.to_f64().unwrap_or(0.0)])
        .fold(0.0_f64, f64::max);
    let width_of = |v: &Decimal| -> i32 {
        if max > 0.0 {
            ((bar_span * v.to_f64().unwrap_or(0.0) / max).round() as i32).max(1)
        } else {
            1
        }
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<_>| ChartError(format!("{e:?}"));
        root.fill(&WHITE).map_err(err)?;
        let font = |size: f64| TextStyle::from(("sans-serif", size).into_font()).color(&BLACK);
        let label_style = font(FONT).pos(Pos::new(HPos::Right, VPos::Center));
        let value_style = font(FONT * 0.8).pos(Pos::new(HPos::Left, VPos::Center));
        // Legend.
        let ly = (MARGIN + 6) as i32;
        let lx = bar_x0;
        root.draw(&Rectangle::new(
            [(lx, ly), (lx + 16, ly + 12)],
            BUDGET_FILL.filled(),
        ))
        .map_err(err)?;
        root.draw(&Rectangle::new([(lx, ly), (lx + 16, ly + 12)], BLACK))
            .map_err(err)?;
        root.draw(&Text::new(
            "年初预算",
            (lx + 22, ly + 6),
            value_style.clone(),
        ))
        .map_err(err)?;
        let lx2 = lx + 110;
        root.draw(&Rectangle::new(
            [(lx2, ly), (lx2 + 16, ly + 12)],
            BAR.filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            "决算数",
            (lx2 + 22, ly + 6),
            value_style.clone(),
        ))
        .map_err(err)?;
        for (i, (name, budget, actual)) in items.iter().enumerate() {
            let top = (MARGIN + LEGEND_H + i as u32 * PAIR_ROW_H) as i32;
            let y_b = top + 6;
            let y_a = y_b + PAIR_BAR_H as i32 + 2;
            let chars: Vec<char> = name.chars().collect();
            let lines: Vec<String> = if chars.len() <= LINE {
                vec![name.clone()]
            } else if chars.len() <= 2 * LINE {
                let split = chars.len().div_ceil(2);
                vec![
                    chars[..split].iter().collect(),
                    chars[split..].iter().collect(),
                ]
            } else {
                vec![
                    chars[..LINE].iter().collect(),
                    chars[LINE..2 * LINE - 1]
                        .iter()
                        .chain(['…'].iter())
                        .collect(),
                ]
            };
            let y_mid = y_a - 1;
            let n_lines = lines.len() as i32;
            for (j, line) in lines.into_iter().enumerate() {
                let y = y_mid + (2 * j as i32 - (n_lines - 1)) * 9;
                root.draw(&Text::new(line, (bar_x0 - 8, y), label_style.clone()))
                    .map_err(err)?;
            }
            for (y, v, fill) in [(y_b, budget, BUDGET_FILL), (y_a, actual, BAR)] {
                let w = width_of(v);
                let rect = [(bar_x0, y), (bar_x0 + w, y + PAIR_BAR_H as i32)];
                root.draw(&Rectangle::new(rect, fill.filled()))
                    .map_err(err)?;
                root.draw(&Rectangle::new(rect, BLACK)).map_err(err)?;
                root.draw(&Text::new(
                    amount::format_grouped(*v),
                    (bar_x0 + w + 6, y + PAIR_BAR_H as i32 / 2),
                    value_style.clone(),
                ))
                .map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(with_title(&svg, id, title, desc))
}

/// A unit's 本年支出合计 over the years, one chart per kind with at least two years (in
/// their unit, or in 万元 when the years print different units).
pub fn over_years(u: &Unit) -> Vec<ChartView> {
    let mut out = Vec::new();
    for kind in [Kind::Budget, Kind::Final] {
        let mut points: Vec<(u32, Decimal, AmountUnit)> = u
            .disclosures
            .iter()
            .filter(|d| d.kind == kind)
            .filter_map(|d| {
                let (_, v, unit) = super::total_expenditure(d)?;
                Some((d.year, v, AmountUnit::parse(unit)?))
            })
            .collect();
        points.sort_by_key(|p| p.0);
        if points.len() < 2 {
            continue;
        }
        // Years printed in different units are drawn in 万元, each converted exactly.
        let unit = if points.iter().all(|p| p.2 == points[0].2) {
            points[0].2
        } else {
            AmountUnit::Wanyuan
        };
        let Some(points) = points
            .iter()
            .map(|(y, v, u)| Some((*y, amount::convert(*v, *u, unit)?, unit)))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let unit = unit.as_str();
        let items: Vec<Item> = points
            .iter()
            .map(|(year, v, _)| Item {
                code: String::new(),
                name: format!("{year}年"),
                value: *v,
                anchor: None,
            })
            .collect();
        let id = format!("chart-years-{}", kind.as_str());
        let title = format!("{}历年{}支出合计", u.name, kind.label_zh());
        let rows: Vec<ChartRow> = items
            .iter()
            .map(|i| ChartRow {
                code: String::new(),
                name: i.name.clone(),
                amount: amount::format_grouped(i.value),
                share: String::new(),
                values: Vec::new(),
                link: String::new(),
            })
            .collect();
        let desc = rows
            .iter()
            .map(|r| format!("{}：{}{unit}", r.name, r.amount))
            .collect::<Vec<_>>()
            .join("；");
        let bars_in: Vec<(String, Decimal)> =
            items.iter().map(|i| (i.name.clone(), i.value)).collect();
        let Ok(svg) = bars(&id, &title, &desc, &bars_in) else {
            continue;
        };
        out.push(ChartView {
            id,
            subject: title.clone(),
            title,
            desc,
            source: format!("各年度{}的本年支出合计", kind.label_zh()),
            source_href: None,
            unit,
            total: String::new(),
            has_codes: false,
            label_header: "年度",
            summed: false,
            basic: false,
            value_headers: Vec::new(),
            rows,
            svg,
        });
    }
    out
}

/// A chart of `items` read from `t`; its title is the document's title and `subject`.
fn chart(
    id: &str,
    d: &Disclosure,
    subject: &str,
    t: &Table,
    items: Vec<Item>,
) -> Option<ChartView> {
    let title = format!("{}{subject}", d.title);
    let subject = subject.to_string();
    let total: Decimal = items.iter().map(|i| i.value).sum();
    if total <= Decimal::ZERO {
        return None;
    }
    let rows: Vec<ChartRow> = items
        .iter()
        .map(|i| {
            let mut share = amount::round(i.value * Decimal::ONE_HUNDRED / total, 2);
            share.rescale(2);
            ChartRow {
                code: i.code.clone(),
                name: i.name.clone(),
                amount: amount::format_grouped(i.value),
                share: format!("{share}%"),
                values: Vec::new(),
                link: i
                    .anchor
                    .as_deref()
                    .map(|a| super::source_link(t, a))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let desc = rows
        .iter()
        .map(|r| {
            let label = if r.code.is_empty() {
                r.name.clone()
            } else {
                format!("{} {}", r.code, r.name)
            };
            format!("{label}：{}{}，占{}", r.amount, t.unit.as_str(), r.share)
        })
        .collect::<Vec<_>>()
        .join("；");
    let bars_in: Vec<(String, Decimal)> = items.iter().map(|i| (i.name.clone(), i.value)).collect();
    let svg = bars(id, &title, &desc, &bars_in).ok()?;
    Some(ChartView {
        id: id.to_string(),
        title,
        subject,
        desc,
        source: t.label(),
        source_href: Some(format!("#table-{}", t.id.to_ascii_lowercase())),
        unit: t.unit.as_str(),
        total: amount::format_grouped(total),
        has_codes: items.iter().any(|i| !i.code.is_empty()),
        label_header: "项目",
        summed: false,
        basic: matches!(t.kind.as_str(), "general_basic" | "final_general_basic"),
        value_headers: Vec::new(),
        rows,
        svg,
    })
}

/// Horizontal bars, one per item, labelled with its name and amount.
fn bars(
    id: &str,
    title: &str,
    desc: &str,
    items: &[(String, Decimal)],
) -> Result<String, ChartError> {
    let n = items.len() as u32;
    let height = n * ROW_H + 2 * MARGIN;
    let max_chars = items
        .iter()
        .map(|(name, _)| name.chars().count() as u32)
        .max()
        .unwrap_or(4)
        .clamp(4, 16);
    let label_w = max_chars * LABEL_PX + 16;
    let value_w = 100;
    let bar_x0 = label_w as i32;
    let bar_span = (WIDTH - label_w - value_w - MARGIN) as f64;
    let max = items
        .iter()
        .map(|(_, v)| v.to_f64().unwrap_or(0.0))
        .fold(0.0_f64, f64::max);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<_>| ChartError(format!("{e:?}"));
        root.fill(&WHITE).map_err(err)?;
        let label_style = TextStyle::from(("sans-serif", FONT).into_font())
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        let value_style = TextStyle::from(("sans-serif", FONT).into_font())
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (i, (name, v)) in items.iter().enumerate() {
            let y0 = (MARGIN + i as u32 * ROW_H + (ROW_H - BAR_H) / 2) as i32;
            let y_mid = y0 + BAR_H as i32 / 2;
            let frac = if max > 0.0 {
                v.to_f64().unwrap_or(0.0) / max
            } else {
                0.0
            };
            let w = ((bar_span * frac).round() as i32).max(1);
            let label: String = name.chars().take(16).collect();
            root.draw(&Text::new(label, (bar_x0 - 8, y_mid), label_style.clone()))
                .map_err(err)?;
            root.draw(&Rectangle::new(
                [(bar_x0, y0), (bar_x0 + w, y0 + BAR_H as i32)],
                BAR.filled(),
            ))
            .map_err(err)?;
            root.draw(&Text::new(
                amount::format_grouped(*v),
                (bar_x0 + w + 6, y_mid),
                value_style.clone(),
            ))
            .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(with_title(&svg, id, title, desc))
}

/// Adds `role`, `<title>` and `<desc>` to a plotters SVG and lets it scale down.
fn with_title(svg: &str, id: &str, title: &str, desc: &str) -> String {
    let Some(end) = svg.find('>') else {
        return svg.to_string();
    };
    let open = svg[..end].replacen(
        "<svg ",
        &format!("<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" "),
        1,
    );
    format!(
        "{open}>\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>{}",
        escape(title),
        escape(desc),
        &svg[end + 1..]
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn bars_are_deterministic_and_titled() {
        let items = vec![
            (
                "社会保障和就业支出".to_string(),
                Decimal::from_str("55.17").unwrap(),
            ),
            (
                "卫生健康支出".to_string(),
                Decimal::from_str("533.21").unwrap(),
            ),
        ];
        let a = bars("c", "标题", "说明 <x>", &items).unwrap();
        let b = bars("c", "标题", "说明 <x>", &items).unwrap();
        assert_eq!(a, b);
        assert!(a.contains("<title id=\"c-title\">标题</title>"));
        assert!(a.contains("说明 &lt;x&gt;"));
        assert!(a.contains("卫生健康支出"));
        assert!(a.contains("533.21"));
    }
}
