//! Generates a deterministic synthetic site of N unit-years shaped like the seeds, for
//! benchmarks: budgets (Hunan set) and final accounts (national set), several years per
//! unit, 类/款/项 hierarchies with real codes, economic classification, 三公, performance
//! targets and explanation text with figure references. Internally consistent, so that
//! `gongkai check` finds no error.
//!
//! usage: cargo run --release --example corpus -- OUT_DIR UNIT_YEARS [--seed N]

use std::fmt::Write as _;
use std::path::Path;

/// A small deterministic PRNG (xorshift64*), so the corpus is the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// An amount in cents (万元 × 100) between lo and hi 万元.
    fn cents(&mut self, lo: u64, hi: u64) -> u64 {
        lo * 100 + self.below((hi - lo) * 100 + 1)
    }
}

fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Functional 项 with their 款 and 类 names (from the catalogue).
const FUNCTIONAL: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "208",
        "社会保障和就业支出",
        "20805",
        "行政事业单位养老支出",
        "2080505",
        "机关事业单位基本养老保险缴费支出",
    ),
    (
        "208",
        "社会保障和就业支出",
        "20805",
        "行政事业单位养老支出",
        "2080506",
        "机关事业单位职业年金缴费支出",
    ),
    (
        "210",
        "卫生健康支出",
        "21011",
        "行政事业单位医疗",
        "2101101",
        "行政单位医疗",
    ),
    (
        "210",
        "卫生健康支出",
        "21015",
        "医疗保障管理事务",
        "2101501",
        "行政运行",
    ),
    (
        "210",
        "卫生健康支出",
        "21015",
        "医疗保障管理事务",
        "2101502",
        "一般行政管理事务",
    ),
    (
        "210",
        "卫生健康支出",
        "21015",
        "医疗保障管理事务",
        "2101599",
        "其他医疗保障管理事务支出",
    ),
    (
        "210",
        "卫生健康支出",
        "21013",
        "医疗救助",
        "2101301",
        "城乡医疗救助",
    ),
    (
        "221",
        "住房保障支出",
        "22102",
        "住房改革支出",
        "2210201",
        "住房公积金",
    ),
];

/// Basic expenditure 款 by economic classification: (类, 类 name, 款, 款 name, personnel?).
const ECONOMIC: &[(&str, &str, &str, &str, bool)] = &[
    ("301", "工资福利支出", "30101", "基本工资", true),
    ("301", "工资福利支出", "30102", "津贴补贴", true),
    ("301", "工资福利支出", "30103", "奖金", true),
    (
        "301",
        "工资福利支出",
        "30108",
        "机关事业单位基本养老保险缴费",
        true,
    ),
    ("301", "工资福利支出", "30113", "住房公积金", true),
    ("302", "商品和服务支出", "30201", "办公费", false),
    ("302", "商品和服务支出", "30211", "差旅费", false),
    ("302", "商品和服务支出", "30215", "会议费", false),
    ("302", "商品和服务支出", "30216", "培训费", false),
    ("302", "商品和服务支出", "30217", "公务接待费", false),
    (
        "302",
        "商品和服务支出",
        "30299",
        "其他商品和服务支出",
        false,
    ),
    ("303", "对个人和家庭的补助", "30305", "生活补助", true),
];

const EMPTY_HUNAN: &[(&str, &str)] = &[
    (
        "expenditure_gov_econ",
        "支出预算分类汇总表（按政府预算经济分类）",
    ),
    (
        "expenditure_dept_econ",
        "支出预算分类汇总表（按部门预算经济分类）",
    ),
    (
        "basic_wages_gov_econ",
        "一般公共预算基本支出表--人员经费(工资福利支出)(按政府预算经济分类)",
    ),
    (
        "basic_wages_dept_econ",
        "一般公共预算基本支出表--人员经费(工资福利支出)(按部门预算经济分类)",
    ),
    (
        "basic_family_gov_econ",
        "一般公共预算基本支出表--人员经费(对个人和家庭的补助)(按政府预算经济分类)",
    ),
    (
        "basic_family_dept_econ",
        "一般公共预算基本支出表--人员经费(对个人和家庭的补助)(按部门预算经济分类)",
    ),
    (
        "basic_goods_gov_econ",
        "一般公共预算基本支出表--公用经费(商品和服务支出)(按政府预算经济分类)",
    ),
    (
        "basic_goods_dept_econ",
        "一般公共预算基本支出表--公用经费(商品和服务支出)(按部门预算经济分类)",
    ),
    ("fund_expenditure", "政府性基金预算支出表"),
    (
        "fund_gov_econ",
        "政府性基金预算支出分类汇总表（按政府预算经济分类）",
    ),
    (
        "fund_dept_econ",
        "政府性基金预算支出分类汇总表（按部门预算经济分类）",
    ),
    ("state_capital", "国有资本经营预算支出表"),
    ("special_account", "财政专户管理资金预算支出表"),
    ("special_funds", "专项资金预算汇总表"),
];

const COUNTIES: &[&str] = &[
    "衡山", "衡东", "祁东", "耒阳", "常宁", "攸县", "茶陵", "炎陵", "醴陵", "浏阳", "宁乡", "望城",
    "湘潭", "韶山", "湘乡", "双峰",
];
const BUREAUS: &[&str] = &[
    "医疗保障局",
    "财政局",
    "卫生健康局",
    "民政局",
    "人力资源和社会保障局",
    "教育局",
    "自然资源局",
    "交通运输局",
];

struct Figures {
    /// (code, basic cents, project cents) per chosen 项.
    items: Vec<(usize, u64, u64)>,
    /// (index into ECONOMIC, cents).
    econ: Vec<(usize, u64)>,
    reception: u64,
    vehicle_running: u64,
}

fn figures(rng: &mut Rng, scale: u64) -> Figures {
    // Basic expenditure by economic class first; the functional split follows it.
    let mut econ: Vec<(usize, u64)> = Vec::new();
    for i in 0..ECONOMIC.len() {
        if rng.below(5) != 0 || i == 0 {
            econ.push((i, rng.cents(scale / 20 + 1, scale / 4 + 2)));
        }
    }
    let basic: u64 = econ.iter().map(|(_, c)| c).sum();
    let mut items: Vec<(usize, u64, u64)> = Vec::new();
    let chosen: Vec<usize> = (0..FUNCTIONAL.len())
        .filter(|i| *i == 3 || rng.below(3) != 0)
        .collect();
    // Split `basic` over the chosen 项 (行政运行 takes the remainder).
    let mut left = basic;
    for &i in &chosen {
        if i == 3 {
            continue;
        }
        let share = if FUNCTIONAL[i].4 == "2101599" || FUNCTIONAL[i].4 == "2101301" {
            0
        } else {
            left / 6
        };
        left -= share;
        let project = if FUNCTIONAL[i].4 == "2101599" || FUNCTIONAL[i].4 == "2101301" {
            rng.cents(1, scale / 3 + 2)
        } else {
            0
        };
        items.push((i, share, project));
    }
    items.push((3, left, 0));
    items.sort_by_key(|(i, _, _)| *i);
    let reception = econ
        .iter()
        .find(|(i, _)| ECONOMIC[*i].2 == "30217")
        .map_or(0, |(_, c)| *c);
    Figures {
        items,
        econ,
        reception,
        vehicle_running: 0,
    }
}

#[allow(clippy::too_many_lines)]
fn budget_yaml(unit: &str, year: u32, f: &Figures, final_accounts: bool) -> (String, String) {
    let basic: u64 = f.items.iter().map(|i| i.1).sum();
    let project: u64 = f.items.iter().map(|i| i.2).sum();
    let total = basic + project;
    let personnel: u64 = f
        .econ
        .iter()
        .filter(|(i, _)| ECONOMIC[*i].4)
        .map(|(_, c)| c)
        .sum();
    let wages: u64 = f
        .econ
        .iter()
        .filter(|(i, _)| ECONOMIC[*i].0 == "301")
        .map(|(_, c)| c)
        .sum();
    let family: u64 = f
        .econ
        .iter()
        .filter(|(i, _)| ECONOMIC[*i].0 == "303")
        .map(|(_, c)| c)
        .sum();
    let public = basic - personnel;
    let mut y = String::new();
    let kind = if final_accounts { "final" } else { "budget" };
    let _ = writeln!(
        y,
        "kind: {kind}\nyear: {year}\ntemplate: {}\ntitle: {unit}{year}年{}\namount_unit: 万元\npublished: \"{}-02-20\"\napproved: \"{}-02-10\"\ntables:",
        if final_accounts {
            "national-final"
        } else {
            "hunan-budget"
        },
        if final_accounts {
            "部门决算"
        } else {
            "部门预算"
        },
        year + u32::from(final_accounts),
        year + u32::from(final_accounts)
    );
    let k = |b: &str, fk: &str| {
        if final_accounts {
            fk.to_string()
        } else {
            b.to_string()
        }
    };
    // Classes and 款 present.
    let mut classes: Vec<&str> = f.items.iter().map(|(i, _, _)| FUNCTIONAL[*i].0).collect();
    classes.dedup();
    let class_sum = |c: &str, which: usize| -> u64 {
        f.items
            .iter()
            .filter(|(i, _, _)| FUNCTIONAL[*i].0 == c)
            .map(|x| {
                if which == 0 {
                    x.1 + x.2
                } else if which == 1 {
                    x.1
                } else {
                    x.2
                }
            })
            .sum()
    };
    let mut kuan: Vec<&str> = f.items.iter().map(|(i, _, _)| FUNCTIONAL[*i].2).collect();
    kuan.sort();
    kuan.dedup();
    let kuan_sum = |c: &str, which: usize| -> u64 {
        f.items
            .iter()
            .filter(|(i, _, _)| FUNCTIONAL[*i].2 == c)
            .map(|x| {
                if which == 0 {
                    x.1 + x.2
                } else if which == 1 {
                    x.1
                } else {
                    x.2
                }
            })
            .sum()
    };

    // Summary.
    let _ = writeln!(
        y,
        "  - id: T01\n    kind: {}\n    title: 收支总表\n    columns:\n      - {{key: amount, name: 预算数}}\n    rows:",
        k("summary", "final_summary")
    );
    let _ = writeln!(
        y,
        "      - {{key: income_general, name: 一般公共预算拨款收入, values: {{amount: \"{}\"}}}}",
        money(total)
    );
    let _ = writeln!(
        y,
        "      - {{key: income_total, name: 本年收入合计, sum_of: [income_general], values: {{amount: \"{}\"}}}}",
        money(total)
    );
    let _ = writeln!(
        y,
        "      - {{key: income_grand_total, name: 收入总计, sum_of: [income_total], values: {{amount: \"{}\"}}}}",
        money(total)
    );
    for c in &classes {
        let name = FUNCTIONAL.iter().find(|x| x.0 == *c).unwrap().1;
        let _ = writeln!(
            y,
            "      - {{code: \"{c}\", name: {name}, values: {{amount: \"{}\"}}}}",
            money(class_sum(c, 0))
        );
    }
    let _ = writeln!(
        y,
        "      - {{key: exp_total, name: 本年支出合计, sum_of: [functional], values: {{amount: \"{}\"}}}}",
        money(total)
    );
    let _ = writeln!(
        y,
        "      - {{key: exp_grand_total, name: 支出总计, sum_of: [exp_total], values: {{amount: \"{}\"}}}}",
        money(total)
    );
    if !final_accounts {
        let _ = writeln!(
            y,
            "      - {{key: exp_basic, name: 一、基本支出, values: {{amount: \"{}\"}}}}\n      - {{key: exp_project, name: 二、项目支出, values: {{amount: \"{}\"}}}}",
            money(basic),
            money(project)
        );
    }
    // Income.
    let _ = writeln!(
        y,
        "  - id: T02\n    kind: {}\n    title: 收入总表\n    columns:\n      - {{key: total, name: 合计, sum_of: [{}]}}\n      - {{key: {}, name: 一般公共预算}}\n    rows:",
        k("income", "final_income"),
        k("general", "fiscal"),
        k("general", "fiscal")
    );
    let _ = writeln!(
        y,
        "      - {{key: total, name: 合计, values: {{total: \"{}\", {}: \"{}\"}}}}",
        money(total),
        k("general", "fiscal"),
        money(total)
    );
    // Expenditure by function (项 only) and the general budget table (类/款/项).
    let _ = writeln!(
        y,
        "  - id: T03\n    kind: {}\n    title: 支出总表\n    columns:\n      - {{key: total, name: 合计, sum_of: [basic, project]}}\n      - {{key: basic, name: 基本支出}}\n      - {{key: project, name: 项目支出}}\n    rows:",
        k("expenditure", "final_expenditure")
    );
    let _ = writeln!(
        y,
        "      - {{key: total, name: 合计, sum_of: [functional], values: {{total: \"{}\", basic: \"{}\", project: \"{}\"}}}}",
        money(total),
        money(basic),
        money(project)
    );
    for (i, b, p) in &f.items {
        let _ = writeln!(
            y,
            "      - {{code: \"{}\", name: {}, values: {{total: \"{}\", basic: \"{}\", project: \"{}\"}}}}",
            FUNCTIONAL[*i].4,
            FUNCTIONAL[*i].5,
            money(b + p),
            money(*b),
            money(*p)
        );
    }
    let _ = writeln!(
        y,
        "  - id: T04\n    kind: {}\n    title: 财政拨款收支总表\n    columns:\n      - {{key: amount, name: 预算数}}\n    rows:",
        k("fiscal_summary", "final_fiscal_summary")
    );
    let _ = writeln!(
        y,
        "      - {{key: income_general, name: 一般公共预算拨款, values: {{amount: \"{}\"}}}}\n      - {{key: income_total, name: 本年收入, sum_of: [income_general], values: {{amount: \"{}\"}}}}\n      - {{key: income_grand_total, name: 收入总计, sum_of: [income_total], values: {{amount: \"{}\"}}}}\n      - {{key: exp_grand_total, name: 支出总计, values: {{amount: \"{}\"}}}}",
        money(total),
        money(total),
        money(total),
        money(total)
    );
    let _ = writeln!(
        y,
        "  - id: T05\n    kind: {}\n    title: 一般公共预算支出表\n    columns:\n      - {{key: total, name: 合计, sum_of: [basic, project]}}\n      - {{key: basic, name: 基本支出}}\n      - {{key: project, name: 项目支出}}\n    rows:",
        k("general_expenditure", "final_general_expenditure")
    );
    let _ = writeln!(
        y,
        "      - {{key: total, name: 合计, sum_of: [functional], values: {{total: \"{}\", basic: \"{}\", project: \"{}\"}}}}",
        money(total),
        money(basic),
        money(project)
    );
    for c in &classes {
        let name = FUNCTIONAL.iter().find(|x| x.0 == *c).unwrap().1;
        let _ = writeln!(
            y,
            "      - {{code: \"{c}\", name: {name}, values: {{total: \"{}\", basic: \"{}\", project: \"{}\"}}}}",
            money(class_sum(c, 0)),
            money(class_sum(c, 1)),
            money(class_sum(c, 2))
        );
        for kc in kuan.iter().filter(|x| x.starts_with(c)) {
            let kname = FUNCTIONAL.iter().find(|x| x.2 == *kc).unwrap().3;
            let _ = writeln!(
                y,
                "      - {{code: \"{kc}\", name: {kname}, values: {{total: \"{}\", basic: \"{}\", project: \"{}\"}}}}",
                money(kuan_sum(kc, 0)),
                money(kuan_sum(kc, 1)),
                money(kuan_sum(kc, 2))
            );
            for (i, b, p) in f.items.iter().filter(|(i, _, _)| FUNCTIONAL[*i].2 == *kc) {
                let _ = writeln!(
                    y,
                    "      - {{code: \"{}\", name: {}, values: {{total: \"{}\", basic: \"{}\", project: \"{}\"}}}}",
                    FUNCTIONAL[*i].4,
                    FUNCTIONAL[*i].5,
                    money(b + p),
                    money(*b),
                    money(*p)
                );
            }
        }
    }
    // Basic expenditure by economic class.
    let _ = writeln!(
        y,
        "  - id: T06\n    kind: {}\n    title: 一般公共预算基本支出表\n    columns:\n      - {{key: total, name: 合计, sum_of: [personnel, public]}}\n      - {{key: personnel, name: 人员经费}}\n      - {{key: public, name: 公用经费}}\n    rows:",
        k("general_basic", "final_general_basic")
    );
    let _ = writeln!(
        y,
        "      - {{key: total, name: 合计, sum_of: [dept_economic], values: {{total: \"{}\", personnel: \"{}\", public: \"{}\"}}}}",
        money(basic),
        money(personnel),
        money(public)
    );
    let mut last = "";
    for (i, c) in &f.econ {
        let (lei, lname, kuan, kname, pers) = ECONOMIC[*i];
        if lei != last {
            let s: u64 = f
                .econ
                .iter()
                .filter(|(j, _)| ECONOMIC[*j].0 == lei)
                .map(|(_, c)| c)
                .sum();
            let col = if pers { "personnel" } else { "public" };
            let _ = writeln!(
                y,
                "      - {{code: \"{lei}\", name: {lname}, values: {{total: \"{}\", {col}: \"{}\"}}}}",
                money(s),
                money(s)
            );
            last = lei;
        }
        let col = if pers { "personnel" } else { "public" };
        let _ = writeln!(
            y,
            "      - {{code: \"{kuan}\", name: {kname}, values: {{total: \"{}\", {col}: \"{}\"}}}}",
            money(*c),
            money(*c)
        );
    }
    let _ = (wages, family);
    // 三公.
    let _ = writeln!(
        y,
        "  - id: T07\n    kind: {}\n    title: 一般公共预算“三公”经费支出表\n    columns:\n      - {{key: total, name: 合计, sum_of: [abroad, vehicle, reception]}}\n      - {{key: abroad, name: 因公出国（境）费}}\n      - {{key: vehicle, name: 公务用车购置及运行费, sum_of: [vehicle_purchase, vehicle_running]}}\n      - {{key: vehicle_purchase, name: 公务用车购置费}}\n      - {{key: vehicle_running, name: 公务用车运行费}}\n      - {{key: reception, name: 公务接待费}}\n    rows:",
        k("three_public", "final_three_public")
    );
    let tp = f.reception + f.vehicle_running;
    let _ = writeln!(
        y,
        "      - {{key: budget, name: 预算数, values: {{total: \"{}\", abroad: \"0.00\", vehicle: \"{}\", vehicle_purchase: \"0.00\", vehicle_running: \"{}\", reception: \"{}\"}}}}",
        money(tp),
        money(f.vehicle_running),
        money(f.vehicle_running),
        money(f.reception)
    );
    if final_accounts {
        let _ = writeln!(
            y,
            "  - {{id: T08, kind: final_fund, title: 政府性基金预算财政拨款收入支出决算表, status: empty, reason: 本单位无政府性基金预算财政拨款收支，此表为空}}\n  - {{id: T09, kind: final_state_capital, title: 国有资本经营预算财政拨款支出决算表, status: empty, reason: 本单位无国有资本经营预算财政拨款支出，此表为空}}"
        );
    } else {
        for (n, (kind, title)) in EMPTY_HUNAN.iter().enumerate() {
            let _ = writeln!(
                y,
                "  - {{id: T{:02}, kind: {kind}, title: {title}, status: {}}}",
                n + 8,
                // The economic splits are not generated (declared missing); the rest are empty.
                if n < 8 {
                    "missing, reason: 合成数据未生成此表"
                } else {
                    "empty, reason: 本单位无相关收支，此表为空"
                }
            );
        }
        let _ = writeln!(
            y,
            "  - id: T30\n    kind: performance_project\n    title: 项目支出绩效目标表\n    fields:\n      - {{key: project, name: 项目名称, value: 业务经费}}\n      - {{key: funds_total, name: 资金总额, value: \"{}\", type: amount}}\n    columns:\n      - {{key: level1, name: 一级指标, type: text}}\n      - {{key: level2, name: 二级指标, type: text}}\n      - {{key: level3, name: 三级指标, type: text}}\n      - {{key: value, name: 指标值, type: text}}\n    rows:",
            money(project)
        );
        for (j, (a, b, c, v)) in [
            ("产出指标", "数量指标", "完成业务工作任务数量", "≥90%"),
            ("产出指标", "质量指标", "业务工作达标率", "≥95%"),
            ("产出指标", "时效指标", "完成业务工作时效", "2023年底前"),
            ("效益指标", "社会效益指标", "群众满意率", "≥90%"),
        ]
        .iter()
        .enumerate()
        {
            let _ = writeln!(
                y,
                "      - {{key: r{j}, values: {{level1: {a}, level2: {b}, level3: {c}, value: \"{v}\"}}}}"
            );
        }
        let _ = writeln!(
            y,
            "  - id: T31\n    kind: performance_department\n    title: 部门整体支出绩效目标表\n    columns:\n      - {{key: level1, name: 一级指标, type: text}}\n      - {{key: level3, name: 三级指标, type: text}}\n      - {{key: value, name: 指标值, type: text}}\n    rows:\n      - {{key: r1, values: {{level1: 效益指标, level3: 参保率, value: \"≥95%\"}}}}"
        );
    }
    // The explanation.
    let mut m = String::new();
    let _ = writeln!(
        m,
        "# {unit}{year}年{}说明\n\n## 一、部门基本概况 {{#overview}}\n\n{unit}是县人民政府工作部门，负责本行业、领域的有关工作。本部门只有本级，没有其他二级预算单位。\n\n## 二、收支总体情况 {{#totals}}\n\n{year}年本部门收入{{{{ {} = T01.income_total.amount }}}}万元，支出{{{{ {} = T01.exp_total.amount }}}}万元，其中基本支出{{{{ {} = T05.total.basic }}}}万元，占{{{{ {}% = pct(T05.total.basic, T05.total.total) }}}}；项目支出{{{{ {} = T05.total.project }}}}万元。\n",
        if final_accounts {
            "部门决算"
        } else {
            "部门预算"
        },
        money(total),
        money(total),
        money(basic),
        pct(basic, total),
        money(project)
    );
    let _ = writeln!(
        m,
        "## 三、其他重要事项 {{#other-matters}}\n\n### （一）机关运行经费 {{#running-costs}}\n\n本部门机关运行经费{{{{ {} = T06.total.public }}}}万元，主要用于办公费、差旅费、会议费等。\n\n### （二）“三公”经费 {{#three-public}}\n\n“三公”经费{{{{ {} = T07.budget.total }}}}万元，其中公务接待费{{{{ {} = T07.budget.reception }}}}万元。\n\n### （三）会议费和培训费 {{#meetings-training}}\n\n会议费和培训费按规定标准安排。\n\n### （四）政府采购情况 {{#procurement}}\n\n本部门无政府采购预算。\n\n### （五）国有资产占用情况 {{#assets}}\n\n本部门无公务用车，无单位价值50万元以上通用设备。\n\n### （六）绩效目标 {{#performance}}\n\n本部门所有支出实行绩效目标管理。\n\n## 四、名词解释 {{#glossary}}\n\n机关运行经费：是指各部门的公用经费，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费等。\n",
        money(public),
        money(tp),
        money(f.reception)
    );
    (y, m)
}

fn pct(a: u64, b: u64) -> String {
    // a / b × 100 rounded half up to two decimals, in integers (no floating point).
    let x = (a as u128) * 1_000_000 / (b.max(1) as u128); // × 10^4 of the percentage
    let r = (x + 50) / 100;
    format!("{}.{:02}", r / 100, r % 100)
}

/// `text` with each `{{ FIGURE = EXPRESSION }}` replaced by its figure as printed.
fn unmark(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find("}}") else {
            break;
        };
        let inner = &rest[i + 2..i + j];
        out.push_str(inner.split(" = ").next().unwrap_or(inner).trim());
        rest = &rest[i + j + 2..];
    }
    out.push_str(rest);
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: corpus OUT_DIR UNIT_YEARS [--seed N] [--plain]");
        std::process::exit(2);
    }
    let out = Path::new(&args[1]);
    let n: usize = args[2].parse().expect("UNIT_YEARS is a number");
    let seed: u64 = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .map_or(20231, |s| s.parse().unwrap());
    // `--plain`: the text as published, every `{{ FIGURE = EXPRESSION }}` written as its
    // figure alone (what `check::plain` reads without markup).
    let plain = args.iter().any(|a| a == "--plain");
    let content = out.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        out.join("gongkai.toml"),
        "title = \"合成测试站点\"\nbase_url = \"/\"\noutput_dir = \"public\"\n",
    )
    .unwrap();
    let mut rng = Rng(seed | 1);
    let years_per_unit = 4;
    let units = n.div_ceil(years_per_unit);
    let mut written = 0;
    for u in 0..units {
        let county = COUNTIES[u % COUNTIES.len()];
        let bureau = BUREAUS[(u / COUNTIES.len()) % BUREAUS.len()];
        let name = format!("{county}县{bureau}");
        let slug = format!("u{u:05}");
        let dir = content.join(&slug);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("unit.yaml"), format!("name: {name}\ncode: \"{:03}{:03}\"\nregion: 湖南省{county}县\nlevel: 县级\nparent: {county}县人民政府\nunit_type: 行政单位\n", 100 + u % 900, u % 1000)).unwrap();
        let scale = 200 + rng.below(3000);
        for j in 0..years_per_unit {
            if written == n {
                break;
            }
            // Alternate: budgets for 2022–2023, final accounts for 2021–2022.
            let (year, final_accounts) = match j {
                0 => (2023, false),
                1 => (2022, true),
                2 => (2022, false),
                _ => (2021, true),
            };
            let f = figures(&mut rng, scale);
            let (yaml, md) = budget_yaml(&name, year, &f, final_accounts);
            let stem = format!("{year}-{}", if final_accounts { "final" } else { "budget" });
            std::fs::write(dir.join(format!("{stem}.yaml")), yaml).unwrap();
            let md = if plain { unmark(&md) } else { md };
            std::fs::write(dir.join(format!("{stem}.md")), md).unwrap();
            written += 1;
        }
    }
    eprintln!(
        "wrote {written} unit-years in {units} units to {}",
        out.display()
    );
}
