//! `gongkai build`: the seed site is complete, deterministic and self-contained; figures
//! come from the model; the Markdown is sanitized; a failed build leaves the old output.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn gongkai(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run gongkai");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// Builds `site` into `out` (with `--allow-errors`: the seeds are published as they are).
fn build(site: &Path, out: &Path) {
    let (code, stdout, stderr) = gongkai(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--allow-errors",
        "--color",
        "never",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
}

/// Every file under `dir`: relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The values of `attr="…"` in `html`.
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .filter_map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// Every internal link (`href` starting with the base path) points at a file of the
/// output, and every `#anchor` at an id of its page.
fn assert_links_resolve(out: &Path, base: &str) {
    let all = files(out);
    let ids: BTreeMap<&String, BTreeSet<&str>> = all
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            (
                p,
                attrs(std::str::from_utf8(b).unwrap(), "id")
                    .into_iter()
                    .collect(),
            )
        })
        .collect();
    let mut checked = 0;
    for (page, page_ids) in &ids {
        let html = std::str::from_utf8(&all[*page]).unwrap();
        for href in attrs(html, "href") {
            let (path, frag) = match href.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (href, None),
            };
            let target: String = if path.is_empty() {
                (*page).clone()
            } else if let Some(rel) = path.strip_prefix(base) {
                if rel.is_empty() || rel.ends_with('/') {
                    format!("{rel}index.html")
                } else {
                    rel.to_string()
                }
            } else {
                assert!(
                    !path.starts_with('/') && !path.contains("://"),
                    "{page}: link outside the site or not under {base}: {href}"
                );
                continue;
            };
            assert!(
                all.contains_key(&target),
                "{page}: broken link {href} ({target})"
            );
            if let Some(f) = frag {
                let target_ids = if target == **page {
                    page_ids
                } else {
                    &ids[&target]
                };
                assert!(target_ids.contains(f), "{page}: no anchor #{f} for {href}");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

/// The pages the seed content must produce: every unit and every disclosure.
fn expected_pages() -> Vec<String> {
    let mut out = vec!["index.html".to_string(), "404.html".to_string()];
    for unit in std::fs::read_dir("content").unwrap() {
        let unit = unit.unwrap();
        if !unit.file_type().unwrap().is_dir() {
            continue;
        }
        let slug = unit.file_name().to_string_lossy().into_owned();
        out.push(format!("{slug}/index.html"));
        for f in std::fs::read_dir(unit.path()).unwrap() {
            let name = f.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".yaml") {
                if stem.ends_with("-budget") || stem.ends_with("-final") {
                    out.push(format!("{slug}/{stem}/index.html"));
                }
            }
        }
    }
    out
}

#[test]
fn seed_site_is_complete_deterministic_and_linked() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(Path::new("."), &a);
    build(Path::new("."), &b);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "two builds wrote different files"
    );
    for (path, bytes) in &fa {
        assert!(fb[path] == *bytes, "{path} differs between two builds");
    }
    let expected = expected_pages();
    assert!(expected.len() >= 12, "{expected:?}");
    for page in &expected {
        assert!(fa.contains_key(page), "missing page {page}");
    }
    for f in ["sitemap.xml", "robots.txt", "static/style.css"] {
        assert!(fa.contains_key(f), "missing {f}");
    }
    let sitemap = read(&a, "sitemap.xml");
    for page in expected.iter().filter(|p| p.ends_with("/index.html")) {
        let url = format!("/{}", page.strip_suffix("index.html").unwrap());
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "{url} not in sitemap"
        );
    }
    assert_links_resolve(&a, "/");
    // No external requests: nothing is loaded from another host.
    for (path, bytes) in &fa {
        let text = String::from_utf8_lossy(bytes);
        for attr in ["src", "href"] {
            for v in attrs(&text, attr) {
                assert!(!v.contains("://"), "{path}: external {attr} {v}");
            }
        }
    }
}

#[test]
fn disclosure_pages_show_every_table_and_the_published_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(Path::new("."), &out);
    let page = read(&out, "hengshan-ybj/2023-budget/index.html");
    assert!(page.contains("629.76"));
    let report =
        gongkai::check::check(&gongkai::source::resolve_root(Path::new(".")).unwrap()).unwrap();
    let templates = gongkai::templates::Templates::builtin().unwrap();
    for unit in &report.site.units {
        for d in &unit.disclosures {
            let rel = format!("{}/{}-{}/index.html", unit.slug, d.year, d.kind.as_str());
            let html = read(&out, &rel);
            for t in &d.tables {
                let name = templates
                    .kind_name(&t.kind)
                    .filter(|_| t.kind != "other")
                    .unwrap_or(&t.title);
                assert!(html.contains(name), "{rel}: no caption for {} {name}", t.id);
                let anchor = format!("id=\"table-{}\"", t.id.to_ascii_lowercase());
                assert!(html.contains(&anchor), "{rel}: no {anchor}");
            }
            assert!(html.contains("<caption>"), "{rel}");
            assert!(html.contains("scope=\"col\""), "{rel}");
            assert!(!html.contains("{{"), "{rel}: unreplaced figure reference");
        }
    }
    // Amounts with thousands separators, right-aligned cells.
    let final_page = read(&out, "hengyang-ybj/2022-final/index.html");
    assert!(final_page.contains("<td class=\"num\">1,938.09</td>"));
    // Empty and missing tables say so, with their reasons.
    assert!(page.contains("此表为空："));
    let hetang = read(&out, "hetang-ybj/2023-budget/index.html");
    assert!(hetang.contains("原文无法辨认："));
    // A table with 项 lines only: the chart sums them by 类.
    assert!(hetang.contains("<td class=\"num\">1,880.19</td><td class=\"num\">98.41%</td>"));
    // The generated summary reads the same cells.
    let final_text = strip_tags(&final_page);
    assert!(
        final_text.contains(
            "财政拨款支出年初预算1,868.74万元，决算1,932.33万元，完成年初预算的103.40%。"
        ),
        "{final_text}"
    );
    assert!(strip_tags(&page).contains("“三公”经费预算14.00万元，其中：因公出国（境）费0.00万元"));
    // Key figures name their source cell.
    assert!(page.contains("T01 收支总表 › 本年收入合计 › 预算数"));
    // The chart: inline SVG with title and description, figures also in a table.
    assert!(page.contains("<svg class=\"chart\" role=\"img\""));
    assert!(page.contains("<title id=\"chart-functional-title\">"));
    assert!(page.contains("<desc id=\"chart-functional-desc\">"));
    assert!(page.contains("<td class=\"num\">533.21</td><td class=\"num\">84.67%</td>"));
    assert!(page.contains("id=\"chart-economic\""));
    // Final accounts: the 三公 actuals by component.
    assert!(final_page.contains("id=\"chart-three-public\""));
    assert!(final_page.contains("<td class=\"num\">6.20</td><td class=\"num\">80.94%</td>"));
    // The home page groups units and gives the latest total.
    let home = read(&out, "index.html");
    assert!(home.contains("<h2>湖南省</h2>") && home.contains("<h2>陕西省</h2>"));
    assert!(home.contains("1,938.09"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A copy of the rules' valid fixture as a site root, with `md_extra` appended to its text.
fn fixture_site(md_extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/valid"), dir.path());
    let md = dir.path().join("content/demo/2023-budget.md");
    let mut text = std::fs::read_to_string(&md).unwrap();
    text.push_str(md_extra);
    std::fs::write(md, text).unwrap();
    dir
}

/// `html` without its tags.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn fixture_page(out: &Path) -> String {
    read(out, "demo/2023-budget/index.html")
}

#[test]
fn markdown_is_sanitized_and_generated_figures_come_from_the_data() {
    let site = fixture_site(concat!(
        "\n机关运行经费合计{{ general_basic.total.public }}万元，占{{ pct(T07.total.basic, T07.total.total) }}。\n",
        "\n<script>alert('x')</script>\n\n<img src=\"x.png\" onerror=\"alert(1)\">\n\n",
        "[点我](javascript:alert(1))\n\n| 项目 | 金额 |\n|---|---:|\n| 合计 | 1.00 |\n",
    ));
    let out = site.path().join("public");
    build(site.path(), &out);
    let page = fixture_page(&out);
    // Generated figures: computed from the cells, two decimals, with their source cells.
    let text = strip_tags(&page);
    assert!(
        text.contains("机关运行经费合计20.00万元，占80.00%。"),
        "{text}"
    );
    assert!(
        page.contains(
            "<span class=\"fig\" title=\"数据来源：T08 一般公共预算基本支出表 › 合计 › 公用经费\">20.00</span>"
        ),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "script reached the page");
    assert!(!page.contains("onerror"), "event handler reached the page");
    assert!(
        !page.contains("javascript:"),
        "javascript: link reached the page"
    );
    assert!(
        page.contains("style=\"text-align:right\""),
        "alignment of Markdown tables kept"
    );
    // Quoted figures are shown exactly as published.
    assert!(text.contains("比上年增加10.00万元，增长11.11%"), "{text}");
}

#[test]
fn unacknowledged_errors_block_publishing_unless_allowed() {
    let site = fixture_site("");
    let md = site.path().join("content/demo/2023-budget.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(
        &md,
        text.replacen(
            "{{ 100.00 = summary.income_total.amount }}",
            "{{ 101.00 = summary.income_total.amount }}",
            1,
        ),
    )
    .unwrap();
    let out = site.path().join("public");
    let root = site.path().to_str().unwrap();
    let (code, stdout, stderr) = gongkai(&["build", root, "--color", "never"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains("narrative.figure"), "{stdout}");
    assert!(!out.exists(), "nothing is published");
    let (code, _, stderr) = gongkai(&["build", root, "--allow-errors", "--color", "never"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        out.join("index.html").is_file(),
        "default output is public/"
    );
    assert!(
        fixture_page(&out).contains("101.00"),
        "the published figure stays as printed"
    );
}

#[test]
fn a_failed_build_leaves_the_old_output() {
    let site = fixture_site("");
    let out = site.path().join("public");
    build(site.path(), &out);
    let before = files(&out);
    // A site template that does not render.
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/index.html"),
        "{% extends \"base.html\" %}{% block content %}{{ no_such_variable }}{% endblock %}",
    )
    .unwrap();
    let (code, _, stderr) = gongkai(&["build", site.path().to_str().unwrap(), "--allow-errors"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("index.html"), "{stderr}");
    assert_eq!(files(&out), before, "old output changed");
    let leftovers: Vec<PathBuf> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".public")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn site_templates_override_the_defaults() {
    let site = fixture_site("");
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>找不到</h1>{% endblock %}",
    )
    .unwrap();
    let out = site.path().join("public");
    build(site.path(), &out);
    assert!(read(&out, "404.html").contains("<h1>找不到</h1>"));
}

#[test]
fn a_sub_path_base_url_prefixes_every_link() {
    let site = fixture_site("");
    std::fs::write(
        site.path().join("gongkai.toml"),
        "title = \"示例\"\nbase_url = \"https://example.gov.cn/yjsgk/\"\n",
    )
    .unwrap();
    let out = site.path().join("public");
    build(site.path(), &out);
    let home = read(&out, "index.html");
    assert!(home.contains("href=\"/yjsgk/static/style.css\""), "{home}");
    assert!(home.contains("href=\"/yjsgk/demo/\""), "{home}");
    assert!(
        read(&out, "sitemap.xml")
            .contains("<loc>https://example.gov.cn/yjsgk/demo/2023-budget/</loc>")
    );
    assert!(read(&out, "robots.txt").contains("Sitemap: https://example.gov.cn/yjsgk/sitemap.xml"));
    for (path, bytes) in files(&out) {
        if path.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            for href in attrs(&html, "href") {
                assert!(
                    href.starts_with('#') || href.starts_with("/yjsgk/") || href == "data:,",
                    "{path}: {href}"
                );
            }
        }
    }
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_write() {
    let site = fixture_site("");
    let out = site.path().join("precious");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "keep").unwrap();
    let (code, _, stderr) = gongkai(&[
        "build",
        site.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(out.join("keep.txt").is_file());
    let (code, _, _) = gongkai(&[
        "build",
        site.path().to_str().unwrap(),
        "--out",
        site.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "the site root is never replaced");
    assert!(site.path().join("content").is_dir());
}

#[test]
fn a_unit_with_several_years_lists_them_and_charts_the_totals() {
    let site = fixture_site("");
    let demo = site.path().join("content/demo");
    let yaml = std::fs::read_to_string(demo.join("2023-budget.yaml")).unwrap();
    let older = yaml
        .replacen("year: 2023", "year: 2022", 1)
        .replace("\"100.00\"", "\"90.00\"");
    std::fs::write(demo.join("2022-budget.yaml"), older).unwrap();
    let out = site.path().join("public");
    build(site.path(), &out);
    assert!(out.join("demo/2022-budget/index.html").is_file());
    let unit = read(&out, "demo/index.html");
    let newest = unit.find("demo/2023-budget/").unwrap();
    let oldest = unit.find("demo/2022-budget/").unwrap();
    assert!(newest < oldest, "newest first");
    assert!(unit.contains("id=\"chart-years-budget\""), "{unit}");
    assert!(unit.contains("<th scope=\"row\">2022年</th><td class=\"num\">90.00</td>"));
    assert!(unit.contains("<th scope=\"row\">2023年</th><td class=\"num\">100.00</td>"));
    // The generated summary states the change from last year.
    let page = strip_tags(&fixture_page(&out));
    assert!(
        page.contains("支出预算合计100.00万元，比上年90.00万元增加10.00万元，增长11.11%。"),
        "{page}"
    );
}

/// Snapshots of each page type, built from the rules' fixture (stable, unlike the seeds
/// still being transcribed). Review changes with `cargo insta review`.
#[test]
fn page_snapshots_of_the_fixture_site() {
    let site = fixture_site("");
    let out = site.path().join("public");
    build(site.path(), &out);
    for (name, rel) in [
        ("home", "index.html"),
        ("unit", "demo/index.html"),
        ("disclosure", "demo/2023-budget/index.html"),
        ("not_found", "404.html"),
        ("sitemap", "sitemap.xml"),
        ("robots", "robots.txt"),
    ] {
        insta::assert_snapshot!(name, read(&out, rel));
    }
}
