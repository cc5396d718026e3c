//! `gongkai import`: recognition of printed tables (hand-built from the text of a real
//! Jiangsu budget, 江苏省政协办公厅 2019年预算公开表, as `pdftotext -layout` shows it),
//! the written sources (they load and check without `yaml.*`, `value.*` or `table.*`
//! errors), no overwriting without `--force`, workbooks in the published layout, and
//! bad workbooks (nothing written).

use gongkai::import::draft::Draft;
use gongkai::import::printed::{
    HeaderCell, Place, PrintedDocument, PrintedRow, PrintedTable, PrintedText,
};
use gongkai::import::{recognize, write};
use std::path::{Path, PathBuf};
mod common;

/// A header row from `(text, first, last)`.
fn head(cells: &[(&str, usize, usize)]) -> Vec<HeaderCell> {
    cells
        .iter()
        .map(|(t, a, b)| HeaderCell {
            text: t.to_string(),
            first: *a,
            last: *b,
        })
        .collect()
}

fn table(
    number: &str,
    title: &str,
    page: u32,
    header: Vec<Vec<HeaderCell>>,
    rows: &[&[&str]],
    notes: &[&str],
) -> PrintedTable {
    PrintedTable {
        number: Some(number.to_string()),
        title: title.to_string(),
        head_lines: vec!["部门：江苏省政协办公厅 单位：万元".to_string()],
        header,
        rows: rows
            .iter()
            .map(|cells| PrintedRow {
                cells: cells.iter().map(|c| c.to_string()).collect(),
                place: Place::Page(page),
                unsure: Vec::new(),
            })
            .collect(),
        notes: notes.iter().map(|n| n.to_string()).collect(),
        place: Place::Page(page),
        end: Place::Page(page),
    }
}

/// 公开01表 收支预算总表: three sides (收入 | 支出 by function | 支出 by use) side by side.
fn t01() -> PrintedTable {
    let header = vec![
        head(&[("收入", 0, 1), ("支出", 2, 5)]),
        head(&[
            ("项目名称", 0, 0),
            ("金额", 1, 1),
            ("功能分类", 2, 3),
            ("支出用途", 4, 5),
        ]),
        head(&[
            ("功能科目名称", 2, 2),
            ("金额", 3, 3),
            ("项目名称", 4, 4),
            ("金额", 5, 5),
        ]),
    ];
    let rows: &[&[&str]] = &[
        &[
            "一、财政拨款",
            "13,297.11",
            "一、一般公共服务支出",
            "10,271.56",
            "一、基本支出",
            "6,522.75",
        ],
        &[
            " 1.一般公共预算",
            "13,297.11",
            "二、外交支出",
            "",
            "二、项目支出",
            "4,968.34",
        ],
        &[
            " 2.政府性基金预算",
            "",
            "三、国防支出",
            "",
            "三、单位预留机动经费",
            "1,886.02",
        ],
        &["二、财政专户管理资金", "", "四、公共安全支出", "", "", ""],
        &["三、其他资金", "80.00", "五、教育支出", "", "", ""],
        &["", "", "八、社会保障和就业支出", "858.51", "", ""],
        &["", "", "九、医疗卫生与计划生育支出", "", "", ""],
        &["", "", "十八、住房保障支出", "2,247.04", "", ""],
        &[
            "当年收入小计",
            "13,377.11",
            "当年支出小计",
            "13,377.11",
            "",
            "",
        ],
        &["上年结转资金", "", "结转下年资金", "", "", ""],
        &["收入合计", "13,377.11", "支出合计", "13,377.11", "", ""],
    ];
    table("公开01表", "收支预算总表", 1, header, rows, &[])
}

/// 公开03表 支出预算总表: one line of figures under the header.
fn t03() -> PrintedTable {
    let header = vec![head(&[
        ("合计", 0, 0),
        ("基本支出", 1, 1),
        ("项目支出", 2, 2),
        ("单位预留机动经费", 3, 3),
        ("结转下年资金", 4, 4),
    ])];
    let rows: &[&[&str]] = &[&["13,377.11", "6,522.75", "4,968.34", "1,886.02", ""]];
    table("公开03表", "支出预算总表", 3, header, rows, &[])
}

/// 公开07表 一般公共预算支出预算表（功能科目）: whole codes.
fn t07() -> PrintedTable {
    let header = vec![head(&[
        ("功能科目编码", 0, 0),
        ("功能科目名称", 1, 1),
        ("金额", 2, 2),
    ])];
    let rows: &[&[&str]] = &[
        &["", "合计", "13,297.11"],
        &["201", "一般公共服务支出", "10,191.56"],
        &["20102", "政协事务", "10,191.56"],
        &["2010201", "行政运行", "5,223.22"],
        &["2010202", "一般行政管理事务", "3,159.78"],
        &["2010204", "政协会议", "1,282.56"],
        &["2010205", "委员视察", "426.00"],
        &["2010299", "其他政协事务支出", "100.00"],
        &["208", "社会保障和就业支出", "858.51"],
        &["20805", "行政事业单位离退休", "858.51"],
        &["2080504", "未归口管理的行政单位离退休", "277.05"],
        &["2080505", "机关事业单位基本养老保险缴费支出", "415.33"],
        &["2080506", "机关事业单位职业年金缴费支出", "166.13"],
        &["221", "住房保障支出", "2,247.04"],
        &["22102", "住房改革支出", "2,247.04"],
        &["2210201", "住房公积金", "492.87"],
        &["2210202", "提租补贴", "1,754.17"],
    ];
    table(
        "公开07表",
        "一般公共预算支出预算表（功能科目）",
        7,
        header,
        rows,
        &[],
    )
}

/// 公开09表 “三公”经费、会议费、培训费支出预算表: nested header, one line of figures.
fn t09() -> PrintedTable {
    let header = vec![
        head(&[
            ("合计", 0, 0),
            ("“三公”经费", 1, 6),
            ("会议费", 7, 7),
            ("培训费", 8, 8),
        ]),
        head(&[
            ("小计", 1, 1),
            ("因公出国（境）费", 2, 2),
            ("公务用车购置及运行维护费", 3, 5),
            ("公务接待费", 6, 6),
        ]),
        head(&[
            ("小计", 3, 3),
            ("公务用车购置费", 4, 4),
            ("公务用车运行维护费", 5, 5),
        ]),
    ];
    let rows: &[&[&str]] = &[&[
        "2,224.43", "660.10", "106.00", "156.60", "", "156.60", "397.50", "1,282.56", "281.77",
    ]];
    table(
        "公开09表",
        "“三公”经费、会议费、培训费支出预算表",
        9,
        header,
        rows,
        &[],
    )
}

/// 公开10表 财政拨款政府性基金支出预算表: empty, with the published reason.
fn t10() -> PrintedTable {
    let header = vec![head(&[
        ("功能科目编码", 0, 0),
        ("功能科目名称", 1, 1),
        ("金额", 2, 2),
    ])];
    let rows: &[&[&str]] = &[&["", "合计", ""]];
    table(
        "公开10表",
        "财政拨款政府性基金支出预算表",
        10,
        header,
        rows,
        &["注：本部门无该项目"],
    )
}

fn document(tables: Vec<PrintedTable>) -> PrintedDocument {
    PrintedDocument {
        file: PathBuf::from("江苏省政协办公厅2019年预算公开表.pdf"),
        parts: 12,
        text: vec![
            PrintedText {
                text: "江苏省政协办公厅2019年部门预算".to_string(),
                place: Place::Page(1),
            },
            PrintedText {
                text: "一、部门基本情况".to_string(),
                place: Place::Page(1),
            },
            PrintedText {
                text: "（一）部门职能".to_string(),
                place: Place::Page(1),
            },
            PrintedText {
                text: "1.组织政协全体会议。".to_string(),
                place: Place::Page(1),
            },
            PrintedText {
                text: "（三）“三公”经费、会议费、培训费预算情况说明".to_string(),
                place: Place::Page(2),
            },
            PrintedText {
                text: "2019年“三公”经费预算数为660.10万元。".to_string(),
                place: Place::Page(2),
            },
        ],
        tables,
    }
}

fn draft() -> Draft {
    let doc = document(vec![t01(), t03(), t07(), t09(), t10()]);
    recognize::recognize(&[doc], Some("jiangsu-zxbgt")).unwrap()
}

#[test]
fn document_facts_and_kinds() {
    let d = draft();
    assert_eq!(d.unit.name, "江苏省政协办公厅");
    assert_eq!(d.unit.region, "江苏省");
    assert_eq!(d.unit.level, "省级");
    assert_eq!(d.disclosure.kind, "budget");
    assert_eq!(d.disclosure.year, 2019);
    assert_eq!(d.disclosure.template, "jiangsu-budget");
    assert_eq!(d.disclosure.amount_unit, "万元");
    assert_eq!(d.disclosure.title, "江苏省政协办公厅2019年部门预算");
    let kinds: Vec<&str> = d
        .disclosure
        .tables
        .iter()
        .map(|t| t.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "summary",
            "expenditure",
            "general_expenditure",
            "three_public_meetings",
            "fund_expenditure"
        ]
    );
    assert!(d.report.unsure.is_empty(), "{:?}", d.report.unsure);
    // 5 + 5 + 3, 4, 17 and 8 figures printed (the empty table has none).
    assert_eq!(d.report.cells(), 13 + 4 + 17 + 8);
}

const EXPECTED_T01_T03: &str = r#"  - id: T01
    number: "公开01表"
    kind: summary
    title: "收支预算总表"
    columns:
      - {key: "amount", name: "收入/金额"}
    rows:
      - {key: "income_fiscal", name: "一、财政拨款", values: {"amount": "13,297.11"}}
      - {key: "income_general", name: "1.一般公共预算", values: {"amount": "13,297.11"}}
      - {key: "income_fund", name: "2.政府性基金预算", values: {}}
      - {key: "income_special_account", name: "二、财政专户管理资金", values: {}}
      - {key: "income_other", name: "三、其他资金", values: {"amount": "80.00"}}
      - {key: "income_total", name: "当年收入小计", values: {"amount": "13,377.11"}}
      - {key: "carryover", name: "上年结转资金", values: {}}
      - {key: "income_grand_total", name: "收入合计", values: {"amount": "13,377.11"}}
      - {code: "201", name: "一、一般公共服务支出", values: {"amount": "10,271.56"}}
      - {code: "202", name: "二、外交支出", values: {}}
      - {code: "203", name: "三、国防支出", values: {}}
      - {code: "204", name: "四、公共安全支出", values: {}}
      - {code: "205", name: "五、教育支出", values: {}}
      - {code: "208", name: "八、社会保障和就业支出", values: {"amount": "858.51"}}
      - {key: "r2_7", name: "九、医疗卫生与计划生育支出", values: {}}
      - {code: "221", name: "十八、住房保障支出", values: {"amount": "2,247.04"}}
      - {key: "exp_total", name: "当年支出小计", values: {"amount": "13,377.11"}}
      - {key: "end_balance", name: "结转下年资金", values: {}}
      - {key: "exp_grand_total", name: "支出合计", values: {"amount": "13,377.11"}}
      - {key: "exp_basic", name: "一、基本支出", values: {"amount": "6,522.75"}}
      - {key: "exp_project", name: "二、项目支出", values: {"amount": "4,968.34"}}
      - {key: "exp_reserve", name: "三、单位预留机动经费", values: {"amount": "1,886.02"}}

  - id: T02
    number: "公开03表"
    kind: expenditure
    title: "支出预算总表"
    columns:
      - {key: "total", name: "合计", sum_of: ["basic", "project", "reserve", "carry_forward"]}
      - {key: "basic", name: "基本支出"}
      - {key: "project", name: "项目支出"}
      - {key: "reserve", name: "单位预留机动经费"}
      - {key: "carry_forward", name: "结转下年资金"}
    rows:
      - {key: "total", values: {"total": "13,377.11", "basic": "6,522.75", "project": "4,968.34", "reserve": "1,886.02"}}
"#;

const EXPECTED_T07_T10: &str = r#"  - id: T03
    number: "公开07表"
    kind: general_expenditure
    title: "一般公共预算支出预算表（功能科目）"
    columns:
      - {key: "total", name: "金额"}
    rows:
      - {key: "total", name: "合计", sum_of: ["functional"], values: {"total": "13,297.11"}}
      - {code: "201", name: "一般公共服务支出", values: {"total": "10,191.56"}}
      - {code: "20102", name: "政协事务", values: {"total": "10,191.56"}}
      - {code: "2010201", name: "行政运行", values: {"total": "5,223.22"}}
      - {code: "2010202", name: "一般行政管理事务", values: {"total": "3,159.78"}}
      - {code: "2010204", name: "政协会议", values: {"total": "1,282.56"}}
      - {code: "2010205", name: "委员视察", values: {"total": "426.00"}}
      - {code: "2010299", name: "其他政协事务支出", values: {"total": "100.00"}}
      - {code: "208", name: "社会保障和就业支出", values: {"total": "858.51"}}
      - {code: "20805", name: "行政事业单位离退休", values: {"total": "858.51"}}
      - {code: "2080504", name: "未归口管理的行政单位离退休", values: {"total": "277.05"}}
      - {code: "2080505", name: "机关事业单位基本养老保险缴费支出", values: {"total": "415.33"}}
      - {code: "2080506", name: "机关事业单位职业年金缴费支出", values: {"total": "166.13"}}
      - {code: "221", name: "住房保障支出", values: {"total": "2,247.04"}}
      - {code: "22102", name: "住房改革支出", values: {"total": "2,247.04"}}
      - {code: "2210201", name: "住房公积金", values: {"total": "492.87"}}
      - {code: "2210202", name: "提租补贴", values: {"total": "1,754.17"}}

  - id: T04
    number: "公开09表"
    kind: three_public_meetings
    title: "“三公”经费、会议费、培训费支出预算表"
    columns:
      - {key: "total", name: "合计", sum_of: ["three_public", "meeting", "training"]}
      - {key: "three_public", name: "“三公”经费/小计", sum_of: ["abroad", "vehicle", "reception"]}
      - {key: "abroad", name: "“三公”经费/因公出国（境）费"}
      - {key: "vehicle", name: "“三公”经费/公务用车购置及运行维护费/小计", sum_of: ["vehicle_purchase", "vehicle_running"]}
      - {key: "vehicle_purchase", name: "“三公”经费/公务用车购置及运行维护费/公务用车购置费"}
      - {key: "vehicle_running", name: "“三公”经费/公务用车购置及运行维护费/公务用车运行维护费"}
      - {key: "reception", name: "“三公”经费/公务接待费"}
      - {key: "meeting", name: "会议费"}
      - {key: "training", name: "培训费"}
    rows:
      - {key: "total", values: {"total": "2,224.43", "three_public": "660.10", "abroad": "106.00", "vehicle": "156.60", "vehicle_running": "156.60", "reception": "397.50", "meeting": "1,282.56", "training": "281.77"}}

  - id: T05
    number: "公开10表"
    kind: fund_expenditure
    title: "财政拨款政府性基金支出预算表"
    status: empty
    reason: "本部门无该项目"
    columns:
      - {key: "total", name: "金额"}
"#;

#[test]
fn tables_render_as_expected_yaml() {
    let yaml = write::disclosure_yaml(&draft().disclosure);
    assert!(yaml.contains(EXPECTED_T01_T03), "got:\n{yaml}");
    assert!(yaml.contains(EXPECTED_T07_T10), "got:\n{yaml}");
    assert!(yaml.starts_with("kind: budget\nyear: 2019\ntemplate: \"jiangsu-budget\"\n"));
}

#[test]
fn prose_gets_standard_section_ids() {
    let md = draft().markdown;
    assert!(md.starts_with("# 江苏省政协办公厅2019年部门预算\n"), "{md}");
    assert!(md.contains("\n### 一、部门基本情况 {#overview}\n"), "{md}");
    assert!(md.contains("\n#### （一）部门职能 {#functions}\n"), "{md}");
    assert!(md.contains("\n1\\.组织政协全体会议。\n"), "{md}");
    assert!(
        md.contains("\n#### （三）“三公”经费、会议费、培训费预算情况说明 {#three-public #meetings-training}\n"),
        "{md}"
    );
    // Figures stay as published text.
    assert!(
        md.contains("\n2019年“三公”经费预算数为660.10万元。\n"),
        "{md}"
    );
}

#[test]
fn unreadable_cells_become_question_marks_with_notes() {
    let mut t = t07();
    t.rows[3].cells[2] = "5,223.2２".to_string();
    t.rows[4].cells[2] = "3159.784".to_string();
    t.rows[5].unsure.push("“1,282.56”跨在两列之间".to_string());
    let d = recognize::recognize(&[document(vec![t])], Some("x")).unwrap();
    let table = &d.disclosure.tables[0];
    let value = |code: &str| {
        table
            .rows
            .iter()
            .find(|r| r.code.as_deref() == Some(code))
            .map(|r| r.values.clone())
            .unwrap()
    };
    assert_eq!(
        value("2010201"),
        vec![("total".to_string(), "?".to_string())]
    );
    assert_eq!(
        value("2010202"),
        vec![("total".to_string(), "?".to_string())]
    );
    assert_eq!(
        value("2010204"),
        vec![("total".to_string(), "1,282.56".to_string())]
    );
    assert_eq!(d.report.unsure.len(), 3, "{:?}", d.report.unsure);
    assert!(
        table
            .note
            .iter()
            .any(|n| n.contains("第7页表中第4行") && n.contains("5,223.2２"))
    );
    assert!(d.report.unsure.iter().all(|u| u.place == Place::Page(7)));
}

#[test]
fn split_codes_are_joined_and_unknown_tables_kept() {
    // 上海 layout: 类 / 款 / 项 in three columns, the parts above carried down.
    let header = vec![
        head(&[
            ("项目", 0, 3),
            ("本年支出合计", 4, 4),
            ("基本支出", 5, 5),
            ("项目支出", 6, 6),
        ]),
        head(&[("功能分类科目编码", 0, 2), ("科目名称", 3, 3)]),
        head(&[("类", 0, 0), ("款", 1, 1), ("项", 2, 2)]),
    ];
    let rows: &[&[&str]] = &[
        &["", "", "", "合计", "30.00", "20.00", "10.00"],
        &["205", "", "", "教育支出", "30.00", "20.00", "10.00"],
        &["", "02", "", "普通教育", "30.00", "20.00", "10.00"],
        &["", "", "05", "高等教育", "30.00", "20.00", "10.00"],
    ];
    let mut t = table("表3", "支出决算表", 3, header, rows, &[]);
    t.head_lines = vec!["单位：万元".to_string()];
    let other = table(
        "表10",
        "某项目情况统计表",
        11,
        vec![head(&[("项目", 0, 0), ("数量", 1, 1)])],
        &[&["甲", "3"]],
        &[],
    );
    let mut doc = document(vec![t, other]);
    doc.file = PathBuf::from("上海市某局2024年度部门决算.xlsx");
    doc.text[0].text = "上海市某局2024年度部门决算".to_string();
    let d = recognize::recognize(&[doc], Some("x")).unwrap();
    assert_eq!(d.disclosure.kind, "final");
    assert_eq!(d.disclosure.year, 2024);
    let t = &d.disclosure.tables[0];
    assert_eq!(t.kind, "final_expenditure");
    let codes: Vec<&str> = t.rows.iter().filter_map(|r| r.code.as_deref()).collect();
    assert_eq!(codes, ["205", "20502", "2050205"]);
    assert_eq!(t.columns[0].key, "total");
    assert_eq!(t.columns[0].sum_of, ["basic", "project"]);
    let other = &d.disclosure.tables[1];
    assert_eq!(other.kind, "other");
    assert_eq!(other.columns[0].name, "数量");
    assert_eq!(
        other.rows[0].values,
        vec![("amount".to_string(), "3".to_string())]
    );
    assert!(
        d.report
            .unsure
            .iter()
            .any(|u| u.what.contains("未识别出表类型"))
    );
}

/// The diagnostics of `gongkai check` on a unit folder whose rule is one the importer
/// must never cause: bad YAML, bad values, bad tables.
fn import_errors(dir: &Path) -> Vec<String> {
    let root = gongkai::source::resolve_root(dir).unwrap();
    let report = gongkai::check::check(&root).unwrap();
    report
        .diagnostics
        .iter()
        .filter(|d| {
            ["yaml.", "value.", "table."]
                .iter()
                .any(|p| d.rule.starts_with(p))
        })
        .map(|d| format!("{} {} {:?}", d.rule, d.message, d.table))
        .collect()
}

#[test]
fn written_sources_load_and_check_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let d = draft();
    // What a killed import left behind is removed.
    std::fs::create_dir_all(content.join(".jiangsu-zxbgt.import-1-2")).unwrap();
    let w = write::write(&content, &d, false).unwrap();
    assert_eq!(w.dir, content.join("jiangsu-zxbgt"));
    let mut names: Vec<String> = std::fs::read_dir(&w.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["2019-budget.md", "2019-budget.yaml", "unit.yaml"]);
    let errors = import_errors(&w.dir);
    assert!(errors.is_empty(), "{errors:#?}");
    // The checker reads the figures as written: the summary's income total, for one.
    let root = gongkai::source::resolve_root(&w.dir).unwrap();
    let report = gongkai::check::check(&root).unwrap();
    let unit = &report.site.units[0];
    let disclosure = &unit.disclosures[0];
    let summary = disclosure.table("summary").unwrap();
    assert_eq!(
        summary
            .row("income_total")
            .unwrap()
            .amount("amount")
            .unwrap()
            .to_string(),
        "13377.11"
    );
    // Rendering is deterministic.
    assert_eq!(write::render(&d), write::render(&draft()));
    // Nothing but the unit folder is left in content/ (no temporary folder).
    assert_eq!(std::fs::read_dir(&content).unwrap().count(), 1);
}

#[test]
fn nothing_is_overwritten_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let d = draft();
    write::write(&content, &d, false).unwrap();
    let yaml = content.join("jiangsu-zxbgt/2019-budget.yaml");
    std::fs::write(&yaml, "hand-edited\n").unwrap();
    let err = write::write(&content, &d, false).unwrap_err();
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&yaml).unwrap(), "hand-edited\n");
    // A new year goes beside the others; unit.yaml is kept as it is.
    let unit_yaml = content.join("jiangsu-zxbgt/unit.yaml");
    std::fs::write(
        &unit_yaml,
        "name: 江苏省政协办公厅\nregion: 江苏省\nlevel: 省级\nunit_type: 行政单位\n",
    )
    .unwrap();
    let mut next = d.clone();
    next.disclosure.year = 2018;
    let w = write::write(&content, &next, false).unwrap();
    assert!(w.kept_unit);
    assert!(content.join("jiangsu-zxbgt/2018-budget.yaml").is_file());
    assert!(
        std::fs::read_to_string(&unit_yaml)
            .unwrap()
            .starts_with("name: 江苏省政协办公厅\n")
    );
    // A folder holding another unit is not taken over.
    let mut other = d.clone();
    other.unit.name = "江苏省人民检察院".to_string();
    other.disclosure.year = 2017;
    let err = write::write(&content, &other, false).unwrap_err();
    assert!(
        err.to_string().contains("另一个单位（江苏省政协办公厅）"),
        "{err}"
    );
    assert!(!content.join("jiangsu-zxbgt/2017-budget.yaml").exists());
    // With --force the year is replaced.
    write::write(&content, &d, true).unwrap();
    assert!(
        std::fs::read_to_string(&yaml)
            .unwrap()
            .starts_with("kind: budget\n")
    );
    assert_eq!(std::fs::read_dir(&content).unwrap().count(), 1);
}

#[path = "import/workbooks.rs"]
mod workbooks;

#[path = "import/jiangsu_set.rs"]
mod jiangsu_set;

#[path = "import/seeds_round_trip.rs"]
mod seeds_round_trip;

#[path = "import/bad_inputs.rs"]
mod bad_inputs;

#[path = "import/excel_pdf.rs"]
mod excel_pdf;

/// Titles printed in the corpus's Jiangsu budgets (2017–2019, five departments) and in
/// Shanghai's final-accounts template, each to its kind; a whole set to its template.
#[test]
fn titles_across_years_and_provinces() {
    let t = gongkai::model::templates::Templates::builtin().unwrap();
    let budget: &[(&str, &str)] = &[
        ("一、收支预算总表", "summary"),
        ("一、2018 年度江苏省高级人民法院收支预算总表", "summary"),
        ("二、收入预算总表", "income"),
        ("三、支出预算总表", "expenditure"),
        (
            "四、2017 年度江苏省高级人民法院部门财政拨款收支预算总表",
            "fiscal_summary",
        ),
        ("五、财政拨款支出预算表", "fiscal_expenditure"),
        ("财政拨款支出预算表（功能科目）", "fiscal_expenditure"),
        ("六、财政拨款基本支出预算表", "fiscal_basic"),
        ("七、一般公共预算支出预算表", "general_expenditure"),
        ("八、一般公共预算基本支出预算表", "general_basic"),
        (
            "九、一般公共预算“三公”经费、会议费、培训费支出预算表",
            "three_public_meetings",
        ),
        (
            "“三公”经费、会议费、培训费支出预算表",
            "three_public_meetings",
        ),
        ("十、政府性基金财政拨款支出预算表", "fund_expenditure"),
        ("七、政府性基金支出预算表", "fund_expenditure"),
        ("政府性基金预算财政拨款支出预算表", "fund_expenditure"),
        ("十一、一般公共预算机关运行经费支出预算表", "running_costs"),
        ("十二、政府采购支出预算表", "procurement"),
        (
            "十二、2017 年江苏省高级人民法院部门政府采购预算表",
            "procurement",
        ),
        ("2019年政府采购预算表", "procurement"),
    ];
    for (title, kind) in budget {
        assert_eq!(
            gongkai::import::recognize::kinds::kind_of(&t, title, "budget").as_deref(),
            Some(*kind),
            "{title}"
        );
    }
    let shanghai = [
        ("收入支出决算总表", "final_summary"),
        ("收入决算表", "final_income"),
        ("支出决算表", "final_expenditure"),
        ("财政拨款收入支出决算总表", "final_fiscal_summary"),
        (
            "一般公共预算财政拨款支出决算表",
            "final_general_expenditure",
        ),
        ("一般公共预算财政拨款基本支出决算表", "final_general_basic"),
        ("财政拨款“三公”经费支出决算表", "final_three_public"),
        ("政府性基金预算财政拨款收入支出决算表", "final_fund"),
        (
            "国有资本经营预算财政拨款收入支出决算表",
            "final_state_capital",
        ),
    ];
    let mut found = Vec::new();
    for (title, kind) in shanghai {
        let k = gongkai::import::recognize::kinds::kind_of(&t, title, "final");
        assert_eq!(k.as_deref(), Some(kind), "{title}");
        found.push(kind.to_string());
    }
    assert_eq!(
        gongkai::import::recognize::kinds::template_for(&t, "final", &found),
        "shanghai-final"
    );
    let jiangsu: Vec<String> = budget.iter().map(|(_, k)| k.to_string()).collect();
    assert_eq!(
        gongkai::import::recognize::kinds::template_for(&t, "budget", &jiangsu),
        "jiangsu-budget"
    );
}

/// 上海 财政拨款收入支出决算总表: 收入 with one figure column beside 支出 with four,
/// the 合计 of the 支出 side the sum of the three fund columns.
#[test]
fn sides_with_different_columns() {
    let header = vec![
        head(&[("收入", 0, 1), ("支出", 2, 6)]),
        head(&[
            ("项目", 0, 0),
            ("决算数", 1, 1),
            ("项目", 2, 2),
            ("合计", 3, 3),
            ("一般公共预算财政拨款", 4, 4),
            ("政府性基金预算财政拨款", 5, 5),
            ("国有资本经营预算财政拨款", 6, 6),
        ]),
    ];
    let rows: &[&[&str]] = &[
        &[
            "一、一般公共预算财政拨款",
            "120.00",
            "一、一般公共服务支出",
            "100.00",
            "100.00",
            "",
            "",
        ],
        &[
            "二、政府性基金预算财政拨款",
            "",
            "十九、住房保障支出",
            "20.00",
            "20.00",
            "",
            "",
        ],
        &[
            "本年收入合计",
            "120.00",
            "本年支出合计",
            "120.00",
            "120.00",
            "",
            "",
        ],
        &[
            "年初财政拨款结转和结余",
            "",
            "年末财政拨款结转和结余",
            "",
            "",
            "",
            "",
        ],
        &["总计", "120.00", "总计", "120.00", "120.00", "", ""],
    ];
    let mut t = table("表4", "财政拨款收入支出决算总表", 4, header, rows, &[]);
    t.head_lines = vec!["单位：万元".to_string()];
    let mut doc = document(vec![t]);
    doc.text[0].text = "上海市某局2024年度部门决算".to_string();
    doc.file = PathBuf::from("上海市某局2024年度部门决算.pdf");
    let d = recognize::recognize(&[doc], Some("x")).unwrap();
    let t = &d.disclosure.tables[0];
    assert_eq!(t.kind, "final_fiscal_summary");
    let keys: Vec<(&str, &[String])> = t
        .columns
        .iter()
        .map(|c| (c.key.as_str(), c.sum_of.as_slice()))
        .collect();
    let sum: Vec<String> = ["general", "fund", "state_capital"]
        .map(String::from)
        .to_vec();
    assert_eq!(
        keys,
        [
            ("amount", &[][..]),
            ("total", &sum[..]),
            ("general", &[][..]),
            ("fund", &[][..]),
            ("state_capital", &[][..]),
        ]
    );
    let rows: Vec<(Option<&str>, Option<&str>)> = t
        .rows
        .iter()
        .map(|r| (r.key.as_deref(), r.code.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            (Some("income_general"), None),
            (Some("income_fund"), None),
            (Some("income_total"), None),
            (Some("carryover"), None),
            (Some("income_grand_total"), None),
            (None, Some("201")),
            (None, Some("221")),
            (Some("exp_total"), None),
            (Some("end_balance"), None),
            (Some("exp_grand_total"), None),
        ]
    );
}

mod arbitrary {
    use super::*;
    use proptest::prelude::*;

    /// Cell texts as printed and as mangled: figures, codes, labels, blanks, and text
    /// with YAML's and Markdown's special characters.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[0-9]{1,3}(,[0-9]{3}){0,2}\\.[0-9]{2}",
            "[0-9]{1,4}\\.[0-9]{1,4}",
            "2[0-9]{2}([0-9]{2}){0,2}",
            "[0-9]{1,2}",
            Just("合计".to_string()),
            Just("—".to_string()),
            "[一二三]、[\\p{Han}]{1,8}",
            "[\\p{Han}a-z0-9 :#\"'\\\\{}\\[\\],&*!|>%@`-]{0,12}",
            "\\PC{0,10}",
        ]
    }

    fn printed_table() -> impl Strategy<Value = PrintedTable> {
        (1usize..6, 0usize..8, "\\PC{0,16}").prop_flat_map(|(width, height, title)| {
            (
                proptest::collection::vec(proptest::collection::vec(cell(), width), height),
                proptest::collection::vec(cell(), width),
                proptest::collection::vec(cell(), 0..2),
                Just(title),
            )
                .prop_map(move |(rows, header, notes, title)| {
                    let header = vec![
                        header
                            .iter()
                            .enumerate()
                            .map(|(i, t)| HeaderCell {
                                text: t.clone(),
                                first: i,
                                last: i,
                            })
                            .collect(),
                    ];
                    let rows: Vec<Vec<&str>> = rows
                        .iter()
                        .map(|r| r.iter().map(String::as_str).collect())
                        .collect();
                    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
                    let notes: Vec<&str> = notes.iter().map(String::as_str).collect();
                    table("公开05表", &title, 5, header, &rows, &notes)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

        /// Whatever the printed cells, recognition does not panic and what it writes
        /// loads without a `yaml.*`, `value.*` or `table.*` diagnostic.
        #[test]
        fn any_printed_table_writes_loadable_sources(
            tables in proptest::collection::vec(printed_table(), 1..4),
            prose in proptest::collection::vec("\\PC{0,20}", 0..4),
        ) {
            let mut doc = document(tables);
            doc.text.extend(prose.into_iter().map(|text| PrintedText { text, place: Place::Page(2) }));
            let d = recognize::recognize(&[doc], Some("x")).unwrap();
            let tmp = tempfile::tempdir().unwrap();
            let w = write::write(tmp.path(), &d, false).unwrap();
            let errors = import_errors(&w.dir);
            prop_assert!(errors.is_empty(), "{errors:#?}\n{}", write::disclosure_yaml(&d.disclosure));
        }
    }
}

/// 政府采购 (公开12表 of 江苏省政协办公厅 2019): text columns, 合计 printed in the first
/// text column, names in two name columns; and Hunan's department line `239`.
#[test]
fn text_columns_and_department_lines() {
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
    ];
    let procurement = table("公开12表", "2019年政府采购预算表", 12, header, rows, &[]);
    let header = vec![head(&[
        ("科目编码", 0, 0),
        ("科目名称", 1, 1),
        ("合计", 2, 2),
    ])];
    let rows: &[&[&str]] = &[
        &["239", "衡山县医疗保障局", "629.76"],
        &["208", "社会保障和就业支出", "55.17"],
    ];
    let hunan = table("公开05表", "一般公共预算支出表", 5, header, rows, &[]);
    let d = recognize::recognize(&[document(vec![procurement, hunan])], Some("x")).unwrap();
    let t = &d.disclosure.tables[0];
    assert_eq!(t.kind, "procurement");
    let cols: Vec<(&str, Option<&str>)> = t
        .columns
        .iter()
        .map(|c| (c.key.as_str(), c.ty.as_deref()))
        .collect();
    assert_eq!(
        cols,
        [
            ("c1", Some("text")),
            ("c3", Some("text")),
            ("c5", Some("text")),
            ("total", None)
        ]
    );
    assert_eq!(t.rows[0].key.as_deref(), Some("total"));
    assert_eq!(t.rows[2].name.as_deref(), Some("办公设备购置费"));
    assert_eq!(
        t.rows[3].values[0],
        ("c5".to_string(), "分散自行组织".to_string())
    );
    let h = &d.disclosure.tables[1];
    assert_eq!(h.rows[0].unit.as_deref(), Some("239"));
    assert_eq!(h.rows[0].code, None);
    assert_eq!(h.rows[1].code.as_deref(), Some("208"));
}

/// 上海 财政拨款“三公”经费支出决算表: every component printed as 预算数 | 决算数.
#[test]
fn budget_and_actual_pairs() {
    let mut header = vec![
        head(&[("财政拨款“三公”经费", 0, 11)]),
        head(&[
            ("合计", 0, 1),
            ("因公出国（境）费", 2, 3),
            ("公务用车购置及运行维护费", 4, 9),
            ("公务接待费", 10, 11),
        ]),
        head(&[
            ("小计", 4, 5),
            ("公务用车购置费", 6, 7),
            ("公务用车运行维护费", 8, 9),
        ]),
    ];
    header.push(
        (0..12)
            .map(|j| HeaderCell {
                text: if j % 2 == 0 { "预算数" } else { "决算数" }.to_string(),
                first: j,
                last: j,
            })
            .collect(),
    );
    let rows: &[&[&str]] = &[&[
        "10.00", "9.00", "2.00", "2.00", "5.00", "4.00", "", "", "5.00", "4.00", "3.00", "3.00",
    ]];
    let mut t = table("表7", "财政拨款“三公”经费支出决算表", 7, header, rows, &[]);
    t.head_lines = vec!["单位：万元".to_string()];
    let mut doc = document(vec![t]);
    doc.text[0].text = "上海市某局2024年度部门决算".to_string();
    let d = recognize::recognize(&[doc], Some("x")).unwrap();
    let t = &d.disclosure.tables[0];
    assert_eq!(t.kind, "final_three_public");
    let cols: Vec<(&str, Vec<&str>)> = t
        .columns
        .iter()
        .map(|c| {
            (
                c.key.as_str(),
                c.sum_of.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        cols,
        [
            (
                "total_budget",
                vec!["abroad_budget", "vehicle_budget", "reception_budget"]
            ),
            (
                "total_actual",
                vec!["abroad_actual", "vehicle_actual", "reception_actual"]
            ),
            ("abroad_budget", vec![]),
            ("abroad_actual", vec![]),
            (
                "vehicle_budget",
                vec!["vehicle_purchase_budget", "vehicle_running_budget"]
            ),
            (
                "vehicle_actual",
                vec!["vehicle_purchase_actual", "vehicle_running_actual"]
            ),
            ("vehicle_purchase_budget", vec![]),
            ("vehicle_purchase_actual", vec![]),
            ("vehicle_running_budget", vec![]),
            ("vehicle_running_actual", vec![]),
            ("reception_budget", vec![]),
            ("reception_actual", vec![]),
        ]
    );
    assert_eq!(t.rows[0].key.as_deref(), Some("total"));
}

#[test]
fn files_of_different_years_are_refused() {
    let a = document(vec![t07()]);
    let mut b = document(vec![t09()]);
    b.file = PathBuf::from("江苏省政协办公厅2018年预算公开表.pdf");
    b.text[0].text = "江苏省政协办公厅2018年部门预算".to_string();
    let err = recognize::recognize(&[a.clone(), b], None).unwrap_err();
    assert!(err.to_string().contains("不同年度"), "{err}");
    let mut c = document(vec![t09()]);
    c.file = PathBuf::from("江苏省人民检察院2019年预算公开表.pdf");
    c.text[0].text = "江苏省人民检察院2019年部门预算".to_string();
    for t in &mut c.tables {
        t.head_lines = vec!["部门：江苏省人民检察院 单位：万元".to_string()];
    }
    let err = recognize::recognize(&[a.clone(), c.clone()], None).unwrap_err();
    assert!(err.to_string().contains("单位名称不同"), "{err}");
    // Named by the officer (`--unit`), files printing two names are one unit: imported,
    // with both names among the places to review.
    let d = recognize::recognize(&[a.clone(), c], Some("jiangsu-zxbgt")).unwrap();
    assert!(
        d.report
            .unsure
            .iter()
            .any(|u| u.what.contains("江苏省人民检察院") && u.what.contains("江苏省政协办公厅")),
        "{:?}",
        d.report.unsure
    );
    // The explanation and the tables of one year, as two files, are one import.
    let mut text_only = document(vec![]);
    text_only.file = PathBuf::from("江苏省政协办公厅2019年度部门预算.pdf");
    let d = recognize::recognize(&[text_only, a], None).unwrap();
    assert_eq!(d.disclosure.tables.len(), 1);
    assert!(d.slug.starts_with("unit-"), "{}", d.slug);
}

/// Final accounts print 行次 beside the labels and a 栏次 line under the header: neither
/// is a figure.
#[test]
fn row_and_column_numbers_are_not_figures() {
    let header = vec![head(&[("项目", 0, 0), ("行次", 1, 1), ("决算数", 2, 2)])];
    let rows: &[&[&str]] = &[
        &["栏次", "", "1"],
        &["一、一般公共预算财政拨款收入", "1", "1,932.33"],
        &["本年收入合计", "9", "1,938.09"],
    ];
    let mut doc = document(vec![table(
        "公开01表",
        "收入支出决算总表",
        1,
        header,
        rows,
        &[],
    )]);
    doc.text[0].text = "衡阳市医疗保障局2022年度部门决算".to_string();
    let d = recognize::recognize(&[doc], Some("x")).unwrap();
    let t = &d.disclosure.tables[0];
    let cols: Vec<(&str, Option<&str>)> = t
        .columns
        .iter()
        .map(|c| (c.key.as_str(), c.ty.as_deref()))
        .collect();
    assert_eq!(cols, [("c2", Some("text")), ("amount", None)]);
    let keys: Vec<&str> = t.rows.iter().filter_map(|r| r.key.as_deref()).collect();
    assert_eq!(keys, ["income_general", "income_total"]);
}

#[test]
fn columns_without_a_standard_word_are_reported() {
    let header = vec![head(&[
        ("科目编码", 0, 0),
        ("科目名称", 1, 1),
        ("合计", 2, 2),
        ("调剂数", 3, 3),
    ])];
    let rows: &[&[&str]] = &[&["201", "一般公共服务支出", "10.00", "1.00"]];
    let d = recognize::recognize(
        &[document(vec![table(
            "公开07表",
            "一般公共预算支出预算表",
            7,
            header,
            rows,
            &[],
        )])],
        Some("x"),
    )
    .unwrap();
    let t = &d.disclosure.tables[0];
    assert_eq!(t.columns[1].key, "c4");
    assert!(
        t.note
            .iter()
            .any(|n| n.contains("调剂数") && n.contains("c4")),
        "{:?}",
        t.note
    );
    assert_eq!(d.report.unsure.len(), 1, "{:?}", d.report.unsure);
    assert_eq!(d.report.unsure[0].place, Place::Page(7));
}

/// A reader that repeats a tall header cell on every row it spans gives the same columns.
#[test]
fn repeated_tall_header_cells() {
    let mut t = t09();
    for row in [1, 2] {
        t.header[row].push(HeaderCell {
            text: "合计".to_string(),
            first: 0,
            last: 0,
        });
        t.header[row].push(HeaderCell {
            text: "会议费".to_string(),
            first: 7,
            last: 7,
        });
        t.header[row].sort_by_key(|c| c.first);
    }
    let d = recognize::recognize(&[document(vec![t])], Some("x")).unwrap();
    let plain = recognize::recognize(&[document(vec![t09()])], Some("x")).unwrap();
    assert_eq!(
        d.disclosure.tables[0].columns,
        plain.disclosure.tables[0].columns
    );
}

/// A table whose title the reader lost is told by its header where the header leaves no
/// doubt, with a note and a line in the report.
#[test]
fn kind_from_the_header_when_the_title_says_nothing() {
    let mut t = t09();
    t.title = String::new();
    t.number = None;
    let d = recognize::recognize(&[document(vec![t07(), t])], Some("x")).unwrap();
    let t = &d.disclosure.tables[1];
    assert_eq!(t.kind, "three_public_meetings");
    assert!(
        t.note.iter().any(|n| n.contains("按表头判断")),
        "{:?}",
        t.note
    );
    assert!(
        d.report
            .unsure
            .iter()
            .any(|u| u.what.contains("按表头判断"))
    );
}

/// A performance-target table: text columns with the indicator keys of the seeds.
#[test]
fn performance_indicator_columns() {
    let header = vec![
        head(&[("绩效指标", 0, 4)]),
        head(&[
            ("一级指标", 0, 0),
            ("二级指标", 1, 1),
            ("三级指标", 2, 2),
            ("指标值", 3, 3),
            ("备注", 4, 4),
        ]),
    ];
    let rows: &[&[&str]] = &[&["产出指标", "数量指标", "完成业务工作任务数量", "≥90%", ""]];
    let d = recognize::recognize(
        &[document(vec![table(
            "部门公开表22",
            "项目支出绩效目标表",
            22,
            header,
            rows,
            &[],
        )])],
        Some("x"),
    )
    .unwrap();
    let t = &d.disclosure.tables[0];
    assert_eq!(t.kind, "performance_project");
    let cols: Vec<(&str, Option<&str>)> = t
        .columns
        .iter()
        .map(|c| (c.key.as_str(), c.ty.as_deref()))
        .collect();
    assert_eq!(
        cols,
        [
            ("level1", Some("text")),
            ("level2", Some("text")),
            ("level3", Some("text")),
            ("value", Some("text")),
            ("remark", Some("text")),
        ]
    );
}

/// Percentages are figures of their own: `percent` columns, `%` kept, never summed.
#[test]
fn percent_columns() {
    let header = vec![head(&[
        ("科目编码", 0, 0),
        ("科目名称", 1, 1),
        ("合计", 2, 2),
        ("上年数", 3, 3),
        ("增减", 4, 4),
        ("占比", 5, 5),
    ])];
    let rows: &[&[&str]] = &[
        &["201", "一般公共服务支出", "10.00", "9.00", "1.00", "76.65%"],
        &["208", "社会保障和就业支出", "3.00", "3.00", "", "23.35％"],
        &["221", "住房保障支出", "0.05", "", "", "0.4x%"],
    ];
    let d = recognize::recognize(
        &[document(vec![table(
            "公开07表",
            "一般公共预算支出预算表",
            7,
            header,
            rows,
            &[],
        )])],
        Some("x"),
    )
    .unwrap();
    let t = &d.disclosure.tables[0];
    let share = t.columns.iter().find(|c| c.name == "占比").unwrap();
    assert_eq!(share.ty.as_deref(), Some("percent"));
    let value = |i: usize| {
        t.rows[i]
            .values
            .iter()
            .find(|(k, _)| *k == share.key)
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(value(0), "76.65%");
    assert_eq!(value(1), "23.35%");
    assert_eq!(value(2), "?");
    let tmp = tempfile::tempdir().unwrap();
    let w = write::write(tmp.path(), &d, false).unwrap();
    let errors = import_errors(&w.dir);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// 公开01表 as Jiangsu's PDFs print it: 当年支出小计 and 支出合计 stand in the 功能分类
/// group and their figures under 支出用途/金额 (one header cell, 支出, over both groups).
/// The label owns the figure; and a label cut by a page break (`当年收入` at the foot of
/// one page, `小计` at the top of the next, 人大 2017) is one line again, while a line
/// that merely starts a page keeps its own label.
#[test]
fn totals_across_two_column_groups_and_labels_cut_by_a_page() {
    let printed = |break_before: &str, cut: bool| {
        let mut t = t01();
        for row in &mut t.rows {
            if ["当年支出小计", "支出合计"].contains(&row.cells[2].as_str()) {
                row.cells[5] = std::mem::take(&mut row.cells[3]);
            }
        }
        let at = t
            .rows
            .iter()
            .position(|r| r.cells[0] == "当年收入小计")
            .unwrap();
        if cut {
            t.rows[at].cells[0] = "当年收入".to_string();
            let mut rest = t.rows[at].clone();
            rest.cells = ["小计", "", "", "", "", ""].map(String::from).to_vec();
            t.rows.insert(at + 1, rest);
        }
        let mut page = 1;
        for row in &mut t.rows {
            if row.cells[0] == break_before {
                page = 2;
            }
            row.place = Place::Page(page);
        }
        let d = recognize::recognize(&[document(vec![t])], Some("jiangsu-zxbgt")).unwrap();
        d.disclosure.tables[0].rows.clone()
    };
    let value = |rows: &[gongkai::import::draft::RowDraft], key: &str| {
        let row = rows
            .iter()
            .find(|r| r.key.as_deref() == Some(key))
            .unwrap_or_else(|| panic!("no row {key}: {rows:#?}"));
        (row.name.clone().unwrap_or_default(), row.values.clone())
    };
    let amount = |v: &str| vec![("amount".to_string(), v.to_string())];

    let rows = printed("小计", true);
    assert_eq!(
        value(&rows, "exp_total"),
        ("当年支出小计".to_string(), amount("13,377.11"))
    );
    assert_eq!(
        value(&rows, "exp_grand_total"),
        ("支出合计".to_string(), amount("13,377.11"))
    );
    assert_eq!(
        value(&rows, "income_total"),
        ("当年收入小计".to_string(), amount("13,377.11"))
    );
    // No figure left on an unnamed line, no line named by the cut-off part alone.
    assert!(
        rows.iter().all(|r| {
            let unnamed = r.key.as_deref().is_some_and(|k| k.starts_with('r'));
            (!unnamed || r.values.is_empty()) && r.name.as_deref() != Some("小计")
        }),
        "{rows:#?}"
    );

    // A page that starts with a line of its own: nothing is joined.
    let rows = printed("上年结转资金", false);
    assert_eq!(value(&rows, "carryover").0, "上年结转资金");
    assert_eq!(
        value(&rows, "income_total"),
        ("当年收入小计".to_string(), amount("13,377.11"))
    );
}
