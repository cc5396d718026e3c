//! The standard paragraphs of the explanation, generated from the tables: totals and
//! the change from last year, structure by function, economic class and nature, 三公 by
//! component, 公用经费 / 机关运行经费, and for final accounts budget against actual.
//!
//! Every figure is a cell of the model (or an exact sum, difference or ratio of cells,
//! computed in `Decimal`), shown as printed and wrapped in a `<span class="fig">` naming
//! its source. Names come from the sources, so everything is escaped here.

use super::charts::ChartView;
use crate::amount;
use crate::model::{Disclosure, Kind, Status, Table, Unit, Value};
use rust_decimal::Decimal;

/// A cell read for a sentence: its value as printed and where it comes from.
struct Fig {
    value: Decimal,
    unit: &'static str,
    source: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn span(text: &str, source: &str) -> String {
    format!(
        "<span class=\"fig\" title=\"数据来源：{}\">{}</span>",
        escape(source),
        escape(text)
    )
}

fn present<'a>(d: &'a Disclosure, kind: &str) -> Option<&'a Table> {
    d.table(kind).filter(|t| t.status == Status::Present)
}

/// A cell by table kind, row and column; a blank cell reads as zero with the scale of
/// the row's other figures.
fn cell(d: &Disclosure, kind: &str, row: &str, col: &str) -> Option<Fig> {
    let t = present(d, kind)?;
    let column = t.column(col)?;
    let r = t.row(row)?;
    let value = match r.cells.get(col).map(|c| &c.value) {
        Some(Value::Amount(v)) => *v,
        None | Some(Value::Blank) => {
            let scale = r
                .cells
                .values()
                .filter_map(|c| match c.value {
                    Value::Amount(v) => Some(v.scale()),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            Decimal::new(0, scale)
        }
        _ => return None,
    };
    Some(Fig {
        value,
        unit: t.unit.as_str(),
        source: format!("{} › {} › {}", t.label(), r.label(), column.name),
    })
}

fn first_cell(d: &Disclosure, candidates: &[(&str, &str, &str)]) -> Option<Fig> {
    candidates.iter().find_map(|(k, r, c)| cell(d, k, r, c))
}

fn show(f: &Fig) -> String {
    format!(
        "{}{}",
        span(&amount::format_grouped(f.value), &f.source),
        f.unit
    )
}

fn pct(part: Decimal, whole: Decimal) -> Option<String> {
    if whole.is_zero() {
        return None;
    }
    let mut p = amount::round(part.checked_mul(Decimal::ONE_HUNDRED)? / whole, 2);
    p.rescale(2);
    Some(format!("{p}%"))
}

fn total_cells(d: &Disclosure) -> [(&'static str, &'static str, &'static str); 3] {
    match d.kind {
        Kind::Budget => [
            ("summary", "exp_total", "amount"),
            ("expenditure", "total", "total"),
            ("general_expenditure", "total", "total"),
        ],
        Kind::Final => [
            ("final_summary", "exp_total", "amount"),
            ("final_expenditure", "total", "total"),
            ("final_general_expenditure", "total", "total"),
        ],
    }
}

/// The generated paragraphs, as sanitized-by-construction HTML.
pub fn paragraphs(u: &Unit, d: &Disclosure, charts: &[ChartView]) -> Vec<String> {
    let mut out = Vec::new();
    let kind_word = match d.kind {
        Kind::Budget => "预算",
        Kind::Final => "决算",
    };
    // Totals, and the change from the previous year of the same kind.
    let summary_kind = match d.kind {
        Kind::Budget => "summary",
        Kind::Final => "final_summary",
    };
    let income = cell(d, summary_kind, "income_total", "amount");
    let spent = first_cell(d, &total_cells(d));
    let mut p = String::new();
    if let Some(i) = &income {
        p.push_str(&format!("{}年本部门收入{kind_word}合计{}", d.year, show(i)));
    }
    if let Some(s) = &spent {
        if !p.is_empty() {
            p.push('，');
        } else {
            p.push_str(&format!("{}年本部门", d.year));
        }
        p.push_str(&format!("支出{kind_word}合计{}", show(s)));
        let prev = u
            .disclosures
            .iter()
            .find(|p| p.kind == d.kind && p.year + 1 == d.year);
        if let Some(prev) = prev {
            if let Some(ps) = first_cell(prev, &total_cells(prev)).filter(|ps| ps.unit == s.unit) {
                let diff = s.value - ps.value;
                let (word, rate_word) = match diff.cmp(&Decimal::ZERO) {
                    std::cmp::Ordering::Greater => ("增加", "增长"),
                    std::cmp::Ordering::Less => ("减少", "下降"),
                    std::cmp::Ordering::Equal => ("持平", ""),
                };
                let prev_source = format!("{} › {}", prev.title, ps.source);
                if diff.is_zero() {
                    p.push_str(&format!(
                        "，与上年（{}）{word}",
                        span(&amount::format_grouped(ps.value), &prev_source)
                    ));
                } else {
                    let source = format!("本年 {} 减上年 {}", s.source, prev_source);
                    p.push_str(&format!(
                        "，比上年{}{}{}{}",
                        span(&amount::format_grouped(ps.value), &prev_source),
                        s.unit,
                        word,
                        span(&amount::format_grouped(diff.abs()), &source)
                    ));
                    p.push_str(s.unit);
                    if let Some(r) = pct(diff.abs(), ps.value) {
                        p.push_str(&format!("，{rate_word}{}", span(&r, &source)));
                    }
                }
            }
        }
    }
    if !p.is_empty() {
        p.push('。');
        out.push(p);
    }
    // Structure, from the charts (whose tables are on the page).
    for c in charts {
        if !matches!(
            c.id.as_str(),
            "chart-functional" | "chart-largest-class" | "chart-economic" | "chart-nature"
        ) {
            continue;
        }
        let lead = escape(&c.subject);
        let parts: Vec<String> = c
            .rows
            .iter()
            .map(|r| {
                let label = if r.code.is_empty() {
                    escape(&r.name)
                } else {
                    format!("{}（{}）", escape(&r.name), escape(&r.code))
                };
                let source = if r.code.is_empty() {
                    format!("{} › 合计 › {}", c.source, r.name)
                } else {
                    format!("{} › {} {}", c.source, r.code, r.name)
                };
                format!(
                    "{label}{}{}，占{}",
                    span(&r.amount, &source),
                    c.unit,
                    span(&r.share, &format!("{source}，除以合计 {}", c.total))
                )
            })
            .collect();
        if !parts.is_empty() {
            let summed = if c.summed {
                "（原表未列类级合计，类级数字由表中各科目相加得出）"
            } else {
                ""
            };
            out.push(format!("{lead}{summed}：{}。", parts.join("；")));
        }
    }
    // 三公, by component.
    let (three, row) = match d.kind {
        Kind::Budget => ("three_public", "budget"),
        Kind::Final => ("final_three_public", "actual"),
    };
    match d.table(three) {
        Some(t) if t.status == Status::Present => {
            let row = if t.row(row).is_some() { row } else { "total" };
            if let Some(total) = cell(d, three, row, "total") {
                let mut s = format!("“三公”经费{kind_word}{}", show(&total));
                let mut parts = Vec::new();
                for (col, name) in [
                    ("abroad", "因公出国（境）费"),
                    ("vehicle", "公务用车购置及运行费"),
                ] {
                    if let Some(f) = cell(d, three, row, col) {
                        parts.push(format!("{name}{}", show(&f)));
                    }
                }
                let purchase = cell(d, three, row, "vehicle_purchase");
                let running = cell(d, three, row, "vehicle_running");
                if let (Some(p), Some(r)) = (purchase, running) {
                    if let Some(last) = parts.last_mut() {
                        last.push_str(&format!(
                            "（其中公务用车购置费{}，公务用车运行维护费{}）",
                            show(&p),
                            show(&r)
                        ));
                    }
                }
                if let Some(f) = cell(d, three, row, "reception") {
                    parts.push(format!("公务接待费{}", show(&f)));
                }
                if !parts.is_empty() {
                    s.push_str(&format!("，其中：{}", parts.join("，")));
                }
                s.push('。');
                out.push(s);
            }
        }
        Some(t) if t.status == Status::Empty => out.push(format!(
            "“三公”经费{kind_word}表为空：{}",
            escape(t.reason.as_deref().unwrap_or("原文未说明原因"))
        )),
        Some(_) => out.push(format!("原文“三公”经费{kind_word}表无法辨认。")),
        None => {}
    }
    // 公用经费 (机关运行经费 for 行政单位 and 参公事业单位).
    let basic = match d.kind {
        Kind::Budget => "general_basic",
        Kind::Final => "final_general_basic",
    };
    if let Some(f) = cell(d, basic, "total", "public") {
        let name = if u.unit_type == "事业单位" {
            "一般公共预算基本支出中的公用经费"
        } else {
            "机关运行经费（一般公共预算基本支出中的公用经费）"
        };
        out.push(format!("{name}{kind_word}{}。", show(&f)));
    }
    // Final accounts: the year-start budget against the actual.
    if d.kind == Kind::Final {
        let b = cell(d, "budget_vs_actual", "total", "budget");
        let a = cell(d, "budget_vs_actual", "total", "actual");
        if let (Some(b), Some(a)) = (b, a) {
            // The printed rate when there is one, else actual ÷ budget.
            let printed = d
                .table("budget_vs_actual")
                .and_then(|t| t.row("total"))
                .filter(|r| r.cells.contains_key("rate"))
                .and_then(|_| cell(d, "budget_vs_actual", "total", "rate"));
            let rate = match printed {
                Some(r) => Some(span(&format!("{}%", r.value), &r.source)),
                None => pct(a.value, b.value)
                    .map(|p| span(&p, &format!("{} 除以 {}", a.source, b.source))),
            };
            let mut s = format!("财政拨款支出年初预算{}，决算{}", show(&b), show(&a));
            if let Some(r) = rate {
                s.push_str(&format!("，完成年初预算的{r}"));
            }
            s.push('。');
            out.push(s);
        }
    }
    out
}
