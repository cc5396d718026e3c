//! The words that name what a figure states (收入总计, 机关运行经费, 公务接待费 …) and
//! the table cells each of them is read from, by kind of disclosure.

use crate::model::Kind;

/// What a stated figure is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    IncomeTotal,
    IncomeGrand,
    ExpTotal,
    ExpGrand,
    FiscalIncome,
    FiscalExp,
    FiscalIncomeGrand,
    FiscalExpGrand,
    FiscalBasic,
    GeneralIncome,
    GeneralExp,
    FundIncome,
    FundExp,
    StateCapital,
    SocialInsurance,
    SpecialAccount,
    UpperFiscal,
    BusinessIncome,
    Operating,
    UpperUnit,
    Subsidiary,
    OtherIncome,
    Carryover,
    EndBalance,
    Basic,
    Project,
    Personnel,
    Public,
    Running,
    ThreePublic,
    Abroad,
    Vehicle,
    VehiclePurchase,
    VehicleRunning,
    Reception,
    Meeting,
    Training,
    /// 政府采购 and its parts: stated in the text only, never in the core tables.
    Procurement,
    ProcGoods,
    ProcWorks,
    ProcServices,
    /// 授予中小企业 / 小微企业合同金额: text only.
    ProcSme,
    /// A classification line, by code.
    Code(String),
}

impl Subject {
    /// A part of the 政府采购 total (listed parts are summed into it).
    pub fn is_procurement_part(&self) -> bool {
        matches!(
            self,
            Subject::ProcGoods | Subject::ProcWorks | Subject::ProcServices
        )
    }
}

/// Which figure of a line: the year-start budget or the actual (final accounts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    Budget,
    Actual,
    /// Last year's figure, or another year's, stated for comparison.
    LastYear,
}

/// Strong words: each names one subject wherever it stands.
/// Matched longest-first at the latest position in the clause.
const WORDS: &[(&str, Subject)] = &[
    ("收入总计", Subject::IncomeGrand),
    ("支出总计", Subject::ExpGrand),
    ("财政拨款收入总计", Subject::FiscalIncomeGrand),
    ("财政拨款支出总计", Subject::FiscalExpGrand),
    ("财政拨款收入", Subject::FiscalIncome),
    ("财政拨款支出", Subject::FiscalExp),
    // Jiangsu writes 预算 inside the measure's name (财政拨款预算支出, 收入预算总计).
    ("财政拨款预算收入", Subject::FiscalIncome),
    ("财政拨款收入预算", Subject::FiscalIncome),
    ("财政拨款预算支出", Subject::FiscalExp),
    ("财政拨款支出预算", Subject::FiscalExp),
    ("收入预算总计", Subject::IncomeGrand),
    ("支出预算总计", Subject::ExpGrand),
    ("收入预算合计", Subject::IncomeTotal),
    ("支出预算合计", Subject::ExpTotal),
    ("财政拨款基本支出", Subject::FiscalBasic),
    ("收入合计", Subject::IncomeTotal),
    ("本年收入", Subject::IncomeTotal),
    ("收入预算", Subject::IncomeTotal),
    ("预算收入", Subject::IncomeTotal),
    ("支出合计", Subject::ExpTotal),
    ("本年支出", Subject::ExpTotal),
    ("支出预算", Subject::ExpTotal),
    ("预算支出", Subject::ExpTotal),
    ("一般公共预算拨款收入", Subject::GeneralIncome),
    ("一般公共预算收入", Subject::GeneralIncome),
    ("一般公共预算拨款", Subject::GeneralIncome),
    ("一般共预算拨款收入", Subject::GeneralIncome),
    ("一般公共预算当年拨款", Subject::GeneralIncome),
    ("一般公共预算财政拨款收入", Subject::GeneralIncome),
    ("一般公共预算拨款支出", Subject::GeneralExp),
    ("一般公共预算支出", Subject::GeneralExp),
    ("一般公共预算财政拨款支出", Subject::GeneralExp),
    ("政府性基金预算拨款", Subject::FundIncome),
    ("政府性基金拨款收入", Subject::FundIncome),
    ("政府性基金预算当年拨款", Subject::FundIncome),
    ("政府性基金预算拨款收入", Subject::FundIncome),
    ("政府性基金收入", Subject::FundIncome),
    ("政府性基金预算收入", Subject::FundIncome),
    ("政府性基金支出", Subject::FundExp),
    ("政府性基金拨款支出", Subject::FundExp),
    ("政府性基金预算支出", Subject::FundExp),
    ("国有资本经营预算拨款", Subject::StateCapital),
    ("国有资本经营预算拨款收入", Subject::StateCapital),
    ("国有资本经营预算收入", Subject::StateCapital),
    ("社会保障基金预算资金", Subject::SocialInsurance),
    ("社会保险基金预算资金", Subject::SocialInsurance),
    ("财政专户管理资金", Subject::SpecialAccount),
    ("财政专户管理资金收入", Subject::SpecialAccount),
    ("上级财政补助收入", Subject::UpperFiscal),
    ("上级财政补助", Subject::UpperFiscal),
    ("事业收入", Subject::BusinessIncome),
    ("事业单位经营收入", Subject::Operating),
    ("事业单位经营服务收入", Subject::Operating),
    ("经营收入", Subject::Operating),
    ("上级单位补助收入", Subject::UpperUnit),
    ("上级补助收入", Subject::UpperUnit),
    ("附属单位上缴收入", Subject::Subsidiary),
    ("其他收入", Subject::OtherIncome),
    ("其他资金收入", Subject::OtherIncome),
    ("上年结转", Subject::Carryover),
    ("上年结转结余", Subject::Carryover),
    ("年初结转和结余", Subject::Carryover),
    ("年末结转", Subject::EndBalance),
    ("年终结转结余", Subject::EndBalance),
    ("年末结转和结余", Subject::EndBalance),
    ("基本支出", Subject::Basic),
    ("项目支出", Subject::Project),
    ("人员经费", Subject::Personnel),
    ("公用经费", Subject::Public),
    ("机关运行经费", Subject::Running),
    ("三公经费", Subject::ThreePublic),
    ("因公出国（境）费", Subject::Abroad),
    ("因公出国(境)费", Subject::Abroad),
    ("因公出国（境）经费", Subject::Abroad),
    ("因公出国(境)经费", Subject::Abroad),
    ("公务用车购置及运行费", Subject::Vehicle),
    ("公务用车购置及运行维护费", Subject::Vehicle),
    ("公务用车购置费及运行维护费", Subject::Vehicle),
    ("公务用车购置费及运行费", Subject::Vehicle),
    ("公务用车购置和运行维护费", Subject::Vehicle),
    ("公务用车购置费", Subject::VehiclePurchase),
    ("公务用车购置", Subject::VehiclePurchase),
    ("公务用车运行维护费", Subject::VehicleRunning),
    ("公务用车运行费", Subject::VehicleRunning),
    ("公务接待费", Subject::Reception),
    ("会议费", Subject::Meeting),
    ("培训费", Subject::Training),
    ("政府采购支出总额", Subject::Procurement),
    ("政府采购预算总额", Subject::Procurement),
    ("政府采购总额", Subject::Procurement),
    ("政府采购预算", Subject::Procurement),
    ("政府采购支出", Subject::Procurement),
    ("货物类采购", Subject::ProcGoods),
    ("政府采购货物支出", Subject::ProcGoods),
    ("货物支出", Subject::ProcGoods),
    ("货物采购", Subject::ProcGoods),
    ("工程类采购", Subject::ProcWorks),
    ("政府采购工程支出", Subject::ProcWorks),
    ("工程支出", Subject::ProcWorks),
    ("工程采购", Subject::ProcWorks),
    ("服务类采购", Subject::ProcServices),
    ("政府采购服务支出", Subject::ProcServices),
    ("服务支出", Subject::ProcServices),
    ("服务采购", Subject::ProcServices),
    ("授予中小企业合同金额", Subject::ProcSme),
    ("授予小微企业合同金额", Subject::ProcSme),
];

/// Weak words: used only when nothing earlier in the sentence names a subject
/// (`支出较去年增加…`), since `支出` and `收入` end many other names.
const WEAK: &[(&str, Subject)] = &[("收入", Subject::IncomeTotal), ("支出", Subject::ExpTotal)];

/// How strongly a word names its subject. Where several subjects are named in one
/// clause, the strongest wins, and among equals the last: in `一般公共预算“三公”经费预算支出`
/// the head is 三公 — `一般公共预算` (a fund source) and `预算支出` (a generic total)
/// only qualify it.
fn tier(word: &str, s: &Subject) -> u8 {
    use Subject as S;
    match s {
        S::IncomeTotal | S::ExpTotal if !word.contains("合计") && !word.contains("总计") => 1,
        S::IncomeTotal
        | S::ExpTotal
        | S::IncomeGrand
        | S::ExpGrand
        | S::FiscalIncome
        | S::FiscalExp
        | S::FiscalIncomeGrand
        | S::FiscalExpGrand
        | S::GeneralIncome
        | S::GeneralExp
        | S::FundIncome
        | S::FundExp
        | S::StateCapital => 2,
        _ => 3,
    }
}

/// The subject `clause` (normalised text) names, with where its word ends; `names` are
/// the classification names the tables print, with their codes. Words are found
/// leftmost-longest without overlap (one pass over the clause).
pub fn subject_in(clause: &str, names: &[(String, String)]) -> Option<(Subject, usize)> {
    let code = code_in(clause);
    let mut best: Option<(u8, usize, Subject)> = None; // (tier, end, subject)
    let mut take = |t: u8, end: usize, s: Subject| {
        if best.as_ref().is_none_or(|(bt, _, _)| t >= *bt) {
            best = Some((t, end, s));
        }
    };
    let mut i = 0;
    while i < clause.len() {
        let rest = &clause[i..];
        if let Some((c, start, end)) = &code
            && *start == i
        {
            take(3, *end, Subject::Code(c.clone()));
            i = *end;
            continue;
        }
        let mut longest: Option<(usize, u8, Subject)> = None;
        for (w, s) in WORDS {
            if rest.starts_with(w) && longest.as_ref().is_none_or(|(l, _, _)| w.len() > *l) {
                longest = Some((w.len(), tier(w, s), s.clone()));
            }
        }
        for (name, code) in names {
            let len = if rest.starts_with(name.as_str()) && stands_alone(name, &rest[name.len()..])
            {
                // With its level mark the name is the line's, not a measure's of the same
                // name: `会议费（款）` is the economic line 30215, not all of 会议费. A mark of
                // another level says it is another line (`…离退休费（项）` is no 退休费).
                match level_mark(&rest[name.len()..]) {
                    Some(m) if fits(m, code) => name.len() + m.len(),
                    Some(_) => 0,
                    None => name.len(),
                }
            } else {
                marked_inside(name, code, rest)
            };
            if len > 0 && longest.as_ref().is_none_or(|(l, _, _)| len > *l) {
                longest = Some((len, 3, Subject::Code(code.clone())));
            }
        }
        match longest {
            Some((len, t, s)) => {
                take(t, i + len, s);
                i += len;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    best.map(|(_, end, s)| (s, end))
}

/// Whether a classification name found in a clause names its line: a name of two
/// characters (检察, 法院, 人大) is also part of many other words (`省检察院本年收入`), so
/// it counts only with its level mark or its 支出 (`检察（款）`, `法院支出`).
fn stands_alone(name: &str, after: &str) -> bool {
    name.chars().count() > 2
        || ["（类", "（款", "（项", "(类", "(款", "(项", "支出"]
            .iter()
            .any(|m| after.starts_with(m))
}

/// The length of `name` written with its level mark before its trailing 支出
/// (`公共安全（类）支出`, `一般公共服务（类）` for 一般公共服务支出) at the start of `rest`; 0
/// when it is not.
fn marked_inside(name: &str, code: &str, rest: &str) -> usize {
    let Some(stem) = name
        .strip_suffix("支出")
        .filter(|s| s.chars().count() >= 2 && rest.starts_with(s))
    else {
        return 0;
    };
    let Some(mark) = level_mark(&rest[stem.len()..]).filter(|m| fits(m, code)) else {
        return 0;
    };
    let len = stem.len() + mark.len();
    if rest[len..].starts_with("支出") {
        len + "支出".len()
    } else {
        len
    }
}

/// Whether a level mark is the level of `code` (类 3 digits, 款 5, 项 7).
fn fits(mark: &str, code: &str) -> bool {
    let level = match code.len() {
        3 => '类',
        5 => '款',
        7 => '项',
        _ => return false,
    };
    mark.contains(level)
}

/// The level mark (`（类）`, `（款）`, `（项）`) at the start of `s`.
pub fn level_mark(s: &str) -> Option<&'static str> {
    LEVEL_MARKS.into_iter().find(|m| s.starts_with(m))
}

/// The marks of a classification line's level, as texts write them.
pub const LEVEL_MARKS: [&str; 6] = ["（类）", "（款）", "（项）", "(类)", "(款)", "(项)"];

/// A weak subject (`收入`, `支出`) in `clause`.
pub fn weak_subject_in(clause: &str) -> Option<Subject> {
    WEAK.iter()
        .filter_map(|(w, s)| clause.rfind(w).map(|i| (i, s)))
        .max_by_key(|(i, _)| *i)
        .map(|(_, s)| s.clone())
}

/// The last classification code written in `clause`: 3, 5 or 7 ASCII digits standing
/// alone (not a year: not followed by 年), with where it starts and ends.
fn code_in(clause: &str) -> Option<(String, usize, usize)> {
    let b = clause.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let len = i - start;
            let before_ok =
                start == 0 || !(b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'.');
            let after = &clause[i..];
            let after_ok = !after.starts_with('年')
                && !after.starts_with('.')
                && !after.starts_with('月')
                && !after.starts_with('日');
            if matches!(len, 3 | 5 | 7)
                && before_ok
                && after_ok
                && matches!(b[start], b'2' | b'3' | b'5')
            {
                found = Some((clause[start..i].to_string(), start, i));
            }
        } else {
            i += 1;
        }
    }
    found
}

/// The aspect word last written in `clause`, for final accounts.
pub fn aspect_in(clause: &str) -> Option<Aspect> {
    let budget = ["年初预算", "预算数", "预算为", "支出预算", "预算"]
        .iter()
        .filter_map(|w| clause.rfind(w).map(|i| i + w.len()))
        .max();
    let actual = ["决算数", "决算为", "支出决算", "决算"]
        .iter()
        .filter_map(|w| clause.rfind(w).map(|i| i + w.len()))
        .max();
    match (budget, actual) {
        (Some(b), Some(a)) => Some(if a > b {
            Aspect::Actual
        } else {
            Aspect::Budget
        }),
        (Some(_), None) => Some(Aspect::Budget),
        (None, Some(_)) => Some(Aspect::Actual),
        (None, None) => None,
    }
}

/// A cell by table kind, row and column; `?` rows read absent as zero.
pub type At = (&'static str, &'static str, &'static str);

/// The cells `subject` is read from in a disclosure of `kind`, in order of preference:
/// for a headline measure, the cells the site reads it from (`model::measures`) first.
/// Classification lines are found by the caller (their tables depend on the code).
pub fn cells(subject: &Subject, kind: Kind, aspect: Option<Aspect>) -> Vec<At> {
    use crate::model::measures::{self, Measure};
    let own = own_cells(subject, kind, aspect);
    let headline = match subject {
        Subject::IncomeTotal => Some(Measure::Income),
        Subject::ExpTotal => Some(Measure::Expenditure),
        Subject::Basic => Some(Measure::Basic),
        Subject::Project => Some(Measure::Project),
        Subject::Running | Subject::Public => Some(Measure::Running),
        Subject::ThreePublic => Some(Measure::ThreePublic),
        _ => None,
    };
    match headline {
        // A year-start budget is not a headline figure.
        Some(m) if !(kind == Kind::Final && aspect == Some(Aspect::Budget)) => {
            let mut out = Vec::new();
            // Jiangsu prints 机关运行经费 in a table of its own: the text states its total.
            if *subject == Subject::Running && kind == Kind::Budget {
                out.push(("running_costs", "total", "total"));
            }
            out.extend(measures::cells(kind, m));
            for c in own {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
            out
        }
        _ => own,
    }
}

/// The cells of `subject` beyond the headline ones.
fn own_cells(subject: &Subject, kind: Kind, aspect: Option<Aspect>) -> Vec<At> {
    use Subject as S;
    let budget = kind == Kind::Budget;
    let three = |col: &'static str| -> Vec<At> {
        if budget {
            // Jiangsu prints 三公, 会议费 and 培训费 in one table, whose 合计 column adds
            // 会议费 and 培训费 to the 三公 subtotal.
            let joint = if col == "total" { "three_public" } else { col };
            vec![
                ("three_public", "budget", col),
                ("three_public", "total", col),
                ("three_public_meetings", "total", joint),
            ]
        } else if aspect == Some(Aspect::Budget) {
            vec![("final_three_public", "budget", col)]
        } else {
            vec![("final_three_public", "actual", col)]
        }
    };
    if budget {
        match subject {
            S::IncomeTotal => vec![
                ("summary", "income_total", "amount"),
                ("income", "total", "total"),
            ],
            S::IncomeGrand => vec![("summary", "income_grand_total", "amount")],
            S::ExpTotal => vec![
                ("summary", "exp_total", "amount"),
                ("expenditure", "total", "total"),
            ],
            S::ExpGrand => vec![("summary", "exp_grand_total", "amount")],
            // Jiangsu's 财政拨款收支总表 prints no 本年 subtotal (nor 结转): its 合计 is it.
            S::FiscalIncome => vec![
                ("fiscal_summary", "income_total", "amount"),
                ("summary", "income_fiscal", "amount"),
                ("fiscal_summary", "income_grand_total", "amount"),
            ],
            S::FiscalExp => vec![
                ("fiscal_summary", "exp_total", "amount"),
                ("fiscal_summary", "exp_grand_total", "amount"),
            ],
            S::FiscalIncomeGrand => vec![("fiscal_summary", "income_grand_total", "amount")],
            S::FiscalExpGrand => vec![("fiscal_summary", "exp_grand_total", "amount")],
            S::FiscalBasic => vec![("general_expenditure", "total", "basic")],
            S::GeneralIncome => vec![
                ("summary", "income_general", "amount"),
                ("fiscal_summary", "income_general", "amount"),
                ("income", "total", "general"),
            ],
            S::GeneralExp => vec![("general_expenditure", "total", "total")],
            S::FundIncome => vec![
                ("summary", "income_fund", "amount"),
                ("fiscal_summary", "income_fund", "amount"),
            ],
            S::FundExp => vec![
                ("fund_expenditure", "exp_total", "amount"),
                ("fund_expenditure", "total", "total"),
            ],
            S::StateCapital => vec![
                ("summary", "income_state_capital", "amount"),
                ("fiscal_summary", "income_state_capital", "amount"),
            ],
            S::SocialInsurance => vec![("summary", "income_social_insurance", "amount")],
            S::SpecialAccount => vec![("summary", "income_special_account", "amount")],
            S::UpperFiscal => vec![("summary", "income_upper_fiscal", "amount")],
            S::BusinessIncome => vec![("summary", "income_business", "amount")],
            S::Operating => vec![("summary", "income_operating", "amount")],
            S::UpperUnit => vec![("summary", "income_upper_unit", "amount")],
            S::Subsidiary => vec![("summary", "income_subsidiary", "amount")],
            S::OtherIncome => vec![("summary", "income_other", "amount")],
            S::Carryover => vec![("summary", "carryover", "amount")],
            S::EndBalance => vec![("summary", "end_balance", "amount")],
            S::Basic => vec![
                ("expenditure", "total", "basic"),
                ("general_expenditure", "total", "basic"),
                ("summary", "exp_basic", "amount"),
            ],
            S::Project => vec![
                ("expenditure", "total", "project"),
                ("general_expenditure", "total", "project"),
                ("summary", "exp_project", "amount"),
            ],
            S::Personnel => vec![
                ("general_basic", "total", "personnel"),
                ("general_expenditure", "total", "personnel"),
            ],
            S::Public | S::Running => vec![
                ("general_basic", "total", "public"),
                ("general_expenditure", "total", "public"),
            ],
            S::ThreePublic => three("total"),
            S::Abroad => three("abroad"),
            S::Vehicle => three("vehicle"),
            S::VehiclePurchase => three("vehicle_purchase"),
            S::VehicleRunning => three("vehicle_running"),
            S::Reception => three("reception"),
            S::Meeting => three("meeting"),
            S::Training => three("training"),
            _ => Vec::new(),
        }
    } else {
        let actual_or = |actual: Vec<At>, budget: Vec<At>| {
            if aspect == Some(Aspect::Budget) {
                budget
            } else {
                actual
            }
        };
        match subject {
            S::IncomeTotal => vec![
                ("final_summary", "income_total", "amount"),
                ("final_income", "total", "total"),
            ],
            S::IncomeGrand => vec![("final_summary", "income_grand_total", "amount")],
            S::ExpTotal => vec![
                ("final_summary", "exp_total", "amount"),
                ("final_expenditure", "total", "total"),
            ],
            S::ExpGrand => vec![("final_summary", "exp_grand_total", "amount")],
            S::FiscalIncome => vec![
                ("final_income", "total", "fiscal"),
                ("final_fiscal_summary", "income_total", "amount"),
            ],
            S::FiscalExp | S::GeneralExp => actual_or(
                vec![
                    ("final_general_expenditure", "total", "total"),
                    ("final_fiscal_summary", "exp_total", "amount"),
                ],
                vec![("budget_vs_actual", "total", "budget")],
            ),
            S::FiscalIncomeGrand => vec![("final_fiscal_summary", "income_grand_total", "amount")],
            S::FiscalExpGrand => vec![("final_fiscal_summary", "exp_grand_total", "amount")],
            S::FiscalBasic => vec![("final_general_expenditure", "total", "basic")],
            S::GeneralIncome => vec![
                ("final_summary", "income_general", "amount"),
                ("final_fiscal_summary", "income_general", "amount"),
            ],
            S::FundIncome => vec![
                ("final_summary", "income_fund", "amount"),
                ("final_fiscal_summary", "income_fund", "amount"),
            ],
            S::StateCapital => vec![
                ("final_summary", "income_state_capital", "amount"),
                ("final_fiscal_summary", "income_state_capital", "amount"),
            ],
            S::UpperUnit => vec![("final_summary", "income_upper_unit", "amount")],
            S::BusinessIncome => vec![("final_summary", "income_business", "amount")],
            S::Operating => vec![("final_summary", "income_operating", "amount")],
            S::Subsidiary => vec![("final_summary", "income_subsidiary", "amount")],
            S::OtherIncome => vec![
                ("final_summary", "income_other", "amount"),
                ("final_income", "total", "other_income"),
            ],
            S::Carryover => vec![("final_summary", "carryover", "amount")],
            S::EndBalance => vec![("final_summary", "end_balance", "amount")],
            S::Basic => vec![
                ("final_expenditure", "total", "basic"),
                ("final_general_expenditure", "total", "basic"),
            ],
            S::Project => vec![
                ("final_expenditure", "total", "project"),
                ("final_general_expenditure", "total", "project"),
            ],
            S::Personnel => vec![("final_general_basic", "total", "personnel")],
            S::Public => vec![("final_general_basic", "total", "public")],
            S::Running => actual_or(vec![("final_general_basic", "total", "public")], Vec::new()),
            S::ThreePublic => three("total"),
            S::Abroad => three("abroad"),
            S::Vehicle => three("vehicle"),
            S::VehiclePurchase => three("vehicle_purchase"),
            S::VehicleRunning => three("vehicle_running"),
            S::Reception => three("reception"),
            S::Meeting => three("meeting"),
            S::Training => three("training"),
            _ => Vec::new(),
        }
    }
}

/// The economic-classification lines (部门预算支出经济分类) a 三公 item, 会议费 or 培训费 is
/// booked on: read from the basic-expenditure table when the 三公 table is not legible.
pub fn economic_codes(subject: &Subject) -> &'static [&'static str] {
    match subject {
        Subject::ThreePublic => &["30212", "30217", "30231", "31013"],
        Subject::Abroad => &["30212"],
        Subject::Vehicle => &["30231", "31013"],
        Subject::VehiclePurchase => &["31013"],
        Subject::VehicleRunning => &["30231"],
        Subject::Reception => &["30217"],
        Subject::Meeting => &["30215"],
        Subject::Training => &["30216"],
        _ => &[],
    }
}

/// Tables a classification line is read from, in order of preference, by the code's
/// family (functional 2…, department economic 3…, government economic 5…).
pub fn code_tables(code: &str, kind: Kind, aspect: Option<Aspect>) -> &'static [&'static str] {
    let family = code.as_bytes().first().copied().unwrap_or(b'2');
    match (kind, family) {
        (Kind::Budget, b'3') => &[
            "general_expenditure_econ",
            "expenditure_dept_econ",
            "general_basic",
        ],
        (Kind::Budget, b'5') => &["expenditure_gov_econ", "summary", "fiscal_summary"],
        (Kind::Budget, _) => &[
            "general_expenditure",
            "expenditure",
            "summary",
            "fiscal_summary",
            "income",
        ],
        (Kind::Final, b'3') => &["final_general_basic"],
        (Kind::Final, b'5') => &["final_summary"],
        (Kind::Final, _) => match aspect {
            Some(Aspect::Budget) => &["budget_vs_actual"],
            _ => &[
                "final_general_expenditure",
                "final_expenditure",
                "budget_vs_actual",
                "final_summary",
                "final_income",
            ],
        },
    }
}

/// Words that say a figure is a change (增减额 or 增减率), and its direction: the last
/// one in `clause`, when only a few words (`了`, `幅度为`) stand between it and the figure
/// — `增加了“事业运行”项级科目分流315万元` states no change of 315.
pub fn change_word(clause: &str) -> Option<(usize, i8)> {
    let up = ["增加", "增长", "上升", "提高"];
    let down = ["减少", "下降", "降低"];
    let mut best: Option<(usize, i8, usize)> = None;
    for (words, sign) in [(&up[..], 1i8), (&down[..], -1i8)] {
        for w in words {
            if let Some(i) = clause.rfind(w)
                && best.is_none_or(|(j, _, _)| i > j)
            {
                best = Some((i, sign, i + w.len()));
            }
        }
    }
    let (i, sign, end) = best?;
    let tail = &clause[end..];
    (tail.chars().count() <= 3 && tail.chars().all(|c| "了为约额达共计幅度率".contains(c)))
        .then_some((i, sign))
}
