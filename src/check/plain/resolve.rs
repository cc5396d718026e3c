//! Matching the figures of each sentence: measures named by words, classification lines,
//! shares, completion rates, changes, listed parts, and finally the value alone.

use super::words::{self, Aspect, Subject};
use super::{
    Contradiction, FigUnit, How, Item, Locate, Outcome, Paragraph, PlainFigure, Scan, Sentence,
};
use crate::check::expr::{CellRef, Expr, Op};
use crate::check::lookup::{self, Lookup};
use crate::model::amount::{self, AmountUnit};
use crate::model::{ColType, Disclosure, Kind, Status, Table};
use rust_decimal::Decimal;

/// What an earlier figure of the sentence contributes to later ones.
#[derive(Clone, Debug)]
struct Seen {
    /// Its value: the matched expression, else the printed number.
    value: Expr,
    percent: bool,
    /// A change amount: its direction and its base's value.
    change: Option<Change>,
    subject: Option<Subject>,
    aspect: Option<Aspect>,
}

#[derive(Clone, Debug)]
struct Change {
    sign: i8,
    amount: Expr,
    /// The current value the change leads to.
    this: Option<Expr>,
    /// Against a stated year-start budget rather than last year.
    budget: Option<Expr>,
}

struct State<'a> {
    d: &'a Disclosure,
    /// Last year's disclosure of the same unit and kind, when the site has it.
    prev: Option<&'a Disclosure>,
    names: Vec<(String, String)>,
    /// Text-only figures stated so far: subject, aspect, printed value.
    stated: Vec<(Subject, Option<Aspect>, Expr)>,
    values: Option<Vec<(Decimal, CellRef)>>,
    scan: Scan,
}

pub(super) fn resolve(
    d: &Disclosure,
    prev: Option<&Disclosure>,
    paragraphs: &[Paragraph],
    locate: Locate,
) -> Scan {
    let mut st = State {
        d,
        prev,
        names: names(d),
        stated: Vec::new(),
        values: None,
        scan: Scan::default(),
    };
    let mut carried: Option<Subject> = None;
    let mut list_lead: Option<CellRef> = None;
    for p in paragraphs {
        if p.heading {
            carried = None;
            list_lead = None;
            continue;
        }
        let has_figures = p.sentences.iter().any(|s| !s.items.is_empty());
        if !has_figures {
            // A numbered line naming a classification line (`1、…（类）…（项）。`) says
            // what the next paragraph's figures are about.
            let words: String = p.sentences.iter().map(|s| s.words.as_str()).collect();
            if let Some((s @ Subject::Code(_), _)) = words::subject_in(&words, &st.names) {
                carried = Some(s);
            }
            continue;
        }
        let mut paragraph_lead = None;
        for s in &p.sentences {
            let lead = sentence(&mut st, s, carried.clone(), list_lead.clone(), locate);
            if paragraph_lead.is_none() {
                paragraph_lead = lead;
            }
        }
        if p.opens_list {
            list_lead = paragraph_lead;
        }
        carried = None;
    }
    st.scan
}

/// The classification names the tables print, with their codes (enumerators dropped).
fn names(d: &Disclosure) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for t in &d.tables {
        for r in &t.rows {
            let (Some(code), Some(name)) = (&r.code, &r.name) else {
                continue;
            };
            let n = strip_enumerator(name);
            if n.chars().count() >= 2 && !out.iter().any(|(m, c)| *m == n && c == code) {
                out.push((n, code.clone()));
            }
        }
    }
    // Functional lines first: a name printed both ways (住房公积金) means the function.
    out.sort_by_key(|(_, c)| !c.starts_with('2'));
    out
}

fn strip_enumerator(name: &str) -> String {
    let n: String = name.chars().filter(|c| !super::ignorable(*c)).collect();
    let trimmed = n.trim_start_matches(|c: char| {
        c.is_ascii_digit() || "（）()一二三四五六七八九十、.．".contains(c)
    });
    trimmed.to_string()
}

/// Matches one sentence's figures; returns the sentence's lead cell.
fn sentence(
    st: &mut State,
    s: &Sentence,
    carried: Option<Subject>,
    list_lead: Option<CellRef>,
    locate: Locate,
) -> Option<CellRef> {
    let mut seen: Vec<Seen> = Vec::new();
    let mut subject: Option<Subject> = carried;
    let mut own_lead: Option<CellRef> = None;
    let first = st.scan.figures.len();
    for item in &s.items {
        let lead = own_lead.clone().or_else(|| list_lead.clone());
        if let Some(marked) = &item.marked {
            let Some(p) = &item.published else { continue };
            let value = marked.clone().unwrap_or(Expr::Num(p.value));
            if let Expr::Ref(r) = &value
                && own_lead.is_none()
            {
                own_lead = Some(r.clone());
            }
            seen.push(Seen {
                value,
                percent: p.percent,
                change: None,
                subject: None,
                aspect: None,
            });
            continue;
        }
        let Some(published) = item.published.clone() else {
            continue;
        };
        // 亿元 are matched as 万元 (the tables' unit), then the expression is scaled back.
        let in_wanyuan;
        let matched_item = if item.unit == FigUnit::Yiyuan {
            in_wanyuan = Item {
                published: Some(crate::check::narrative::Published {
                    value: published.value * Decimal::from(YI),
                    ..published.clone()
                }),
                ..item.clone()
            };
            &in_wanyuan
        } else {
            item
        };
        let (outcome, info) = if item.after_reason {
            (Outcome::Unmatched, None)
        } else if item.unit == FigUnit::Percent {
            (
                percent(st, item, &seen, subject.as_ref(), lead.as_ref(), locate),
                None,
            )
        } else {
            amount_figure(st, matched_item, &seen, &mut subject, lead.as_ref(), locate)
        };
        // `持平` with nothing to compare is no figure: nothing is printed to count.
        if item.unit == FigUnit::Level && !matches!(outcome, Outcome::Matched { .. }) {
            continue;
        }
        if let Outcome::Matched {
            expr: Expr::Ref(r),
            how: How::Words,
            ..
        } = &outcome
            && own_lead.is_none()
        {
            own_lead = Some(r.clone());
        }
        let value = match &outcome {
            Outcome::Matched { expr, .. } => expr.clone(),
            _ => Expr::Num(
                matched_item
                    .published
                    .as_ref()
                    .map_or(published.value, |p| p.value),
            ),
        };
        let outcome = match outcome {
            Outcome::Matched { expr, how, .. } if item.unit == FigUnit::Yiyuan => {
                matched(bin(expr, Op::Div, Expr::Num(Decimal::from(YI))), how)
            }
            o => o,
        };
        let (change, subj, aspect) = info.unwrap_or((None, None, None));
        seen.push(Seen {
            value,
            percent: item.unit == FigUnit::Percent,
            change,
            subject: subj,
            aspect,
        });
        st.scan.figures.push(PlainFigure {
            loc: locate(item.range.start),
            range: item.range.clone(),
            published,
            unit: item.unit,
            outcome,
        });
    }
    parts(st, first, &seen);
    own_lead
}

/// Whether `prefix` speaks of last year (`上年预算数`, not `上年结转`) or of a year other
/// than `year`.
fn other_year(prefix: &str, year: u32) -> bool {
    let last = prefix
        .match_indices("上年")
        .any(|(i, _)| !prefix[i..].starts_with("上年结转"));
    let b = prefix.as_bytes();
    let another = prefix.match_indices('年').any(|(i, _)| {
        i >= 4
            && b[i - 4..i].iter().all(u8::is_ascii_digit)
            && (i == 4 || !b[i - 5].is_ascii_digit())
            && prefix[i - 4..i] != *year.to_string()
    });
    last || another
}

/// 万元 in 1 亿元.
const YI: i64 = 10_000;

type Info = Option<(Option<Change>, Option<Subject>, Option<Aspect>)>;

fn amount_figure(
    st: &mut State,
    item: &Item,
    seen: &[Seen],
    subject: &mut Option<Subject>,
    lead: Option<&CellRef>,
    locate: Locate,
) -> (Outcome, Info) {
    let d = st.d;
    let prefix = item.prefix.as_str();
    let unit = match item.unit {
        FigUnit::Level => d.text_unit,
        u => amount_unit(u),
    };
    // `持平` is a change of zero, in no direction.
    let change = match item.unit {
        FigUnit::Level => Some((prefix.len(), 0)),
        _ => words::change_word(prefix),
    };
    if let Some((at, sign)) = change {
        let before = &prefix[..at];
        let against_budget = prefix.contains("年初预算") && !prefix.contains("上年");
        let this = words::subject_in(before, &st.names)
            .and_then(|(s, _)| cell_for(st, &s, None, lead).ok())
            .or_else(|| {
                seen.iter()
                    .rev()
                    .find(|x| {
                        !x.percent
                            && x.change.is_none()
                            && !matches!(x.aspect, Some(Aspect::Budget | Aspect::LastYear))
                    })
                    .map(|x| x.value.clone())
            })
            .or_else(|| {
                words::weak_subject_in(before).and_then(|s| cell_for(st, &s, None, lead).ok())
            });
        let amount = Expr::Num(item.published.as_ref().map_or(Decimal::ZERO, |p| p.value));
        // The base: a year-start budget stated before, or last year's figure when the
        // site has last year's disclosure of this unit and kind.
        let (base, base_word) = if against_budget {
            (
                seen.iter()
                    .rev()
                    .find(|x| x.aspect == Some(Aspect::Budget))
                    .map(|x| x.value.clone()),
                "年初预算",
            )
        } else {
            (
                // Only a figure read from the tables has a counterpart last year.
                st.prev
                    .zip(
                        this.as_ref()
                            .filter(|t| !crate::check::expr::refs(t).is_empty()),
                    )
                    .and_then(|(prev, t)| value_of(prev, t, unit))
                    .map(Expr::Num),
                "上年",
            )
        };
        if let (Some(this), Some(b)) = (this.clone(), base) {
            // The stated direction must be that of the difference.
            if let (Some(t), Some(bv)) = (value_of(d, &this, unit), value_of(d, &b, unit))
                && let Some(diff) = t.checked_sub(bv)
                && sign != 0
                && !diff.is_zero()
                && (diff.is_sign_negative() == (sign > 0))
            {
                st.scan.contradictions.push(Contradiction {
                    loc: locate(item.range.start),
                    message: format!(
                        "文中说“{}”，但按表中数字本年为 {}、{base_word}为 {}，实际是{}",
                        if sign > 0 { "增加" } else { "减少" },
                        amount::round(t, 2),
                        amount::round(bv, 2),
                        if sign > 0 { "减少" } else { "增加" }
                    ),
                    target: format!("text/direction/{}", printed(item)),
                });
            }
            let expr = if sign >= 0 {
                bin(this.clone(), Op::Sub, b.clone())
            } else {
                bin(b.clone(), Op::Sub, this.clone())
            };
            let change = Change {
                sign,
                amount,
                this: Some(this),
                budget: Some(b),
            };
            return (matched(expr, How::Change), Some((Some(change), None, None)));
        }
        let change = Change {
            sign,
            amount,
            this,
            budget: None,
        };
        return (Outcome::LastYear, Some((Some(change), None, None)));
    }
    let aspect = if d.kind == Kind::Final {
        words::aspect_in(prefix)
    } else {
        None
    };
    let named = match words::subject_in(prefix, &st.names) {
        // A line named with its level mark after the one found is a line the tables do
        // not print by that name (`法院（款）一般行政事务管理（项）支出`): which is unknown.
        Some((_, end)) if words::LEVEL_MARKS.iter().any(|m| prefix[end..].contains(m)) => {
            return (Outcome::Unmatched, None);
        }
        // A line named with its level mark that the tables do not print.
        None if words::LEVEL_MARKS.iter().any(|m| prefix.contains(m)) => {
            return (Outcome::Unmatched, None);
        }
        // Last year's figure, or another year's (`2016年度…为8,648.07万元`).
        _ if other_year(prefix, d.year) => {
            return (
                Outcome::Unmatched,
                Some((None, None, Some(Aspect::LastYear))),
            );
        }
        named => named.map(|(s, _)| s),
    };
    let found = match named {
        Some(s) => Some(s),
        None if aspect.is_some() => subject.clone(),
        None if subject.is_none() && seen.is_empty() => words::weak_subject_in(prefix),
        None => None,
    };
    let Some(found) = found else {
        return (value_alone(st, item), None);
    };
    *subject = Some(found.clone());
    let info = Some((None, Some(found.clone()), aspect));
    let printed_zero = item.published.as_ref().is_some_and(|p| p.value.is_zero());
    match cell_for_printed(st, &found, aspect, lead, printed_zero) {
        Ok(expr) => (matched(expr, How::Words), info),
        Err(Some(why)) => (Outcome::Unreadable(why), info),
        Err(None) => {
            // Stated in the text only (政府采购, a year-start budget of 机关运行经费).
            let p = item.published.as_ref().map_or(Decimal::ZERO, |p| p.value);
            st.stated.push((found, aspect, Expr::Num(p)));
            (Outcome::Unmatched, info)
        }
    }
}

fn percent(
    st: &mut State,
    item: &Item,
    seen: &[Seen],
    subject: Option<&Subject>,
    lead: Option<&CellRef>,
    locate: Locate,
) -> Outcome {
    let prefix = item.prefix.as_str();
    // A completion rate: 决算 ÷ 年初预算 of the sentence's line.
    if prefix.contains("完成") {
        let Some(s) = subject else {
            return Outcome::Unmatched;
        };
        return completion(st, s).map_or(Outcome::Unmatched, |e| matched(e, How::Completion));
    }
    // A change rate, after its amount.
    let word = words::change_word(prefix);
    if word.is_some() || item.in_parens {
        let Some(last) = seen.iter().rev().find(|x| x.change.is_some()) else {
            return Outcome::Unmatched;
        };
        let Some(c) = &last.change else {
            return Outcome::Unmatched;
        };
        if let Some((_, sign)) = word
            && c.sign != 0
            && sign != c.sign
        {
            st.scan.contradictions.push(Contradiction {
                loc: locate(item.range.start),
                message: format!(
                    "增减方向前后矛盾：前面说“{}”，这里说“{}”",
                    if c.sign > 0 { "增加" } else { "减少" },
                    if sign > 0 { "增长" } else { "下降" }
                ),
                target: format!("text/direction/{}", printed(item)),
            });
        }
        let Some(this) = &c.this else {
            return Outcome::Unmatched;
        };
        let e = match &c.budget {
            Some(b) => {
                let diff = if c.sign > 0 {
                    bin(this.clone(), Op::Sub, b.clone())
                } else {
                    bin(b.clone(), Op::Sub, this.clone())
                };
                Expr::Pct(Box::new(diff), Box::new(b.clone()))
            }
            None => {
                let op = if c.sign > 0 { Op::Sub } else { Op::Add };
                Expr::Pct(
                    Box::new(c.amount.clone()),
                    Box::new(bin(this.clone(), op, c.amount.clone())),
                )
            }
        };
        return matched(e, How::Change);
    }
    // A share: 占（…的）X%.
    if let Some(at) = prefix.find('占') {
        let before = &prefix[..at];
        if words::subject_in(before, &st.names).is_some() {
            return Outcome::Unmatched; // the part is named but not stated
        }
        let Some(part) = seen.iter().rev().find(|x| !x.percent && x.change.is_none()) else {
            return Outcome::Unmatched;
        };
        let after = &prefix[at..];
        let part_lead = match &part.value {
            Expr::Ref(r) => Some(r.clone()),
            _ => lead.cloned(),
        };
        let whole = match words::subject_in(after, &st.names) {
            Some((s, _)) => match cell_for(st, &s, part.aspect, part_lead.as_ref()) {
                // Not in the part's own table: the one the sentence is about.
                Ok(Expr::Ref(r))
                    if part_lead.as_ref().is_some_and(|p| p.table != r.table) && lead.is_some() =>
                {
                    cell_for(st, &s, part.aspect, lead).ok()
                }
                Ok(e) => Some(e),
                Err(Some(why)) => return Outcome::Unreadable(why),
                Err(None) => st
                    .stated
                    .iter()
                    .rev()
                    .find(|(x, _, _)| *x == s)
                    .map(|(_, _, e)| e.clone()),
            },
            None => match &part.value {
                Expr::Ref(r) => parent_of(st.d, r, part.subject.as_ref(), part.aspect, &st.names),
                _ => None,
            },
        };
        return match whole {
            Some(w) => matched(
                Expr::Pct(Box::new(part.value.clone()), Box::new(w)),
                How::Share,
            ),
            None => Outcome::Unmatched,
        };
    }
    Outcome::Unmatched
}

/// A total of listed parts (政府采购总额, 其中：货物…、工程…、服务…) equals their sum.
fn parts(st: &mut State, first: usize, seen: &[Seen]) {
    let figs = &mut st.scan.figures[first..];
    // `seen` also holds marked figures; align on plain ones only.
    let plain: Vec<&Seen> = seen.iter().collect();
    if plain.len() != figs.len() {
        return;
    }
    for i in 0..figs.len() {
        if plain[i].subject != Some(Subject::Procurement)
            || !matches!(figs[i].outcome, Outcome::Unmatched)
        {
            continue;
        }
        let listed: Vec<Expr> = (i + 1..figs.len())
            .take_while(|&j| {
                plain[j]
                    .subject
                    .as_ref()
                    .is_some_and(Subject::is_procurement_part)
            })
            .map(|j| Expr::Num(figs[j].published.value))
            .collect();
        if listed.len() >= 2 {
            let mut it = listed.into_iter();
            let Some(mut sum) = it.next() else { continue };
            for e in it {
                sum = bin(sum, Op::Add, e);
            }
            figs[i].outcome = matched(sum, How::Parts);
        }
    }
}

fn matched(expr: Expr, how: How) -> Outcome {
    Outcome::Matched {
        text: format_expr(&expr),
        expr,
        how,
    }
}

fn bin(a: Expr, op: Op, b: Expr) -> Expr {
    Expr::Bin(Box::new(a), op, Box::new(b))
}

fn amount_unit(u: FigUnit) -> AmountUnit {
    match u {
        FigUnit::Yuan => AmountUnit::Yuan,
        _ => AmountUnit::Wanyuan,
    }
}

/// The value of an expression with the figures as printed (for direction words).
fn value_of(d: &Disclosure, e: &Expr, unit: AmountUnit) -> Option<Decimal> {
    let none = Default::default();
    crate::check::expr::eval(e, &|r| match lookup::cell(d, r, unit, &none) {
        Lookup::Value(v, _) => Ok(v),
        _ => Err(crate::check::expr::EvalError::Unknown(r.to_string())),
    })
    .ok()
    .map(|v| v.mid)
}

/// How a table is named in an expression: its kind when only one table has it.
fn table_ref(d: &Disclosure, t: &Table) -> String {
    if d.tables_of_kind(&t.kind).count() == 1 && t.kind != "other" {
        t.kind.clone()
    } else {
        t.id.clone()
    }
}

/// The first readable cell among `cands`: `Err(Some(why))` when the first existing one
/// is unreadable and nothing later is readable, `Err(None)` when none exists.
fn first_readable(
    d: &Disclosure,
    cands: &[(String, String, String)],
) -> Result<Expr, Option<String>> {
    let none = Default::default();
    let mut unreadable = None;
    for (table, row, col) in cands {
        let r = CellRef {
            table: table.clone(),
            row: row.clone(),
            column: col.clone(),
            optional: false,
        };
        match lookup::cell(d, &r, d.text_unit, &none) {
            Lookup::Value(..) => return Ok(Expr::Ref(r)),
            Lookup::Unknown => {
                unreadable.get_or_insert_with(|| format!("`{r}` 在原文中无法辨认"));
            }
            _ => {}
        }
    }
    Err(unreadable)
}

/// The expression for `subject`, preferring the lead cell's table.
fn cell_for(
    st: &State,
    subject: &Subject,
    aspect: Option<Aspect>,
    lead: Option<&CellRef>,
) -> Result<Expr, Option<String>> {
    cell_for_printed(st, subject, aspect, lead, false)
}

/// `cell_for` for a figure printed as `printed_zero` (0 or 0.00): the only figure that
/// economic lines absent from the basic-expenditure table can confirm.
fn cell_for_printed(
    st: &State,
    subject: &Subject,
    aspect: Option<Aspect>,
    lead: Option<&CellRef>,
    printed_zero: bool,
) -> Result<Expr, Option<String>> {
    let d = st.d;
    let lead_table = lead.and_then(|r| d.table(&r.table));
    if let Subject::Code(code) = subject {
        let mut cands = Vec::new();
        if let Some(t) = lead_table
            && aspect.is_none()
            && t.row(code).is_some()
            && let Some(l) = lead
        {
            cands.push((table_ref(d, t), code.clone(), l.column.clone()));
        }
        for kind in words::code_tables(code, d.kind, aspect) {
            for t in d.tables_of_kind(kind) {
                if t.status == Status::Present && t.row(code).is_none() {
                    continue;
                }
                if let Some(col) = natural_column(t, aspect) {
                    cands.push((table_ref(d, t), code.clone(), col));
                }
            }
        }
        return first_readable(d, &cands);
    }
    let mut cands: Vec<(String, String, String)> = Vec::new();
    let base = words::cells(subject, d.kind, aspect);
    // The lead's table first, when it prints this subject.
    if let Some(t) = lead_table {
        for (kind, row, col) in &base {
            if t.kind == *kind {
                cands.push((table_ref(d, t), row.to_string(), col.to_string()));
            }
        }
    }
    for (kind, row, col) in &base {
        if let Some(t) = d.table(kind) {
            cands.push((table_ref(d, t), row.to_string(), col.to_string()));
        }
    }
    match first_readable(d, &cands) {
        Ok(e) => Ok(e),
        Err(why) => {
            // 三公, 会议费, 培训费: the economic lines of the basic-expenditure table.
            let codes = words::economic_codes(subject);
            let basic = if d.kind == Kind::Budget {
                "general_basic"
            } else {
                "final_general_basic"
            };
            let table = d.table(basic).filter(|t| t.status == Status::Present);
            match (codes.is_empty(), table) {
                // A line the table does not print reads as zero: that confirms a stated
                // zero, but says nothing of a stated amount (the item may be booked in
                // project expenditure, or printed in a table this disclosure lacks).
                (false, Some(t)) if printed_zero || codes.iter().any(|c| t.row(c).is_some()) => {
                    let col = if t.column("total").is_some() {
                        "total"
                    } else {
                        "public"
                    };
                    let mut e: Option<Expr> = None;
                    for c in codes {
                        let r = Expr::Ref(CellRef {
                            table: table_ref(d, t),
                            row: c.to_string(),
                            column: col.to_string(),
                            optional: true,
                        });
                        e = Some(match e {
                            None => r,
                            Some(a) => bin(a, Op::Add, r),
                        });
                    }
                    e.ok_or(why)
                }
                _ => Err(why),
            }
        }
    }
}

/// The column a classification line is read from in `t`.
fn natural_column(t: &Table, aspect: Option<Aspect>) -> Option<String> {
    if t.kind == "budget_vs_actual" {
        return Some(match aspect {
            Some(Aspect::Budget) => "budget".into(),
            _ => "actual".into(),
        });
    }
    ["total", "amount"]
        .iter()
        .find(|k| t.column(k).is_some())
        .map(|k| k.to_string())
        .or_else(|| {
            t.columns
                .iter()
                .find(|c| c.ty == ColType::Amount)
                .map(|c| c.key.clone())
        })
}

/// Actual ÷ year-start budget of a line, in percent.
fn completion(st: &State, s: &Subject) -> Option<Expr> {
    let d = st.d;
    let row = match s {
        Subject::FiscalExp | Subject::GeneralExp => Some("total".to_string()),
        Subject::Code(c) => Some(c.clone()),
        _ => None,
    };
    if let (Some(row), Some(t)) = (row, d.table("budget_vs_actual"))
        && t.row(&row).is_some()
    {
        let r = |col: &str| {
            Expr::Ref(CellRef {
                table: table_ref(d, t),
                row: row.clone(),
                column: col.to_string(),
                optional: false,
            })
        };
        return Some(Expr::Pct(Box::new(r("actual")), Box::new(r("budget"))));
    }
    let actual = cell_for(st, s, Some(Aspect::Actual), None).ok();
    // A year-start budget stated in the text (机关运行经费 has no budget column) first.
    let budget = st
        .stated
        .iter()
        .rev()
        .find(|(x, a, _)| x == s && *a == Some(Aspect::Budget))
        .map(|(_, _, e)| e.clone())
        .or_else(|| cell_for(st, s, Some(Aspect::Budget), None).ok());
    match (actual, budget) {
        (Some(a), Some(b)) if a != b => Some(Expr::Pct(Box::new(a), Box::new(b))),
        _ => None,
    }
}

/// The whole a part is a share of: the column or row its table sums it into.
fn parent_of(
    d: &Disclosure,
    r: &CellRef,
    subject: Option<&Subject>,
    aspect: Option<Aspect>,
    names: &[(String, String)],
) -> Option<Expr> {
    let t = d.table(&r.table)?;
    let row = t.row(&r.row)?;
    let with = |row: &str, col: &str| {
        Expr::Ref(CellRef {
            table: r.table.clone(),
            row: row.to_string(),
            column: col.to_string(),
            optional: false,
        })
    };
    if let Some(c) = t
        .columns
        .iter()
        .find(|c| c.sum_of.iter().any(|x| !x.negative && x.name == r.column))
    {
        return Some(with(&r.row, &c.key));
    }
    let me = row.key.as_deref().or(row.code.as_deref()).unwrap_or("");
    if let Some(p) = t
        .rows
        .iter()
        .find(|p| p.sum_of.iter().any(|x| !x.negative && x.name == me))
    {
        return Some(with(p.reference(), &r.column));
    }
    if let Some(code) = &row.code {
        let family = match code.as_bytes().first() {
            Some(b'3') => "dept_economic",
            Some(b'5') => "gov_economic",
            _ => "functional",
        };
        if let Some(p) = t
            .rows
            .iter()
            .find(|p| p.sum_of.iter().any(|x| x.name == family))
        {
            return Some(with(p.reference(), &r.column));
        }
    }
    let _ = names;
    let up = match subject? {
        Subject::Personnel | Subject::Public | Subject::Running => Subject::Basic,
        Subject::Basic | Subject::Project => Subject::ExpTotal,
        _ => return None,
    };
    let st_cands = words::cells(&up, d.kind, aspect);
    let cands: Vec<(String, String, String)> = st_cands
        .iter()
        .filter_map(|(k, row, col)| {
            d.table(k)
                .map(|t| (table_ref(d, t), row.to_string(), col.to_string()))
        })
        .collect();
    first_readable(d, &cands).ok()
}

/// A figure no words match: checked as the cell that prints its value, if one does.
fn value_alone(st: &mut State, item: &Item) -> Outcome {
    let Some(p) = &item.published else {
        return Outcome::Unmatched;
    };
    // A zero matches any blank cell; 亿元 printed to two decimals, any cell within a
    // million 元 of it: neither says which figure is meant.
    if p.value.is_zero() || item.unit == FigUnit::Yiyuan {
        return Outcome::Unmatched;
    }
    let d = st.d;
    let unit = amount_unit(item.unit);
    let values = st.values.get_or_insert_with(|| cell_values(d, unit));
    let dp = p.value.scale();
    match values
        .iter()
        .find(|(v, _)| amount::round(*v, dp) == p.value && v.scale() <= dp.max(2))
    {
        Some((_, r)) => matched(Expr::Ref(r.clone()), How::Value),
        None => Outcome::Unmatched,
    }
}

/// Every amount cell of the readable tables, in `unit`.
fn cell_values(d: &Disclosure, unit: AmountUnit) -> Vec<(Decimal, CellRef)> {
    let mut out = Vec::new();
    for t in d.tables.iter().filter(|t| t.status == Status::Present) {
        let name = table_ref(d, t);
        if d.table(&name).is_none_or(|x| !std::ptr::eq(x, t)) {
            continue;
        }
        let factor = t.unit.yuan_factor() / unit.yuan_factor();
        for row in &t.rows {
            let reference = row.reference();
            if reference.is_empty() || t.row(reference).is_none_or(|x| !std::ptr::eq(x, row)) {
                continue;
            }
            for c in t.amount_columns() {
                let Some(v) = row.cells.get(&c.key).and_then(|cell| match &cell.value {
                    crate::model::Value::Amount(v) => Some(*v),
                    _ => None,
                }) else {
                    continue;
                };
                let Some(v) = v.checked_mul(factor) else {
                    continue;
                };
                out.push((
                    v,
                    CellRef {
                        table: name.clone(),
                        row: reference.to_string(),
                        column: c.key.clone(),
                        optional: false,
                    },
                ));
            }
        }
    }
    out
}

/// An expression as an author would write it in `{{ … = EXPRESSION }}`.
pub fn format_expr(e: &Expr) -> String {
    match e {
        Expr::Num(d) => d.to_string(),
        Expr::Ref(r) => r.to_string(),
        Expr::Neg(a) => format!("-{}", wrapped(a)),
        Expr::Bin(a, op, b) => {
            let o = match op {
                Op::Add => "+",
                Op::Sub => "-",
                Op::Mul => "*",
                Op::Div => "/",
            };
            let right = match (op, &**b) {
                (Op::Sub | Op::Mul | Op::Div, Expr::Bin(..)) => format!("({})", format_expr(b)),
                _ => format_expr(b),
            };
            format!("{} {o} {right}", format_expr(a))
        }
        Expr::Pct(a, b) => format!("pct({}, {})", format_expr(a), format_expr(b)),
    }
}

fn wrapped(e: &Expr) -> String {
    match e {
        Expr::Bin(..) => format!("({})", format_expr(e)),
        _ => format_expr(e),
    }
}

/// The figure as printed, for targets that an acknowledgement can name.
fn printed(item: &Item) -> String {
    item.published
        .as_ref()
        .map_or_else(String::new, |p| p.text.clone())
}
