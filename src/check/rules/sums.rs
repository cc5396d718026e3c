//! `sum.hierarchy`, `sum.row`, `sum.column`, `rounding`, `value.scale`: every total in a
//! table equals its parts, within rounding.

use super::{Context, Doc, Verdict, judge, last_unit, spread_zh};
use crate::check::expr::Iv;
use crate::model::amount::{self, AmountUnit};
use crate::model::catalogue::{self, Class};
use crate::model::diagnostic::Rule;
use crate::model::diagnostic::{Diagnostic, Loc, Severity};
use crate::model::{Cell, ColType, Column, Row, Status, Table, Term, Value};
use rust_decimal::Decimal;

pub const VALUE_SCALE: Rule = Rule {
    id: "value.scale",
    severity: Severity::Error,
    module: "sums",
    summary: "A figure written in the wrong unit (元 in a 万元 table or the reverse).",
    doc: "When an identity fails beyond its rounding bound and dividing or multiplying one of its figures by 10,000 makes it hold, that figure is reported instead of the identity — but only when the scaling is what makes it hold: a figure whose removal would make the identity hold just as well (a 0.09 that happens to equal the difference, which divided by 10,000 is next to nothing) is not blamed, and the identity's own error is reported.",
};

pub const SUM_HIERARCHY: Rule = Rule {
    id: "sum.hierarchy",
    severity: Severity::Error,
    module: "sums",
    summary: "类 ≠ Σ款 or 款 ≠ Σ项, in some amount column.",
    doc: "Derived from the codes: a 类 row equals the sum of its 款 rows, a 款 row the sum of its 项 rows, in every amount column; a department's unit line equals the sum of its units' lines.",
};

pub const SUM_ROW: Rule = Rule {
    id: "sum.row",
    severity: Severity::Error,
    module: "sums",
    summary: "A total row differs from the sum of the rows it totals.",
    doc: "Rows declare `sum_of` (row keys, codes, or the words functional / dept_economic / gov_economic / units for every top-level row of that classification).",
};

pub const SUM_COLUMN: Rule = Rule {
    id: "sum.column",
    severity: Severity::Error,
    module: "sums",
    summary: "A total column differs from the sum of its columns, in some row.",
    doc: "Columns declare `sum_of` following the printed header (合计 = 基本支出 + 项目支出; 基本支出 = 人员经费 + 公用经费; 三公 = 出国 + 公务用车 + 接待; 公务用车 = 购置 + 运行; …).",
};

pub const SUM_UNCHECKED: Rule = Rule {
    id: "sum.unchecked",
    severity: Severity::Notice,
    module: "sums",
    summary: "An identity left unchecked because a cell is unreadable (`?`).",
    doc: "Reported once per unreadable cell, so that an unreadable figure is never silently taken as checked.",
};

pub const ROUNDING: Rule = Rule {
    id: "rounding",
    severity: Severity::Notice,
    module: "sums",
    summary: "A difference explained by rounding (尾数误差).",
    doc: "Tables are kept in 元 and printed rounded; a sum of n rounded parts may differ from its printed total by at most n × half a unit of the last printed digit, and such a difference is this notice, naming n and the bound. A copy of one figure in the same unit and decimals cannot round: any difference is an error (`cross.table`, `cross.code-amount`, `narrative.figure`). A figure converted from 元 to 万元 may differ by half a unit. See *Rounding verdicts* below.",
};

pub const ROUNDING_UNLIKELY: Rule = Rule {
    id: "rounding.unlikely",
    severity: Severity::Warning,
    module: "sums",
    summary: "A difference within the rounding bound of n parts but unlikely to be rounding.",
    doc: "The difference is at least two units of the last printed digit and at or beyond two standard deviations of the summed rounding errors of the n parts (unit × √(n/12) each side): rounding can give it, but seldom; look at the figures. The message names n, the bound and two standard deviations.",
};

/// Checks every identity of `doc`'s tables; returns how many were evaluated.
pub fn check(_cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) -> usize {
    let mut out = Out {
        diags,
        evaluated: 0,
    };
    for table in &doc.disclosure.tables {
        if table.status != Status::Present {
            continue;
        }
        hierarchy(table, &mut out);
        rows(table, &mut out);
        columns(table, &mut out);
    }
    out.evaluated
}

/// Where identities report, and how many were evaluated (for the page's 核对结果).
struct Out<'a> {
    diags: &'a mut Vec<Diagnostic>,
    evaluated: usize,
}

/// One part of an identity: a cell (absent = blank = zero) and where to point.
struct Part<'a> {
    negative: bool,
    cell: Option<&'a Cell>,
    loc: Loc,
}

struct Identity<'a> {
    rule: &'static Rule,
    table: &'a Table,
    row: String,
    column: String,
    target: String,
    total: Option<&'a Cell>,
    total_loc: Loc,
    parts: Vec<Part<'a>>,
    /// What the parts are, for the message: `其下各款之和`.
    parts_desc: String,
}

fn printed(cell: Option<&Cell>) -> Option<Decimal> {
    match cell {
        None => Some(Decimal::ZERO),
        Some(c) => c.amount(),
    }
}

fn sum_parts(parts: &[(bool, Decimal)]) -> Option<Iv> {
    let mut acc = Iv::exact(Decimal::ZERO);
    for (neg, v) in parts {
        let p = Iv::printed(*v);
        acc = if *neg {
            Iv {
                mid: acc.mid.checked_sub(p.mid)?,
                lo: acc.lo.checked_sub(p.hi)?,
                hi: acc.hi.checked_sub(p.lo)?,
            }
        } else {
            Iv {
                mid: acc.mid.checked_add(p.mid)?,
                lo: acc.lo.checked_add(p.lo)?,
                hi: acc.hi.checked_add(p.hi)?,
            }
        };
    }
    Some(acc)
}

fn evaluate(id: Identity, out: &mut Out) {
    out.evaluated += 1;
    let diags = &mut *out.diags;
    // An unreadable cell (`?`) leaves the identity unchecked, and says so at the cell.
    let unchecked = |loc: Loc, diags: &mut Vec<Diagnostic>| {
        diags.push(
            Diagnostic::new(
                &SUM_UNCHECKED,
                "此处数字原文无法辨认（?），涉及它的合计关系未核对",
            )
            .at(loc)
            .table(id.table.label())
            .target(format!("{}/?", id.table.id)),
        );
    };
    let Some(found) = printed(id.total) else {
        unchecked(id.total_loc, diags);
        return;
    };
    let mut values = Vec::with_capacity(id.parts.len());
    for p in &id.parts {
        match printed(p.cell) {
            Some(v) => values.push((p.negative, v)),
            None => {
                unchecked(p.loc, diags);
                return;
            }
        }
    }
    if id.total.is_none() && values.iter().all(|(_, v)| v.is_zero()) {
        return;
    }
    let Some(expected) = sum_parts(&values) else {
        return;
    };
    let unit = id.table.unit;
    let show = |d: Decimal| amount::show(d, unit);
    let diff = (found - expected.mid).abs();
    let units: Vec<Decimal> = values.iter().map(|(_, v)| last_unit(*v)).collect();
    let verdict = judge(found, &expected, &units);
    match &verdict {
        Verdict::Equal => {}
        Verdict::Rounding(spread) | Verdict::Unlikely(spread) => {
            let unlikely = matches!(verdict, Verdict::Unlikely(_));
            let (rule, head, tail) = if unlikely {
                (
                    &ROUNDING_UNLIKELY,
                    "差异不太可能只是尾数误差",
                    "已达两倍标准差，请核对",
                )
            } else {
                (&ROUNDING, "尾数误差", "在四舍五入允许范围内")
            };
            diags.push(
                Diagnostic::new(
                    rule,
                    format!(
                        "{head}：「{}」的「{}」{} 与{} {} 相差 {}；{}，{tail}",
                        id.row,
                        id.column,
                        show(found),
                        id.parts_desc,
                        show(expected.mid),
                        show(diff),
                        spread_zh(spread, unit)
                    ),
                )
                .at(id.total_loc)
                .table(id.table.label())
                .row(id.row.clone())
                .column(id.column.clone())
                .expected(show(expected.mid))
                .found(show(found))
                .target(format!("{}:{}", id.rule.id, id.target)),
            )
        }
        Verdict::Different => {
            if let Some(d) = scale_slip(&id, found, &values, unit) {
                diags.push(d);
                return;
            }
            let mut d = Diagnostic::new(
                id.rule,
                format!(
                    "「{}」的「{}」应等于{} {}，实为 {}，相差 {}",
                    id.row,
                    id.column,
                    id.parts_desc,
                    show(expected.mid),
                    show(found),
                    show(diff)
                ),
            )
            .at(id.total_loc)
            .label(format!("应为 {}", show(expected.mid)))
            .table(id.table.label())
            .row(id.row.clone())
            .column(id.column.clone())
            .expected(show(expected.mid))
            .found(show(found))
            .target(id.target.clone());
            if let Some(first) = id.parts.iter().find(|p| p.cell.is_some()) {
                d = d.related(first.loc, "分项从这里开始");
            }
            diags.push(d);
        }
    }
}

/// If scaling one figure by 10,000 makes the identity hold, that figure is in the wrong unit.
fn scale_slip(
    id: &Identity,
    found: Decimal,
    values: &[(bool, Decimal)],
    unit: AmountUnit,
) -> Option<Diagnostic> {
    let ten_k = Decimal::from(10_000);
    let holds = |total: Decimal, parts: &[(bool, Decimal)]| {
        sum_parts(parts).is_some_and(|iv| {
            let units: Vec<Decimal> = parts.iter().map(|(_, v)| last_unit(*v)).collect();
            judge(total, &iv, &units) != Verdict::Different
        })
    };
    let report = |loc: Loc, v: Decimal, scaled: Decimal| {
        let (wrong, right) = match unit {
            AmountUnit::Wanyuan => ("元", "万元"),
            AmountUnit::Yuan => ("万元", "元"),
        };
        Diagnostic::new(&VALUE_SCALE, format!(
                "金额单位疑似写错：本表单位为{right}，{v} 看起来是按{wrong}填写的（换算后为 {scaled}，与「{}」的其他数字一致）",
                id.parts_desc
            ),
        )
        .at(loc)
        .label("单位疑似错误")
        .table(id.table.label())
        .row(id.row.clone())
        .column(id.column.clone())
        .expected(amount::show(scaled, unit))
        .found(amount::show(v, unit))
        .target(id.target.clone())
    };
    // A 万元 table is more likely to hold a figure typed in 元 (too large), and the reverse.
    let factors = match unit {
        AmountUnit::Wanyuan => [Decimal::ONE / ten_k, ten_k],
        AmountUnit::Yuan => [ten_k, Decimal::ONE / ten_k],
    };
    for factor in factors {
        // Scaling is the explanation only when dropping the figure would not do as well.
        if let Some(scaled) = found.checked_mul(factor)
            && !found.is_zero()
            && holds(scaled, values)
            && !holds(Decimal::ZERO, values)
        {
            return Some(report(id.total_loc, found, amount::round(scaled, 2)));
        }
        for (i, p) in id.parts.iter().enumerate() {
            let (neg, v) = values[i];
            if v.is_zero() {
                continue;
            }
            let Some(scaled) = v.checked_mul(factor) else {
                continue;
            };
            let mut alt = values.to_vec();
            alt[i] = (neg, scaled);
            if !holds(found, &alt) {
                continue;
            }
            alt[i] = (neg, Decimal::ZERO);
            if !holds(found, &alt) {
                return Some(report(p.loc, v, amount::round(scaled, 2)));
            }
        }
    }
    None
}

fn cell_loc(row: &Row, key: &str) -> Loc {
    row.cells.get(key).map_or(row.loc, |c| c.loc)
}

fn amount_cols(table: &Table) -> Vec<&Column> {
    table
        .columns
        .iter()
        .filter(|c| c.ty == ColType::Amount)
        .collect()
}

/// 类 = Σ款, 款 = Σ项 (per unit where rows carry units); department line = Σ unit lines.
fn hierarchy(table: &Table, diags: &mut Out) {
    for parent in &table.rows {
        let children: Vec<&Row> = if let Some(code) = parent.code.as_deref() {
            table
                .rows
                .iter()
                .filter(|r| {
                    r.code.as_deref().and_then(catalogue::parent) == Some(code)
                        && (parent.unit.is_none() || r.unit == parent.unit)
                })
                .collect()
        } else if let (Some(u), None) = (parent.unit.as_deref(), parent.code.as_deref()) {
            table
                .rows
                .iter()
                .filter(|r| {
                    r.code.is_none()
                        && r.unit
                            .as_deref()
                            .is_some_and(|c| c.len() > u.len() && c.starts_with(u))
                        && !table.rows.iter().any(|m| {
                            m.code.is_none()
                                && m.unit.as_deref().is_some_and(|mc| {
                                    mc.len() > u.len()
                                        && r.unit.as_deref().is_some_and(|rc| {
                                            rc.len() > mc.len() && rc.starts_with(mc)
                                        })
                                })
                        })
                })
                .collect()
        } else {
            continue;
        };
        if children.is_empty() {
            continue;
        }
        let level = parent
            .code
            .as_deref()
            .map(catalogue::level_zh)
            .unwrap_or("部门");
        let child_level = match level {
            "类" => "款",
            "款" => "项",
            _ => "单位",
        };
        let members: Vec<(bool, &Row)> = children.iter().map(|r| (false, *r)).collect();
        row_identity(
            &SUM_HIERARCHY,
            table,
            parent,
            &members,
            &format!("其下各{child_level}之和"),
            diags,
        );
    }
}

/// `total` = Σ `members` (a leading `true` subtracts), in every amount column.
fn row_identity(
    rule: &'static Rule,
    table: &Table,
    total: &Row,
    members: &[(bool, &Row)],
    parts_desc: &str,
    diags: &mut Out,
) {
    for col in amount_cols(table) {
        evaluate(
            Identity {
                rule,
                table,
                row: total.label(),
                column: col.name.clone(),
                target: format!("{}/{}/{}", table.id, total.reference(), col.key),
                total: total.cells.get(&col.key),
                total_loc: cell_loc(total, &col.key),
                parts: members
                    .iter()
                    .map(|(neg, r)| Part {
                        negative: *neg,
                        cell: r.cells.get(&col.key),
                        loc: cell_loc(r, &col.key),
                    })
                    .collect(),
                parts_desc: parts_desc.to_string(),
            },
            diags,
        );
    }
}

/// Rows of `table` that a `sum_of` term stands for.
fn term_rows<'t>(table: &'t Table, term: &Term) -> Vec<&'t Row> {
    let class = match term.name.as_str() {
        "functional" => Some(Class::Functional),
        "dept_economic" => Some(Class::DeptEconomic),
        "gov_economic" => Some(Class::GovEconomic),
        "units" => None,
        name => {
            return table
                .rows
                .iter()
                .find(|r| {
                    r.key.as_deref() == Some(name)
                        || r.code.as_deref() == Some(name)
                        || (r.code.is_none() && r.unit.as_deref() == Some(name))
                })
                .into_iter()
                .collect();
        }
    };
    match class {
        Some(class) => table
            .rows
            .iter()
            .filter(|r| {
                let Some(code) = r.code.as_deref() else {
                    return false;
                };
                if Class::of(code) != Some(class) {
                    return false;
                }
                // Top level: no ancestor code of the same unit in the table.
                let mut anc = catalogue::parent(code);
                while let Some(a) = anc {
                    if table
                        .rows
                        .iter()
                        .any(|o| o.code.as_deref() == Some(a) && o.unit == r.unit)
                    {
                        return false;
                    }
                    anc = catalogue::parent(a);
                }
                true
            })
            .collect(),
        None => table
            .rows
            .iter()
            .filter(|r| {
                r.code.is_none()
                    && r.unit.as_deref().is_some_and(|u| {
                        !table.rows.iter().any(|o| {
                            o.code.is_none()
                                && o.unit
                                    .as_deref()
                                    .is_some_and(|p| p.len() < u.len() && u.starts_with(p))
                        })
                    })
            })
            .collect(),
    }
}

/// Declared row identities (`sum_of` on a row).
fn rows(table: &Table, diags: &mut Out) {
    for row in table.rows.iter().filter(|r| !r.sum_of.is_empty()) {
        let mut members: Vec<(bool, &Row)> = Vec::new();
        for term in &row.sum_of {
            for r in term_rows(table, term) {
                if !std::ptr::eq(r, row) {
                    members.push((term.negative, r));
                }
            }
        }
        let desc = row
            .sum_of
            .iter()
            .map(|t| format!("{}{}", if t.negative { "−" } else { "" }, t.name))
            .collect::<Vec<_>>()
            .join(" + ");
        row_identity(
            &SUM_ROW,
            table,
            row,
            &members,
            &format!("各行之和（{desc}）"),
            diags,
        );
    }
}

/// `a + b + c`, or `a + b + c 等 27 列` for a long list.
fn abbreviate(names: &[String]) -> String {
    const SHOWN: usize = 4;
    if names.len() <= SHOWN + 1 {
        names.join(" + ")
    } else {
        format!("{} 等 {} 列", names[..SHOWN].join(" + "), names.len())
    }
}

/// Declared column identities (`sum_of` on a column), in every row.
fn columns(table: &Table, diags: &mut Out) {
    for col in table
        .columns
        .iter()
        .filter(|c| !c.sum_of.is_empty() && c.ty == ColType::Amount)
    {
        let names: Vec<String> = col
            .sum_of
            .iter()
            .map(|t| {
                let name = table
                    .column(&t.name)
                    .map_or(t.name.as_str(), |c| c.name.as_str());
                format!("{}{}", if t.negative { "−" } else { "" }, name)
            })
            .collect();
        for row in &table.rows {
            // A row that prints nothing in these columns is a heading, not a zero line.
            let any = std::iter::once(&col.key)
                .chain(col.sum_of.iter().map(|t| &t.name))
                .any(|k| row.cells.get(k).is_some_and(|c| c.value != Value::Blank));
            if !any {
                continue;
            }
            evaluate(
                Identity {
                    rule: &SUM_COLUMN,
                    table,
                    row: row.label(),
                    column: col.name.clone(),
                    target: format!("{}/{}/{}", table.id, row.reference(), col.key),
                    total: row.cells.get(&col.key),
                    total_loc: cell_loc(row, &col.key),
                    parts: col
                        .sum_of
                        .iter()
                        .map(|t| Part {
                            negative: t.negative,
                            cell: row.cells.get(&t.name),
                            loc: cell_loc(row, &t.name),
                        })
                        .collect(),
                    parts_desc: format!("{}之和", abbreviate(&names)),
                },
                diags,
            );
        }
    }
}
