//! The generated paragraphs of the explanation, one group per standard section (see
//! `sections::STANDARD`): totals and the change from last year, the sources of income,
//! structure by function, economic class and nature with shares, 一般公共预算 /
//! 基本 / 项目 expenditure, 政府性基金 and 国有资本经营, for final accounts each 项's
//! budget against actual, 机关运行经费 (basic 公用经费), 三公 by component, 会议费 /
//! 培训费, 政府采购 and the performance tables.
//!
//! Every figure is a cell of the model (or an exact sum, difference or ratio of cells,
//! computed in `Decimal`), shown as printed, wrapped in a `<span class="fig">` naming its
//! source and followed by a visible link to its table row (`表T07`). Names come from the
//! sources, so everything is escaped here.

use super::charts::{self, ChartView};
use super::{escape_html as escape, row_anchor, source_link};
use crate::model::amount;
use crate::model::{Disclosure, Kind, Status, Table, Unit, Value};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A cell read for a sentence: its value as printed, where it comes from, and the link
/// to its row.
struct Fig {
    value: Decimal,
    unit: &'static str,
    source: String,
    link: String,
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
        link: row_anchor(t, row)
            .map(|a| source_link(t, &a))
            .unwrap_or_default(),
    })
}

fn first_cell(d: &Disclosure, candidates: &[(&str, &str, &str)]) -> Option<Fig> {
    candidates.iter().find_map(|(k, r, c)| cell(d, k, r, c))
}

/// `629.76万元表T01`: the figure, its unit and the link to its row.
fn show(f: &Fig) -> String {
    format!(
        "{}{}{}",
        span(&amount::format_grouped(f.value), &f.source),
        f.unit,
        f.link
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

/// The table kinds a disclosure of `kind` uses for each standard table.
struct Kinds {
    word: &'static str,
    summary: &'static str,
    general: &'static str,
    basic: &'static str,
    three: &'static str,
    three_row: &'static str,
    fund: &'static str,
    state_capital: &'static str,
}

fn kinds(kind: Kind) -> Kinds {
    match kind {
        Kind::Budget => Kinds {
            word: "预算",
            summary: "summary",
            general: "general_expenditure",
            basic: "general_basic",
            three: "three_public",
            three_row: "budget",
            fund: "fund_expenditure",
            state_capital: "state_capital",
        },
        Kind::Final => Kinds {
            word: "决算",
            summary: "final_summary",
            general: "final_general_expenditure",
            basic: "final_general_basic",
            three: "final_three_public",
            three_row: "actual",
            fund: "final_fund",
            state_capital: "final_state_capital",
        },
    }
}

/// The generated paragraphs by standard section id, as HTML built here (every source
/// text escaped).
pub fn by_section(
    u: &Unit,
    d: &Disclosure,
    charts: &[ChartView],
) -> BTreeMap<&'static str, Vec<String>> {
    let k = kinds(d.kind);
    let mut out: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut push = |id: &'static str, p: Option<String>| {
        if let Some(p) = p {
            out.entry(id).or_default().push(p);
        }
    };
    push("totals", totals(u, d, &k));
    push("income", income(d, &k));
    for c in charts {
        let section = match c.id.as_str() {
            "chart-nature" | "chart-functional" | "chart-largest-class" => "expenditure",
            "chart-economic" if c.basic => "basic",
            "chart-economic" => "expenditure",
            _ => continue,
        };
        push(section, structure(c));
    }
    push("general-budget", general_budget(d, &k));
    push("basic", basic(d, &k));
    push("project", project(d, &k));
    push("fund", fund_like(d, k.fund, "政府性基金预算", k.word));
    push(
        "state-capital",
        fund_like(d, k.state_capital, "国有资本经营预算", k.word),
    );
    if d.kind == Kind::Final {
        push("budget-vs-actual", budget_vs_actual_total(d));
        for p in budget_vs_actual_items(d) {
            push("budget-vs-actual", Some(p));
        }
    }
    push("running-costs", running_costs(u, d, &k));
    push("three-public", three_public(d, &k));
    push("meetings-training", meetings_training(d, &k));
    push("procurement", procurement(d));
    push("performance", performance(d));
    out
}

/// Totals, and the change from the previous year of the same kind.
fn totals(u: &Unit, d: &Disclosure, k: &Kinds) -> Option<String> {
    let kind_word = k.word;
    let income = cell(d, k.summary, "income_total", "amount");
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
        if let Some(prev) = prev
            && let Some(ps) = first_cell(prev, &total_cells(prev)).filter(|ps| ps.unit == s.unit)
        {
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
    (!p.is_empty()).then(|| format!("{p}。"))
}

/// The sources of income: the income lines of the summary table, with shares.
fn income(d: &Disclosure, k: &Kinds) -> Option<String> {
    let t = present(d, k.summary)?;
    let total = cell(d, k.summary, "income_total", "amount")?;
    let has_fiscal = t.row("income_fiscal").is_some();
    let parts: Vec<String> = t
        .rows
        .iter()
        .filter_map(|r| {
            let key = r.key.as_deref()?;
            // Top-level income lines only: not the totals, not the 其中 lines of
            // 一般公共预算, and not the funds that 财政拨款 already covers.
            let total_line = matches!(key, "income_total" | "income_grand_total" | "income_sum");
            let sub_line = key.starts_with("income_general_")
                || (has_fiscal
                    && matches!(
                        key,
                        "income_general" | "income_fund" | "income_state_capital"
                    ));
            if !key.starts_with("income_") || total_line || sub_line {
                return None;
            }
            let f = cell(d, k.summary, key, "amount")?;
            if f.value.is_zero() {
                return None;
            }
            let name = escape(r.name.as_deref().unwrap_or(key));
            let share = pct(f.value, total.value)
                .map(|s| {
                    format!(
                        "，占{}",
                        span(&s, &format!("{}，除以 {}", f.source, total.source))
                    )
                })
                .unwrap_or_default();
            Some(format!("{name}{}{share}", show(&f)))
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    let mut p = format!(
        "收入{}合计{}，其中：{}",
        k.word,
        show(&total),
        parts.join("；")
    );
    if let Some(c) = cell(d, k.summary, "carryover", "amount").filter(|c| !c.value.is_zero()) {
        p.push_str(&format!("。另有上年结转结余{}", show(&c)));
    }
    p.push('。');
    Some(p)
}

/// One structure chart as a sentence: each item with its amount and share.
fn structure(c: &ChartView) -> Option<String> {
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
                "{label}{}{}{}，占{}",
                span(&r.amount, &source),
                c.unit,
                r.link,
                span(&r.share, &format!("{source}，除以合计 {}", c.total))
            )
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    let summed = if c.summed {
        "（原表未列类级合计，类级数字由表中各科目相加得出）"
    } else {
        ""
    };
    Some(format!("{lead}{summed}：{}。", parts.join("；")))
}

fn general_budget(d: &Disclosure, k: &Kinds) -> Option<String> {
    let total = cell(d, k.general, "total", "total")?;
    let mut p = format!("一般公共预算拨款支出{}{}", k.word, show(&total));
    let basic = cell(d, k.general, "total", "basic");
    let project = cell(d, k.general, "total", "project");
    let mut parts = Vec::new();
    if let Some(b) = basic {
        parts.push(format!("基本支出{}", show(&b)));
    }
    if let Some(pr) = project {
        parts.push(format!("项目支出{}", show(&pr)));
    }
    if !parts.is_empty() {
        p.push_str(&format!("，其中{}", parts.join("，")));
    }
    p.push('。');
    Some(p)
}

fn basic(d: &Disclosure, k: &Kinds) -> Option<String> {
    let personnel = cell(d, k.basic, "total", "personnel");
    let public = cell(d, k.basic, "total", "public");
    let total = cell(d, k.basic, "total", "total").or_else(|| cell(d, k.general, "total", "basic"));
    let mut parts = Vec::new();
    if let Some(p) = &personnel {
        parts.push(format!("人员经费{}", show(p)));
    }
    if let Some(p) = &public {
        parts.push(format!("公用经费{}", show(p)));
    }
    match (total, parts.is_empty()) {
        (Some(t), true) => Some(format!("一般公共预算基本支出{}{}。", k.word, show(&t))),
        (Some(t), false) => Some(format!(
            "一般公共预算基本支出{}{}，其中{}。",
            k.word,
            show(&t),
            parts.join("，")
        )),
        (None, false) => Some(format!("一般公共预算基本支出中，{}。", parts.join("，"))),
        (None, true) => match d.table(k.basic) {
            Some(t) if t.status == Status::Missing => {
                Some(format!("原文{}无法辨认。", escape(&t.label())))
            }
            _ => None,
        },
    }
}

fn project(d: &Disclosure, k: &Kinds) -> Option<String> {
    let p = cell(d, k.general, "total", "project")?;
    Some(format!("一般公共预算项目支出{}{}。", k.word, show(&p)))
}

/// 政府性基金 / 国有资本经营: the total, or the empty table's reason.
fn fund_like(d: &Disclosure, kind: &str, name: &str, word: &str) -> Option<String> {
    let t = d.table(kind)?;
    match t.status {
        Status::Empty => Some(format!(
            "{name}支出{word}表为空：{}",
            escape(t.reason.as_deref().unwrap_or("原文未说明原因"))
        )),
        Status::Missing => Some(format!("原文{}无法辨认。", escape(&t.label()))),
        Status::Present => {
            let total = ["total", "expenditure", "amount"]
                .iter()
                .find_map(|c| cell(d, kind, "total", c))?;
            Some(format!("{name}拨款支出{word}{}。", show(&total)))
        }
    }
}

fn budget_vs_actual_total(d: &Disclosure) -> Option<String> {
    let b = cell(d, "budget_vs_actual", "total", "budget")?;
    let a = cell(d, "budget_vs_actual", "total", "actual")?;
    let t = present(d, "budget_vs_actual")?;
    let row = t.row("total")?;
    let rate = charts::completion_rate(row).map(|r| {
        let src = if r.printed {
            format!("{} › {} › 完成率", t.label(), row.label())
        } else {
            format!("{} 除以 {}", a.source, b.source)
        };
        span(&r.text, &src)
    });
    let mut s = format!("财政拨款支出年初预算{}，决算{}", show(&b), show(&a));
    if let Some(r) = rate {
        s.push_str(&format!("，完成年初预算的{r}"));
    }
    s.push('。');
    Some(s)
}

/// Each 项: year-start budget, actual and completion rate, one paragraph each.
fn budget_vs_actual_items(d: &Disclosure) -> Vec<String> {
    let Some(t) = present(d, "budget_vs_actual") else {
        return Vec::new();
    };
    let items: Vec<String> = t
        .rows
        .iter()
        .filter(|r| r.code.as_deref().is_some_and(|c| c.len() == 7))
        .filter_map(|r| {
            let code = r.code.as_deref()?;
            let b = cell(d, "budget_vs_actual", code, "budget")?;
            let a = cell(d, "budget_vs_actual", code, "actual")?;
            let rate = match charts::completion_rate(r) {
                Some(rate) => {
                    let src = if rate.printed {
                        format!("{} › {} › 完成率", t.label(), r.label())
                    } else {
                        format!("{} 除以 {}", a.source, b.source)
                    };
                    format!("，完成率{}", span(&rate.text, &src))
                }
                None => "，年初预算为零，无法计算完成率".to_string(),
            };
            Some(format!(
                "{}（{}）：年初预算{}，决算{}{rate}。",
                escape(r.name.as_deref().unwrap_or("")),
                escape(code),
                show(&b),
                show(&a)
            ))
        })
        .collect();
    items
}

/// 公用经费 (机关运行经费 for 行政单位 and 参公事业单位).
fn running_costs(u: &Unit, d: &Disclosure, k: &Kinds) -> Option<String> {
    let Some(f) = cell(d, k.basic, "total", "public") else {
        return match d.table(k.basic) {
            Some(t) if t.status == Status::Missing => Some(format!(
                "原文{}无法辨认，公用经费无法从公开表读出。",
                escape(&t.label())
            )),
            _ => None,
        };
    };
    let name = if u.unit_type == "事业单位" {
        "一般公共预算基本支出中的公用经费"
    } else {
        "机关运行经费（一般公共预算基本支出中的公用经费）"
    };
    Some(format!("{name}{}{}。", k.word, show(&f)))
}

/// 三公, by component.
fn three_public(d: &Disclosure, k: &Kinds) -> Option<String> {
    let kind_word = k.word;
    let three = k.three;
    match d.table(three) {
        Some(t) if t.status == Status::Present => {
            let row = if t.row(k.three_row).is_some() {
                k.three_row
            } else {
                "total"
            };
            let total = cell(d, three, row, "total")?;
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
            if let (Some(p), Some(r)) = (purchase, running)
                && let Some(last) = parts.last_mut()
            {
                last.push_str(&format!(
                    "（其中公务用车购置费{}，公务用车运行维护费{}）",
                    show(&p),
                    show(&r)
                ));
            }
            if let Some(f) = cell(d, three, row, "reception") {
                parts.push(format!("公务接待费{}", show(&f)));
            }
            if !parts.is_empty() {
                s.push_str(&format!("，其中：{}", parts.join("，")));
            }
            s.push('。');
            Some(s)
        }
        Some(t) if t.status == Status::Empty => Some(format!(
            "“三公”经费{kind_word}表为空：{}",
            escape(t.reason.as_deref().unwrap_or("原文未说明原因"))
        )),
        Some(_) => Some(format!("原文“三公”经费{kind_word}表无法辨认。")),
        None => None,
    }
}

/// 会议费 and 培训费, when the 三公 table prints them.
fn meetings_training(d: &Disclosure, k: &Kinds) -> Option<String> {
    let t = present(d, k.three)?;
    let row = if t.row(k.three_row).is_some() {
        k.three_row
    } else {
        "total"
    };
    let parts: Vec<String> = [("meeting", "会议费"), ("training", "培训费")]
        .iter()
        .filter_map(|(col, name)| cell(d, k.three, row, col).map(|f| format!("{name}{}", show(&f))))
        .collect();
    (!parts.is_empty()).then(|| format!("{}{}。", k.word, parts.join("，")))
}

fn procurement(d: &Disclosure) -> Option<String> {
    let t = d.table("procurement")?;
    match t.status {
        Status::Empty => Some(format!(
            "政府采购预算表为空：{}",
            escape(t.reason.as_deref().unwrap_or("原文未说明原因"))
        )),
        Status::Missing => Some(format!("原文{}无法辨认。", escape(&t.label()))),
        Status::Present => {
            let f = cell(d, "procurement", "total", "total")?;
            Some(format!("政府采购预算{}。", show(&f)))
        }
    }
}

/// The performance tables published with the disclosure, linked.
fn performance(d: &Disclosure) -> Option<String> {
    let links: Vec<String> = d
        .tables
        .iter()
        .filter(|t| t.kind.starts_with("performance") && t.status == Status::Present)
        .map(|t| {
            let what = t
                .fields
                .iter()
                .find(|f| f.key.as_deref() == Some("project"))
                .and_then(|f| match &f.value.value {
                    Value::Text(s) => Some(format!("（{}）", escape(s))),
                    _ => None,
                })
                .unwrap_or_default();
            format!(
                "<a href=\"#{}\">{} {}</a>{what}",
                super::anchor_of(&t.id),
                escape(&t.id),
                escape(&t.title)
            )
        })
        .collect();
    (!links.is_empty()).then(|| {
        format!(
            "本页公开表中的绩效目标和绩效评价表{}张：{}。",
            links.len(),
            links.join("；")
        )
    })
}
