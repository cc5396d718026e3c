//! `cross.table`, `cross.code-amount`, `cross.code-name`: the same quantity printed in
//! two places agrees.

use super::{Context, Doc, Verdict, judge, spread_zh};
use crate::check::expr::{self, CellRef, EvalError, Iv};
use crate::check::lookup::{self, Lookup};
use crate::model::amount::{self, AmountUnit};
use crate::model::diagnostic::Rule;
use crate::model::diagnostic::{Diagnostic, Loc, Severity};
use crate::model::{Disclosure, Row, Table};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub const CROSS_CODE_NAME: Rule = Rule {
    id: "cross.code-name",
    severity: Severity::Error,
    module: "cross_table",
    summary: "The same code printed with different names in two tables.",
    doc: "Only for codes the catalogue does not know (otherwise `catalogue.name` reports the wrong one).",
};

pub const CROSS_TABLE: Rule = Rule {
    id: "cross.table",
    severity: Severity::Error,
    module: "cross_table",
    summary: "The same quantity printed in two tables disagrees.",
    doc: "The pairs checked are listed below (`cross_table::PAIRS`), each with its id, used as the diagnostic's target.",
};

pub const CROSS_CODE_AMOUNT: Rule = Rule {
    id: "cross.code-amount",
    severity: Severity::Error,
    module: "cross_table",
    summary: "The same code carries different amounts in two tables that must agree line by line.",
    doc: "The pairs are derived (`code_pairs::SOURCES`): each column that prints a measure per code is declared once with its scope (全部资金 ⊇ 财政拨款 ⊇ 一般公共预算 / 政府性基金 / 国有资本经营) and nature (合计, 基本支出, 项目支出, 人员经费, 公用经费, …), and every two tables of a disclosure printing the same nature in the same unit are compared for every code either prints, aggregating 项 to 款 and 类 where one table prints less detail. Same scope: always. One scope inside the other (财政拨款收支总表's 类 lines against the 一般公共预算支出表): only when the two tables' totals of that column agree, which, amounts being never negative, makes every line agree. One printed figure against another is a copy, exact or this error; a line summed from several printed figures may differ by their rounding. The table that disagrees with more of the others is the one reported. The pairs each template's tables give are listed below.",
};

/// A quantity printed in two places: `left` (one cell) must equal `right` (an expression).
/// References are `kind.row.column`; a pair whose tables, rows or columns a disclosure does
/// not have is skipped. A trailing `?` reads an absent row as zero.
pub struct Pair {
    pub id: &'static str,
    pub left: &'static str,
    pub right: &'static str,
    pub what: &'static str,
}

macro_rules! pair {
    ($id:literal, $l:literal, $r:literal, $what:literal) => {
        Pair {
            id: $id,
            left: $l,
            right: $r,
            what: $what,
        }
    };
}

pub const PAIRS: &[Pair] = &[
    // Budgets.
    pair!(
        "summary-income",
        "summary.income_total.amount",
        "income.total.total",
        "收支总表的本年收入合计 = 收入总表的合计"
    ),
    pair!(
        "summary-expenditure",
        "summary.exp_total.amount",
        "expenditure.total.total",
        "收支总表的本年支出合计 = 支出总表的合计"
    ),
    pair!(
        "summary-balance",
        "summary.exp_total.amount",
        "summary.income_total.amount",
        "收支总表：本年支出合计 = 本年收入合计"
    ),
    pair!(
        "summary-grand-balance",
        "summary.exp_grand_total.amount",
        "summary.income_grand_total.amount",
        "收支总表：支出总计 = 收入总计"
    ),
    pair!(
        "summary-dept-econ",
        "summary.exp_total_dept.amount",
        "summary.exp_total.amount",
        "收支总表：按部门预算经济分类的支出合计 = 按功能分类的支出合计"
    ),
    pair!(
        "summary-gov-econ",
        "summary.exp_total_gov.amount",
        "summary.exp_total.amount",
        "收支总表：按政府预算经济分类的支出合计 = 按功能分类的支出合计"
    ),
    pair!(
        "summary-basic",
        "summary.exp_basic.amount",
        "expenditure.total.basic",
        "收支总表的基本支出 = 支出总表的基本支出"
    ),
    pair!(
        "summary-project",
        "summary.exp_project.amount",
        "expenditure.total.project",
        "收支总表的项目支出 = 支出总表的项目支出"
    ),
    pair!(
        "summary-general",
        "summary.income_general.amount",
        "income.total.general",
        "收支总表的一般公共预算拨款 = 收入总表的一般公共预算"
    ),
    pair!(
        "summary-fiscal-general",
        "fiscal_summary.income_general.amount",
        "summary.income_general.amount",
        "财政拨款收支总表的一般公共预算拨款 = 收支总表的一般公共预算拨款"
    ),
    pair!(
        "fiscal-balance",
        "fiscal_summary.exp_grand_total.amount",
        "fiscal_summary.income_grand_total.amount",
        "财政拨款收支总表：支出总计 = 收入总计"
    ),
    pair!(
        "fiscal-general-expenditure",
        "general_expenditure.total.total",
        "fiscal_summary.income_general.amount",
        "一般公共预算支出表的合计 = 财政拨款收支总表的一般公共预算拨款"
    ),
    pair!(
        "fiscal-fund",
        "fund_expenditure.total.total",
        "fiscal_summary.income_fund.amount",
        "政府性基金预算支出表的合计 = 财政拨款收支总表的政府性基金预算拨款"
    ),
    pair!(
        "fiscal-state-capital",
        "state_capital.total.total",
        "fiscal_summary.income_state_capital.amount",
        "国有资本经营预算支出表的合计 = 财政拨款收支总表的国有资本经营预算拨款"
    ),
    pair!(
        "general-basic",
        "general_basic.total.total",
        "general_expenditure.total.basic",
        "一般公共预算基本支出表的合计 = 一般公共预算支出表的基本支出"
    ),
    pair!(
        "general-basic-parts",
        "general_basic.total.total",
        "general_expenditure.total.personnel + general_expenditure.total.public",
        "一般公共预算基本支出表的合计 = 一般公共预算支出表的人员经费 + 公用经费（不单列基本支出小计的模板）"
    ),
    pair!(
        "general-basic-personnel",
        "general_basic.total.personnel",
        "general_basic.301.total? + general_basic.303.total?",
        "基本支出表：人员经费 = 301 工资福利支出 + 303 对个人和家庭的补助"
    ),
    pair!(
        "general-basic-public",
        "general_basic.total.public",
        "general_basic.302.total? + general_basic.310.total?",
        "基本支出表：公用经费 = 302 商品和服务支出 + 310 资本性支出"
    ),
    pair!(
        "general-public",
        "general_expenditure.total.public",
        "general_basic.total.public",
        "一般公共预算支出表的公用经费 = 基本支出表的公用经费"
    ),
    pair!(
        "general-econ",
        "general_expenditure_econ.total.total",
        "general_expenditure.total.total",
        "一般公共预算支出表：按经济分类的合计 = 按功能分类的合计"
    ),
    pair!(
        "general-basic-fn",
        "general_basic_fn.total.total",
        "general_basic.total.total",
        "一般公共预算基本支出：按功能分类的合计 = 按经济分类的合计"
    ),
    pair!(
        "gov-econ-total",
        "expenditure_gov_econ.total.total",
        "expenditure.total.total",
        "支出预算分类汇总表（按政府预算经济分类）的合计 = 支出总表的合计"
    ),
    pair!(
        "dept-econ-total",
        "expenditure_dept_econ.total.total",
        "expenditure.total.total",
        "支出预算分类汇总表（按部门预算经济分类）的合计 = 支出总表的合计"
    ),
    pair!(
        "dept-econ-basic",
        "expenditure_dept_econ.total.basic",
        "expenditure.total.basic",
        "支出预算分类汇总表（按部门预算经济分类）的基本支出 = 支出总表的基本支出"
    ),
    pair!(
        "wages-gov",
        "basic_wages_gov_econ.total.total",
        "general_expenditure.total.wages",
        "人员经费（工资福利支出，按政府预算经济分类）的合计 = 一般公共预算支出表的工资福利支出"
    ),
    pair!(
        "wages-dept",
        "basic_wages_dept_econ.total.total",
        "general_expenditure.total.wages",
        "人员经费（工资福利支出，按部门预算经济分类）的合计 = 一般公共预算支出表的工资福利支出"
    ),
    pair!(
        "family-gov",
        "basic_family_gov_econ.total.total",
        "general_expenditure.total.family",
        "人员经费（对个人和家庭的补助，按政府预算经济分类）的合计 = 一般公共预算支出表的对个人和家庭的补助"
    ),
    pair!(
        "family-dept",
        "basic_family_dept_econ.total.total",
        "general_expenditure.total.family",
        "人员经费（对个人和家庭的补助，按部门预算经济分类）的合计 = 一般公共预算支出表的对个人和家庭的补助"
    ),
    pair!(
        "goods-gov",
        "basic_goods_gov_econ.total.total",
        "general_expenditure.total.public",
        "公用经费（商品和服务支出，按政府预算经济分类）的合计 = 一般公共预算支出表的公用经费"
    ),
    pair!(
        "goods-dept",
        "basic_goods_dept_econ.total.total",
        "general_expenditure.total.public",
        "公用经费（商品和服务支出，按部门预算经济分类）的合计 = 一般公共预算支出表的公用经费"
    ),
    // Final accounts (T1–T9 of the national set).
    pair!(
        "final-summary-income",
        "final_summary.income_total.amount",
        "final_income.total.total",
        "T1 本年收入合计 = T2 收入决算表合计"
    ),
    pair!(
        "final-summary-expenditure",
        "final_summary.exp_total.amount",
        "final_expenditure.total.total",
        "T1 本年支出合计 = T3 支出决算表合计"
    ),
    pair!(
        "final-summary-balance",
        "final_summary.exp_grand_total.amount",
        "final_summary.income_grand_total.amount",
        "T1：支出总计 = 收入总计"
    ),
    pair!(
        "final-income-fiscal",
        "final_income.total.fiscal",
        "final_fiscal_summary.income_total.amount",
        "T2 财政拨款收入 = T4 本年收入"
    ),
    pair!(
        "final-fiscal-balance",
        "final_fiscal_summary.exp_grand_total.amount",
        "final_fiscal_summary.income_grand_total.amount",
        "T4：支出总计 = 收入总计"
    ),
    pair!(
        "final-fiscal-general",
        "final_general_expenditure.total.total",
        "final_fiscal_summary.exp_total.general",
        "T5 合计 = T4 本年支出的一般公共预算财政拨款"
    ),
    pair!(
        "final-general-basic",
        "final_general_expenditure.total.basic",
        "final_general_basic.total.personnel + final_general_basic.total.public",
        "T5 基本支出 = T6 人员经费合计 + 公用经费合计"
    ),
    pair!(
        "final-basic-personnel",
        "final_general_basic.total.personnel",
        "final_general_basic.301.personnel? + final_general_basic.303.personnel?",
        "T6：人员经费合计 = 301 工资福利支出 + 303 对个人和家庭的补助"
    ),
    pair!(
        "final-basic-public",
        "final_general_basic.total.public",
        "final_general_basic.302.public? + final_general_basic.310.public?",
        "T6：公用经费合计 = 302 商品和服务支出 + 310 资本性支出"
    ),
    pair!(
        "final-fund",
        "final_fund.total.total",
        "final_fiscal_summary.exp_total.fund",
        "T7 合计 = T4 本年支出的政府性基金预算财政拨款"
    ),
    pair!(
        "final-state-capital",
        "final_state_capital.total.total",
        "final_fiscal_summary.exp_total.state_capital",
        "T8 合计 = T4 本年支出的国有资本经营预算财政拨款"
    ),
];

/// Checks the pairs of `doc`; returns how many pairs were compared.
pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) -> usize {
    let d = doc.disclosure;
    let mut compared = 0;
    for p in PAIRS {
        compared += usize::from(pair(cx, d, p, diags));
    }
    code_names(cx, d, diags);
    compared
}

/// The ids of the pairs that can be evaluated on `d` (both sides present): what
/// `cross.table` actually checks for this disclosure.
pub fn applicable(cx: &Context, d: &Disclosure) -> Vec<&'static str> {
    PAIRS
        .iter()
        .filter(|p| eval_yuan(cx, d, p.left).is_some() && eval_yuan(cx, d, p.right).is_some())
        .map(|p| p.id)
        .collect()
}

/// Evaluates `src` in 元; `None` when any part is absent or unreadable.
/// The pair expressions, parsed once (they are constants).
fn parsed(src: &str) -> Option<&'static expr::Expr> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static CACHE: OnceLock<HashMap<&'static str, expr::Expr>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        PAIRS
            .iter()
            .flat_map(|p| [p.left, p.right])
            .filter_map(|s| expr::parse(s).ok().map(|e| (s, e)))
            .collect()
    });
    cache.get(src)
}

/// One cell an expression reads: its table's unit and its value in 元 as an interval.
#[derive(Clone, Copy)]
struct Term {
    unit: AmountUnit,
    value: Iv,
}

fn eval_yuan(cx: &Context, d: &Disclosure, src: &str) -> Option<(Iv, Option<Loc>)> {
    eval_terms(cx, d, src).map(|(v, loc, _)| (v, loc))
}

/// `eval_yuan`, with the cells read.
fn eval_terms(cx: &Context, d: &Disclosure, src: &str) -> Option<(Iv, Option<Loc>, Vec<Term>)> {
    let e = parsed(src)?;
    let first = std::cell::Cell::new(None);
    let terms = std::cell::RefCell::new(Vec::new());
    let resolve = |r: &CellRef| match lookup::cell(d, r, AmountUnit::Yuan, &cx.suspect) {
        Lookup::Value(v, loc) => {
            if first.get().is_none() {
                first.set(loc);
            }
            let unit = d.table(&r.table).map_or(d.amount_unit, |t| t.unit);
            terms.borrow_mut().push(Term { unit, value: v });
            Ok(v)
        }
        _ => Err(EvalError::Unknown(r.to_string())),
    };
    let v = expr::eval(e, &resolve).ok()?;
    Some((v, first.get(), terms.into_inner()))
}

/// How a figure compares with the figure or sum it must equal: a copy of one figure in
/// the same unit and decimals is exact or different; a figure converted between 元 and
/// 万元 (or printed with other decimals) may differ by half a unit of the coarser; a sum
/// of rounded parts by what `judge` allows.
fn copy_verdict(left: &[Term], right: &[Term], l: Iv, r: Iv) -> Verdict {
    let width = |t: &Term| t.value.hi - t.value.lo;
    if let ([a], [b]) = (left, right)
        && a.unit == b.unit
        && (width(a) == width(b) || width(a).is_zero() || width(b).is_zero())
    {
        return if l.mid == r.mid {
            Verdict::Equal
        } else {
            Verdict::Different
        };
    }
    let converted = right
        .iter()
        .chain(left)
        .any(|t| Some(t.unit) != left.first().map(|t| t.unit));
    let mut units: Vec<Decimal> = right.iter().map(width).collect();
    let mut expected = r;
    if converted || right.len() <= 1 {
        // The left figure is itself rounded from the same amount: half of its own unit more.
        expected.lo -= l.mid - l.lo;
        expected.hi += l.hi - l.mid;
        units.extend(left.iter().map(width));
    }
    judge(l.mid, &expected, &units)
}

/// Shows a 元 amount in the unit of the table `reference` starts with.
fn show_in(d: &Disclosure, reference: &str, yuan: Decimal) -> String {
    let kind = reference.split('.').next().unwrap_or("");
    let unit = d.table(kind).map_or(d.amount_unit, |t| t.unit);
    let v = yuan / unit.yuan_factor();
    amount::show(amount::round(v, 2), unit)
}

/// Judges one pair; false when a side cannot be evaluated (nothing compared).
fn pair(cx: &Context, d: &Disclosure, p: &Pair, diags: &mut Vec<Diagnostic>) -> bool {
    let (Some((left, left_loc, lt)), Some((right, right_loc, rt))) =
        (eval_terms(cx, d, p.left), eval_terms(cx, d, p.right))
    else {
        return false;
    };
    let verdict = copy_verdict(&lt, &rt, left, right);
    let table = |r: &str| {
        let k = r.split('.').next().unwrap_or("");
        d.table(k).map(Table::label).unwrap_or_default()
    };
    let found = show_in(d, p.left, left.mid);
    let expected = show_in(d, p.left, right.mid);
    let unit = {
        let kind = p.left.split('.').next().unwrap_or("");
        d.table(kind).map_or(d.amount_unit, |t| t.unit)
    };
    let in_unit = |s: &super::Spread| super::Spread {
        half: s.half / unit.yuan_factor(),
        bound: s.bound / unit.yuan_factor(),
        two_sd: s.two_sd / unit.yuan_factor(),
        diff: s.diff / unit.yuan_factor(),
        n: s.n,
    };
    let (rule, message) = match &verdict {
        Verdict::Equal => return true,
        Verdict::Rounding(s) => (
            &super::sums::ROUNDING,
            format!(
                "尾数误差：{}（{found} 与 {expected}）；{}，在四舍五入允许范围内",
                p.what,
                spread_zh(&in_unit(s), unit)
            ),
        ),
        Verdict::Unlikely(s) => (
            &super::sums::ROUNDING_UNLIKELY,
            format!(
                "差异不太可能只是尾数误差：{}（{found} 与 {expected}）；{}，已达两倍标准差，请核对",
                p.what,
                spread_zh(&in_unit(s), unit)
            ),
        ),
        Verdict::Different => (
            &CROSS_TABLE,
            format!("表间数字不一致：{}。应为 {expected}，实为 {found}", p.what),
        ),
    };
    let rounding = rule.id != CROSS_TABLE.id;
    let mut diag = Diagnostic::new(rule, message)
        .at_opt(left_loc)
        .table(table(p.left))
        .expected(expected)
        .found(found)
        .target(if rounding {
            format!("cross.table:{}", p.id)
        } else {
            p.id.to_string()
        });
    if let Some(l) = right_loc {
        diag = diag.related(l, format!("对应数字（{}）", p.right));
    }
    diags.push(diag);
    true
}

/// The same code printed with different names, for codes the catalogue does not know.
fn code_names(cx: &Context, d: &Disclosure, diags: &mut Vec<Diagnostic>) {
    let norm = super::classification::normalize;
    let mut first: BTreeMap<&str, (&str, &Table, &Row)> = BTreeMap::new();
    for t in &d.tables {
        for r in &t.rows {
            let (Some(code), Some(name)) = (r.code.as_deref(), r.name.as_deref()) else {
                continue;
            };
            if cx.catalogue_of(d).name(code).is_some() {
                continue;
            }
            match first.get(code) {
                None => {
                    first.insert(code, (name, t, r));
                }
                Some((n0, t0, r0)) if norm(n0) != norm(name) => diags.push(
                    Diagnostic::new(
                        &CROSS_CODE_NAME,
                        format!(
                            "编码 {code} 在「{}」中名为「{n0}」，在「{}」中名为「{name}」",
                            t0.title, t.title
                        ),
                    )
                    .at(r.name_loc.unwrap_or(r.loc))
                    .related(r0.name_loc.unwrap_or(r0.loc), "另一处名称")
                    .table(t.label())
                    .row(r.label())
                    .expected(n0.to_string())
                    .found(name.to_string())
                    .target(format!("{}/{}", t.id, code)),
                ),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_pair_expression_parses() {
        for p in super::PAIRS {
            assert!(super::parsed(p.left).is_some(), "{}", p.left);
            assert!(super::parsed(p.right).is_some(), "{}", p.right);
        }
    }
}
