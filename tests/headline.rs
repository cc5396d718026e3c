//! The headline on a disclosure's first screen: key figures derived from what the
//! disclosure prints (a cell, a labelled line, an empty table's zero, the text), the
//! change from last year when the site holds last year's disclosure, and the unit page's
//! history; the comparison page shows the same values; an edit to last year re-renders
//! this year's page.

use rust_decimal::Decimal;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;
mod common;
use common::copy_dir;

const TWO_YEARS: &str = "tests/fixtures/two-years";

fn build(site: &Path, out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "build",
            site.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--allow-errors", "--color", "never"])
        .output()
        .expect("run gongkai");
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// One key figure of a first screen, as its markup carries it.
#[derive(Debug)]
struct Key {
    origin: String,
    value: Option<Decimal>,
    diff: Option<Decimal>,
    /// The figure's markup, for text assertions.
    html: String,
}

fn attr(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("{name}=\""))? + name.len() + 2;
    Some(html[at..at + html[at..].find('"')?].to_string())
}

fn key(page: &str, measure: &str) -> Key {
    let marker = format!("data-measure=\"{measure}\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no key figure {measure}"));
    let start = page[..at].rfind("<div class=\"key key-").expect("key div");
    let end = at + page[at..].find("</div>").expect("end of key div");
    let html = page[start..end].to_string();
    let origin = html["<div class=\"key key-".len()..]
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let dec = |s: Option<String>| s.map(|v| Decimal::from_str(&v).expect("decimal"));
    Key {
        origin,
        value: dec(attr(&html, "data-value")),
        diff: dec(attr(&html, "data-diff")),
        html,
    }
}

/// The amount of the row `key: ROW` of the first table of kind `kind`, column `col`, in a
/// source YAML (rows are written one per line in the fixtures).
fn cell(yaml: &str, kind: &str, row: &str, col: &str) -> Decimal {
    let from = yaml
        .find(&format!("kind: {kind}\n"))
        .unwrap_or_else(|| panic!("no table {kind}"));
    let line = yaml[from..]
        .lines()
        .find(|l| l.contains(&format!("{{key: {row},")))
        .unwrap_or_else(|| panic!("no row {row}"));
    let v = [format!("{{{col}: \""), format!(" {col}: \"")]
        .iter()
        .find_map(|p| line.split(p.as_str()).nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no column {col} in {line}"));
    Decimal::from_str(&v.replace(',', "")).unwrap()
}

const MEASURES: [&str; 6] = [
    "income",
    "expenditure",
    "basic",
    "project",
    "running",
    "three-public",
];

#[test]
fn two_years_of_a_unit_show_the_change_from_last_year_and_a_trend() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(TWO_YEARS), dir.path());
    let out = dir.path().join("public");
    build(dir.path(), &out);
    let this = read(&out, "demo/2023-budget/index.html");
    let last = read(&out, "demo/2022-budget/index.html");
    let y23 = read(Path::new(TWO_YEARS), "content/demo/2023-budget.yaml");
    let y22 = read(Path::new(TWO_YEARS), "content/demo/2022-budget.yaml");

    // 本年支出合计: the difference of the two cells, amount and rate, on the first screen.
    let (a, b) = (
        cell(&y23, "summary", "exp_total", "amount"),
        cell(&y22, "summary", "exp_total", "amount"),
    );
    let k = key(&this, "expenditure");
    assert_eq!(k.origin, "cell");
    assert_eq!(k.value, Some(a));
    assert_eq!(k.diff, Some(a - b), "{}", k.html);
    let rate = ((a - b) * Decimal::ONE_HUNDRED / b).round_dp(2);
    assert!(
        k.html
            .contains(&format!("比上年增加 {} 万元，增长 {rate}%", a - b)),
        "{}",
        k.html
    );
    assert!(k.html.contains("2022年：90.00 万元"), "{}", k.html);
    assert!(k.html.contains("href=\"/demo/2022-budget/#T01-exp_total\""));

    // Every measure: this year's figure minus last year's, each read from its own page.
    for m in MEASURES {
        let (now, before) = (key(&this, m), key(&last, m));
        let (Some(v), Some(p)) = (now.value, before.value) else {
            panic!("{m}: {now:?} {before:?}");
        };
        assert_eq!(now.diff, Some(v - p), "{m}: {}", now.html);
        assert!(!now.html.contains("原文所述"), "{m}: computed, not stated");
    }
    // The first year has no previous one: the change the text states, if any, as stated.
    assert_eq!(key(&last, "expenditure").diff, None);
    // Shares of 基本 / 项目 in 本年支出合计.
    assert!(key(&this, "basic").html.contains("占本年支出合计 80.00%"));
    assert!(key(&this, "project").html.contains("占本年支出合计 20.00%"));

    // The unit page: both years in the history table and a trend chart.
    let unit = read(&out, "demo/index.html");
    assert!(unit.contains("2022年部门预算</a></th>") && unit.contains("2023年部门预算</a></th>"));
    assert!(unit.contains("id=\"chart-years-budget\""), "a trend chart");
    assert!(unit.contains("<svg class=\"chart\""));
    assert!(unit.contains("<th scope=\"row\">2022年</th><td class=\"num\">90.00</td>"));
    assert!(unit.contains("<th scope=\"row\">2023年</th><td class=\"num\">100.00</td>"));
}

#[test]
fn without_last_year_the_change_the_text_states_is_shown_as_stated() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/valid"), dir.path());
    let out = dir.path().join("public");
    build(dir.path(), &out);
    let page = read(&out, "demo/2023-budget/index.html");
    // 收入预算100.00万元，比上年增加10.00万元，增长11.11%: as the text says it.
    let k = key(&page, "income");
    assert_eq!(k.diff, None);
    assert!(
        k.html
            .contains("比上年增加 10.00 万元，增长 11.11%（原文所述，增减幅度与增减额相符）"),
        "{}",
        k.html
    );
    assert!(k.html.contains("href=\"#totals\""), "{}", k.html);
    // “三公” 与上年持平.
    assert!(
        key(&page, "three-public")
            .html
            .contains("与上年持平（原文所述）")
    );
}

#[test]
fn a_change_stated_in_plain_text_is_found_as_in_marked_text() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/valid"), dir.path());
    // Every `{{ PUBLISHED = EXPRESSION }}` written as its published text alone.
    let md = dir.path().join("content/demo/2023-budget.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let mut plain = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("{{") {
        plain.push_str(&rest[..i]);
        let j = rest[i..].find("}}").unwrap() + i;
        let inner = &rest[i + 2..j];
        plain.push_str(inner.split('=').next().unwrap().trim());
        rest = &rest[j + 2..];
    }
    plain.push_str(rest);
    assert!(!plain.contains("{{"));
    std::fs::write(&md, plain).unwrap();
    let out = dir.path().join("public");
    build(dir.path(), &out);
    let page = read(&out, "demo/2023-budget/index.html");
    let k = key(&page, "income");
    assert!(
        k.html
            .contains("比上年增加 10.00 万元，增长 11.11%（原文所述，增减幅度与增减额相符）"),
        "{}",
        k.html
    );
    // A change the text does not state is not made up.
    assert!(!key(&page, "running").html.contains("比上年"));
    // A stated rate that does not follow from the stated amount is said to disagree.
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text.replace("增长11.11%", "增长12.11%")).unwrap();
    build(dir.path(), &out);
    let page = read(&out, "demo/2023-budget/index.html");
    assert!(
        key(&page, "income")
            .html
            .contains("增长 12.11%（原文所述，增减幅度与增减额不符）")
    );
}

/// The seed site, built once per test.
fn seeds() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, root) = common::seed_copy();
    let out = dir.path().join("out");
    build(&root, &out);
    (dir, out)
}

#[test]
fn figures_the_disclosure_prints_are_never_a_dash_and_the_comparison_agrees() {
    let (_dir, out) = seeds();
    let xixiang = read(&out, "xixiang-ybzx/2023-budget/index.html");
    let kaifu = read(&out, "kaifu-ybj/2023-budget/index.html");
    for (name, page) in [("xixiang", &xixiang), ("kaifu", &kaifu)] {
        for m in MEASURES {
            let k = key(page, m);
            assert_ne!(k.origin, "absent", "{name} {m}: {}", k.html);
            assert!(k.value.is_some(), "{name} {m}");
        }
    }
    // 西乡: T01's labelled line is its 基本支出; the text's 2.1万元 its 三公.
    let basic = key(&xixiang, "basic");
    assert_eq!(
        (basic.origin.as_str(), basic.value),
        ("line", Some(Decimal::from_str("1189844.00").unwrap()))
    );
    assert!(
        basic.html.contains("人员经费和公用经费支出"),
        "{}",
        basic.html
    );
    let three = key(&xixiang, "three-public");
    assert_eq!(
        (three.origin.as_str(), three.value),
        ("text", Some(Decimal::from_str("2.1").unwrap()))
    );
    assert!(three.html.contains("万元") && three.html.contains("href=\"#three-public\""));
    // 开福: 机关运行经费 43.22万元 from the text; its 三公 table is empty: zero, with the reason.
    let running = key(&kaifu, "running");
    assert_eq!(
        (running.origin.as_str(), running.value),
        ("text", Some(Decimal::from_str("43.22").unwrap()))
    );
    assert!(running.html.contains("href=\"#running-costs\""));
    let three = key(&kaifu, "three-public");
    assert_eq!(
        (three.origin.as_str(), three.value),
        ("empty", Some(Decimal::ZERO))
    );
    assert!(three.html.contains(">0.00<"), "{}", three.html);
    assert!(three.html.contains("此表如无数字则表示单位无该项支出"));
    // 西乡's page has at least three charts.
    assert!(
        xixiang.matches("class=\"chart-block\"").count() >= 3,
        "西乡 charts: {}",
        xixiang.matches("class=\"chart-block\"").count()
    );

    // Final accounts: 财政拨款支出 年初预算, 决算 and 完成率 on the first screen, as printed
    // in the total line of 衡阳's budget-against-actual table.
    let final_page = read(&out, "hengyang-ybj/2022-final/index.html");
    let first_screen = &final_page[..final_page.find("<nav class=\"toc\"").unwrap()];
    assert!(first_screen.contains(
        "财政拨款支出：年初预算 <span class=\"num\">1,868.74</span> 万元，决算 <span class=\"num\">1,932.33</span> 万元，完成率 <span class=\"num\">103.40%</span>"
    ));

    // The comparison page: the same values (in its unit), no “—” for these two units.
    let compare = read(&out, "compare/2023-budget/index.html");
    let wan = compare.contains("金额单位：万元");
    for (slug, page) in [("xixiang-ybzx", &xixiang), ("kaifu-ybj", &kaifu)] {
        let at = compare
            .find(&format!("href=\"/{slug}/2023-budget/\""))
            .expect("row");
        let row = &compare[at..at + compare[at..].find("</tr>").unwrap()];
        assert!(!row.contains('—'), "{slug}: {row}");
        let values: Vec<Decimal> = row
            .split("data-value=\"")
            .skip(1)
            .map(|s| Decimal::from_str(s.split('"').next().unwrap()).unwrap())
            .collect();
        for (m, v) in ["expenditure", "basic", "project", "three-public", "running"]
            .iter()
            .zip(&values)
        {
            let k = key(page, m);
            let unit_yuan = k.html.contains("</span> 元");
            let expected = if wan && unit_yuan {
                k.value.unwrap() / Decimal::from(10_000)
            } else {
                k.value.unwrap()
            };
            assert_eq!(v.normalize(), expected.normalize(), "{slug} {m}");
        }
    }
}

#[test]
fn an_edit_to_last_year_renders_this_years_page_again() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(TWO_YEARS), dir.path());
    let out = dir.path().join("public");
    build(dir.path(), &out);
    let before = read(&out, "demo/2023-budget/index.html");
    assert!(before.contains("2022年：90.00 万元"));
    // The manifest names last year's sources among this year's page's.
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out, ".gongkai-manifest.json")).unwrap();
    let i = manifest["files"]["demo/2023-budget/index.html"][1]
        .as_u64()
        .unwrap() as usize;
    let sources = manifest["sources"][i].to_string();
    assert!(
        sources.contains("content/demo/2022-budget.yaml"),
        "{sources}"
    );
    // Last year's total edited (and its sums with it): this year's page says so.
    let last = dir.path().join("content/demo/2022-budget.yaml");
    let text = std::fs::read_to_string(&last).unwrap();
    let edited = text
        .lines()
        .map(|l| {
            if l.contains("{key: exp_total,") || l.contains("{key: exp_total_dept,") {
                l.replace("\"90.00\"", "\"80.00\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&last, edited + "\n").unwrap();
    build(dir.path(), &out);
    let after = read(&out, "demo/2023-budget/index.html");
    let k = key(&after, "expenditure");
    assert_eq!(
        k.diff,
        Some(Decimal::from_str("20.00").unwrap()),
        "{}",
        k.html
    );
    assert!(after.contains("2022年：80.00 万元"));
}
