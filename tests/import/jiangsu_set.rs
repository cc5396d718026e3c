//! The whole 2019 set of 江苏省政协办公厅 (公开01表 … 公开12表), built from the text of
//! its PDF (`pdftotext -layout`): every table gets its kind, the set its template, and
//! the checker finds no sum or cross-table error in what the importer wrote — the
//! published figures agree, so any such error would be the importer's.

use super::*;

fn rows_of(lines: &[(&str, &str, &str)]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|(c, n, a)| vec![c.to_string(), n.to_string(), a.to_string()])
        .collect()
}

fn coded(
    number: &str,
    title: &str,
    page: u32,
    amount: &str,
    lines: &[(&str, &str, &str)],
) -> PrintedTable {
    let header = vec![head(&[
        ("科目编码", 0, 0),
        ("科目名称", 1, 1),
        (amount, 2, 2),
    ])];
    let rows = rows_of(lines);
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    table(number, title, page, header, &rows, &[])
}

const FUNCTIONAL: &[(&str, &str, &str)] = &[
    ("", "合计", "13,297.11"),
    ("201", "一般公共服务支出", "10,191.56"),
    ("20102", "政协事务", "10,191.56"),
    ("2010201", "行政运行", "5,223.22"),
    ("2010202", "一般行政管理事务", "3,159.78"),
    ("2010204", "政协会议", "1,282.56"),
    ("2010205", "委员视察", "426.00"),
    ("2010299", "其他政协事务支出", "100.00"),
    ("208", "社会保障和就业支出", "858.51"),
    ("20805", "行政事业单位离退休", "858.51"),
    ("2080504", "未归口管理的行政单位离退休", "277.05"),
    ("2080505", "机关事业单位基本养老保险缴费支出", "415.33"),
    ("2080506", "机关事业单位职业年金缴费支出", "166.13"),
    ("221", "住房保障支出", "2,247.04"),
    ("22102", "住房改革支出", "2,247.04"),
    ("2210201", "住房公积金", "492.87"),
    ("2210202", "提租补贴", "1,754.17"),
];

const ECONOMIC: &[(&str, &str, &str)] = &[
    ("", "合计", "6,442.75"),
    ("301", "工资福利支出", "4,367.96"),
    ("30101", "基本工资", "877.88"),
    ("30102", "津贴补贴", "2,269.57"),
    ("30103", "奖金", "70.37"),
    ("30107", "绩效工资", "45.33"),
    ("30108", "机关事业单位基本养老保险缴费", "415.33"),
    ("30109", "职业年金缴费", "166.13"),
    ("30113", "住房公积金", "492.87"),
    ("30114", "医疗费", "20.88"),
    ("30199", "其他工资福利支出", "9.60"),
    ("302", "商品和服务支出", "1,130.74"),
    ("30201", "办公费", "110.00"),
    ("30205", "水费", "15.00"),
    ("30206", "电费", "85.00"),
    ("30207", "邮电费", "50.00"),
    ("30211", "差旅费", "200.00"),
    ("30213", "维修（护）费", "100.00"),
    ("30228", "工会经费", "70.00"),
    ("30231", "公务用车运行维护费", "156.60"),
    ("30239", "其他交通费用", "168.64"),
    ("30299", "其他商品和服务支出", "175.50"),
    ("303", "对个人和家庭的补助", "944.05"),
    ("30301", "离休费", "236.12"),
    ("30302", "退休费", "707.43"),
    ("30309", "奖励金", "0.50"),
];

fn t02() -> PrintedTable {
    let header = vec![head(&[("项目名称", 0, 1), ("金额", 2, 2)])];
    let rows: &[&[&str]] = &[
        &["", "收入总计", "13,377.11"],
        &["", "小计", "13,297.11"],
        &["一般公共预算资金", "公共财政拨款(补助)资金", "13,297.11"],
        &["", "专项收入", ""],
        &["政府性基金", "小计", ""],
        &["财政专户管理资金", "小计", ""],
        &["", "小计", "80.00"],
        &["", "事业收入", ""],
        &["其他资金", "", ""],
        &["", "经营收入", ""],
        &["", "其他收入", "80.00"],
        &["上年结转和结余资金", "小计", ""],
    ];
    table("公开02表", "收入预算总表", 2, header, rows, &[])
}

fn t04() -> PrintedTable {
    let header = vec![
        head(&[("收入", 0, 1), ("支出", 2, 3)]),
        head(&[("项目名称", 0, 0), ("金额", 1, 1), ("支出用途", 2, 3)]),
        head(&[("项目名称", 2, 2), ("金额", 3, 3)]),
    ];
    let rows: &[&[&str]] = &[
        &["一、一般公共预算", "13,297.11", "一、基本支出", "6,442.75"],
        &["二、政府性基金预算", "", "二、项目支出", "4,968.34"],
        &["", "", "三、单位预留机动经费", "1,886.02"],
        &["收入合计", "13,297.11", "支出合计", "13,297.11"],
    ];
    table("公开04表", "财政拨款收支预算总表", 4, header, rows, &[])
}

fn t11() -> PrintedTable {
    let mut lines = vec![("", "合计", "1,130.74")];
    lines.extend(
        ECONOMIC
            .iter()
            .copied()
            .filter(|(c, _, _)| c.starts_with("302")),
    );
    coded(
        "公开11表",
        "一般公共预算机关运行经费支出预算表",
        11,
        "机关运行经费支出",
        &lines,
    )
}

fn t12() -> PrintedTable {
    let header = vec![head(&[
        ("采购品目大类", 0, 0),
        ("专项名称", 1, 1),
        ("经济科目", 2, 2),
        ("采购物品名称", 3, 3),
        ("采购组织形式", 4, 4),
        ("总计", 5, 5),
    ])];
    let rows: &[&[&str]] = &[
        &["合计", "", "", "", "", "1,624.42"],
        &["一、货物A", "", "", "", "", "350.00"],
        &["", "办公设备购置费", "办公设备购置", "", "", "300.00"],
        &[
            "",
            "",
            "",
            "台式计算机（20万以下）",
            "分散自行组织",
            "18.00",
        ],
        &[
            "",
            "",
            "",
            "便携式计算机（20万以下）",
            "分散自行组织",
            "12.00",
        ],
        &["", "", "", "打印设备（20万以下）", "分散自行组织", "2.00"],
        &["", "", "", "其他计算机设备及软件", "分散自行组织", "53.00"],
        &["", "", "", "复印机", "分散自行组织", "7.00"],
        &["", "", "", "其他办公设备", "分散自行组织", "10.00"],
        &["", "", "", "家具用具", "分散自行组织", "198.00"],
        &["", "省政协专项会议", "会议费", "", "", "50.00"],
        &["", "", "", "印刷品", "分散自行组织", "50.00"],
        &["三、服务C", "", "", "", "", "1,274.42"],
        &["", "省政协专项会议", "会议费", "", "", "952.65"],
        &[
            "",
            "",
            "",
            "车辆及其他运输机械租赁服务",
            "分散自行组织",
            "60.00",
        ],
        &["", "", "", "会议服务", "分散自行组织", "892.65"],
        &["", "交通运行费", "公务用车运行维护费", "", "", "50.00"],
        &["", "", "", "车辆维修和保养服务", "分散自行组织", "50.00"],
        &["", "省政协业务工作经费", "培训费", "", "", "271.77"],
        &["", "", "", "会议服务", "分散自行组织", "271.77"],
    ];
    table("公开12表", "2019年政府采购预算表", 12, header, rows, &[])
}

fn set() -> Vec<PrintedTable> {
    vec![
        t01(),
        t02(),
        t03(),
        t04(),
        coded(
            "公开05表",
            "财政拨款支出预算表（功能科目）",
            5,
            "金额",
            FUNCTIONAL,
        ),
        coded(
            "公开06表",
            "财政拨款基本支出预算表（经济科目）",
            6,
            "金额",
            ECONOMIC,
        ),
        t07(),
        coded(
            "公开08表",
            "一般公共预算基本支出预算表（经济科目）",
            8,
            "金额",
            ECONOMIC,
        ),
        t09(),
        t10(),
        t11(),
        t12(),
    ]
}

/// The rules of the given prefixes that `check` reports on the imported set.
fn diagnostics(set: Vec<PrintedTable>, prefixes: &[&str]) -> Vec<String> {
    let d = recognize::recognize(&[document(set)], Some("jiangsu-zxbgt")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let w = write::write(tmp.path(), &d, false).unwrap();
    let root = gongkai::source::resolve_root(&w.dir).unwrap();
    let report = gongkai::check::check(&root).unwrap();
    report
        .diagnostics
        .iter()
        .filter(|d| prefixes.iter().any(|p| d.rule.starts_with(p)))
        .map(|d| format!("{} {} {:?} {:?}", d.rule, d.message, d.table, d.row))
        .collect()
}

/// The identities the checker applies to imported tables bite: a figure changed in the
/// printed 财政拨款收支预算总表 or in a 款 of 一般公共预算支出预算表 by more than rounding
/// is reported.
#[test]
fn a_changed_figure_is_caught() {
    let mut changed = set();
    changed[3].rows[0].cells[1] = "13,297.21".to_string();
    let found = diagnostics(changed, &["cross.", "sum."]);
    assert!(found.iter().any(|d| d.starts_with("cross.")), "{found:#?}");
    let mut changed = set();
    changed[6].rows[2].cells[2] = "10,192.56".to_string();
    let found = diagnostics(changed, &["sum."]);
    assert!(found.iter().any(|d| d.contains("20102")), "{found:#?}");
}

#[test]
fn the_whole_set_imports_without_import_errors() {
    let d = recognize::recognize(&[document(set())], Some("jiangsu-zxbgt")).unwrap();
    assert_eq!(d.disclosure.template, "jiangsu-budget");
    let kinds: Vec<&str> = d
        .disclosure
        .tables
        .iter()
        .map(|t| t.kind.as_str())
        .collect();
    let templates = gongkai::model::templates::Templates::builtin().unwrap();
    let required: Vec<&str> = templates.templates["jiangsu-budget"]
        .required
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(kinds, required);
    let tmp = tempfile::tempdir().unwrap();
    let w = write::write(tmp.path(), &d, false).unwrap();
    let root = gongkai::source::resolve_root(&w.dir).unwrap();
    let report = gongkai::check::check(&root).unwrap();
    let wrong: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| {
            [
                "yaml.",
                "value.",
                "table.",
                "sum.",
                "cross.",
                "complete.table",
            ]
            .iter()
            .any(|p| d.rule.starts_with(p))
        })
        .map(|d| format!("{} {} {:?} {:?}", d.rule, d.message, d.table, d.row))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    // The cross-table pairs that apply were checked (and agree).
    let disclosure = &report.site.units[0].disclosures[0];
    let fiscal = disclosure.table("fiscal_summary").unwrap();
    assert_eq!(
        fiscal
            .row("income_general")
            .unwrap()
            .amount("amount")
            .unwrap()
            .to_string(),
        "13297.11"
    );
    assert_eq!(
        disclosure
            .table("general_basic")
            .unwrap()
            .row("total")
            .unwrap()
            .sum_of
            .len(),
        1
    );
}
