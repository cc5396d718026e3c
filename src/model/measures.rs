//! The headline measures of a disclosure and the cells each is read from, by kind of
//! disclosure — shared by the site (key figures, comparisons, feeds: `views::key_cell`)
//! and the check of figures stated in the text (`check::plain`), so that both read 本年支出
//! or 机关运行经费 from the same cell.

use crate::model::Kind;

/// The headline measures of a disclosure, in page order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Measure {
    Income,
    Expenditure,
    Basic,
    Project,
    /// 一般公共预算基本支出中的公用经费 (机关运行经费 for 行政单位 and 参公事业单位).
    Running,
    ThreePublic,
}

/// A cell by table kind, row and column.
pub type CellAt = (&'static str, &'static str, &'static str);

/// The cells `measure` is read from in a disclosure of `kind`, in order of preference.
pub fn cells(kind: Kind, measure: Measure) -> Vec<CellAt> {
    let (summary, expenditure, general, basic, three, three_row) = match kind {
        Kind::Budget => (
            "summary",
            "expenditure",
            "general_expenditure",
            "general_basic",
            "three_public",
            "budget",
        ),
        Kind::Final => (
            "final_summary",
            "final_expenditure",
            "final_general_expenditure",
            "final_general_basic",
            "final_three_public",
            "actual",
        ),
    };
    match measure {
        Measure::Income => vec![(summary, "income_total", "amount")],
        Measure::Expenditure => vec![
            (summary, "exp_total", "amount"),
            (expenditure, "total", "total"),
        ],
        Measure::Basic => vec![(expenditure, "total", "basic"), (general, "total", "basic")],
        Measure::Project => vec![
            (expenditure, "total", "project"),
            (general, "total", "project"),
        ],
        Measure::Running => vec![(basic, "total", "public")],
        Measure::ThreePublic => {
            let mut cells = vec![(three, three_row, "total"), (three, "total", "total")];
            if kind == Kind::Budget {
                // Jiangsu prints 三公, 会议费 and 培训费 in one table; its 合计 column adds
                // 会议费 and 培训费, so 三公 is the table's 三公 subtotal column.
                cells.push(("three_public_meetings", "total", "three_public"));
            }
            cells
        }
    }
}
