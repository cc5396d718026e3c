//! One test per rule: the valid fixture passes it; a single edit to the fixture trips it,
//! and the diagnostic names the right rule, place and figures.

use gongkai::check::check;
use gongkai::model::diagnostic::{Diagnostic, Severity};
use gongkai::source::Root;
use std::path::{Path, PathBuf};
mod common;
use common::copy_dir;

const FIXTURE: &str = "tests/fixtures/valid/content";
const YAML: &str = "demo/2023-budget.yaml";
const MD: &str = "demo/2023-budget.md";

/// A copy of the valid fixture in a temporary directory.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(Path::new(FIXTURE), &dir.path().join("content"));
        Site { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join("content").join(rel)
    }
    /// Replaces the one occurrence of `from` in `file` (panics if it is not exactly one).
    fn edit(&self, file: &str, from: &str, to: &str) -> &Site {
        let p = self.path(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur once in {file}"
        );
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        self
    }
    /// Line (1-based) of the first line containing `needle` in `file`.
    fn line_of(&self, file: &str, needle: &str) -> u32 {
        let text = std::fs::read_to_string(self.path(file)).unwrap();
        text.lines()
            .position(|l| l.contains(needle))
            .expect("needle present") as u32
            + 1
    }
    fn check(&self) -> Vec<Diagnostic> {
        check(&Root::Content(self.dir.path().join("content")))
            .unwrap()
            .diagnostics
    }
}

fn with_rule<'a>(diags: &'a [Diagnostic], rule: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

fn errors(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", d.rule, d.message))
        .collect()
}

#[test]
fn valid_fixture_has_no_errors_and_no_notices() {
    let diags = Site::new().check();
    assert!(errors(&diags).is_empty(), "{:#?}", errors(&diags));
    assert!(
        diags.iter().all(|d| d.severity != Severity::Notice),
        "{diags:#?}"
    );
    // Only the declared-missing tables are listed.
    assert!(diags.iter().all(|d| d.rule == "complete.missing"));
    assert_eq!(diags.len(), 8);
}

#[test]
fn typo_in_a_key_is_one_error_at_its_line() {
    let s = Site::new();
    s.edit(
        YAML,
        "    columns:\n      - {key: total, name: 合计, sum_of: [general]}",
        "    colums:\n      - {key: total, name: 合计, sum_of: [general]}",
    );
    let line = s.line_of(YAML, "colums:");
    let diags = s.check();
    let e = errors(&diags);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = &with_rule(&diags, "yaml.unknown-key")[0];
    assert_eq!(d.loc.unwrap().line, line);
    assert_eq!(d.loc.unwrap().col, 5);
    assert!(
        d.message.contains("colums") && d.message.contains("columns"),
        "{}",
        d.message
    );
}

#[test]
fn duplicate_key_is_reported_at_the_repeat() {
    let s = Site::new();
    s.edit(
        YAML,
        "amount_unit: 万元\n",
        "amount_unit: 万元\namount_unit: 元\n",
    );
    let line = s.line_of(YAML, "amount_unit: 元");
    let diags = s.check();
    let d = with_rule(&diags, "yaml.duplicate-key");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].loc.unwrap().line, line);
}

#[test]
fn string_where_an_amount_belongs() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "30201", name: 办公费, values: {total: "15.00""#,
        r#"{code: "30201", name: 办公费, values: {total: "十五""#,
    );
    let line = s.line_of(YAML, "十五");
    let diags = s.check();
    let e = errors(&diags);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = with_rule(&diags, "value.amount")[0];
    assert_eq!(d.loc.unwrap().line, line);
    assert_eq!(d.found.as_deref(), Some("十五"));
    assert_eq!(d.row.as_deref(), Some("30201 办公费"));
}

#[test]
fn too_many_decimals() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "30201", name: 办公费, values: {total: "15.00""#,
        r#"{code: "30201", name: 办公费, values: {total: "15.001""#,
    );
    let diags = s.check();
    assert_eq!(with_rule(&diags, "value.precision").len(), 1, "{diags:#?}");
}

#[test]
fn figure_in_the_wrong_unit_is_one_diagnostic() {
    let s = Site::new();
    // 20万元 written in 元.
    s.edit(YAML, r#"{code: "2101599", name: 其他医疗保障管理事务支出, values: {total: "20.00", project: "20.00"}}
  - {id: T04"#, r#"{code: "2101599", name: 其他医疗保障管理事务支出, values: {total: "200000.00", project: "20.00"}}
  - {id: T04"#);
    let line = s.line_of(YAML, "200000.00");
    let diags = s.check();
    let e = errors(&diags);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = with_rule(&diags, "value.scale")[0];
    assert_eq!(d.loc.unwrap().line, line);
    assert_eq!(d.found.as_deref(), Some("200000.00万元"));
    assert_eq!(d.expected.as_deref(), Some("20.00万元"));
}

#[test]
fn code_of_the_wrong_shape() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "30199", name: 其他工资福利支出"#,
        r#"{code: "3019", name: 其他工资福利支出"#,
    );
    let diags = s.check();
    assert_eq!(with_rule(&diags, "value.code").len(), 1, "{diags:#?}");
}

#[test]
fn wrong_classification_name_shows_the_official_one() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "2101501", name: 行政运行, values: {total: "70.00", basic: "70.00", wages"#,
        r#"{code: "2101501", name: 行政运行费, values: {total: "70.00", basic: "70.00", wages"#,
    );
    let line = s.line_of(YAML, "行政运行费");
    let diags = s.check();
    let e = errors(&diags);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = with_rule(&diags, "catalogue.name")[0];
    assert_eq!(d.loc.unwrap().line, line);
    assert_eq!(d.expected.as_deref(), Some("行政运行"));
    assert_eq!(d.found.as_deref(), Some("行政运行费"));
}

#[test]
fn unknown_code_is_a_notice() {
    let s = Site::new();
    // 2109999 is deliberately not in the catalogue (its 2023 name is not confirmed).
    s.edit(YAML, r#"{code: "2101599", name: 其他医疗保障管理事务支出, values: {total: "20.00", project: "20.00"}}
  - {id: T04"#, r#"{code: "2109999", name: 其他卫生健康支出, values: {total: "20.00", project: "20.00"}}
  - {id: T04"#);
    let diags = s.check();
    let n = with_rule(&diags, "catalogue.unknown-code");
    assert_eq!(n.len(), 1, "{diags:#?}");
    assert_eq!(n[0].severity, Severity::Notice);
}

#[test]
fn item_under_the_wrong_parent() {
    let s = Site::new();
    // Move 2080505 below the 210 rows of T07.
    let row = r#"      - {code: "2080505", name: 机关事业单位基本养老保险缴费支出, values: {total: "10.00", basic: "10.00", wages: "10.00"}}
"#;
    s.edit(YAML, row, "");
    s.edit(YAML, r#"      - {code: "2101599", name: 其他医疗保障管理事务支出, values: {total: "20.00", project: "20.00"}}
  - id: T08"#, &format!(r#"      - {{code: "2101599", name: 其他医疗保障管理事务支出, values: {{total: "20.00", project: "20.00"}}}}
{row}  - id: T08"#));
    let diags = s.check();
    let d = with_rule(&diags, "catalogue.parent");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("20805"));
    assert_eq!(d[0].found.as_deref(), Some("21015"));
}

// ------------------------------------------------------------ the catalogue by edition

/// The 2024 codes of issue #21, as zero lines of T07 (blank cells: every sum still holds).
const CODES_2024: &str = r#"      - {code: "212", name: 城乡社区支出}
      - {code: "21201", name: 城乡社区管理事务}
      - {code: "2120101", name: 行政运行}
      - {code: "21202", name: 城乡社区规划与管理}
      - {code: "2120201", name: 城乡社区规划与管理}
      - {code: "220", name: 自然资源海洋气象等支出}
      - {code: "22001", name: 自然资源事务}
      - {code: "2200150", name: 事业运行}
      - {code: "2200199", name: 其他自然资源事务支出}
"#;

/// The last row of T07, before which rows are added.
const T07_LAST: &str = r#"      - {code: "2101599", name: 其他医疗保障管理事务支出, values: {total: "20.00", project: "20.00"}}
  - id: T08"#;

fn add_to_t07(s: &Site, file: &str, rows: &str) {
    s.edit(
        file,
        T07_LAST,
        &T07_LAST.replace("  - id: T08", &format!("{rows}  - id: T08")),
    );
}

/// The fixture as a 2024 document (files, year and title).
fn as_2024(s: &Site) {
    for ext in ["yaml", "md"] {
        std::fs::rename(
            s.path(&format!("demo/2023-budget.{ext}")),
            s.path(&format!("demo/2024-budget.{ext}")),
        )
        .unwrap();
    }
    s.edit("demo/2024-budget.yaml", "year: 2023", "year: 2024");
}

fn catalogue_diags(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.rule.starts_with("catalogue."))
        .collect()
}

#[test]
fn a_2024_document_is_checked_against_the_2024_edition() {
    let s = Site::new();
    as_2024(&s);
    add_to_t07(&s, "demo/2024-budget.yaml", CODES_2024);
    let diags = s.check();
    // Every code is known to the 2024 edition and printed with its name.
    assert!(catalogue_diags(&diags).is_empty(), "{diags:#?}");
    // A wrong name is reported against the 2024 edition.
    s.edit(
        "demo/2024-budget.yaml",
        r#"{code: "22001", name: 自然资源事务}"#,
        r#"{code: "22001", name: 国土资源事务}"#,
    );
    let diags = s.check();
    let d = with_rule(&diags, "catalogue.name");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("自然资源事务"));
    assert!(d[0].message.contains("2024 年版"), "{}", d[0].message);
}

#[test]
fn catalogue_edition_selects_an_earlier_edition() {
    let s = Site::new();
    add_to_t07(&s, YAML, CODES_2024);
    s.edit(
        YAML,
        "template: hunan-budget\n",
        "template: hunan-budget\ncatalogue_edition: 2018\n",
    );
    let diags = s.check();
    // Before 2019: 210 was 医疗卫生与计划生育支出, 220 国土海洋气象等支出, 22001 国土资源事务,
    // 2200199 其他国土资源事务支出; 20805 was 行政事业单位离退休 (as Jiangsu printed it in
    // 2017–2019): the 2023 names printed here are wrong in 2018.
    let mut wrong: Vec<(&str, &str)> = with_rule(&diags, "catalogue.name")
        .iter()
        .map(|d| {
            assert!(d.message.contains("2018 年版"), "{}", d.message);
            (
                d.target.as_deref().unwrap().split('/').nth(1).unwrap(),
                d.expected.as_deref().unwrap(),
            )
        })
        .collect();
    wrong.sort();
    wrong.dedup();
    assert_eq!(
        wrong,
        [
            ("20805", "行政事业单位离退休"),
            ("210", "医疗卫生与计划生育支出"),
            ("220", "国土海洋气象等支出"),
            ("22001", "国土资源事务"),
            ("2200199", "其他国土资源事务支出"),
        ],
        "{diags:#?}"
    );
    // The 款 and 项 of 208 / 210 whose 2018 names are not confirmed are notices, not errors.
    let unknown: Vec<&str> = with_rule(&diags, "catalogue.unknown-code")
        .iter()
        .map(|d| d.target.as_deref().unwrap().split('/').nth(1).unwrap())
        .collect();
    assert!(
        unknown.contains(&"21015") && unknown.contains(&"2101501"),
        "{unknown:?}"
    );
    assert!(!unknown.contains(&"2120101"), "{unknown:?}");
}

#[test]
fn catalogue_edition_outside_the_editions_held_is_an_error() {
    let s = Site::new();
    s.edit(
        YAML,
        "template: hunan-budget\n",
        "template: hunan-budget\ncatalogue_edition: 2015\n",
    );
    let line = s.line_of(YAML, "catalogue_edition");
    let diags = s.check();
    let d = with_rule(&diags, "value.enum");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].loc.unwrap().line, line);
    assert_eq!(d[0].expected.as_deref(), Some("2017–2026"));
    // The document is still checked, against its year's edition.
    assert!(with_rule(&diags, "catalogue.name").is_empty(), "{diags:#?}");
}

/// The fixture's unit copied to `demo2`, `demo3`, …: `n` disclosures of one edition.
fn site_of(n: usize) -> Site {
    let s = Site::new();
    for i in 2..=n {
        copy_dir(&s.path("demo"), &s.path(&format!("demo{i}")));
    }
    s
}

fn unit_yaml(i: usize) -> String {
    if i == 1 {
        YAML.to_string()
    } else {
        format!("demo{i}/2023-budget.yaml")
    }
}

/// 2109999 is not in the catalogue: its name goes unchecked but for this rule.
fn print_unknown(s: &Site, i: usize, name: &str) {
    let row = format!("      - {{code: \"2109999\", name: {name}}}\n");
    add_to_t07(s, &unit_yaml(i), &row);
}

#[test]
fn site_name_reports_the_disclosure_that_differs_from_the_others() {
    let s = site_of(3);
    print_unknown(&s, 1, "其他卫生健康支出");
    print_unknown(&s, 2, "其 他 卫生健康支出");
    print_unknown(&s, 3, "其他医疗卫生支出");
    let diags = s.check();
    let d = with_rule(&diags, "catalogue.site-name");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].severity, Severity::Warning);
    assert_eq!(d[0].found.as_deref(), Some("其他医疗卫生支出"));
    assert_eq!(d[0].expected.as_deref(), Some("其他卫生健康支出"));
    assert_eq!(d[0].target.as_deref(), Some("T07/2109999"));
    assert!(d[0].message.contains("其他 2 份"), "{}", d[0].message);
    let loc = d[0].loc.unwrap();
    assert_eq!(loc.line, s.line_of(&unit_yaml(3), "其他医疗卫生支出"));
    // It points into demo3's file, not another's.
    let report = gongkai::check::check(&Root::Content(s.dir.path().join("content"))).unwrap();
    let d3 = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "catalogue.site-name")
        .unwrap();
    assert!(
        report
            .site
            .files
            .get(d3.loc.unwrap().file)
            .display
            .starts_with("demo3/"),
        "{}",
        report.site.files.get(d3.loc.unwrap().file).display
    );
}

#[test]
fn site_name_passes_when_every_disclosure_agrees_or_editions_differ() {
    let s = site_of(3);
    for i in 1..=3 {
        print_unknown(&s, i, "其他卫生健康支出");
    }
    assert!(with_rule(&s.check(), "catalogue.site-name").is_empty());
    // Another edition's disclosure is not compared with these.
    let s = site_of(3);
    print_unknown(&s, 1, "其他卫生健康支出");
    print_unknown(&s, 2, "其他卫生健康支出");
    print_unknown(&s, 3, "其他医疗卫生支出");
    s.edit(
        &unit_yaml(3),
        "template: hunan-budget\n",
        "template: hunan-budget\ncatalogue_edition: 2022\n",
    );
    let diags = s.check();
    assert!(
        with_rule(&diags, "catalogue.site-name").is_empty(),
        "{diags:#?}"
    );
}

#[test]
fn site_name_without_a_common_name_reports_every_disclosure() {
    let s = site_of(2);
    print_unknown(&s, 1, "其他卫生健康支出");
    print_unknown(&s, 2, "其他医疗卫生支出");
    let diags = s.check();
    let d = with_rule(&diags, "catalogue.site-name");
    assert_eq!(d.len(), 2, "{diags:#?}");
    assert!(d.iter().all(|d| d.expected.is_none()));
    assert!(
        d.iter()
            .any(|d| d.message.contains("另有「其他医疗卫生支出」1 份"))
    );
}

#[test]
fn hierarchy_class_equals_sum_of_items() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "21015", name: 医疗保障管理事务, values: {total: "90.00""#,
        r#"{code: "21015", name: 医疗保障管理事务, values: {total: "91.00""#,
    );
    let line = s.line_of(YAML, r#"{code: "21015""#);
    let diags = s.check();
    let h = with_rule(&diags, "sum.hierarchy");
    let at_21015 = h
        .iter()
        .find(|d| d.target.as_deref() == Some("T07/21015/total"))
        .expect("款 vs its 项");
    assert_eq!(at_21015.loc.unwrap().line, line);
    assert_eq!(at_21015.expected.as_deref(), Some("90.00万元"));
    assert_eq!(at_21015.found.as_deref(), Some("91.00万元"));
    assert!(
        h.iter()
            .any(|d| d.target.as_deref() == Some("T07/210/total")),
        "类 vs its 款"
    );
}

#[test]
fn row_total_equals_its_rows() {
    let s = Site::new();
    s.edit(YAML, r#"{key: exp_total_dept, name: 本年支出合计, sum_of: [exp_basic, exp_project], values: {amount: "100.00"}}"#, r#"{key: exp_total_dept, name: 本年支出合计, sum_of: [exp_basic, exp_project], values: {amount: "110.00"}}"#);
    let diags = s.check();
    let d = with_rule(&diags, "sum.row");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].target.as_deref(), Some("T01/exp_total_dept/amount"));
    assert_eq!(d[0].expected.as_deref(), Some("100.00万元"));
}

#[test]
fn column_total_equals_its_columns() {
    let s = Site::new();
    s.edit(YAML, r#"{key: budget, name: 预算数, values: {total: "5.00", abroad: "0.00", vehicle: "0.00", vehicle_purchase: "0.00", vehicle_running: "0.00""#, r#"{key: budget, name: 预算数, values: {total: "5.00", abroad: "0.00", vehicle: "0.00", vehicle_purchase: "1.00", vehicle_running: "0.00""#);
    let diags = s.check();
    let d = with_rule(&diags, "sum.column");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].target.as_deref(), Some("T15/budget/vehicle"));
    assert_eq!(d[0].expected.as_deref(), Some("1.00万元"));
    assert_eq!(d[0].found.as_deref(), Some("0.00万元"));
}

#[test]
fn a_cent_off_over_several_addends_is_rounding() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "30101", name: 基本工资, values: {total: "40.00", personnel: "40.00"}}"#,
        r#"{code: "30101", name: 基本工资, values: {total: "40.01", personnel: "40.01"}}"#,
    );
    let diags = s.check();
    assert!(errors(&diags).is_empty(), "{:#?}", errors(&diags));
    // Both printed columns of 301 (合计 and 人员经费) are a cent below their 款.
    let r = with_rule(&diags, "rounding");
    assert_eq!(r.len(), 2, "{diags:#?}");
    assert_eq!(r[0].severity, Severity::Notice);
    assert_eq!(r[0].expected.as_deref(), Some("58.01万元"));
    assert_eq!(r[0].found.as_deref(), Some("58.00万元"));
    assert!(r[0].message.contains("尾数误差"));
}

#[test]
fn same_quantity_in_two_tables() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{key: exp_basic, name: 一、基本支出, values: {amount: "80.00"}}"#,
        r#"{key: exp_basic, name: 一、基本支出, values: {amount: "79.00"}}"#,
    );
    s.edit(
        YAML,
        r#"{key: exp_project, name: 二、项目支出, values: {amount: "20.00"}}"#,
        r#"{key: exp_project, name: 二、项目支出, values: {amount: "21.00"}}"#,
    );
    let diags = s.check();
    let d = with_rule(&diags, "cross.table");
    assert_eq!(d.len(), 2, "{diags:#?}");
    let basic = d
        .iter()
        .find(|d| d.target.as_deref() == Some("summary-basic"))
        .unwrap();
    assert_eq!(basic.found.as_deref(), Some("79.00万元"));
    assert_eq!(basic.expected.as_deref(), Some("80.00万元"));
    assert_eq!(basic.related.len(), 1, "points at the other table too");
}

#[test]
fn same_code_in_two_tables() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "2101501", name: 行政运行, values: {total: "70.00", basic: "70.00"}}"#,
        r#"{code: "2101501", name: 行政运行, values: {total: "69.00", basic: "69.00"}}"#,
    );
    s.edit(YAML, r#"{code: "2080505", name: 机关事业单位基本养老保险缴费支出, values: {total: "10.00", basic: "10.00"}}"#, r#"{code: "2080505", name: 机关事业单位基本养老保险缴费支出, values: {total: "11.00", basic: "11.00"}}"#);
    let diags = s.check();
    let d = with_rule(&diags, "cross.code-amount");
    assert!(
        d.iter()
            .any(|d| d.target.as_deref() == Some("T03~T07/2101501/total")),
        "{diags:#?}"
    );
}

#[test]
fn absent_required_table() {
    let s = Site::new();
    s.edit(YAML, "  - {id: T21, kind: special_funds, title: 专项资金预算汇总表, status: empty, reason: 本单位无专项资金，此表为空}\n", "");
    let diags = s.check();
    let d = with_rule(&diags, "complete.table");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("专项资金预算汇总表"));
}

#[test]
fn empty_table_needs_its_reason() {
    let s = Site::new();
    s.edit(
        YAML,
        "status: empty, reason: 本单位无专项资金，此表为空}",
        "status: empty}",
    );
    let diags = s.check();
    assert_eq!(with_rule(&diags, "complete.reason").len(), 1, "{diags:#?}");
}

#[test]
fn required_explanation_item() {
    let s = Site::new();
    s.edit(MD, "## 四、名词解释 {#glossary}", "## 四、名词解释");
    let diags = s.check();
    let d = with_rule(&diags, "complete.section");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].message.contains("名词解释"));
}

#[test]
fn text_figure_that_contradicts_the_table() {
    let s = Site::new();
    s.edit(
        MD,
        "{{ 20.00 = general_basic.total.public }}",
        "{{ 21.00 = general_basic.total.public }}",
    );
    let line = s.line_of(MD, "21.00");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].loc.unwrap().line, line);
    assert_eq!(d[0].expected.as_deref(), Some("20.00万元"));
    assert_eq!(d[0].found.as_deref(), Some("21.00万元"));
}

#[test]
fn text_percentage_is_checked_with_rounding() {
    let s = Site::new();
    s.edit(MD, "{{ 11.11% = pct(", "{{ 11.2% = pct(");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("11.11%"));
    let ok = Site::new();
    ok.edit(MD, "{{ 11.11% = pct(", "{{ 11.1% = pct(");
    assert!(errors(&ok.check()).is_empty());
}

#[test]
fn text_reference_to_nothing() {
    let s = Site::new();
    s.edit(
        MD,
        "general_basic.total.public",
        "general_basic.total.pubic",
    );
    let diags = s.check();
    let d = with_rule(&diags, "narrative.reference");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].message.contains("pubic"));
}

#[test]
fn text_markup_that_does_not_parse() {
    let s = Site::new();
    s.edit(
        MD,
        "{{ 20.00 = general_basic.total.public }}",
        "{{ 20.00 = general_basic.total }}",
    );
    let diags = s.check();
    assert_eq!(with_rule(&diags, "narrative.syntax").len(), 1, "{diags:#?}");
}

#[test]
fn three_public_change_without_reason() {
    let s = Site::new();
    s.edit(MD, "与上年持平。", "比上年增加1.00万元。");
    let diags = s.check();
    assert_eq!(with_rule(&diags, "narrative.reason").len(), 1, "{diags:#?}");
    let ok = Site::new();
    ok.edit(
        MD,
        "与上年持平。",
        "比上年增加1.00万元，主要是接待任务增加。",
    );
    assert!(with_rule(&ok.check(), "narrative.reason").is_empty());
}

#[test]
fn unknown_column_in_values() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "30217", name: 公务接待费, values: {total: "5.00", public: "5.00"}}"#,
        r#"{code: "30217", name: 公务接待费, values: {total: "5.00", pubic: "5.00"}}"#,
    );
    let diags = s.check();
    let d = with_rule(&diags, "table.reference");
    assert_eq!(d.len(), 1, "{diags:#?}");
}

#[test]
fn unknown_table_kind() {
    let s = Site::new();
    s.edit(YAML, "kind: three_public", "kind: three_publik");
    let diags = s.check();
    assert!(!with_rule(&diags, "table.kind").is_empty(), "{diags:#?}");
}

#[test]
fn acknowledged_error_is_listed_but_does_not_fail() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "2101501", name: 行政运行, values: {total: "70.00", basic: "70.00", wages"#,
        r#"{code: "2101501", name: 行政运行费, values: {total: "70.00", basic: "70.00", wages"#,
    );
    let p = s.path(YAML);
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("acknowledge:\n  - {rule: catalogue.name, target: T07/2101501, reason: 原文如此}\n  - {rule: sum.row, target: T01/nothing/amount, reason: 多余的确认}\n");
    std::fs::write(&p, text).unwrap();
    let diags = s.check();
    let d = with_rule(&diags, "catalogue.name");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].acknowledged.as_deref(), Some("原文如此"));
    assert!(
        diags.iter().all(|d| !d.is_failing()),
        "nothing fails the check"
    );
    let unused = with_rule(&diags, "ack.unused");
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0].loc.unwrap().line, s.line_of(YAML, "多余的确认"));
}

#[test]
fn not_utf8_is_one_clear_error() {
    let s = Site::new();
    // "收支总表" in GBK.
    let mut bytes = std::fs::read(s.path(YAML)).unwrap();
    bytes.extend_from_slice(b"# \xca\xd5\xd6\xa7\xd7\xdc\xb1\xed\n");
    std::fs::write(s.path(YAML), bytes).unwrap();
    let diags = s.check();
    let d = with_rule(&diags, "source.encoding");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].message.contains("GBK"));
}

#[test]
fn one_bad_file_does_not_hide_another() {
    let s = Site::new();
    copy_dir(&s.path("demo"), &s.path("other"));
    s.edit("demo/unit.yaml", "level: 县级", "level: 乡级");
    s.edit(
        "other/2023-budget.yaml",
        "kind: three_public",
        "kind: three_publik",
    );
    let diags = s.check();
    assert!(!with_rule(&diags, "value.enum").is_empty());
    assert!(!with_rule(&diags, "table.kind").is_empty());
}

#[test]
fn published_late() {
    let s = Site::new();
    s.edit(
        YAML,
        "published: \"2023-02-20\"\n",
        "published: \"2023-03-20\"\napproved: \"2023-02-01\"\n",
    );
    let diags = s.check();
    let d = with_rule(&diags, "complete.deadline");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].found.as_deref(), Some("47 日"));
    let ok = Site::new();
    ok.edit(
        YAML,
        "published: \"2023-02-20\"\n",
        "published: \"2023-02-20\"\napproved: \"2023-02-01\"\n",
    );
    assert!(with_rule(&ok.check(), "complete.deadline").is_empty());
}

#[test]
fn yaml_syntax_error_points_at_its_line() {
    let s = Site::new();
    s.edit(
        YAML,
        "title: 示例县医疗保障局2023年部门预算\n",
        "title: \"示例县医疗保障局2023年部门预算\n",
    );
    let diags = s.check();
    let d = with_rule(&diags, "yaml.syntax");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].loc.is_some());
}

#[test]
fn missing_required_key() {
    let s = Site::new();
    s.edit(YAML, "title: 示例县医疗保障局2023年部门预算\n", "");
    let diags = s.check();
    let d = with_rule(&diags, "yaml.type");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].message.contains("title"));
}

#[test]
fn layout_problems() {
    let s = Site::new();
    std::fs::create_dir_all(s.path("no-unit")).unwrap();
    std::fs::create_dir_all(s.path("Bad Name")).unwrap();
    std::fs::write(s.path("Bad Name/unit.yaml"), "x").unwrap();
    s.edit(YAML, "year: 2023", "year: 2024");
    let diags = s.check();
    let d = with_rule(&diags, "source.layout");
    assert_eq!(d.len(), 3, "{diags:#?}");
    assert!(d.iter().any(|d| d.message.contains("缺少 unit.yaml")));
    assert!(d.iter().any(|d| d.message.contains("Bad Name")));
    assert!(d.iter().any(|d| d.expected.as_deref() == Some("2023")));
}

#[test]
fn oversized_file_is_refused() {
    let s = Site::new();
    let big = "# padding\n".repeat(2 * 1024 * 1024);
    std::fs::write(s.path(MD), big).unwrap();
    let diags = s.check();
    let d = with_rule(&diags, "source.read");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].message.contains("文件过大"));
}

#[test]
fn impossible_date() {
    let s = Site::new();
    s.edit(
        YAML,
        "published: \"2023-02-20\"",
        "published: \"2023-09-31x\"",
    );
    let diags = s.check();
    assert_eq!(with_rule(&diags, "value.date").len(), 1, "{diags:#?}");
}

#[test]
fn source_url_not_http() {
    let s = Site::new();
    s.edit(
        YAML,
        "published: \"2023-02-20\"",
        "published: \"2023-02-20\"\nsource_url: https://www.example.gov.cn/a.html",
    );
    assert!(with_rule(&s.check(), "value.url").is_empty());
    for bad in [
        "www.example.gov.cn/a.html",
        "javascript:alert(1)",
        "https:///a",
        "https://a b/",
    ] {
        let s = Site::new();
        s.edit(
            YAML,
            "published: \"2023-02-20\"",
            &format!("published: \"2023-02-20\"\nsource_url: \"{bad}\""),
        );
        let diags = s.check();
        assert_eq!(with_rule(&diags, "value.url").len(), 1, "{bad}: {diags:#?}");
    }
}

#[test]
fn duplicate_row_and_table_id() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"      - {code: "30305", name: 生活补助, values: {total: "2.00", personnel: "2.00"}}"#,
        r#"      - {code: "30305", name: 生活补助, values: {total: "2.00", personnel: "2.00"}}
      - {code: "30305", name: 生活补助, values: {total: "0.00", personnel: "0.00"}}"#,
    );
    s.edit(YAML, "  - id: T23\n", "  - id: T22\n");
    let diags = s.check();
    let d = with_rule(&diags, "table.duplicate");
    assert_eq!(d.len(), 2, "{diags:#?}");
    assert!(
        d.iter().all(|d| !d.related.is_empty()),
        "points at the first occurrence"
    );
}

#[test]
fn same_unknown_code_with_two_names() {
    let s = Site::new();
    s.edit(YAML, r#"{code: "2101599", name: 其他医疗保障管理事务支出, values: {total: "20.00", project: "20.00"}}
  - {id: T04"#, r#"{code: "2109999", name: 其他卫生健康支出, values: {total: "20.00", project: "20.00"}}
  - {id: T04"#);
    s.edit(YAML, r#"      - {code: "2101599", name: 其他医疗保障管理事务支出, values: {total: "20.00", project: "20.00"}}
  - id: T08"#, r#"      - {code: "2109999", name: 其他卫生支出, values: {total: "20.00", project: "20.00"}}
  - id: T08"#);
    let diags = s.check();
    let d = with_rule(&diags, "cross.code-name");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("其他卫生健康支出"));
    assert_eq!(d[0].found.as_deref(), Some("其他卫生支出"));
}

#[test]
fn contents_table_contradicts_a_table() {
    let s = Site::new();
    let p = s.path(YAML);
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(
        r#"  - id: T00
    kind: contents
    title: 目录
    columns:
      - {key: no, name: 报表, type: text}
      - {key: name, name: 报表名称, type: text}
      - {key: empty, name: 是否空表, type: text}
      - {key: reason, name: 公开空表理由, type: text}
    rows:
      - {key: r1, values: {no: 表15, name: 一般公共预算“三公”经费支出表, empty: 是, reason: 无}}
      - {key: r2, values: {no: 表16, name: 政府性基金预算支出表, empty: 是, reason: 不涉及}}
"#,
    );
    std::fs::write(&p, text).unwrap();
    let diags = s.check();
    let d = with_rule(&diags, "complete.contents");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].message.contains("一般公共预算“三公”经费支出表"));
}

#[test]
fn text_figure_from_a_missing_table_is_unchecked() {
    let s = Site::new();
    s.edit(MD, "机关运行经费{{ 20.00 = general_basic.total.public }}", "机关运行经费{{ 20.00 = general_basic.total.public }}（{{ 20.00 = basic_goods_gov_econ.total.total }}）");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.unchecked");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].severity, Severity::Notice);
}

#[test]
fn unreadable_cell_leaves_its_identities_unchecked_and_says_so() {
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "30201", name: 办公费, values: {total: "15.00", public: "15.00"}}"#,
        r#"{code: "30201", name: 办公费, values: {total: "?", public: "15.00"}}"#,
    );
    let line = s.line_of(YAML, r#"total: "?""#);
    let diags = s.check();
    assert!(errors(&diags).is_empty(), "{:#?}", errors(&diags));
    let d = with_rule(&diags, "sum.unchecked");
    assert_eq!(d.len(), 1, "once per unreadable cell: {diags:#?}");
    assert_eq!(d[0].loc.unwrap().line, line);
    assert_eq!(d[0].severity, Severity::Notice);
}

/// Every declared rule is tripped by a test in this file: its id appears here as a string
/// that a test looks for (`with_rule(&diags, "sum.row")`). Fails when a rule is added to
/// `RULES` without a test.
#[test]
fn every_declared_rule_has_a_test_here() {
    let this = include_str!("rules.rs");
    let untested: Vec<&str> = gongkai::check::rules::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !this.contains(&format!("\"{id}\"")))
        .collect();
    assert!(
        untested.is_empty(),
        "rules without a test in tests/rules.rs: {untested:?}"
    );
}

// ---------------------------------------------------------------- figures in plain text

/// The fixture's totals paragraph without markup, as a document is published.
const PLAIN_TOTALS: &str = "2023年本部门收入预算100.00万元，比上年增加10.00万元，增长11.11%，主要是人员增加。其中基本支出80.00万元，占80.00%。";

fn plain_site() -> Site {
    let s = Site::new();
    let p = s.path(MD);
    let text = std::fs::read_to_string(&p).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("2023年本部门收入预算"))
        .unwrap()
        .to_string();
    std::fs::write(&p, text.replacen(&line, PLAIN_TOTALS, 1)).unwrap();
    s
}

impl Site {
    /// Adds a seed unit with its text unmarked (every `{{ … }}` replaced by its
    /// published figure).
    fn with_plain_seed(self, slug: &str) -> Site {
        let to = self.dir.path().join("content").join(slug);
        copy_dir(&Path::new("content").join(slug), &to);
        for e in std::fs::read_dir(&to).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "md") {
                let md = std::fs::read_to_string(&p).unwrap();
                let mut out = String::new();
                let mut last = 0;
                for f in gongkai::check::narrative::figures(&md, gongkai::model::files::FileId(0)) {
                    out.push_str(&md[last..f.range.start]);
                    out.push_str(f.published.as_ref().map_or("", |p| p.text.as_str()));
                    last = f.range.end;
                }
                out.push_str(&md[last..]);
                std::fs::write(&p, out).unwrap();
            }
        }
        self
    }
}

#[test]
fn plain_total_is_checked_against_its_measure() {
    let ok = plain_site();
    let diags = ok.check();
    assert!(errors(&diags).is_empty(), "{:#?}", errors(&diags));
    let s = plain_site();
    s.edit(MD, "收入预算100.00万元", "收入预算101.00万元");
    let line = s.line_of(MD, "收入预算101.00万元");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].loc.unwrap().line, line);
    assert_eq!(d[0].expected.as_deref(), Some("100.00万元"));
    assert_eq!(d[0].found.as_deref(), Some("101.00万元"));
    // The target is the one a marked figure would have: an acknowledgement names it.
    assert_eq!(
        d[0].target.as_deref(),
        Some("text/101.00 = summary.income_total.amount")
    );
}

#[test]
fn plain_share_is_checked_against_the_whole() {
    let s = plain_site();
    s.edit(MD, "占80.00%", "占81.00%");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("80.00%"));
}

#[test]
fn plain_change_rate_agrees_with_the_change_amount() {
    let s = plain_site();
    s.edit(MD, "增长11.11%", "增长12.11%");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    // 10.00 ÷ (100.00 − 10.00) = 11.11 %.
    assert_eq!(d[0].expected.as_deref(), Some("11.11%"));
}

#[test]
fn direction_words_of_one_change_agree() {
    let s = plain_site();
    s.edit(MD, "增长11.11%", "下降11.11%");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.direction");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].severity, Severity::Error);
    assert!(with_rule(&plain_site().check(), "narrative.direction").is_empty());
}

#[test]
fn listed_parts_sum_to_their_total() {
    let parts = "2023年本部门政府采购预算总额2.00万元，其中，货物类采购预算1.00万元；工程类采购预算0.00万元；服务类采购预算1.00万元。";
    let ok = plain_site();
    ok.edit(MD, "2023年本部门无政府采购预算。", parts);
    assert!(errors(&ok.check()).is_empty());
    let s = plain_site();
    s.edit(
        MD,
        "2023年本部门无政府采购预算。",
        &parts.replace("总额2.00", "总额3.00"),
    );
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("2.00万元"));
}

#[test]
fn plain_completion_rate_of_a_final_account() {
    let ok = Site::new().with_plain_seed("hengyang-ybj");
    let diags = ok.check();
    assert!(
        with_rule(&diags, "narrative.figure").is_empty(),
        "{diags:#?}"
    );
    let s = Site::new().with_plain_seed("hengyang-ybj");
    s.edit(
        "hengyang-ybj/2022-final.md",
        "完成年初预算的133.11%",
        "完成年初预算的135.11%",
    );
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("133.11%"));
}

#[test]
fn rate_over_a_zero_base_is_an_error() {
    // Plain: a completion rate of a 年初预算 printed as 0.
    let s = Site::new().with_plain_seed("hengyang-ybj");
    s.edit(
        "hengyang-ybj/2022-final.md",
        "支出决算为11.15万元，年初预算为0万元，无法计算完成比率",
        "支出决算为11.15万元，完成年初预算的100.00%",
    );
    let diags = s.check();
    let d = with_rule(&diags, "narrative.zero-base");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].severity, Severity::Error);
    assert!(with_rule(&diags, "narrative.unchecked").is_empty());
    assert!(
        with_rule(
            &Site::new().with_plain_seed("hengyang-ybj").check(),
            "narrative.zero-base"
        )
        .is_empty()
    );
    // Marked: `pct(…, 0)` is the same error, not a notice that it cannot be computed.
    let m = Site::new();
    m.edit(
        MD,
        "，与上年持平。",
        "，占因公出国（境）费的{{ 100.00% = pct(three_public.budget.reception, three_public.budget.abroad) }}。",
    );
    let diags = m.check();
    assert_eq!(
        with_rule(&diags, "narrative.zero-base").len(),
        1,
        "{diags:#?}"
    );
}

#[test]
fn unmatched_figures_are_counted_once_per_document() {
    let s = Site::new();
    s.edit(
        MD,
        "与上年持平。",
        "比上年增加1.00万元，主要是接待任务增加。",
    );
    let diags = s.check();
    let d = with_rule(&diags, "narrative.unmatched");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].severity, Severity::Notice);
    assert_eq!(d[0].found.as_deref(), Some("1"));
    // The valid fixture states every figure with markup: nothing to count.
    assert!(with_rule(&Site::new().check(), "narrative.unmatched").is_empty());
}

#[test]
fn change_against_a_stated_budget_has_the_difference_s_direction() {
    let ok = Site::new().with_plain_seed("hengyang-ybj");
    assert!(with_rule(&ok.check(), "narrative.direction").is_empty());
    // 机关运行经费 460.94 against a stated 年初预算 of 208.94 is an increase.
    let s = Site::new().with_plain_seed("hengyang-ybj");
    s.edit(
        "hengyang-ybj/2022-final.md",
        "比年初预算增加252.00万元",
        "比年初预算减少252.00万元",
    );
    let diags = s.check();
    let d = with_rule(&diags, "narrative.direction");
    assert!(!d.is_empty(), "{diags:#?}");
    assert!(d[0].message.contains("减少"), "{}", d[0].message);
}

#[test]
fn classification_name_in_the_text_must_exist_at_its_level() {
    let ok = Site::new().with_plain_seed("hengyang-ybj");
    assert!(with_rule(&ok.check(), "narrative.name").is_empty());
    let s = Site::new().with_plain_seed("hengyang-ybj");
    s.edit(
        "hengyang-ybj/2022-final.md",
        "行政运行（项）。",
        "行政运转（项）。",
    );
    let diags = s.check();
    let d = with_rule(&diags, "narrative.name");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].message.contains("行政运转（项）"), "{}", d[0].message);
    assert_eq!(d[0].severity, Severity::Warning);
    // The name without its trailing 支出, or the mark set inside that word (as Jiangsu's
    // texts write them), names the same line; a wrong name so written is still reported.
    let inside = Site::new().with_plain_seed("hengyang-ybj");
    inside.edit(
        "hengyang-ybj/2022-final.md",
        "5、卫生健康支出（类）公共卫生（款）",
        "5、卫生健康（类）支出公共卫生（款）",
    );
    assert!(with_rule(&inside.check(), "narrative.name").is_empty());
    let wrong = Site::new().with_plain_seed("hengyang-ybj");
    wrong.edit(
        "hengyang-ybj/2022-final.md",
        "5、卫生健康支出（类）公共卫生（款）",
        "5、卫生保健（类）支出公共卫生（款）",
    );
    assert_eq!(with_rule(&wrong.check(), "narrative.name").len(), 1);
}

#[test]
fn placeholder_left_in_the_text() {
    let s = Site::new();
    s.edit(
        MD,
        "示例县医疗保障局是县政府工作部门。",
        "XX局是县政府工作部门。",
    );
    let diags = s.check();
    let d = with_rule(&diags, "text.placeholder");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].severity, Severity::Warning);
    assert!(with_rule(&Site::new().check(), "text.placeholder").is_empty());
    // A template's instruction to the author, too.
    let t = Site::new();
    t.edit(
        MD,
        "2023年本部门无政府采购预算。",
        "无政府采购预算的，仍保留该表格式，并在本表下方作下述说明：",
    );
    assert_eq!(with_rule(&t.check(), "text.placeholder").len(), 1);
}

#[test]
fn impossible_date_in_the_text() {
    let s = Site::new();
    s.edit(MD, "截至2022年12月底", "截至2022年9月31日");
    let diags = s.check();
    let d = with_rule(&diags, "text.date");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].found.as_deref(), Some("9月31日"));
    let ok = Site::new();
    ok.edit(MD, "截至2022年12月底", "截至2022年12月31日");
    assert!(with_rule(&ok.check(), "text.date").is_empty());
}

#[test]
fn title_naming_another_unit_or_year() {
    let s = Site::new();
    s.edit(
        YAML,
        "title: 示例县医疗保障局2023年部门预算",
        "title: 另一县医疗保障局2022年部门预算",
    );
    let diags = s.check();
    let d = with_rule(&diags, "text.title");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].message.contains("示例县医疗保障局") && d[0].message.contains("2023"));
    assert!(with_rule(&Site::new().check(), "text.title").is_empty());
    let t = Site::new();
    t.edit(
        YAML,
        "title: 一般公共预算支出表",
        "title: 2022年一般公共预算支出表",
    );
    assert_eq!(with_rule(&t.check(), "text.title").len(), 1);
}

/// The plain fixture with last year's budget beside it, its 本年收入合计 `last`.
fn plain_site_with_last_year(last: &str) -> Site {
    let s = plain_site();
    let yaml = std::fs::read_to_string(s.path(YAML)).unwrap();
    let prev = yaml
        .replace("year: 2023", "year: 2022")
        .replace(
            "示例县医疗保障局2023年部门预算",
            "示例县医疗保障局2022年部门预算",
        )
        .replace(
            "name: 本年收入合计, sum_of: [income_general], values: {amount: \"100.00\"}",
            &format!(
                "name: 本年收入合计, sum_of: [income_general], values: {{amount: \"{last}\"}}"
            ),
        );
    std::fs::write(s.path("demo/2022-budget.yaml"), prev).unwrap();
    s
}

#[test]
fn change_from_last_year_is_checked_against_last_year_s_disclosure() {
    // 100.00 this year, 90.00 last year: 增加 10.00, 增长 11.11 %.
    let ok = plain_site_with_last_year("90.00");
    let diags = ok.check();
    let figures: Vec<_> = with_rule(&diags, "narrative.figure")
        .into_iter()
        .filter(|d| {
            d.loc
                .is_some_and(|l| l.line == ok.line_of(MD, "比上年增加"))
        })
        .collect();
    assert!(figures.is_empty(), "{figures:#?}");
    assert!(with_rule(&diags, "narrative.direction").is_empty());
    // 95.00 last year: the change is 5.00.
    let s = plain_site_with_last_year("95.00");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert!(
        d.iter().any(|d| d.expected.as_deref() == Some("5.00万元")),
        "{diags:#?}"
    );
    // 110.00 last year: a fall, not 增加.
    let s = plain_site_with_last_year("110.00");
    let diags = s.check();
    assert!(
        !with_rule(&diags, "narrative.direction").is_empty(),
        "{diags:#?}"
    );
}

/// A disclosure of `template` whose tables are all declared empty, with a text holding
/// the given section ids: only the explanation items are under test.
fn templated_site(
    template: &str,
    kind: &str,
    year: u32,
    tables: &[&str],
    sections: &[&str],
) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("content/u");
    std::fs::create_dir_all(&unit).unwrap();
    std::fs::write(
        unit.join("unit.yaml"),
        "name: 示例局\nregion: 示例省\nlevel: 省级\nunit_type: 行政单位\n",
    )
    .unwrap();
    let mut yaml = format!(
        "kind: {kind}\nyear: {year}\ntemplate: {template}\ntitle: 示例局{year}年部门{}\namount_unit: 万元\ntables:\n",
        if kind == "budget" { "预算" } else { "决算" }
    );
    for (i, k) in tables.iter().enumerate() {
        yaml.push_str(&format!(
            "  - {{id: T{:02}, kind: {k}, title: 表{}, status: empty, reason: 本单位无此项收支，此表为空}}\n",
            i + 1,
            i + 1
        ));
    }
    std::fs::write(unit.join(format!("{year}-{kind}.yaml")), yaml).unwrap();
    let mut md = String::from("# 情况说明\n\n");
    for id in sections {
        md.push_str(&format!("## 事项 {{#{id}}}\n\n说明。\n\n"));
    }
    std::fs::write(unit.join(format!("{year}-{kind}.md")), md).unwrap();
    check(&Root::Content(dir.path().join("content")))
        .unwrap()
        .diagnostics
}

const SHANGHAI_FINAL: &[&str] = &[
    "final_summary",
    "final_income",
    "final_expenditure",
    "final_fiscal_summary",
    "final_general_expenditure",
    "final_general_basic",
    "final_three_public",
    "final_fund",
    "final_state_capital",
];

const JIANGSU_BUDGET: &[&str] = &[
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "fiscal_expenditure",
    "fiscal_basic",
    "general_expenditure",
    "general_basic",
    "three_public_meetings",
    "fund_expenditure",
    "running_costs",
    "procurement",
];

#[test]
fn each_template_requires_its_own_explanation_items() {
    // 上海决算 has no 会议费/培训费 item: none is asked for.
    let shanghai = [
        "three-public",
        "performance",
        "running-costs",
        "procurement",
        "assets",
        "glossary",
    ];
    let diags = templated_site("shanghai-final", "final", 2024, SHANGHAI_FINAL, &shanghai);
    assert!(
        with_rule(&diags, "complete.section").is_empty(),
        "{diags:#?}"
    );
    assert!(with_rule(&diags, "complete.table").is_empty(), "{diags:#?}");
    // …but each item it does require is.
    let diags = templated_site(
        "shanghai-final",
        "final",
        2024,
        SHANGHAI_FINAL,
        &shanghai[1..],
    );
    let d = with_rule(&diags, "complete.section");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("{#three-public}"));

    // 江苏预算: 绩效目标 from 2018 and 国有资产 from 2019 on.
    let jiangsu_2017 = [
        "three-public",
        "meetings-training",
        "running-costs",
        "procurement",
        "glossary",
    ];
    let diags = templated_site(
        "jiangsu-budget",
        "budget",
        2017,
        JIANGSU_BUDGET,
        &jiangsu_2017,
    );
    assert!(
        with_rule(&diags, "complete.section").is_empty(),
        "{diags:#?}"
    );
    let diags = templated_site(
        "jiangsu-budget",
        "budget",
        2019,
        JIANGSU_BUDGET,
        &jiangsu_2017,
    );
    let mut missing: Vec<_> = with_rule(&diags, "complete.section")
        .iter()
        .map(|d| d.expected.clone().unwrap_or_default())
        .collect();
    missing.sort();
    assert_eq!(missing, ["{#assets}", "{#performance}"], "{diags:#?}");

    // The national templates still require all seven, 会议费/培训费 included.
    let national_final = [
        "final_summary",
        "final_income",
        "final_expenditure",
        "final_fiscal_summary",
        "final_general_expenditure",
        "final_general_basic",
        "final_fund",
        "final_state_capital",
        "final_three_public",
    ];
    let diags = templated_site("national-final", "final", 2024, &national_final, &shanghai);
    let d = with_rule(&diags, "complete.section");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert!(d[0].message.contains("会议费"), "{}", d[0].message);
}

// ------------------------------------------------ verdicts: pairs, rounding, culprit, merging

const T08_302: &str = r#"      - {code: "302", name: 商品和服务支出, values: {total: "20.00", public: "20.00"}}
      - {code: "30201", name: 办公费, values: {total: "15.00", public: "15.00"}}
      - {code: "30217", name: 公务接待费, values: {total: "5.00", public: "5.00"}}
"#;

/// The fixture with 302's 款 replaced by `items` (code, name, amount), 302 staying 20.00.
fn site_with_302_items(items: &[(&str, &str, String)]) -> Site {
    let s = Site::new();
    let mut rows =
        r#"      - {code: "302", name: 商品和服务支出, values: {total: "20.00", public: "20.00"}}
"#
        .to_string();
    for (code, name, v) in items {
        rows.push_str(&format!(
            "      - {{code: \"{code}\", name: {name}, values: {{total: \"{v}\", public: \"{v}\"}}}}\n"
        ));
    }
    s.edit(YAML, T08_302, &rows);
    s
}

const CODES_302: &[(&str, &str)] = &[
    ("30201", "办公费"),
    ("30202", "印刷费"),
    ("30203", "咨询费"),
    ("30204", "手续费"),
    ("30205", "水费"),
    ("30206", "电费"),
    ("30207", "邮电费"),
    ("30208", "取暖费"),
    ("30209", "物业管理费"),
    ("30211", "差旅费"),
    ("30213", "维修（护）费"),
    ("30214", "租赁费"),
    ("30215", "会议费"),
    ("30216", "培训费"),
    ("30217", "公务接待费"),
    ("30218", "专用材料费"),
];

#[test]
fn fiscal_summary_class_line_against_the_general_expenditure_table_is_a_copy() {
    // The 财政拨款收支总表 prints 类 210 one cent below the 一般公共预算支出表 (and the
    // 收支总表): a copy cannot round.
    let s = Site::new();
    s.edit(
        YAML,
        r#"{code: "210", name: 卫生健康支出, values: {amount: "90.00"}}"#,
        r#"{code: "210", name: 卫生健康支出, values: {amount: "89.99"}}"#,
    );
    let line = s.line_of(YAML, "89.99");
    let diags = s.check();
    let d = with_rule(&diags, "cross.code-amount");
    assert_eq!(d.len(), 1, "one finding for one wrong line: {diags:#?}");
    assert_eq!(d[0].severity, Severity::Error);
    assert_eq!(d[0].loc.unwrap().line, line, "the odd table is reported");
    assert_eq!(d[0].found.as_deref(), Some("89.99万元"));
    assert_eq!(d[0].expected.as_deref(), Some("90.00万元"));
    // Seen against both the 一般公共预算支出表 and the 收支总表: one finding naming both.
    let targets: Vec<Option<&str>> = std::iter::once(d[0].target.as_deref())
        .chain(d[0].also.iter().map(|a| a.target.as_deref()))
        .collect();
    assert!(targets.contains(&Some("T06~T07/210/amount")), "{targets:?}");
    assert!(targets.contains(&Some("T01~T06/210/amount")), "{targets:?}");
    assert!(with_rule(&Site::new().check(), "cross.code-amount").is_empty());
}

#[test]
fn text_copy_of_one_cell_a_cent_off_is_an_error() {
    let s = Site::new();
    s.edit(
        MD,
        "{{ 20.00 = general_basic.total.public }}",
        "{{ 20.01 = general_basic.total.public }}",
    );
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("20.00万元"));
    assert!(with_rule(&diags, "rounding").is_empty(), "{diags:#?}");
    // A figure converted from a table in 元 may round by half a unit: the seed's text
    // quotes 159,550.00 元 as 15.95 万元.
    let conv = Site::new();
    copy_dir(
        Path::new("content/xixiang-ybzx"),
        &conv.path("xixiang-ybzx"),
    );
    let diags = conv.check();
    assert!(
        with_rule(&diags, "rounding").iter().any(|d| d
            .target
            .as_deref()
            .is_some_and(|t| t.ends_with("15.95 = general_expenditure_econ.302.total"))),
        "{diags:#?}"
    );
}

#[test]
fn twelve_items_two_cents_off_is_an_unlikely_rounding_warning() {
    // Eleven items of 1.67 and one of 1.65 sum to 20.02 under a printed 20.00.
    let items: Vec<(&str, &str, String)> = CODES_302[..12]
        .iter()
        .enumerate()
        .map(|(i, (c, n))| (*c, *n, if i == 0 { "1.65" } else { "1.67" }.to_string()))
        .collect();
    let s = site_with_302_items(&items);
    let line = s.line_of(YAML, r#"{code: "302""#);
    let diags = s.check();
    assert!(errors(&diags).is_empty(), "{:#?}", errors(&diags));
    let w = with_rule(&diags, "rounding.unlikely");
    assert_eq!(w.len(), 2, "合计 and 公用经费 of 302: {diags:#?}");
    assert_eq!(w[0].severity, Severity::Warning);
    assert_eq!(w[0].loc.unwrap().line, line);
    assert!(w[0].message.contains("12 个分项"), "{}", w[0].message);
    assert!(
        w[0].message.contains("0.06万元"),
        "the bound: {}",
        w[0].message
    );
    assert!(w[0].message.contains("0.02万元"), "2σ: {}", w[0].message);
    // One cent off over the same twelve items stays a notice.
    let mut one: Vec<(&str, &str, String)> = items.clone();
    one[0].2 = "1.64".to_string();
    let diags = site_with_302_items(&one).check();
    assert!(with_rule(&diags, "rounding.unlikely").is_empty());
    assert_eq!(with_rule(&diags, "rounding").len(), 2, "{diags:#?}");
}

#[test]
fn two_items_one_cent_off_is_a_rounding_notice() {
    let s = site_with_302_items(&[
        ("30201", "办公费", "15.00".into()),
        ("30217", "公务接待费", "5.01".into()),
    ]);
    let diags = s.check();
    assert!(errors(&diags).is_empty(), "{:#?}", errors(&diags));
    assert!(with_rule(&diags, "rounding.unlikely").is_empty());
    let r = with_rule(&diags, "rounding");
    assert_eq!(r.len(), 2, "{diags:#?}");
    assert!(r[0].message.contains("2 个分项"), "{}", r[0].message);
    assert!(
        r[0].message.contains("0.01万元（2 × 0.005）"),
        "{}",
        r[0].message
    );
}

#[test]
fn a_total_missing_its_items_by_cents_is_the_identity_s_error_not_a_scale_slip() {
    // 302 printed 20.00; its items sum 0.07–0.10 more, 30204 手续费 being 0.09: dividing
    // 0.09 by 10,000 would "explain" the difference, but so would dropping it.
    for office in ["14.98", "14.99", "15.00", "15.01"] {
        let s = site_with_302_items(&[
            ("30201", "办公费", office.into()),
            ("30204", "手续费", "0.09".into()),
            ("30217", "公务接待费", "5.00".into()),
        ]);
        let line = s.line_of(YAML, r#"{code: "302""#);
        let diags = s.check();
        assert!(
            with_rule(&diags, "value.scale").is_empty(),
            "{office}: {diags:#?}"
        );
        let h = with_rule(&diags, "sum.hierarchy");
        assert!(
            h.iter().any(
                |d| d.target.as_deref() == Some("T08/302/total") && d.loc.unwrap().line == line
            ),
            "{office}: {diags:#?}"
        );
    }
}

#[test]
fn personnel_total_seen_by_two_rules_is_one_finding() {
    // 人员经费 60.50 against 301 + 303 = 60.00: sum.row (the total row) and cross.table
    // (general-basic-personnel) see the same cell and the same difference.
    let s = Site::new();
    s.edit(
        YAML,
        r#"values: {total: "80.00", personnel: "60.00", public: "20.00"}}"#,
        r#"values: {total: "80.00", personnel: "60.50", public: "20.00"}}"#,
    );
    let line = s.line_of(YAML, "60.50");
    let diags = s.check();
    let at: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| {
            d.loc.is_some_and(|l| l.line == line) && d.found.as_deref() == Some("60.50万元")
        })
        .collect();
    assert_eq!(at.len(), 1, "{diags:#?}");
    let rules: Vec<&str> = std::iter::once(at[0].rule)
        .chain(at[0].also.iter().map(|a| a.rule))
        .collect();
    assert!(
        rules.contains(&"sum.row") && rules.contains(&"cross.table"),
        "{rules:?}"
    );
    assert_eq!(at[0].severity, Severity::Error);
    // Within rounding, too: one notice.
    let r = Site::new();
    r.edit(
        YAML,
        r#"values: {total: "80.00", personnel: "60.00", public: "20.00"}}"#,
        r#"values: {total: "80.00", personnel: "59.99", public: "20.00"}}"#,
    );
    let diags = r.check();
    let at: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.found.as_deref() == Some("59.99万元"))
        .collect();
    assert_eq!(at.len(), 1, "{diags:#?}");
    assert_eq!(at[0].also.len(), 1, "{:#?}", at[0]);
    // An acknowledgement of either rule's target accepts the one finding.
    for (rule, target) in [
        ("cross.table", "general-basic-personnel"),
        ("sum.row", "T08/total/personnel"),
    ] {
        let a = Site::new();
        a.edit(
            YAML,
            r#"values: {total: "80.00", personnel: "60.00", public: "20.00"}}"#,
            r#"values: {total: "80.00", personnel: "60.50", public: "20.00"}}"#,
        );
        let p = a.path(YAML);
        let mut text = std::fs::read_to_string(&p).unwrap();
        text.push_str(&format!(
            "acknowledge:\n  - {{rule: {rule}, target: {target}, reason: 原文如此}}\n  - {{rule: sum.column, target: T08/total/total, reason: 原文如此}}\n"
        ));
        std::fs::write(&p, text).unwrap();
        let diags = a.check();
        assert!(
            with_rule(&diags, "ack.unused").is_empty(),
            "{rule}: {diags:#?}"
        );
        let merged = diags
            .iter()
            .find(|d| d.found.as_deref() == Some("60.50万元"))
            .unwrap();
        assert_eq!(merged.acknowledged.as_deref(), Some("原文如此"), "{rule}");
    }
}

mod culprit {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Slip {
        /// Written in 元 in a 万元 table.
        Scaled,
        /// Off by this many cents.
        Cents(i64),
    }

    fn identity() -> impl Strategy<Value = (Vec<i64>, usize, Slip)> {
        (2usize..=12)
            .prop_flat_map(|k| {
                (
                    proptest::collection::vec(1i64..400, k),
                    0..k,
                    prop_oneof![
                        Just(Slip::Scaled),
                        (-300i64..300).prop_map(Slip::Cents),
                        (-20i64..20).prop_map(Slip::Cents),
                    ],
                )
            })
            .prop_map(|(weights, i, slip)| {
                // Split 20.00 in proportion to the weights, each part at least a cent.
                let k = weights.len() as i64;
                let total: i64 = weights.iter().sum();
                let mut cents: Vec<i64> =
                    weights.iter().map(|w| 1 + w * (2000 - k) / total).collect();
                let rest = 2000 - cents.iter().sum::<i64>();
                cents[0] += rest;
                (cents, i, slip)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]
        /// For a 302 of 20.00 over k items with one item perturbed, every finding is at the
        /// perturbed item or at 302 (the identity), never at an unperturbed item.
        #[test]
        fn the_finding_names_the_perturbed_cell_or_the_identity((cents, i, slip) in identity()) {
            let show = |c: i64| format!("{}.{:02}", c / 100, c % 100);
            let printed: Vec<String> = cents
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    if j != i {
                        return show(*c);
                    }
                    match slip {
                        Slip::Scaled => format!("{}.00", c * 100),
                        Slip::Cents(d) => show((c + d).max(0)),
                    }
                })
                .collect();
            let items: Vec<(&str, &str, String)> = printed
                .iter()
                .enumerate()
                .map(|(j, v)| (CODES_302[j].0, CODES_302[j].1, v.clone()))
                .collect();
            let s = site_with_302_items(&items);
            let perturbed = s.line_of(YAML, &format!("code: \"{}\"", CODES_302[i].0));
            let identity = s.line_of(YAML, r#"{code: "302""#);
            let diags = s.check();
            let figure_rules = ["value.scale", "sum.hierarchy", "sum.row", "sum.column", "rounding", "rounding.unlikely", "cross.table", "cross.code-amount"];
            let findings: Vec<&Diagnostic> = diags.iter().filter(|d| figure_rules.contains(&d.rule)).collect();
            for d in &findings {
                let l = d.loc.unwrap().line;
                prop_assert!(l == perturbed || l == identity, "{} at line {l} (perturbed {perturbed}, identity {identity}): {}", d.rule, d.message);
            }
            if printed[i] != show(cents[i]) {
                prop_assert!(!findings.is_empty(), "a perturbation goes unreported: {printed:?}");
            }
        }
    }
}

#[test]
fn final_accounts_fiscal_summary_fund_column_against_the_general_table() {
    // The 财政拨款收入支出决算总表 prints expenditure by 类 per fund column; its 一般公共预算
    // column of 210 one cent off the 一般公共预算财政拨款支出决算表 is a copy that disagrees.
    let s = Site::new();
    copy_dir(Path::new("content/hengyang-ybj"), &s.path("hengyang-ybj"));
    let file = "hengyang-ybj/2022-final.yaml";
    s.edit(
        file,
        r#"{code: "210", name: 卫生健康支出, values: {amount: "1,648.65", general: "1,648.65"}}"#,
        r#"{code: "210", name: 卫生健康支出, values: {amount: "1,648.65", general: "1,648.64"}}"#,
    );
    let line = s.line_of(file, r#"general: "1,648.64""#);
    let diags = s.check();
    let d: Vec<&Diagnostic> = with_rule(&diags, "cross.code-amount")
        .into_iter()
        .filter(|d| d.loc.is_some_and(|l| l.line == line))
        .collect();
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].target.as_deref(), Some("T04~T05/210/general"));
    assert_eq!(d[0].expected.as_deref(), Some("1648.65万元"));
    let ok = Site::new();
    copy_dir(Path::new("content/hengyang-ybj"), &ok.path("hengyang-ybj"));
    assert!(with_rule(&ok.check(), "cross.code-amount").is_empty());
}

#[test]
fn level_with_last_year_is_a_change_of_zero() {
    let level = |s: &Site| {
        s.edit(MD, "比上年增加10.00万元，增长11.11%", "与上年持平");
    };
    // 100.00 this year and last: 持平 holds.
    let ok = plain_site_with_last_year("100.00");
    level(&ok);
    let diags = ok.check();
    assert!(
        with_rule(&diags, "narrative.figure").is_empty(),
        "{diags:#?}"
    );
    // 90.00 last year: the text says 持平 of an increase of 10.00.
    let s = plain_site_with_last_year("90.00");
    level(&s);
    let line = s.line_of(MD, "与上年持平，主要是");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].loc.unwrap().line, line);
    assert_eq!(d[0].found.as_deref(), Some("持平"));
    assert_eq!(d[0].expected.as_deref(), Some("10.00万元"));
    assert!(d[0].message.contains("持平"), "{}", d[0].message);
    assert_eq!(
        d[0].target.as_deref(),
        Some("text/持平 = summary.income_total.amount - 90.00")
    );
    // Without last year's disclosure nothing can be compared, and nothing is counted:
    // 持平 prints no figure.
    let alone = plain_site();
    level(&alone);
    let diags = alone.check();
    assert!(with_rule(&diags, "narrative.figure").is_empty());
    assert!(
        with_rule(&diags, "narrative.unmatched").is_empty(),
        "{diags:#?}"
    );
}

#[test]
fn amount_in_yi_yuan_is_checked_to_its_printed_decimals() {
    // 100.00万元 = 0.01亿元.
    let ok = plain_site();
    ok.edit(MD, "收入预算100.00万元", "收入预算0.01亿元");
    let diags = ok.check();
    assert!(errors(&diags).is_empty(), "{:#?}", errors(&diags));
    let s = plain_site();
    s.edit(MD, "收入预算100.00万元", "收入预算0.02亿元");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("0.01亿元"));
    assert_eq!(d[0].found.as_deref(), Some("0.02亿元"));
    assert_eq!(
        d[0].target.as_deref(),
        Some("text/0.02 = summary.income_total.amount / 10000")
    );
    // One decimal of 亿元 is a rounding of 100.00万元 to 0.0亿元; 0.1亿元 is not.
    let r = plain_site();
    r.edit(MD, "收入预算100.00万元", "收入预算0.1亿元");
    let diags = r.check();
    assert_eq!(with_rule(&diags, "narrative.figure").len(), 1, "{diags:#?}");
}

#[test]
fn headings_and_table_titles_name_this_unit_and_year() {
    // A heading of another year.
    let s = Site::new();
    s.edit(
        MD,
        "# 第一部分 2023年部门预算编制说明",
        "# 第一部分 2022年部门预算编制说明",
    );
    let diags = s.check();
    let d = with_rule(&diags, "text.title");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].loc.unwrap().line, 1);
    assert!(d[0].message.contains("2022"), "{}", d[0].message);
    // A heading naming another unit next to the year; this unit's name passes.
    let heading = |name: &str| {
        let s = Site::new();
        s.edit(
            MD,
            "## 一、部门基本概况 {#overview}",
            &format!("## 一、{name}2023年部门基本概况 {{#overview}}"),
        );
        with_rule(&s.check(), "text.title").len()
    };
    assert_eq!(heading("另一县医疗保障局"), 1);
    assert_eq!(heading("示例县医疗保障局"), 0);
    // An abbreviation of this unit's name is this unit.
    assert_eq!(heading("示例县医保局"), 0);
    // A table title naming another unit after the year.
    let table = |name: &str| {
        let s = Site::new();
        s.edit(
            YAML,
            "title: 收支总表",
            &format!("title: 2023年度{name}收支总表"),
        );
        with_rule(&s.check(), "text.title").len()
    };
    assert_eq!(table("另一县医疗保障局"), 1);
    assert_eq!(table("示例县医疗保障局"), 0);
}

#[test]
fn template_instruction_left_in_a_table_footnote() {
    let footnote = |text: &str| {
        let s = Site::new();
        s.edit(
            YAML,
            "title: 政府性基金预算支出表, status: empty",
            &format!("title: 政府性基金预算支出表, footnote: {text}, status: empty"),
        );
        s
    };
    let ok = footnote("本单位无政府性基金预算财政拨款收入支出。");
    let diags = ok.check();
    assert!(
        with_rule(&diags, "text.placeholder").is_empty(),
        "{diags:#?}"
    );
    assert!(errors(&diags).is_empty(), "{:#?}", errors(&diags));
    let s =
        footnote("无政府性基金预算财政拨款收入支出的，仍保留该表格式，并在本表下方作下述说明：");
    let line = s.line_of(YAML, "footnote:");
    let diags = s.check();
    let d = with_rule(&diags, "text.placeholder");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].loc.unwrap().line, line);
    assert_eq!(d[0].target.as_deref(), Some("T16/footnote/仍保留该表格式"));
}

/// The fixture with its 三公 table replaced by Jiangsu's (三公, 会议费 and 培训费 in one
/// table, whose 合计 adds the three) and the 三公 paragraph written as `text`.
fn jiangsu_three_public(text: &str) -> Site {
    let s = Site::new();
    let yaml = std::fs::read_to_string(s.path(YAML)).unwrap();
    let start = yaml.find("  - id: T15").unwrap();
    let end = yaml.find("  - {id: T16").unwrap();
    let table = r#"  - id: T15
    kind: three_public_meetings
    title: “三公”经费、会议费、培训费支出预算表
    columns:
      - {key: total, name: 合计, sum_of: [three_public, meeting, training]}
      - {key: three_public, name: “三公”经费/小计, sum_of: [abroad, vehicle, reception]}
      - {key: abroad, name: “三公”经费/因公出国（境）费}
      - {key: vehicle, name: “三公”经费/公务用车购置及运行维护费}
      - {key: reception, name: “三公”经费/公务接待费}
      - {key: meeting, name: 会议费}
      - {key: training, name: 培训费}
    rows:
      - {key: total, values: {total: "10.00", three_public: "5.00", reception: "5.00", meeting: "3.00", training: "2.00"}}
"#;
    std::fs::write(
        s.path(YAML),
        format!("{}{table}{}", &yaml[..start], &yaml[end..]),
    )
    .unwrap();
    s.edit(
        MD,
        "2023年本部门“三公”经费预算数为{{ 5.00 = three_public.budget.total }}万元，其中公务接待费{{ 5.00 = three_public.budget.reception }}万元，与上年持平。",
        text,
    );
    s
}

#[test]
fn jiangsu_three_public_table_is_read_by_its_columns() {
    let ok = jiangsu_three_public(
        "2023年本部门“三公”经费预算5.00万元，其中公务接待费5.00万元；会议费预算3.00万元；培训费预算2.00万元。",
    );
    let diags = ok.check();
    assert!(
        with_rule(&diags, "narrative.figure").is_empty(),
        "{diags:#?}"
    );
    // The table's 合计 is not the 三公 figure.
    let s = jiangsu_three_public("2023年本部门“三公”经费预算10.00万元。");
    let diags = s.check();
    let d = with_rule(&diags, "narrative.figure");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0].expected.as_deref(), Some("5.00万元"));
    assert_eq!(
        d[0].target.as_deref(),
        Some("text/10.00 = three_public_meetings.total.three_public")
    );
}

#[test]
fn economic_lines_stand_in_for_a_missing_three_public_table_only_where_printed() {
    // Without a legible 三公 table, 公务接待费 is read from its printed line 30217.
    let missing = |text: &str| {
        let s = Site::new();
        s.edit(
            YAML,
            "    kind: three_public\n    title: 一般公共预算“三公”经费支出表\n",
            "    kind: three_public\n    title: 一般公共预算“三公”经费支出表\n    status: missing\n    reason: 原文无法辨认\n",
        );
        s.edit(MD, "本部门所有支出实行绩效目标管理。", text);
        with_rule(&s.check(), "narrative.figure")
            .into_iter()
            .map(|d| d.expected.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert!(missing("公务接待费5.00万元。").is_empty());
    assert_eq!(missing("公务接待费6.00万元。"), ["5.00万元"]);
    // 因公出国（境）费 has no line printed: a stated zero is confirmed, a stated amount
    // is not taken for zero.
    assert!(missing("因公出国（境）费0.00万元。").is_empty());
    assert!(missing("因公出国（境）费2.00万元。").is_empty());
}

#[test]
fn figures_of_a_stated_reason_are_not_the_measure_named_before() {
    // 10.00 is part of the reason, not 基本支出.
    let s = plain_site();
    s.edit(
        MD,
        "其中基本支出80.00万元，占80.00%。",
        "其中基本支出80.00万元，占80.00%，主要原因是基本支出增加人员经费等10.00万元。",
    );
    let diags = s.check();
    assert!(
        with_rule(&diags, "narrative.figure").is_empty(),
        "{diags:#?}"
    );
    // Without the reason, the same words state 基本支出.
    let s = plain_site();
    s.edit(
        MD,
        "其中基本支出80.00万元，占80.00%。",
        "其中基本支出80.00万元，占80.00%。基本支出10.00万元。",
    );
    assert_eq!(with_rule(&s.check(), "narrative.figure").len(), 1);
}
