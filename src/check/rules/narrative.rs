//! `narrative.syntax`, `narrative.reference`, `narrative.figure`, `narrative.unchecked`,
//! `narrative.reason`: what the explanation text states follows from the tables.

use super::{Context, Doc};
use crate::check::expr::{self, CellRef, EvalError};
use crate::check::lookup::{self, Lookup};
use crate::check::narrative::{self, Figure};
use crate::model::amount;
use crate::model::diagnostic::Rule;
use crate::model::diagnostic::{Diagnostic, Severity};

pub const NARRATIVE_SYNTAX: Rule = Rule {
    id: "narrative.syntax",
    severity: Severity::Error,
    module: "narrative",
    summary: "A figure reference `{{ … }}` that cannot be parsed.",
    doc: "",
};

pub const NARRATIVE_REFERENCE: Rule = Rule {
    id: "narrative.reference",
    severity: Severity::Error,
    module: "narrative",
    summary: "A figure reference naming a table, row or column that does not exist.",
    doc: "",
};

pub const NARRATIVE_FIGURE: Rule = Rule {
    id: "narrative.figure",
    severity: Severity::Error,
    module: "narrative",
    summary: "A figure in the text that does not follow from the tables.",
    doc: "`{{ PUBLISHED = EXPRESSION }}`: the expression evaluated from the tables (in the text's unit, rounded to the printed decimals) must give the printed figure; within rounding it is a `rounding` notice.",
};

pub const NARRATIVE_UNCHECKED: Rule = Rule {
    id: "narrative.unchecked",
    severity: Severity::Notice,
    module: "narrative",
    summary: "A figure in the text that cannot be checked: it refers to an unreadable cell or a missing table.",
    doc: "",
};

pub const NARRATIVE_REASON: Rule = Rule {
    id: "narrative.reason",
    severity: Severity::Warning,
    module: "narrative",
    summary: "A change in 三公 经费 stated without its reason.",
    doc: "The `three-public` section states an increase or decrease (增加 / 减少 / 上升 / 下降) but gives no reason (原因 / 主要是 / 主要用于 / 由于 / 因).",
};

pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let d = doc.disclosure;
    let Some(text) = &d.text else {
        return;
    };
    for fig in narrative::figures(&text.markdown, text.file) {
        figure(cx, doc, &fig, diags);
    }
    three_public_reason(doc, diags);
}

fn figure(cx: &Context, doc: &Doc, fig: &Figure, diags: &mut Vec<Diagnostic>) {
    let d = doc.disclosure;
    let target = format!("text/{}", fig.source);
    let e = match &fig.expr {
        None => return, // a stated figure that cannot be derived: kept as published
        Some(Err(msg)) => {
            diags.push(
                Diagnostic::new(&NARRATIVE_SYNTAX, format!("数字引用写法有误：{msg}"))
                    .at(fig.loc)
                    .found(format!("{{{{ {} }}}}", fig.source))
                    .target(target),
            );
            return;
        }
        Some(Ok(e)) => e,
    };
    // Resolve every reference first: a wrong one is the author's mistake.
    let mut unknown = None;
    for r in expr::refs(e) {
        let problem = match lookup::cell(d, r, d.text_unit, &cx.suspect) {
            Lookup::Value(..) => None,
            Lookup::Unknown => {
                unknown.get_or_insert_with(|| r.to_string());
                None
            }
            Lookup::NoTable => Some(format!(
                "没有编号或类型为 `{}` 的表（或该类型的表不止一张，请用表编号）",
                r.table
            )),
            Lookup::NoRow => Some(format!("表 `{}` 中没有行 `{}`", r.table, r.row)),
            Lookup::NoColumn => Some(format!("表 `{}` 中没有列 `{}`", r.table, r.column)),
        };
        if let Some(p) = problem {
            diags.push(
                Diagnostic::new(
                    &NARRATIVE_REFERENCE,
                    format!("数字引用 `{r}` 无法解析：{p}"),
                )
                .at(fig.loc)
                .target(target.clone()),
            );
            return;
        }
    }
    if let Some(r) = unknown {
        diags.push(
            Diagnostic::new(
                &NARRATIVE_UNCHECKED,
                format!(
                    "无法核对文中数字 {}：所引用的 `{r}` 在原文中无法辨认",
                    fig.published.as_ref().map_or("", |p| p.text.as_str())
                ),
            )
            .at(fig.loc)
            .target(target),
        );
        return;
    }
    let resolve = |r: &CellRef| match lookup::cell(d, r, d.text_unit, &cx.suspect) {
        Lookup::Value(v, _) => Ok(v),
        _ => Err(EvalError::Unknown(r.to_string())),
    };
    let value = match expr::eval(e, &resolve) {
        Ok(v) => v,
        Err(EvalError::Undefined(msg))
        | Err(EvalError::BadRef(msg))
        | Err(EvalError::Unknown(msg)) => {
            diags.push(
                Diagnostic::new(&NARRATIVE_UNCHECKED, format!("无法核对文中数字：{msg}"))
                    .at(fig.loc)
                    .target(target),
            );
            return;
        }
    };
    let Some(published) = &fig.published else {
        return; // generated from the data: nothing to compare
    };
    let dp = published.value.scale();
    let rounded = amount::round(value.mid, dp);
    let unit = if published.percent {
        "%".to_string()
    } else {
        d.text_unit.as_str().to_string()
    };
    if rounded == published.value {
        return;
    }
    let half = rust_decimal::Decimal::new(5, dp + 1);
    let meets = value.lo - half <= published.value && published.value <= value.hi + half;
    let expected = format!("{}{unit}", amount::round(value.mid, dp.max(2)));
    let found = format!("{}{}", published.text.trim_end_matches('%'), unit);
    let what = fig.expr_text.clone().unwrap_or_default();
    if meets {
        diags.push(
            Diagnostic::new(&crate::check::rules::sums::ROUNDING, format!("尾数误差：文中数字 {found} 按表中数字计算为 {expected}（{what}），差异在四舍五入允许范围内"),
            )
            .at(fig.loc)
            .expected(expected)
            .found(found)
            .target(format!("narrative.figure:{target}")),
        );
    } else {
        diags.push(
            Diagnostic::new(
                &NARRATIVE_FIGURE,
                format!("文中数字与表不一致：写的是 {found}，按表中数字（{what}）应为 {expected}"),
            )
            .at(fig.loc)
            .label(format!("应为 {expected}"))
            .expected(expected)
            .found(found)
            .target(target),
        );
    }
}

/// A change in 三公 经费 must come with its reason.
fn three_public_reason(doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let Some(text) = &doc.disclosure.text else {
        return;
    };
    let sections = narrative::sections(&text.markdown, text.file);
    let Some(s) = sections.iter().find(|s| s.id == "three-public") else {
        return;
    };
    // The section's text: from its heading to the next heading of the same or higher level.
    let lines: Vec<&str> = text.markdown.lines().collect();
    let start = s.loc.line as usize;
    let mut body = String::new();
    for l in lines.iter().skip(start) {
        let level = l.chars().take_while(|c| *c == '#').count();
        if level > 0 && level <= s.level {
            break;
        }
        body.push_str(l);
        body.push('\n');
    }
    let changes = ["增加", "减少", "上升", "下降", "增长"]
        .iter()
        .any(|w| body.contains(w));
    let reasons = ["原因", "主要是", "主要用于", "由于", "因为", "主要系"]
        .iter()
        .any(|w| body.contains(w));
    if changes && !reasons {
        diags.push(
            Diagnostic::new(
                &NARRATIVE_REASON,
                "“三公”经费说明写了增减变化，但没有说明原因",
            )
            .at(s.loc)
            .target("section/three-public".to_string()),
        );
    }
}
