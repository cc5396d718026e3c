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

pub const NARRATIVE_ZERO_BASE: Rule = Rule {
    id: "narrative.zero-base",
    severity: Severity::Error,
    module: "narrative",
    summary: "A rate in the text (share, completion rate, growth rate) over a base that is zero or blank.",
    doc: "A completion rate of a 年初预算 of 0, or \"增长 100%\" from nothing last year, cannot be right: the base of the percentage reads exactly zero in the tables (blank cells read as zero). Reported for marked figures (`pct(a, b)` with `b` zero) and for figures found in plain text alike, instead of a notice that the figure could not be checked.",
};

pub const NARRATIVE_REASON: Rule = Rule {
    id: "narrative.reason",
    severity: Severity::Warning,
    module: "narrative",
    summary: "A change in 三公 经费 stated without its reason.",
    doc: "The `three-public` section states an increase or decrease (增加 / 减少 / 上升 / 下降) but gives no reason (原因 / 主要是 / 主要用于 / 由于 / 因).",
};

/// Checks the marked figures of `doc`'s text; returns how many were compared with the
/// tables.
pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) -> usize {
    let d = doc.disclosure;
    let Some(text) = &d.text else {
        return 0;
    };
    let mut compared = 0;
    for fig in narrative::figures(&text.markdown, text.file) {
        compared += usize::from(fig.published.is_some() && matches!(fig.expr, Some(Ok(_))));
        figure(cx, doc, &fig, diags);
    }
    three_public_reason(doc, diags);
    compared
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
    judge(
        cx,
        d,
        fig.loc,
        fig.published.as_ref(),
        e,
        fig.expr_text.as_deref().unwrap_or_default(),
        target,
        d.text_unit,
        diags,
    );
}

/// What became of a figure judged against the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judged {
    /// Equal, within rounding, or generated (nothing printed to compare).
    Agrees,
    Rounding,
    Different,
    /// A cell it needs is unreadable: not checked.
    Unchecked,
    /// A reference names nothing.
    BadRef,
    /// A rate over a zero or blank base.
    ZeroBase,
}

/// Judges a printed figure against `e` evaluated from the tables in `unit` — the one
/// verdict for marked figures and figures found in plain text.
#[allow(clippy::too_many_arguments)]
pub fn judge(
    cx: &Context,
    d: &crate::model::Disclosure,
    loc: crate::model::diagnostic::Loc,
    published: Option<&narrative::Published>,
    e: &expr::Expr,
    what: &str,
    target: String,
    unit: amount::AmountUnit,
    diags: &mut Vec<Diagnostic>,
) -> Judged {
    // Resolve every reference first: a wrong one is the author's mistake.
    let mut unknown = None;
    for r in expr::refs(e) {
        let problem = match lookup::cell(d, r, unit, &cx.suspect) {
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
                .at(loc)
                .target(target.clone()),
            );
            return Judged::BadRef;
        }
    }
    if let Some(r) = unknown {
        diags.push(
            Diagnostic::new(
                &NARRATIVE_UNCHECKED,
                format!(
                    "无法核对文中数字 {}：所引用的 `{r}` 在原文中无法辨认",
                    published.map_or("", |p| p.text.as_str())
                ),
            )
            .at(loc)
            .target(target),
        );
        return Judged::Unchecked;
    }
    let resolve = |r: &CellRef| match lookup::cell(d, r, unit, &cx.suspect) {
        Lookup::Value(v, _) => Ok(v),
        _ => Err(EvalError::Unknown(r.to_string())),
    };
    // A rate over a base printed as zero (or blank) cannot be right, whatever its value.
    if let Some(base) = zero_divisor(e, &resolve) {
        diags.push(
            Diagnostic::new(
                &NARRATIVE_ZERO_BASE,
                format!(
                    "文中比率 {} 的基数为零：{base} 在表中为 0（或空白），以零为基数无法计算百分比，原文应说明“无法计算”",
                    published.map_or("", |p| p.text.as_str())
                ),
            )
            .at(loc)
            .label("基数为零")
            .found(published.map_or(String::new(), |p| p.text.clone()))
            .target(target),
        );
        return Judged::ZeroBase;
    }
    let value = match expr::eval(e, &resolve) {
        Ok(v) => v,
        Err(EvalError::Undefined(msg))
        | Err(EvalError::BadRef(msg))
        | Err(EvalError::Unknown(msg)) => {
            diags.push(
                Diagnostic::new(&NARRATIVE_UNCHECKED, format!("无法核对文中数字：{msg}"))
                    .at(loc)
                    .target(target),
            );
            return Judged::Unchecked;
        }
    };
    let Some(published) = published else {
        return Judged::Agrees; // generated from the data: nothing to compare
    };
    let text_unit = unit;
    let dp = published.value.scale();
    let rounded = amount::round(value.mid, dp);
    let unit = if published.percent {
        "%".to_string()
    } else {
        unit.as_str().to_string()
    };
    if rounded == published.value {
        return Judged::Agrees;
    }
    // More decimals than a Decimal holds (a figure typed absurdly long) cannot be judged.
    let Ok(half) = rust_decimal::Decimal::try_new(5, dp + 1) else {
        return Judged::Unchecked;
    };
    // A copy of one cell printed in the text's unit with the text's decimals cannot round.
    let copy = match e {
        expr::Expr::Ref(r) if !published.percent => {
            d.table(&r.table).is_some_and(|t| t.unit == text_unit)
                && (value.mid.scale() == dp || value.mid.is_zero())
        }
        _ => false,
    };
    let meets = !copy && value.lo - half <= published.value && published.value <= value.hi + half;
    let expected = format!("{}{unit}", amount::round(value.mid, dp.max(2)));
    let found = format!("{}{}", published.text.trim_end_matches('%'), unit);
    if meets {
        diags.push(
            Diagnostic::new(&crate::check::rules::sums::ROUNDING, format!("尾数误差：文中数字 {found} 按表中数字计算为 {expected}（{what}），差异在四舍五入允许范围内"),
            )
            .at(loc)
            .expected(expected)
            .found(found)
            .target(format!("narrative.figure:{target}")),
        );
        Judged::Rounding
    } else {
        diags.push(
            Diagnostic::new(
                &NARRATIVE_FIGURE,
                format!("文中数字与表不一致：写的是 {found}，按表中数字（{what}）应为 {expected}"),
            )
            .at(loc)
            .label(format!("应为 {expected}"))
            .expected(expected)
            .found(found)
            .target(target),
        );
        Judged::Different
    }
}

/// The first divisor of `e` (of `pct(a, b)` or `a / b`) that reads exactly zero, as written.
fn zero_divisor(
    e: &expr::Expr,
    resolve: &dyn Fn(&CellRef) -> Result<expr::Iv, EvalError>,
) -> Option<String> {
    use expr::Expr as E;
    match e {
        E::Num(_) | E::Ref(_) => None,
        E::Neg(a) => zero_divisor(a, resolve),
        E::Bin(a, op, b) => {
            if *op == expr::Op::Div && is_zero(b, resolve) {
                return Some(crate::check::plain::format_expr(b));
            }
            zero_divisor(a, resolve).or_else(|| zero_divisor(b, resolve))
        }
        E::Pct(a, b) => {
            if is_zero(b, resolve) {
                return Some(crate::check::plain::format_expr(b));
            }
            zero_divisor(a, resolve).or_else(|| zero_divisor(b, resolve))
        }
    }
}

fn is_zero(e: &expr::Expr, resolve: &dyn Fn(&CellRef) -> Result<expr::Iv, EvalError>) -> bool {
    expr::eval(e, resolve).is_ok_and(|v| v.lo.is_zero() && v.hi.is_zero())
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
