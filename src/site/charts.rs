//! Charts as inline SVG, drawn with plotters' SVG backend.
//!
//! Figures are the model's decimals; `f64` is used only for bar geometry. Bars are drawn
//! as rectangles (not `Histogram`, which iterates a HashMap), label areas are sized here
//! (plotters measures CJK text badly without a font), and every chart's figures are also
//! given as a table on the page.

use crate::amount::{self, AmountUnit};
use crate::catalogue::Catalogue;
use crate::model::{Disclosure, Kind, Row, Status, Table, Unit, Value};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct ChartRow {
    /// The classification code, or empty for a labelled item.
    pub code: String,
    pub name: String,
    pub amount: String,
    pub share: String,
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
}

/// Every chart of a disclosure, in page order.
pub fn for_disclosure(d: &Disclosure, catalogue: &Catalogue) -> Vec<ChartView> {
    [
        functional(d, catalogue),
        largest_class(d),
        economic(d),
        nature(d),
        three_public(d),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn present<'a>(d: &'a Disclosure, kind: &str) -> Option<&'a Table> {
    d.table(kind).filter(|t| t.status == Status::Present)
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
        .filter_map(|r| {
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
        let mut ancestor = crate::catalogue::parent(code);
        let mut has_ancestor = false;
        while let Some(a) = ancestor {
            has_ancestor |= codes.contains(&a);
            ancestor = crate::catalogue::parent(a);
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
        })
        .collect()
}

/// Expenditure by function (类): the 类 lines of the expenditure table, or the sums by
/// 类 of its lines when it prints no 类 line.
fn functional(d: &Disclosure, catalogue: &Catalogue) -> Option<ChartView> {
    for kind in [
        "expenditure",
        "final_expenditure",
        "general_expenditure",
        "final_general_expenditure",
    ] {
        let Some(t) = present(d, kind) else { continue };
        if t.column("total").is_none() {
            continue;
        }
        let items = class_items(t, '2');
        if !items.is_empty() {
            return chart("chart-functional", d, "支出按功能分类（类）", t, items);
        }
    }
    for kind in ["expenditure", "final_expenditure"] {
        let Some(t) = present(d, kind) else { continue };
        if t.column("total").is_none() {
            continue;
        }
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
    for kind in [
        "expenditure",
        "final_expenditure",
        "general_expenditure",
        "final_general_expenditure",
    ] {
        let Some(t) = present(d, kind) else { continue };
        if t.column("total").is_none() {
            continue;
        }
        let classes = class_items(t, '2');
        let Some(largest) = classes.iter().max_by_key(|i| i.value) else {
            continue;
        };
        let items: Vec<Item> = t
            .rows
            .iter()
            .filter_map(|r| {
                let code = r.code.as_deref()?;
                if code.len() != 5 || !code.starts_with(&largest.code) {
                    return None;
                }
                let value = amount(r, "total").filter(|v| *v > Decimal::ZERO)?;
                Some(Item {
                    code: code.to_string(),
                    name: r.name.clone().unwrap_or_default(),
                    value,
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

/// Basic expenditure, project expenditure and the others, from the total line.
fn nature(d: &Disclosure) -> Option<ChartView> {
    let parts = [
        ("basic", "基本支出"),
        ("project", "项目支出"),
        ("upper", "上缴上级支出"),
        ("business", "事业单位经营支出"),
        ("subsidiary", "对附属单位补助支出"),
    ];
    for kind in [
        "expenditure",
        "final_expenditure",
        "general_expenditure",
        "final_general_expenditure",
    ] {
        let Some(t) = present(d, kind) else { continue };
        let Some(row) = t.row("total") else { continue };
        if t.column("basic").is_none() {
            continue;
        }
        let items: Vec<Item> = parts
            .iter()
            .filter(|(col, _)| t.column(col).is_some())
            .filter_map(|(col, name)| {
                let value = amount(row, col)?;
                (value > Decimal::ZERO).then(|| Item {
                    code: String::new(),
                    name: name.to_string(),
                    value,
                })
            })
            .collect();
        if !items.is_empty() {
            return chart("chart-nature", d, "基本支出与项目支出", t, items);
        }
    }
    None
}

/// The 三公 components: budget for a budget, actual for final accounts.
fn three_public(d: &Disclosure) -> Option<ChartView> {
    let (kind, row_key, what) = match d.kind {
        Kind::Budget => ("three_public", "budget", "预算"),
        Kind::Final => ("final_three_public", "actual", "决算"),
    };
    let t = present(d, kind)?;
    let row = t.row(row_key).or_else(|| t.row("total"))?;
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

/// A unit's 本年支出合计 over the years, one chart per kind with at least two years
/// printed in the same unit.
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
        if points.len() < 2 || points.iter().any(|p| p.2 != points[0].2) {
            continue;
        }
        let unit = points[0].2.as_str();
        let items: Vec<Item> = points
            .iter()
            .map(|(year, v, _)| Item {
                code: String::new(),
                name: format!("{year}年"),
                value: *v,
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
        rows,
        svg,
    })
}

/// Horizontal bars, one per item, labelled with its name and amount.
fn bars(id: &str, title: &str, desc: &str, items: &[(String, Decimal)]) -> Result<String, String> {
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
        let err = |e: DrawingAreaErrorKind<_>| format!("{e:?}");
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
