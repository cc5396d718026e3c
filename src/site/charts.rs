//! Charts as inline SVG, drawn with plotters' SVG backend.
//!
//! Figures are the model's decimals; `f64` is used only for bar geometry. Bars are drawn
//! as rectangles (not `Histogram`, which iterates a HashMap), label areas are sized here
//! (plotters measures CJK text badly without a font), and every chart's figures are also
//! given as a table on the page.

use crate::amount;
use crate::model::{Disclosure, Status, Value};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct ChartRow {
    pub code: String,
    pub name: String,
    pub amount: String,
    pub share: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChartView {
    pub id: String,
    pub title: String,
    pub desc: String,
    /// The table the figures come from (`T03 支出总表`).
    pub source: String,
    pub source_anchor: String,
    pub unit: &'static str,
    pub total: String,
    pub rows: Vec<ChartRow>,
    pub svg: String,
}

const WIDTH: u32 = 720;
const ROW_H: u32 = 34;
const BAR_H: u32 = 20;
const MARGIN: u32 = 8;
/// Pixel size of a label's character: CJK glyphs are about 1em wide.
const LABEL_PX: u32 = 14;
/// plotters writes font sizes divided by 1.24.
const FONT: f64 = LABEL_PX as f64 * 1.24;
const BAR: RGBColor = RGBColor(0x1f, 0x4e, 0x79);

/// Expenditure by function (类): the 类 rows of the expenditure table (total column).
pub fn functional(d: &Disclosure) -> Option<ChartView> {
    let sources = [
        "expenditure",
        "final_expenditure",
        "general_expenditure",
        "final_general_expenditure",
    ];
    for kind in sources {
        let Some(t) = d.table(kind) else { continue };
        if t.status != Status::Present || t.column("total").is_none() {
            continue;
        }
        let mut items = Vec::new();
        for r in &t.rows {
            let Some(code) = r.code.as_deref() else {
                continue;
            };
            if code.len() != 3 || !code.starts_with('2') {
                continue;
            }
            match r.cells.get("total").map(|c| &c.value) {
                Some(Value::Amount(v)) if *v > Decimal::ZERO => {
                    items.push((code.to_string(), r.name.clone().unwrap_or_default(), *v));
                }
                _ => {}
            }
        }
        if items.is_empty() {
            continue;
        }
        let total: Decimal = items.iter().map(|(_, _, v)| *v).sum();
        let rows: Vec<ChartRow> = items
            .iter()
            .map(|(code, name, v)| {
                let mut share = amount::round(*v * Decimal::ONE_HUNDRED / total, 2);
                share.rescale(2);
                ChartRow {
                    code: code.clone(),
                    name: name.clone(),
                    amount: amount::format_grouped(*v),
                    share: format!("{share}%"),
                }
            })
            .collect();
        let title = format!("{}支出按功能分类（类）", d.title);
        let desc = rows
            .iter()
            .map(|r| format!("{} {}：{}{}，占{}", r.code, r.name, r.amount, t.unit.as_str(), r.share))
            .collect::<Vec<_>>()
            .join("；");
        let svg = bars(&title, &desc, &items).ok()?;
        return Some(ChartView {
            id: "chart-functional".into(),
            title,
            desc,
            source: t.label(),
            source_anchor: format!("table-{}", t.id.to_ascii_lowercase()),
            unit: t.unit.as_str(),
            total: amount::format_grouped(total),
            rows,
            svg,
        });
    }
    None
}

/// Horizontal bars, one per item, labelled with its name and amount.
fn bars(title: &str, desc: &str, items: &[(String, String, Decimal)]) -> Result<String, String> {
    let n = items.len() as u32;
    let height = n * ROW_H + 2 * MARGIN;
    let max_chars = items
        .iter()
        .map(|(_, name, _)| name.chars().count() as u32)
        .max()
        .unwrap_or(4)
        .clamp(4, 16);
    let label_w = max_chars * LABEL_PX + 16;
    let value_w = 120;
    let bar_x0 = label_w as i32;
    let bar_span = (WIDTH - label_w - value_w - MARGIN) as f64;
    let max = items
        .iter()
        .map(|(_, _, v)| v.to_f64().unwrap_or(0.0))
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
        for (i, (_, name, v)) in items.iter().enumerate() {
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
    Ok(with_title(&svg, title, desc))
}

/// Adds `role`, `<title>` and `<desc>` to a plotters SVG and lets it scale down.
fn with_title(svg: &str, title: &str, desc: &str) -> String {
    let Some(end) = svg.find('>') else {
        return svg.to_string();
    };
    let open = svg[..end].replacen(
        "<svg ",
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" ",
        1,
    );
    format!(
        "{open}>\n<title id=\"chart-title\">{}</title>\n<desc id=\"chart-desc\">{}</desc>{}",
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
            ("208".to_string(), "社会保障和就业支出".to_string(), Decimal::from_str("55.17").unwrap()),
            ("210".to_string(), "卫生健康支出".to_string(), Decimal::from_str("533.21").unwrap()),
        ];
        let a = bars("标题", "说明 <x>", &items).unwrap();
        let b = bars("标题", "说明 <x>", &items).unwrap();
        assert_eq!(a, b);
        assert!(a.contains("<title id=\"chart-title\">标题</title>"));
        assert!(a.contains("说明 &lt;x&gt;"));
        assert!(a.contains("卫生健康支出"));
        assert!(a.contains("533.21"));
    }
}
