//! What the check found, on the pages (`views::findings`): every diagnostic of
//! `gongkai check --format json` that is a finding of the publication appears in its
//! disclosure's 核对结果 with working links to marked cells and text (in Chromium,
//! `tests/browser/findings.mjs`); each disclosure's verdict is shown wherever it is
//! listed; the findings are open data (`data.json`, `findings.csv` in the data package);
//! a unit kept unchecked by an incremental build keeps its findings.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
mod common;
use common::seed_copy;

/// Rules about the transcription (syntax, references): not findings of the publication,
/// so not on the pages (see `views::findings::class_of`).
fn transcription(rule: &str) -> bool {
    rule.starts_with("source.")
        || rule.starts_with("yaml.")
        || rule.starts_with("table.")
        || matches!(
            rule,
            "value.amount"
                | "value.precision"
                | "value.code"
                | "value.enum"
                | "value.date"
                | "narrative.syntax"
                | "narrative.reference"
                | "ack.unused"
        )
}

fn gongkai(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn build(site: &Path, out: &Path) {
    let r = gongkai(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        r.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&r.stderr)
    );
}

/// The findings `gongkai check` reports for the site at `site`: (page, rule,
/// acknowledged, reason), the page being the disclosure's folder (`hengyang-ybj/2022-final/`).
fn expected(site: &Path) -> Vec<serde_json::Value> {
    let r = gongkai(&["check", site.to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let diags = report["diagnostics"].as_array().unwrap();
    assert!(diags.len() > 50, "the seeds' diagnostics: {}", diags.len());
    diags
        .iter()
        .filter(|d| !transcription(d["rule"].as_str().unwrap()))
        .map(|d| {
            let file = d["location"]["file"].as_str().unwrap();
            let page = format!("{}/", file.rsplit_once('.').unwrap().0);
            serde_json::json!({
                "page": page,
                "rule": d["rule"],
                "acknowledged": !d["acknowledged"].is_null(),
                "reason": d["acknowledged"],
            })
        })
        .collect()
}

#[test]
fn every_finding_is_on_its_page_with_marked_places_in_a_real_browser() {
    let chromium = std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into());
    assert!(
        Path::new("tests/browser/node_modules/playwright-core").is_dir()
            && Path::new(&chromium).exists(),
        "missing test tools; run scripts/install-test-tools"
    );
    let (dir, site) = seed_copy();
    let out = dir.path().join("out");
    build(&site, &out);
    let want = expected(&site);
    let acknowledged = want.iter().filter(|w| w["acknowledged"] == true).count();
    assert_eq!(acknowledged, 21, "the seeds' acknowledged errors");
    let list = dir.path().join("expected.json");
    std::fs::write(&list, serde_json::to_vec(&want).unwrap()).unwrap();
    let r = Command::new("node")
        .args([
            "tests/browser/findings.mjs",
            out.to_str().unwrap(),
            list.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        r.status.success() && stdout.contains(" passed, 0 failed"),
        "findings checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
}

/// Each disclosure's verdict (from its `data.json`), by page folder.
fn verdicts(out: &Path) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    for e in walkdir::WalkDir::new(out) {
        let e = e.unwrap();
        if e.file_name() == "data.json" {
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
            let folder = e.path().parent().unwrap().strip_prefix(out).unwrap();
            v.insert(
                format!("{}/", folder.to_string_lossy()),
                json["findings"]["verdict"].as_str().unwrap().to_string(),
            );
        }
    }
    v
}

#[test]
fn verdicts_are_shown_wherever_a_disclosure_is_listed() {
    let (dir, site) = seed_copy();
    // A publication date, so that the disclosure has a feed entry.
    let yaml = site.join("content/hengshan-ybj/2023-budget.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(
        &yaml,
        text.replacen("year: 2023\n", "year: 2023\npublished: 2023-02-20\n", 1),
    )
    .unwrap();
    let out = dir.path().join("out");
    build(&site, &out);
    let verdicts = verdicts(&out);
    assert_eq!(verdicts.len(), 5);
    assert_eq!(
        verdicts["hengyang-ybj/2022-final/"],
        "核对：4 处错误，8 处尾数差异，1 处无法核对"
    );
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let home = read("index.html");
    // The search results' documents (gzipped chunks), where a disclosure's context
    // carries its verdict.
    let mut search = String::new();
    for e in walkdir::WalkDir::new(out.join("search")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "bin") {
            use std::io::Read as _;
            let mut gz = flate2::read::GzDecoder::new(std::fs::File::open(e.path()).unwrap());
            let mut bytes = Vec::new();
            gz.read_to_end(&mut bytes).unwrap();
            search.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    let feed = read("feed.xml");
    for (page, verdict) in &verdicts {
        let (unit, disclosure) = page.trim_end_matches('/').split_once('/').unwrap();
        // The verdict links to the 核对结果 of its page.
        let linked = format!("<a class=\"verdict\" href=\"/{page}#findings\">{verdict}</a>");
        assert!(home.contains(&linked), "home page: {linked}");
        let unit_page = read(&format!("{unit}/index.html"));
        assert!(unit_page.contains(&linked), "{unit}/index.html: {linked}");
        let compare = read(&format!("compare/{disclosure}/index.html"));
        assert!(compare.contains(&linked), "compare/{disclosure}: {linked}");
        assert!(
            search.contains(verdict.as_str()),
            "search documents: {verdict}"
        );
        let disclosure_page = read(&format!("{page}index.html"));
        assert!(
            disclosure_page.contains(&format!("<p class=\"verdict\">{verdict}</p>")),
            "{page}"
        );
        // Feeds carry it in the entry's summary (a disclosure with a date); a unit
        // without a dated disclosure has no feed.
        let unit_feed = std::fs::read_to_string(out.join(format!("{unit}/feed.xml")));
        assert_eq!(unit_feed.is_ok(), unit == "hengshan-ybj", "{unit}/feed.xml");
        if let Ok(unit_feed) = unit_feed {
            assert!(unit_feed.contains("<entry>"));
            assert!(unit_feed.contains(verdict.as_str()), "{unit}/feed.xml");
            assert!(feed.contains(verdict.as_str()), "feed.xml: {verdict}");
        }
    }
}

#[test]
fn findings_are_open_data_in_data_json_and_the_data_package() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("out");
    build(&site, &out);
    let want = expected(&site);
    let package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("datapackage.json")).unwrap()).unwrap();
    let resource = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "findings")
        .expect("a findings resource");
    assert_eq!(resource["path"], "findings.csv");
    let fields: Vec<&str> = resource["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for f in [
        "rule",
        "class",
        "table",
        "row",
        "column",
        "published",
        "expected",
        "difference",
        "acknowledged",
        "reason",
    ] {
        assert!(fields.contains(&f), "field {f}: {fields:?}");
    }
    let csv = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), want.len(), "one row per finding");
    let col = |name: &str| fields.iter().position(|f| *f == name).unwrap();
    // 衡阳 T10: published 1868.74, expected 1008.74, difference 860.00 万元, acknowledged.
    let t10 = rows
        .iter()
        .find(|r| r[col("unit")] == *"hengyang-ybj" && r[col("rule")] == *"sum.row")
        .unwrap();
    assert_eq!(
        (
            &t10[col("published")],
            &t10[col("expected")],
            &t10[col("difference")]
        ),
        ("1868.74", "1008.74", "860.00")
    );
    assert_eq!(&t10[col("amount_unit")], "万元");
    assert_eq!(&t10[col("acknowledged")], "true");
    assert!(t10[col("reason")].starts_with("原文如此"));
    // data.json holds the same findings as the page, with the counts.
    let data: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("hengyang-ybj/2022-final/data.json")).unwrap(),
    )
    .unwrap();
    let items = data["findings"]["items"].as_array().unwrap();
    let here = want
        .iter()
        .filter(|w| w["page"] == "hengyang-ybj/2022-final/")
        .count();
    assert_eq!(items.len(), here);
    assert_eq!(data["findings"]["counts"]["error"], 4);
    assert!(data["findings"]["checked"]["identities"].as_u64().unwrap() > 100);
}

/// A unit kept unparsed and unchecked by an incremental build (its sources unchanged)
/// shows the findings of the build that checked it, also when its pages must be
/// rendered again (they were deleted from the output).
#[test]
fn a_kept_unit_keeps_its_findings() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("out");
    build(&site, &out);
    let page = out.join("hengyang-ybj/2022-final/index.html");
    let first = std::fs::read_to_string(&page).unwrap();
    assert!(first.contains("各行合计 1,008.74"));
    std::fs::remove_file(&page).unwrap();
    let r = gongkai(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(r.status.success());
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("未重新解析和检查"), "units kept: {stderr}");
    assert_eq!(std::fs::read_to_string(&page).unwrap(), first);
}

/// A disclosure without findings says what was checked and that all held.
#[test]
fn a_disclosure_without_findings_says_what_was_checked() {
    use gongkai::views::findings::{Checked, DisclosureFindings, view};
    let f = DisclosureFindings {
        checked: Checked {
            identities: 93,
            pairs: 29,
            text_figures: 7,
        },
        ..Default::default()
    };
    assert_eq!(f.verdict(), "核对：全部相符");
    let tera = gongkai::build::render::load_templates(Path::new("no-such-site")).unwrap();
    let mut ctx = tera::Context::new();
    ctx.insert("page", &serde_json::json!({ "findings": view(&f) }));
    let html = tera.render("findings.html", &ctx).unwrap();
    assert!(
        html.contains("<p class=\"verdict\">核对：全部相符</p>"),
        "{html}"
    );
    assert!(
        html.contains(
            "93 个合计关系、29 组表与表之间应当相等的数字和情况说明中的 7 个数字，全部相符"
        ),
        "{html}"
    );
    assert!(!html.contains("finding-list"), "{html}");
}

/// A unit's files are carried over unrendered only under the same findings: they are
/// part of its render key.
#[test]
fn findings_are_part_of_the_key_a_unit_is_kept_under() {
    let config = gongkai::config::Config::load(Path::new(".")).unwrap();
    let renderer = gongkai::build::render::Renderer::new(&config, Path::new(".")).unwrap();
    let report =
        gongkai::check::check(&gongkai::source::resolve_root(Path::new(".")).unwrap()).unwrap();
    let findings = gongkai::views::findings::of_report(&report);
    let unit = report
        .site
        .units
        .iter()
        .find(|u| u.slug == "hengyang-ybj")
        .unwrap();
    let with = renderer.make_listing_with(unit, &findings["hengyang-ybj"]);
    let without = renderer.make_listing_with(unit, &[]);
    let key =
        |l: &gongkai::views::listing::UnitListing| renderer.render_key(unit.digest, l).unwrap();
    let again = with.clone();
    assert_eq!(key(&with), key(&again));
    assert_ne!(key(&with), key(&without));
    // The unit key (its sources, templates, configuration) is the same for both.
    assert!(key(&with).starts_with(&renderer.unit_key(unit.digest).unwrap()));
}
