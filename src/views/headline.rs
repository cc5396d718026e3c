//! The headline of a disclosure: each key figure derived from what the disclosure
//! prints, the change from the previous year, and for final accounts the year-start
//! budget against the actual.
//!
//! A measure is read, in this order, from: its own cell (`key_cell`, as the comparisons
//! read it); a labelled line of a template that prints the measure under another name
//! (the Shaanxi summary table's `1、人员经费和公用经费支出` is its 基本支出); its table
//! declared empty (zero, with the published reason); a figure the text states for it
//! (found with the plain-text checker's segmentation and words, marked or not, and
//! judged against the tables where its expression can be evaluated). Only when none of
//! these holds it is the figure “—”, with the reason. A zero is shown one way everywhere
//! (`show_value`).

use super::{Measure, anchor_of, key_cell, key_sources, row_anchor};
use crate::check::expr::{self, EvalError, Expr, Op};
use crate::check::lookup::{self, Lookup};
use crate::check::narrative::{self, Published};
use crate::check::plain::{self, FigUnit, Outcome, words};
use crate::model::amount::{self, AmountUnit, convert};
use crate::model::templates::Templates;
use crate::model::{Disclosure, Kind, Status, Unit, Value};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Where a headline figure comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A cell of the measure's own table.
    Cell,
    /// That cell printed blank: zero as published.
    Blank,
    /// A labelled line printing the measure under another name.
    Line,
    /// The measure's table is declared empty: zero, with its reason.
    Empty,
    /// Stated in the text only.
    Text,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Cell => "cell",
            Origin::Blank => "blank",
            Origin::Line => "line",
            Origin::Empty => "empty",
            Origin::Text => "text",
        }
    }
}

/// A headline measure as the disclosure prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Derived {
    pub value: Decimal,
    pub unit: AmountUnit,
    pub origin: Origin,
    /// Where it comes from: `T01 收支总表 › 本年支出合计 › 金额`, `情况说明 › （一）机关运行经费`.
    pub source: String,
    /// Its place on the disclosure page (a row, a table or a text section), without `#`.
    pub anchor: String,
    /// Why it is zero, or how a figure not read from its own cell was found.
    pub note: Option<String>,
}

/// A figure as shown: grouped digits as printed, and every zero as `0.00` (a printed
/// `0`, a blank cell and an empty table alike; the note says which).
pub fn show_value(v: Decimal) -> String {
    if v.is_zero() {
        "0.00".into()
    } else {
        amount::format_grouped(v)
    }
}

/// Lines that print a measure under another name, by kind of disclosure: the summary
/// table's 基本支出 / 项目支出 lines (Shaanxi: 人员经费和公用经费支出, 专项业务经费支出).
fn lines(kind: Kind, m: Measure) -> &'static [(&'static str, &'static str, &'static str)] {
    match (kind, m) {
        (Kind::Budget, Measure::Basic) => &[("summary", "exp_basic", "amount")],
        (Kind::Budget, Measure::Project) => &[("summary", "exp_project", "amount")],
        (Kind::Final, Measure::Basic) => &[("final_summary", "exp_basic", "amount")],
        (Kind::Final, Measure::Project) => &[("final_summary", "exp_project", "amount")],
        _ => &[],
    }
}

fn label_of(kind: Kind, m: Measure) -> &'static str {
    key_sources(kind)
        .iter()
        .find(|(x, _, _)| *x == m)
        .map_or("", |(_, l, _)| l)
}

/// Reads `m` from what `d` prints (see the module docs); the error says why nothing does.
pub fn derive(d: &Disclosure, m: Measure, templates: &Templates) -> Result<Derived, String> {
    derive_with(d, m, templates, &TextFigures::new(d))
}

/// The figures `d`'s text states (`stated`), found the first time they are needed: most
/// disclosures print every headline figure in a table and are never scanned here.
pub struct TextFigures<'a> {
    d: &'a Disclosure,
    found: std::cell::OnceCell<Vec<Stated>>,
}

impl<'a> TextFigures<'a> {
    pub fn new(d: &'a Disclosure) -> Self {
        TextFigures {
            d,
            found: std::cell::OnceCell::new(),
        }
    }
    pub fn get(&self) -> &[Stated] {
        self.found.get_or_init(|| stated(self.d))
    }
}

pub fn derive_with(
    d: &Disclosure,
    m: Measure,
    templates: &Templates,
    text: &TextFigures,
) -> Result<Derived, String> {
    let cell = key_cell(d, m);
    if let Ok(k) = &cell
        && !k.blank
    {
        return Ok(Derived {
            value: k.value,
            unit: k.table.unit,
            origin: Origin::Cell,
            source: k.source(),
            anchor: k.anchor.clone(),
            note: None,
        });
    }
    let label = label_of(d.kind, m);
    for (kind, row, col) in lines(d.kind, m) {
        let Some(t) = d.table(kind).filter(|t| t.status == Status::Present) else {
            continue;
        };
        let (Some(r), Some(c)) = (t.row(row), t.column(col)) else {
            continue;
        };
        if let Some(Value::Amount(v)) = r.cells.get(col).map(|c| &c.value) {
            let name = r.name.clone().unwrap_or_default();
            return Ok(Derived {
                value: *v,
                unit: t.unit,
                origin: Origin::Line,
                source: format!("{} › {} › {}", t.label(), r.label(), c.name),
                anchor: row_anchor(t, row).unwrap_or_else(|| anchor_of(&t.id)),
                note: Some(format!("{}印作“{name}”，即{label}", t.label())),
            });
        }
    }
    if let Ok(k) = cell {
        return Ok(Derived {
            value: Decimal::ZERO,
            unit: k.table.unit,
            origin: Origin::Blank,
            note: Some(format!("{}此格空白，即为零", k.source())),
            source: k.source(),
            anchor: k.anchor,
        });
    }
    let cells = crate::model::measures::cells(d.kind, m);
    if let Some(t) = cells
        .iter()
        .find_map(|(kind, _, _)| d.table(kind))
        .filter(|t| t.status == Status::Empty)
    {
        return Ok(Derived {
            value: Decimal::ZERO,
            unit: t.unit,
            origin: Origin::Empty,
            source: t.label(),
            anchor: anchor_of(&t.id),
            note: Some(format!(
                "{}为空：{}",
                t.label(),
                t.reason.as_deref().unwrap_or("原文未说明原因")
            )),
        });
    }
    if let Some(s) = text.get().iter().find(|s| s.measure == m) {
        let table_note = match &cell {
            Err(absent) => absent.describe(templates),
            Ok(_) => String::new(),
        };
        let verdict = match s.verdict {
            Some(true) => "，与公开表中的数字相符".to_string(),
            Some(false) => "，与公开表中的数字不符".to_string(),
            None => "，公开表中无法核对".to_string(),
        };
        return Ok(Derived {
            value: s.value,
            unit: s.unit,
            origin: Origin::Text,
            source: format!("情况说明 › {}", s.section_title),
            anchor: s.section_id.clone(),
            note: Some(format!(
                "{table_note}；此数取自情况说明“{}”一节{verdict}",
                s.section_title
            )),
        });
    }
    Err(match cell {
        Err(absent) => absent.describe(templates),
        Ok(_) => "无此项".into(),
    })
}

/// A change from last year stated in the text: `比上年增加3.53万元，上升8.89%`.
#[derive(Clone, Debug, PartialEq)]
pub struct StatedChange {
    pub sign: i8,
    /// The amount as printed (absolute), in `unit`; none for `持平`.
    pub amount: Option<Published>,
    pub unit: AmountUnit,
    /// The rate as printed (`8.89%`).
    pub rate: Option<Published>,
}

/// A headline measure's figure stated in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Stated {
    pub measure: Measure,
    pub value: Decimal,
    pub unit: AmountUnit,
    /// The text section it stands in (its id on the page and its heading).
    pub section_id: String,
    pub section_title: String,
    /// Judged against the tables: agrees (within rounding) or not; `None` when its
    /// expression cannot be evaluated (a table missing or unreadable) or it has none.
    pub verdict: Option<bool>,
    /// The change from last year the same sentence states right after it.
    pub change: Option<StatedChange>,
}

fn measure_of(s: &words::Subject) -> Option<Measure> {
    use words::Subject as S;
    Some(match s {
        S::IncomeTotal => Measure::Income,
        S::ExpTotal => Measure::Expenditure,
        S::Basic => Measure::Basic,
        S::Project => Measure::Project,
        S::Running => Measure::Running,
        S::ThreePublic => Measure::ThreePublic,
        _ => return None,
    })
}

/// Whether `e` evaluated from `d`'s tables (in `unit`) gives `p` within rounding.
fn judge(d: &Disclosure, e: &Expr, p: &Published, unit: AmountUnit) -> Option<bool> {
    let none = Default::default();
    let v = expr::eval(e, &|r| match lookup::cell(d, r, unit, &none) {
        Lookup::Value(v, _) => Ok(v),
        _ => Err(EvalError::Unknown(r.to_string())),
    })
    .ok()?;
    let half = Decimal::try_new(5, p.value.scale() + 1).ok()?;
    Some(v.lo - half <= p.value && p.value <= v.hi + half)
}

/// The headline measures' figures the text of `d` states, in text order, with the change
/// from last year stated right after each. Marked figures count with their published
/// value; plain ones are judged as the plain-text checker matched them.
pub fn stated(d: &Disclosure) -> Vec<Stated> {
    let Some(text) = &d.text else {
        return Vec::new();
    };
    let md = &text.markdown;
    let sections = narrative::sections(md, text.file);
    let plain_found = std::cell::OnceCell::new();
    let line_of = |byte: usize| md[..byte.min(md.len())].matches('\n').count() as u32 + 1;
    let section_at = |byte: usize| {
        let line = line_of(byte);
        let mut best: Option<&narrative::Section> = None;
        for s in &sections {
            if s.loc.line <= line && best.is_none_or(|b| s.loc.line > b.loc.line) {
                best = Some(s);
            }
        }
        best.map_or(
            ("part-explanation".to_string(), "情况说明".to_string()),
            |s| (s.id.clone(), s.title.clone()),
        )
    };
    let mut out: Vec<Stated> = Vec::new();
    for p in plain::segment(md) {
        for s in &p.sentences {
            let mut current: Option<usize> = None;
            let mut first: Option<usize> = None;
            for item in &s.items {
                let Some(published) = &item.published else {
                    continue;
                };
                // `持平` prints no figure; the sentence's words are read for it below.
                if item.unit == FigUnit::Level {
                    continue;
                }
                let unit = match (&item.marked, item.unit) {
                    (_, FigUnit::Percent) => None,
                    (Some(_), _) => Some(d.text_unit),
                    (None, FigUnit::Yuan) => Some(AmountUnit::Yuan),
                    (None, FigUnit::Wanyuan) => Some(AmountUnit::Wanyuan),
                    (None, FigUnit::Yiyuan | FigUnit::Level) => None,
                };
                let change = words::change_word(&item.prefix);
                if let Some((_, sign)) = change {
                    let against_budget =
                        item.prefix.contains("年初预算") && !item.prefix.contains("上年");
                    let Some(i) = current.filter(|_| !against_budget) else {
                        continue;
                    };
                    let this_unit = out[i].unit;
                    let c = out[i].change.get_or_insert(StatedChange {
                        sign,
                        amount: None,
                        unit: this_unit,
                        rate: None,
                    });
                    match unit {
                        Some(u) if c.amount.is_none() && c.sign == sign => {
                            c.amount = Some(published.clone());
                            c.unit = u;
                        }
                        None if published.percent && c.rate.is_none() && c.sign == sign => {
                            c.rate = Some(published.clone());
                        }
                        _ => {}
                    }
                    continue;
                }
                if published.percent {
                    if item.in_parens
                        && let Some(c) = current.and_then(|i| out[i].change.as_mut())
                        && c.rate.is_none()
                    {
                        c.rate = Some(published.clone());
                    }
                    continue;
                }
                current = None;
                let Some(unit) = unit else { continue };
                // A final account's year-start budget is not the measure (its 决算 is).
                if d.kind == Kind::Final
                    && words::aspect_in(&item.prefix) == Some(words::Aspect::Budget)
                {
                    continue;
                }
                let Some(m) = words::subject_in(&item.prefix, &[])
                    .and_then(|(subject, _)| measure_of(&subject))
                else {
                    continue;
                };
                let verdict = match &item.marked {
                    Some(Some(e)) => judge(d, e, published, unit),
                    Some(None) => None,
                    None => plain_found
                        .get_or_init(|| plain::scan(d))
                        .figures
                        .iter()
                        .find(|f| f.range == item.range)
                        .and_then(|f| match &f.outcome {
                            Outcome::Matched { expr, .. } => judge(d, expr, published, unit),
                            _ => None,
                        }),
                };
                let (section_id, section_title) = section_at(item.range.start);
                out.push(Stated {
                    measure: m,
                    value: published.value,
                    unit,
                    section_id,
                    section_title,
                    verdict,
                    change: None,
                });
                current = Some(out.len() - 1);
                first.get_or_insert(out.len() - 1);
            }
            // `…，与上年持平。`: the sentence's first figure is as last year's.
            if let Some(i) = first
                && out[i..].iter().all(|x| x.change.is_none())
                && s.words.contains("持平")
            {
                out[i].change = Some(StatedChange {
                    sign: 0,
                    amount: None,
                    unit: out[i].unit,
                    rate: None,
                });
            }
        }
    }
    out
}

/// The change of a key figure from last year, as shown under it.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeView {
    /// `比上年增加` / `比上年减少` / `与上年持平`.
    pub words: String,
    /// The difference (absolute), grouped, in `unit`; none for 持平.
    pub amount: Option<String>,
    pub unit: &'static str,
    /// `增长 11.11%` / `下降 5.00%`; none when last year's figure is zero or not stated.
    pub rate: Option<String>,
    /// This year minus last year, exact (`10.00`, `-3.5`); none when stated by the text.
    pub diff: Option<String>,
    /// How it is known: `2022年部门预算 90.00 万元（T01 收支总表 › …）` or `原文所述`.
    pub basis: String,
    /// Last year's figure on its page, or the text section stating the change.
    pub href: String,
    /// Last year's figure as shown (`90.00 万元`), when computed.
    pub previous: Option<String>,
    pub previous_year: Option<u32>,
    /// Stated by the publisher in the text, not computed from last year's disclosure.
    pub stated: bool,
    /// A stated change judged: whether its rate follows from its amount.
    pub checked: Option<String>,
}

/// One headline figure of a disclosure as its first screen shows it.
#[derive(Clone, Debug, Serialize)]
pub struct KeyFigure {
    /// `income`, `expenditure`, `basic`, `project`, `running`, `three-public`.
    pub measure: &'static str,
    pub label: String,
    /// As shown: grouped digits, `0.00` for any zero, `—` when nothing holds it.
    pub amount: String,
    /// The exact value, for readers of the page's markup (`data-value`).
    pub value: Option<String>,
    pub unit: &'static str,
    /// `cell`, `blank`, `line`, `empty`, `text`, or `absent`.
    pub origin: &'static str,
    /// Where it comes from (`T01 收支总表 › 本年收入合计 › 预算数`), or why it is absent.
    pub source: String,
    /// Its place on this page, without `#`.
    pub source_anchor: Option<String>,
    pub note: Option<String>,
    pub change: Option<ChangeView>,
    /// 基本 / 项目: `占本年支出合计 95.97%`.
    pub share: Option<String>,
}

/// For final accounts: 财政拨款支出 年初预算, 决算 and 完成率.
#[derive(Clone, Debug, Serialize)]
pub struct BudgetActual {
    pub budget: String,
    pub actual: String,
    pub unit: &'static str,
    /// The printed rate, else 决算 ÷ 年初预算; `—` when the budget is zero.
    pub rate: String,
    pub rate_printed: bool,
    pub source: String,
    pub anchor: String,
}

pub fn measure_id(m: Measure) -> &'static str {
    match m {
        Measure::Income => "income",
        Measure::Expenditure => "expenditure",
        Measure::Basic => "basic",
        Measure::Project => "project",
        Measure::Running => "running",
        Measure::ThreePublic => "three-public",
    }
}

/// `u`'s disclosure of the same kind the year before `d`, when the site holds it.
pub fn previous<'a>(u: &'a Unit, d: &Disclosure) -> Option<&'a Disclosure> {
    u.disclosures
        .iter()
        .find(|p| p.kind == d.kind && p.year + 1 == d.year)
}

fn rate_of(diff: Decimal, base: Decimal) -> Option<String> {
    if base.is_zero() {
        return None;
    }
    let mut p = amount::round(
        diff.abs().checked_mul(Decimal::ONE_HUNDRED)? / base.abs(),
        2,
    );
    p.rescale(2);
    Some(format!("{p}%"))
}

fn change_words(sign: i8) -> (&'static str, &'static str) {
    match sign {
        1 => ("比上年增加", "增长"),
        -1 => ("比上年减少", "下降"),
        _ => ("与上年持平", ""),
    }
}

/// The change of `this` from `prev` (last year's disclosure), computed in this year's
/// unit (last year's figure converted exactly when its unit differs).
fn computed_change(
    base: &str,
    u: &Unit,
    prev: &Disclosure,
    this: &Derived,
    last: &Derived,
) -> Option<ChangeView> {
    let last_v = convert(last.value, last.unit, this.unit)?;
    let diff = this.value.checked_sub(last_v)?;
    let sign = match diff.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Greater => 1,
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
    };
    let (words, rate_word) = change_words(sign);
    let unit = this.unit.as_str();
    let previous = format!("{} {unit}", show_value(last_v));
    Some(ChangeView {
        words: words.to_string(),
        amount: (sign != 0).then(|| show_value(diff.abs())),
        unit,
        rate: (sign != 0)
            .then(|| rate_of(diff, last_v).map(|r| format!("{rate_word} {r}")))
            .flatten(),
        diff: Some(diff.to_string()),
        basis: format!("{}：{previous}（{}）", prev.title, last.source),
        href: format!(
            "{base}{}#{}",
            super::paths::disclosure_dir(u, prev),
            last.anchor
        ),
        previous: Some(previous),
        previous_year: Some(prev.year),
        stated: false,
        checked: None,
    })
}

/// A change the text states, judged as the checker judges it: the rate must follow from
/// the amount, amount ÷ (this year ∓ amount).
fn stated_change(d: &Disclosure, s: &Stated) -> Option<ChangeView> {
    let c = s.change.as_ref()?;
    let (words, rate_word) = change_words(c.sign);
    let consistent = match (&c.amount, &c.rate) {
        (Some(a), Some(r)) if c.sign != 0 => convert(a.value.abs(), c.unit, s.unit).and_then(|a| {
            let op = if c.sign > 0 { Op::Sub } else { Op::Add };
            let base = Expr::Bin(Box::new(Expr::Num(s.value)), op, Box::new(Expr::Num(a)));
            let e = Expr::Pct(Box::new(Expr::Num(a)), Box::new(base));
            judge(d, &e, r, s.unit)
        }),
        _ => None,
    };
    Some(ChangeView {
        words: words.to_string(),
        amount: c.amount.as_ref().map(|a| show_value(a.value.abs())),
        unit: c.unit.as_str(),
        rate: c.rate.as_ref().map(|r| format!("{rate_word} {}", r.text)),
        diff: None,
        basis: format!("原文所述，见情况说明“{}”一节", s.section_title),
        href: format!("#{}", s.section_id),
        previous: None,
        previous_year: None,
        stated: true,
        checked: consistent.map(|ok| {
            if ok {
                "增减幅度与增减额相符".to_string()
            } else {
                "增减幅度与增减额不符".to_string()
            }
        }),
    })
}

/// The headline figures of `d` for its first screen: every measure, derived from what
/// the disclosure prints, with its change from last year (computed when the site holds
/// last year's disclosure of the same kind, else as the text states it) and the shares
/// of 基本 / 项目 in 本年支出合计.
pub fn key_figures(base: &str, u: &Unit, d: &Disclosure, templates: &Templates) -> Vec<KeyFigure> {
    let text = TextFigures::new(d);
    let prev = previous(u, d);
    let prev_text = prev.map(TextFigures::new);
    let derived: Vec<(Measure, &'static str, Result<Derived, String>)> = key_sources(d.kind)
        .iter()
        .map(|(m, label, _)| (*m, *label, derive_with(d, *m, templates, &text)))
        .collect();
    let total = derived
        .iter()
        .find(|(m, _, _)| *m == Measure::Expenditure)
        .and_then(|(_, _, r)| r.as_ref().ok())
        .filter(|t| t.origin != Origin::Text)
        .cloned();
    derived
        .into_iter()
        .map(|(m, label, r)| match r {
            Ok(v) => {
                let change = match prev.zip(prev_text.as_ref()) {
                    Some((p, pt)) => derive_with(p, m, templates, pt)
                        .ok()
                        .and_then(|last| computed_change(base, u, p, &v, &last)),
                    None => None,
                }
                .or_else(|| {
                    text.get()
                        .iter()
                        .find(|s| s.measure == m && s.change.is_some())
                        .and_then(|s| stated_change(d, s))
                });
                let share = match (&total, m) {
                    (Some(t), Measure::Basic | Measure::Project)
                        if v.origin != Origin::Text && !t.value.is_zero() =>
                    {
                        convert(v.value, v.unit, t.unit)
                            .and_then(|x| rate_of(x, t.value))
                            .map(|r| format!("占本年支出合计 {r}"))
                    }
                    _ => None,
                };
                KeyFigure {
                    measure: measure_id(m),
                    label: label.to_string(),
                    amount: show_value(v.value),
                    value: Some(v.value.to_string()),
                    unit: v.unit.as_str(),
                    origin: v.origin.as_str(),
                    source: v.source,
                    source_anchor: Some(v.anchor),
                    note: v.note,
                    change,
                    share,
                }
            }
            Err(why) => KeyFigure {
                measure: measure_id(m),
                label: label.to_string(),
                amount: "—".into(),
                value: None,
                unit: "",
                origin: "absent",
                source: why,
                source_anchor: None,
                note: None,
                change: None,
                share: None,
            },
        })
        .collect()
}

/// Final accounts: 财政拨款支出 年初预算, 决算 and 完成率, from the total line of the
/// budget-against-actual table.
pub fn budget_actual(d: &Disclosure) -> Option<BudgetActual> {
    if d.kind != Kind::Final {
        return None;
    }
    let t = d
        .table("budget_vs_actual")
        .filter(|t| t.status == Status::Present)?;
    let r = t.row("total")?;
    let read = |col: &str| match r.cells.get(col).map(|c| &c.value) {
        Some(Value::Amount(v)) => Some(*v),
        None | Some(Value::Blank) => Some(Decimal::ZERO),
        _ => None,
    };
    let (budget, actual) = (read("budget")?, read("actual")?);
    let rate = super::charts::completion_rate(r);
    Some(BudgetActual {
        budget: show_value(budget),
        actual: show_value(actual),
        unit: t.unit.as_str(),
        rate_printed: rate.as_ref().is_some_and(|x| x.printed),
        rate: rate.map_or_else(|| "—".into(), |x| x.text),
        source: format!("{} › {}", t.label(), r.label()),
        anchor: row_anchor(t, "total").unwrap_or_else(|| anchor_of(&t.id)),
    })
}
