//! `cross.code-amount`: the same measure printed per classification code in two tables of
//! a disclosure agrees line by line. The pairs are derived, not listed: `SOURCES` says
//! which measure each (table kind, column) prints per code, and every two tables of a
//! disclosure that print the same measure — or one a part of the other's, when their
//! totals show the rest is zero — are compared for every code either prints.

use super::cross_table::CROSS_CODE_AMOUNT;
use super::sums::{ROUNDING, ROUNDING_UNLIKELY};
use super::{Context, Doc, Verdict, judge, last_unit, spread_zh};
use crate::check::expr::Iv;
use crate::model::amount;
use crate::model::catalogue::Class;
use crate::model::diagnostic::{Diagnostic, Loc};
use crate::model::{Disclosure, Row, Status, Table};
use rust_decimal::Decimal;

/// Whose money a measure counts. Amounts are never negative, so a measure of a wider
/// scope is at least the narrower one's on every line, and equal on every line when
/// their totals are equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every source of funds.
    All,
    /// 财政拨款: the three budgets' appropriations.
    Fiscal,
    General,
    Fund,
    StateCapital,
    SpecialAccount,
}

impl Scope {
    /// Does `self` count all that `other` counts?
    pub fn covers(self, other: Scope) -> bool {
        self == other
            || self == Scope::All
            || (self == Scope::Fiscal
                && matches!(other, Scope::General | Scope::Fund | Scope::StateCapital))
    }
    pub fn zh(self) -> &'static str {
        match self {
            Scope::All => "全部资金",
            Scope::Fiscal => "财政拨款",
            Scope::General => "一般公共预算",
            Scope::Fund => "政府性基金预算",
            Scope::StateCapital => "国有资本经营预算",
            Scope::SpecialAccount => "财政专户管理资金",
        }
    }
}

/// What part of the expenditure a column counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nature {
    Total,
    Basic,
    Project,
    Personnel,
    Public,
    Wages,
    Family,
    Goods,
}

impl Nature {
    pub fn zh(self) -> &'static str {
        match self {
            Nature::Total => "支出合计",
            Nature::Basic => "基本支出",
            Nature::Project => "项目支出",
            Nature::Personnel => "人员经费",
            Nature::Public => "公用经费",
            Nature::Wages => "工资福利支出",
            Nature::Family => "对个人和家庭的补助",
            Nature::Goods => "商品和服务支出",
        }
    }
}

/// A column that prints a measure per classification code (the classification is the
/// rows' own: functional, department or government economic).
pub struct Source {
    pub kind: &'static str,
    pub column: &'static str,
    pub scope: Scope,
    pub nature: Nature,
}

macro_rules! src {
    ($k:literal, $c:literal, $s:ident, $n:ident) => {
        Source {
            kind: $k,
            column: $c,
            scope: Scope::$s,
            nature: Nature::$n,
        }
    };
}

/// Every column that prints a measure per code, by table kind (`data/templates.yaml`).
pub const SOURCES: &[Source] = &[
    // Budgets.
    src!("summary", "amount", All, Total),
    src!("expenditure", "total", All, Total),
    src!("expenditure", "basic", All, Basic),
    src!("expenditure", "project", All, Project),
    src!("expenditure_gov_econ", "total", All, Total),
    src!("expenditure_dept_econ", "total", All, Total),
    src!("expenditure_dept_econ", "basic", All, Basic),
    src!("expenditure_dept_econ", "project", All, Project),
    src!("expenditure_dept_econ", "wages", All, Wages),
    src!("expenditure_dept_econ", "goods", All, Goods),
    src!("expenditure_dept_econ", "family", All, Family),
    src!("fiscal_summary", "amount", Fiscal, Total),
    src!("fiscal_summary", "general", General, Total),
    src!("fiscal_summary", "fund", Fund, Total),
    src!("fiscal_summary", "state_capital", StateCapital, Total),
    src!("fiscal_expenditure", "total", Fiscal, Total),
    src!("fiscal_expenditure", "basic", Fiscal, Basic),
    src!("fiscal_expenditure", "project", Fiscal, Project),
    src!("fiscal_basic", "total", Fiscal, Basic),
    src!("fiscal_basic", "personnel", Fiscal, Personnel),
    src!("fiscal_basic", "public", Fiscal, Public),
    src!("general_expenditure", "total", General, Total),
    src!("general_expenditure", "basic", General, Basic),
    src!("general_expenditure", "project", General, Project),
    src!("general_expenditure", "personnel", General, Personnel),
    src!("general_expenditure", "public", General, Public),
    src!("general_expenditure", "wages", General, Wages),
    src!("general_expenditure", "family", General, Family),
    src!("general_expenditure", "goods", General, Goods),
    src!("general_expenditure_econ", "total", General, Total),
    src!("general_expenditure_econ", "personnel", General, Personnel),
    src!("general_expenditure_econ", "public", General, Public),
    src!("general_expenditure_econ", "project", General, Project),
    src!("general_basic", "total", General, Basic),
    src!("general_basic", "personnel", General, Personnel),
    src!("general_basic", "public", General, Public),
    src!("general_basic_fn", "total", General, Basic),
    src!("general_basic_fn", "personnel", General, Personnel),
    src!("general_basic_fn", "public", General, Public),
    src!("basic_wages_gov_econ", "total", General, Wages),
    src!("basic_wages_dept_econ", "total", General, Wages),
    src!("basic_family_gov_econ", "total", General, Family),
    src!("basic_family_dept_econ", "total", General, Family),
    src!("basic_goods_gov_econ", "total", General, Public),
    src!("basic_goods_dept_econ", "total", General, Public),
    src!("fund_expenditure", "total", Fund, Total),
    src!("fund_expenditure", "basic", Fund, Basic),
    src!("fund_expenditure", "project", Fund, Project),
    src!("fund_gov_econ", "total", Fund, Total),
    src!("fund_dept_econ", "total", Fund, Total),
    src!("state_capital", "total", StateCapital, Total),
    src!("state_capital", "basic", StateCapital, Basic),
    src!("state_capital", "project", StateCapital, Project),
    src!("special_account", "total", SpecialAccount, Total),
    // Final accounts.
    src!("final_summary", "amount", All, Total),
    src!("final_expenditure", "total", All, Total),
    src!("final_expenditure", "basic", All, Basic),
    src!("final_expenditure", "project", All, Project),
    src!("final_fiscal_summary", "amount", Fiscal, Total),
    src!("final_fiscal_summary", "general", General, Total),
    src!("final_fiscal_summary", "fund", Fund, Total),
    src!("final_fiscal_summary", "state_capital", StateCapital, Total),
    src!("final_general_expenditure", "total", General, Total),
    src!("final_general_expenditure", "basic", General, Basic),
    src!("final_general_expenditure", "project", General, Project),
    src!("final_general_basic", "total", General, Basic),
    src!("final_general_basic", "personnel", General, Personnel),
    src!("final_general_basic", "public", General, Public),
    src!("final_fund", "expenditure", Fund, Total),
    src!("final_fund", "basic", Fund, Basic),
    src!("final_fund", "project", Fund, Project),
    src!("final_state_capital", "total", StateCapital, Total),
    src!("final_state_capital", "basic", StateCapital, Basic),
    src!("final_state_capital", "project", StateCapital, Project),
];

/// Two sources comparable line by line: same nature, one scope covering the other.
pub fn comparable(a: &Source, b: &Source) -> bool {
    a.kind != b.kind && a.nature == b.nature && (a.scope.covers(b.scope) || b.scope.covers(a.scope))
}

/// The row that totals a table's lines of one classification: `total` in a detail table;
/// in a 收支总表 the expenditure side's total of that classification.
fn total_row(t: &Table, class: Class) -> Option<&Row> {
    let summary = matches!(
        t.kind.as_str(),
        "summary" | "fiscal_summary" | "final_summary" | "final_fiscal_summary"
    );
    let key = match (summary, class) {
        (false, _) => "total",
        (true, Class::Functional) => "exp_total",
        (true, Class::DeptEconomic) => "exp_total_dept",
        (true, Class::GovEconomic) => "exp_total_gov",
    };
    t.rows.iter().find(|r| r.key.as_deref() == Some(key))
}

/// A line's amount in one table: its own rows, else the sum of its top-level descendants.
struct Line {
    value: Decimal,
    loc: Loc,
    /// The printed units of the figures summed (one for a printed line).
    units: Vec<Decimal>,
    label: Option<String>,
}

fn line(cx: &Context, t: &Table, code: &str, col: &str) -> Option<Line> {
    let own: Vec<&Row> = t
        .rows
        .iter()
        .filter(|r| r.code.as_deref() == Some(code))
        .collect();
    let rows: Vec<&Row> = if !own.is_empty() {
        own
    } else {
        t.rows
            .iter()
            .filter(|r| {
                let Some(c) = r.code.as_deref() else {
                    return false;
                };
                c.len() > code.len()
                    && c.starts_with(code)
                    && !t.rows.iter().any(|o| {
                        o.code.as_deref().is_some_and(|oc| {
                            oc.len() > code.len() && oc.len() < c.len() && c.starts_with(oc)
                        })
                    })
            })
            .collect()
    };
    let first = rows.first()?;
    let mut value = Decimal::ZERO;
    let mut units = Vec::with_capacity(rows.len());
    for r in &rows {
        if r.cells
            .get(col)
            .is_some_and(|c| cx.suspect.contains(&c.loc))
        {
            return None;
        }
        let v = r.amount(col)?;
        value = value.checked_add(v)?;
        units.push(last_unit(v));
    }
    Some(Line {
        value,
        loc: first.cells.get(col).map_or(first.loc, |c| c.loc),
        units,
        label: t
            .rows
            .iter()
            .find(|r| r.code.as_deref() == Some(code))
            .map(Row::label),
    })
}

/// A table of the disclosure printing a source's measure.
struct Printed<'a> {
    source: &'a Source,
    table: &'a Table,
    position: usize,
}

fn printed<'a>(d: &'a Disclosure) -> Vec<Printed<'a>> {
    let mut out = Vec::new();
    for (position, t) in d.tables.iter().enumerate() {
        if t.status != Status::Present {
            continue;
        }
        for s in SOURCES.iter().filter(|s| s.kind == t.kind) {
            if t.column(s.column).is_some() {
                out.push(Printed {
                    source: s,
                    table: t,
                    position,
                });
            }
        }
    }
    out
}

/// The pairs of (table id, column) that `check` compares on `d`, for tests and docs.
pub fn applicable(_cx: &Context, d: &Disclosure) -> Vec<(String, String)> {
    let p = printed(d);
    let mut out = Vec::new();
    for (i, a) in p.iter().enumerate() {
        for b in &p[i + 1..] {
            if comparable(a.source, b.source)
                && a.table.unit == b.table.unit
                && a.position != b.position
            {
                out.push((
                    format!("{}.{}", a.source.kind, a.source.column),
                    format!("{}.{}", b.source.kind, b.source.column),
                ));
            }
        }
    }
    out
}

/// One line compared in two tables that disagree.
struct Disagreement<'a> {
    code: String,
    a: &'a Printed<'a>,
    b: &'a Printed<'a>,
    la: Line,
    lb: Line,
}

/// Compares the tables of `doc` line by line; returns how many pairs of tables were
/// compared.
pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) -> usize {
    let d = doc.disclosure;
    let p = printed(d);
    let mut found: Vec<Disagreement> = Vec::new();
    let mut compared = 0;
    for (i, a) in p.iter().enumerate() {
        for b in &p[i + 1..] {
            if !comparable(a.source, b.source)
                || a.table.unit != b.table.unit
                || a.position == b.position
            {
                continue;
            }
            compare(cx, a, b, &mut found);
            compared += 1;
        }
    }
    // The side that disagrees with more tables on the line is the one reported, so that
    // one wrong figure seen from several tables is one place (merged later).
    let odd = |x: &Printed, code: &str| {
        found
            .iter()
            .filter(|f| {
                f.code == code
                    && f.a.source.nature == x.source.nature
                    && (std::ptr::eq(f.a.table, x.table) || std::ptr::eq(f.b.table, x.table))
            })
            .count()
    };
    for f in &found {
        let flip = odd(f.b, &f.code) > odd(f.a, &f.code);
        report(f, flip, diags);
    }
    compared
}

/// Compares every code either table prints, when the measures must agree line by line.
fn compare<'a>(
    cx: &Context,
    a: &'a Printed<'a>,
    b: &'a Printed<'a>,
    found: &mut Vec<Disagreement<'a>>,
) {
    let (ca, cb) = (a.source.column, b.source.column);
    let mut codes: Vec<&str> = a
        .table
        .rows
        .iter()
        .chain(&b.table.rows)
        .filter_map(|r| r.code.as_deref())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut guarded: Vec<(Class, bool)> = Vec::new();
    for code in codes {
        let Some(class) = Class::of(code) else {
            continue;
        };
        // Different scopes agree line by line only when their totals agree: the rest,
        // never negative, is then zero on every line.
        if a.source.scope != b.source.scope {
            let ok = match guarded.iter().find(|(c, _)| *c == class) {
                Some((_, ok)) => *ok,
                None => {
                    let total =
                        |t: &Table, col: &str| total_row(t, class).and_then(|r| r.amount(col));
                    let ok = matches!(
                        (total(a.table, ca), total(b.table, cb)),
                        (Some(x), Some(y)) if x == y
                    );
                    guarded.push((class, ok));
                    ok
                }
            };
            if !ok {
                continue;
            }
        }
        let (Some(la), Some(lb)) = (line(cx, a.table, code, ca), line(cx, b.table, code, cb))
        else {
            continue;
        };
        if la.value != lb.value {
            found.push(Disagreement {
                code: code.to_string(),
                a,
                b,
                la,
                lb,
            });
        }
    }
}

fn report(f: &Disagreement, flip: bool, diags: &mut Vec<Diagnostic>) {
    let (x, y, lx, ly) = if flip {
        (f.b, f.a, &f.lb, &f.la)
    } else {
        (f.a, f.b, &f.la, &f.lb)
    };
    let unit = x.table.unit;
    // One printed figure on each side: a copy, exact or wrong. Otherwise the sides' own
    // rounded parts bound the difference.
    let copy = lx.units.len() == 1
        && ly.units.len() == 1
        && (lx.units[0] == ly.units[0] || lx.units[0].is_zero() || ly.units[0].is_zero());
    let verdict = if copy {
        Verdict::Different
    } else {
        let mut units: Vec<Decimal> = Vec::new();
        let mut half = Decimal::ZERO;
        for side in [lx, ly] {
            if side.units.len() > 1 {
                units.extend(&side.units);
                half += side.units.iter().copied().sum::<Decimal>() / Decimal::TWO;
            }
        }
        let expected = Iv {
            mid: ly.value,
            lo: ly.value - half,
            hi: ly.value + half,
        };
        judge(lx.value, &expected, &units)
    };
    let show = |v: Decimal| amount::show(v, unit);
    let row = lx
        .label
        .clone()
        .or(ly.label.clone())
        .unwrap_or(f.code.clone());
    let col = x
        .table
        .column(x.source.column)
        .map_or(x.source.column, |c| c.name.as_str());
    let measure = format!("{}{}", x.source.scope.zh(), x.source.nature.zh());
    let facts = format!(
        "「{row}」的{measure}在「{}」中为 {}，在「{}」中为 {}，相差 {}",
        x.table.title,
        show(lx.value),
        y.table.title,
        show(ly.value),
        show((lx.value - ly.value).abs())
    );
    let (rule, message) = match &verdict {
        Verdict::Equal => return,
        Verdict::Rounding(s) => (
            &ROUNDING,
            format!(
                "尾数误差：{facts}；{}，在四舍五入允许范围内",
                spread_zh(s, unit)
            ),
        ),
        Verdict::Unlikely(s) => (
            &ROUNDING_UNLIKELY,
            format!(
                "差异不太可能只是尾数误差：{facts}；{}，已达两倍标准差，请核对",
                spread_zh(s, unit)
            ),
        ),
        Verdict::Different => (
            &CROSS_CODE_AMOUNT,
            format!("同一科目在两张表中金额不一致：{facts}"),
        ),
    };
    // The target names the pair in document order, whichever side is reported.
    let target = format!(
        "{}~{}/{}/{}",
        f.a.table.id, f.b.table.id, f.code, f.a.source.column
    );
    diags.push(
        Diagnostic::new(rule, message)
            .at(lx.loc)
            .related(ly.loc, format!("{} 中的对应数字", y.table.id))
            .table(format!("{} ↔ {}", x.table.label(), y.table.label()))
            .row(row)
            .column(col)
            .expected(show(ly.value))
            .found(show(lx.value))
            .target(if rule.id == CROSS_CODE_AMOUNT.id {
                target
            } else {
                format!("{}:{target}", CROSS_CODE_AMOUNT.id)
            }),
    );
}

/// The pairs derived for a template's tables, for `docs/rules.md`: (left, right, guard).
pub fn template_pairs(kinds: &[&str]) -> Vec<(&'static Source, &'static Source)> {
    let mut out = Vec::new();
    for (i, ka) in kinds.iter().enumerate() {
        for kb in &kinds[i + 1..] {
            for a in SOURCES.iter().filter(|s| s.kind == *ka) {
                for b in SOURCES.iter().filter(|s| s.kind == *kb) {
                    if comparable(a, b) {
                        out.push((a, b));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_cover_their_parts_only() {
        assert!(Scope::All.covers(Scope::General));
        assert!(Scope::Fiscal.covers(Scope::Fund));
        assert!(!Scope::General.covers(Scope::Fiscal));
        assert!(!Scope::Fund.covers(Scope::General));
        assert!(!Scope::Fiscal.covers(Scope::SpecialAccount));
    }

    #[test]
    fn every_source_names_a_known_kind_once_per_column() {
        let t = crate::model::templates::Templates::builtin().unwrap();
        for (i, s) in SOURCES.iter().enumerate() {
            assert!(t.kinds.contains_key(s.kind), "{}", s.kind);
            assert!(
                !SOURCES[..i]
                    .iter()
                    .any(|o| o.kind == s.kind && o.column == s.column),
                "{}.{} twice",
                s.kind,
                s.column
            );
        }
    }
}
