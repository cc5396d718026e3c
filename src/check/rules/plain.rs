//! `narrative.unmatched`, `narrative.direction`: the figures of the explanation text found
//! without markup (`check::plain`), judged with the same verdict as marked figures
//! (`narrative.figure`, `rounding`, `narrative.zero-base`).

use super::narrative::{Judged, judge};
use super::{Context, Doc};
use crate::check::plain::{self, FigUnit, Outcome};
use crate::model::amount::AmountUnit;
use super::narrative::NARRATIVE_FIGURE;
use crate::model::diagnostic::{Diagnostic, Rule, Severity};

pub const NARRATIVE_UNMATCHED: Rule = Rule {
    id: "narrative.unmatched",
    severity: Severity::Notice,
    module: "plain",
    summary: "Figures in the text that could not be matched to the tables, counted once per document.",
    doc: "Every number followed by 万元 / 元 / 亿元 / % outside `{{ … }}` is a stated figure. It is matched from the words before it in its clause and sentence: the standard measures (收入总计, 支出合计, 财政拨款收入, 一般公共预算, 基本支出, 项目支出, 人员经费, 公用经费, 机关运行经费, 三公 and each component, 会议费, 培训费, 政府采购 and its parts, 年初预算 / 决算数 …), a classification line named or coded (`卫生健康支出（类）`, `行政运行（项）`, `（2101506）`), shares (`占 X%`, `占…的 X%`: of the named whole, else of the total the tables sum the part into), completion rates (`完成年初预算的 X%`), changes (`比上年增加 X万元，增长 Y%`: Y must equal X ÷ (this year − X); when the site has last year's disclosure of the same unit and kind, X = this year − last year and Y = X ÷ last year, and the direction word must be the difference's; against a stated 年初预算, the same with the budget), and listed parts (`政府采购总额…其中：货物…、工程…、服务…`). A figure no words match is checked as the cell that prints its value, if one does. A matched figure is judged exactly as a marked one (`narrative.figure`, `rounding`, `narrative.zero-base`); its target is `text/PUBLISHED = EXPRESSION`, as if marked. The rest — changes from last year without last year's disclosure in the site, figures of unreadable tables, figures no words or cell match — are counted in this one notice per document. Mark a figure `{{ PUBLISHED = EXPRESSION }}` to check it; a marked figure always takes precedence.\n\nCounted in the seeds (`tests/plain.rs` keeps these true). With every `{{ … }}` replaced by its published text: hengshan-ybj 2023 budget 7 (4 changes from last year, 3 listed 政府采购 parts), hengyang-ybj 2022 final 29 (8 changes from last year, 10 政府采购 parts and 中小企业 amounts, 11 figures of the performance narrative), kaifu-ybj 2023 budget 10 (3 changes from last year, 2 figures of unreadable tables, 5 zeros of 会议费 / 培训费 / 政府采购 parts), xixiang-ybzx 2023 budget 14 (all changes from last year); hetang-ybj has no text. As marked in `content/`: hengyang-ybj 9 (the performance narrative), the others 0.",
};

pub const NARRATIVE_DIRECTION: Rule = Rule {
    id: "narrative.direction",
    severity: Severity::Error,
    module: "plain",
    summary: "A direction word (增加 / 减少, 增长 / 下降) that contradicts the figures or the other word of the same change.",
    doc: "`比上年增加 X万元，下降 Y%` says two directions for one change; `比年初预算增加 X万元` where the tables give less than the stated budget says the wrong one.",
};

pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let d = doc.disclosure;
    let Some(text) = &d.text else {
        return;
    };
    let prev = doc
        .unit
        .disclosures
        .iter()
        .find(|p| p.kind == d.kind && p.year + 1 == d.year);
    let scan = plain::scan_with(d, prev);
    let mut unmatched = 0usize;
    let mut last_year = 0usize;
    let mut unreadable = 0usize;
    for f in &scan.figures {
        match &f.outcome {
            Outcome::Matched { expr, text, .. } => {
                let unit = match f.unit {
                    FigUnit::Yuan => AmountUnit::Yuan,
                    // 亿元: the expression is in 万元 and divided by 10,000.
                    FigUnit::Wanyuan | FigUnit::Yiyuan => AmountUnit::Wanyuan,
                    FigUnit::Level | FigUnit::Percent => d.text_unit,
                };
                let target = format!("text/{} = {text}", f.published.text);
                // A plain figure never reports an unreadable cell one by one: it is counted.
                let mut own = Vec::new();
                match judge(
                    cx,
                    d,
                    f.loc,
                    Some(&f.published),
                    expr,
                    text,
                    target,
                    unit,
                    &mut own,
                ) {
                    Judged::Unchecked | Judged::BadRef => unreadable += 1,
                    _ => {
                        for x in &mut own {
                            restate(x, f.unit, &f.published.text, unit);
                        }
                        diags.append(&mut own)
                    }
                }
            }
            Outcome::Unreadable(_) => unreadable += 1,
            Outcome::LastYear => last_year += 1,
            Outcome::Unmatched => unmatched += 1,
        }
    }
    for c in scan.contradictions {
        diags.push(
            Diagnostic::new(&NARRATIVE_DIRECTION, c.message)
                .at(c.loc)
                .target(c.target),
        );
    }
    let total = unmatched + last_year + unreadable;
    if total > 0 {
        let mut parts = Vec::new();
        if last_year > 0 {
            parts.push(format!(
                "{last_year} 处是与上年比较的增减数（需上年公开数据）"
            ));
        }
        if unreadable > 0 {
            parts.push(format!("{unreadable} 处所涉表格原文无法辨认"));
        }
        if unmatched > 0 {
            parts.push(format!("{unmatched} 处未能对应到表中数字"));
        }
        diags.push(
            Diagnostic::new(
                &NARRATIVE_UNMATCHED,
                format!(
                    "文中有 {total} 处金额或百分比未核对：{}。如需核对，可写作 {{{{ 数字 = 表达式 }}}}",
                    parts.join("，")
                ),
            )
            .at(crate::model::diagnostic::Loc {
                file: text.file,
                line: 1,
                col: 1,
            })
            .found(total.to_string())
            .target("text/unmatched".to_string()),
        );
    }
}

/// A verdict on `持平` or on a figure in 亿元, told in the text's own words: the judge
/// speaks of figures in `unit`.
fn restate(x: &mut Diagnostic, fig: FigUnit, word: &str, unit: AmountUnit) {
    match fig {
        FigUnit::Level if x.rule == NARRATIVE_FIGURE.id => {
            let change = x.expected.clone().unwrap_or_default();
            x.message = format!(
                "文中说“{word}”，但按表中数字本年与比较的数相差 {change}（{}）",
                x.target
                    .as_deref()
                    .and_then(|t| t.split_once(" = "))
                    .map_or("", |(_, e)| e)
            );
            x.found = Some(word.to_string());
            x.label = Some(format!("相差 {change}"));
        }
        FigUnit::Yiyuan => {
            let relabel = |s: &str| s.replace(unit.as_str(), "亿元");
            x.message = relabel(&x.message);
            x.expected = x.expected.as_deref().map(relabel);
            x.found = x.found.as_deref().map(relabel);
            x.label = x.label.as_deref().map(relabel);
        }
        _ => {}
    }
}
