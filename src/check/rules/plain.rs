//! `narrative.unmatched`, `narrative.direction`: the figures of the explanation text found
//! without markup (`check::plain`), judged with the same verdict as marked figures
//! (`narrative.figure`, `rounding`, `narrative.zero-base`).

use super::narrative::NARRATIVE_FIGURE;
use super::narrative::{Judged, judge};
use super::{Context, Doc};
use crate::check::plain::{self, FigUnit, Outcome};
use crate::model::amount::AmountUnit;
use crate::model::diagnostic::{Diagnostic, Rule, Severity};

pub const NARRATIVE_UNMATCHED: Rule = Rule {
    id: "narrative.unmatched",
    severity: Severity::Notice,
    module: "plain",
    summary: "Figures in the text that could not be matched to the tables, counted once per document.",
    doc: "Every number followed by 万元 / 元 / 亿元 / % outside `{{ … }}` is a stated figure. It is matched from the words before it in its clause and sentence: the standard measures (收入总计, 支出合计, 财政拨款收入, 一般公共预算, 基本支出, 项目支出, 人员经费, 公用经费, 机关运行经费, 三公 and each component, 会议费, 培训费, 政府采购 and its parts, 年初预算 / 决算数 …), a classification line named or coded (`卫生健康支出（类）`, `行政运行（项）`, `（2101506）`), shares (`占 X%`, `占…的 X%`: of the named whole, else of the total the tables sum the part into), completion rates (`完成年初预算的 X%`), changes (`比上年增加 X万元，增长 Y%`, the word right before the figure: Y must equal X ÷ (this year − X); when the site has last year's disclosure of the same unit and kind, X = this year − last year and Y = X ÷ last year, and the direction word must be the difference's; against a stated 年初预算, the same with the budget), listed parts (`政府采购总额…其中：货物…、工程…、服务…`), `持平` (and `与上年…相等`): a change of zero, checked only when the site has last year's disclosure (otherwise not counted: no figure is printed), and amounts in 亿元 (matched in 万元, judged to the printed decimals of 亿元). Not matched by the words before them: figures after a reason in the same statement (`主要原因是…专项经费280万元`), last year's or another year's figures (`上年预算数…`, `2016年度…为…`), figures after a level-marked name the tables do not print (`法院（款）一般行政事务管理（项）支出…`). A number split by single spaces (`1 1 6.5万元`, as PDF text layers give letter-spaced figures) is read whole. A figure no words match is checked as the cell that prints its value, if one does. A matched figure is judged exactly as a marked one (`narrative.figure`, `rounding`, `narrative.zero-base`); its target is `text/PUBLISHED = EXPRESSION`, as if marked. The rest — changes from last year without last year's disclosure in the site, figures of unreadable tables, figures no words or cell match — are counted in this one notice per document. Mark a figure `{{ PUBLISHED = EXPRESSION }}` to check it; a marked figure always takes precedence.\n\nCounted in the seeds (`tests/plain.rs` keeps these true). With every `{{ … }}` replaced by its published text: hengshan-ybj 2023 budget 7 (4 changes from last year, 3 listed 政府采购 parts), hengyang-ybj 2022 final 29 (8 changes from last year, 10 政府采购 parts and 中小企业 amounts, 11 figures of the performance narrative), kaifu-ybj 2023 budget 10 (3 changes from last year, 2 figures of unreadable tables, 5 zeros of 会议费 / 培训费 / 政府采购 parts), xixiang-ybzx 2023 budget 14 (all changes from last year); hetang-ybj has no text. As marked in `content/`: hengyang-ybj 9 (the performance narrative), the others 0.",
};

/// What the plain-text checker finds on the imported Jiangsu corpus (`docs/rules.md`).
pub const CORPUS: &str = "## Plain text on the Jiangsu corpus\n\nThe 15 Jiangsu unit-years (`docs/import.md` → \"The Jiangsu corpus as one site\", imported by the release build of 5e979f3) checked with the matcher as it was at 5e979f3 and as it is now:\n\n| | before | now | now, 收支总表 totals filled in |\n|---|---|---|---|\n| `narrative.figure` | 431 | 85 | 33 |\n| `narrative.zero-base` | 54 | 54 | 0 |\n| `narrative.direction` | 11 | 0 | 0 |\n| `narrative.name` | 43 | 10 | 10 |\n| `text.title` | 3 | 0 | 0 |\n| figures matched (`gongkai annotate`) | 976 | 982 | 982 |\n\nThe last column fills the 收支总表's blank 本年支出合计 and 支出总计 rows with the printed totals (the importer leaves them blank; that is being fixed in `src/import/`): what remains with it blank — 52 `narrative.figure` and all 54 `narrative.zero-base` — is that import fault. What was false and is gone: the 三公 table of Jiangsu's kind `three_public_meetings` was not read (its 合计 adds 会议费 and 培训费; 三公 is its `three_public` column), so 三公 figures fell back to economic lines absent from the basic-expenditure table and read as zero (now only a printed zero is confirmed so); 机关运行经费 is Jiangsu's own table; 预算 inside a measure's name (`财政拨款预算支出`, `收入预算总计`, `一般公共预算收入`); `公共安全（类）支出`; two-character line names (`检察`) inside the unit's name (`省检察院`); figures split by the text layer (`1 1 6.5万元`); figures after 主要原因是 (parts of the explanation); change words far from their figure (`增加了“事业运行”项级科目分流315万元`); last year's figures (`2016年度…为8,648.07万元`); a line named with a level mark the tables do not print (`法院（款）一般行政事务管理（项）`), which left the figure on the 款; economic 类/款 names (`工资福利支出（类）`), names with 、 or `（室）` in `narrative.name`; the title check not knowing an abbreviation of the unit's own name (`中共江苏省委办公厅`).\n\nEach of the 33 figures that remain is printed so in the PDF (`pdftotext`), and each of them and of the 10 names was compared with the tables and the text around it: the document says it, and its own tables (or last year's document) say otherwise. Examples:\n\n- 省检察院 2018: `一般行政管理事务（项）支出3,666万元，与上年相比增加21.8万元，增长0.06%` — 21.8 ÷ 3,644.2 is 0.60 %.\n- 省检察院 2018: `因公出国（境）费预算支出100万元，与上年预算数相等` — 2017's was 110 万元 (`相等` is checked as a change of zero).\n- 省人大常委会办公厅 2017: `因公出国（境）费支出222.5万元，占“三公”经费的8.75%` — 8.75 % is of the table's 合计 2,542.60 (三公 with 会议费 and 培训费); of 三公 (833.60) it is 26.69 %; the same for the other two shares.\n- 省人大常委会办公厅 2017: `人大事务行政运行（项）支出10528.33万元` — 行政运行 (2010101) is 4,545.94; 10,528.33 is the 款 人大事务.\n- 省检察院 2017: `基本支出预算数为12323.46万元` — the tables and the next page say 12,323.48.\n- 省法院 2017–2019: `一般行政事务管理（项）` — the line is 一般行政管理事务; 省人大常委会办公厅 2018–2019: `行政事业单位离退休（类）`, `住房改革支出（类）` — both are 款.\n\nOf the 33, 13 are percentages 0.01 point off (`增长36.58%` for 36.586 %: cut, not rounded).\n";

pub const NARRATIVE_DIRECTION: Rule = Rule {
    id: "narrative.direction",
    severity: Severity::Error,
    module: "plain",
    summary: "A direction word (增加 / 减少, 增长 / 下降) that contradicts the figures or the other word of the same change.",
    doc: "`比上年增加 X万元，下降 Y%` says two directions for one change; `比年初预算增加 X万元` where the tables give less than the stated budget says the wrong one.",
};

/// Checks the plain figures of `doc`'s text; returns how many were compared with the
/// tables.
pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) -> usize {
    let d = doc.disclosure;
    let Some(text) = &d.text else {
        return 0;
    };
    let mut compared = 0;
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
                        compared += 1;
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
    compared
}

/// A verdict on `持平` or on a figure in 亿元, told in the text's own words: the judge
/// speaks of figures in `unit`.
fn restate(x: &mut Diagnostic, fig: FigUnit, word: &str, unit: AmountUnit) {
    let compared = |x: &Diagnostic| {
        x.target
            .as_deref()
            .and_then(|t| t.split_once(" = "))
            .map_or(String::new(), |(_, e)| e.to_string())
    };
    match fig {
        FigUnit::Level if x.rule == NARRATIVE_FIGURE.id => {
            let change = x.expected.clone().unwrap_or_default();
            x.message = format!(
                "文中说“{word}”，但按表中数字本年与比较的数相差 {change}（{}）",
                compared(x)
            );
            x.found = Some(word.to_string());
            x.label = Some(format!("相差 {change}"));
        }
        // A difference within rounding of figures converted from another unit: the
        // judge's wording would print the word as a figure (“持平万元”).
        FigUnit::Level if x.rule == super::sums::ROUNDING.id => {
            let change = x.expected.clone().unwrap_or_default();
            x.message = format!(
                "尾数误差：文中说“{word}”，按表中数字本年与比较的数相差 {change}（{}），差异在四舍五入允许范围内",
                compared(x)
            );
            x.found = Some(word.to_string());
        }
        FigUnit::Yiyuan => {
            let from = unit.as_str();
            x.message = x.message.replace(from, "亿元");
            for s in [&mut x.expected, &mut x.found, &mut x.label] {
                *s = s.as_deref().map(|t| t.replace(from, "亿元"));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_within_rounding_is_told_in_the_text_s_word() {
        let mut x = Diagnostic::new(
            &super::super::sums::ROUNDING,
            "尾数误差：文中数字 持平万元 按表中数字计算为 -0.01万元（a - 28.43），差异在四舍五入允许范围内",
        )
        .expected("-0.01万元")
        .found("持平万元")
        .target("narrative.figure:text/持平 = three_public.budget.reception - 28.43");
        restate(&mut x, FigUnit::Level, "持平", AmountUnit::Wanyuan);
        assert_eq!(
            x.message,
            "尾数误差：文中说“持平”，按表中数字本年与比较的数相差 -0.01万元（three_public.budget.reception - 28.43），差异在四舍五入允许范围内"
        );
        assert_eq!(x.found.as_deref(), Some("持平"));
    }
}
