//! `gongkai build`: the seed site is complete, deterministic and self-contained; figures
//! come from the model; the Markdown is sanitized; a failed build leaves the old output.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
mod common;
use common::copy_dir;

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
            if let Some(stem) = name.strip_suffix(".yaml")
                && (stem.ends_with("-budget") || stem.ends_with("-final"))
            {
                out.push(format!("{slug}/{stem}/index.html"));
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
    for f in ["robots.txt", "static/style.css"] {
        assert!(fa.contains_key(f), "missing {f}");
    }
    // The seeds' base_url is a path: a sitemap needs absolute URLs (tests/site_meta.rs).
    assert!(!fa.contains_key("sitemap.xml"));
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
    let templates = gongkai::model::templates::Templates::builtin().unwrap();
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
            "财政拨款支出年初预算1,868.74万元表T10，决算1,932.33万元表T10，完成年初预算的103.40%。"
        ),
        "{final_text}"
    );
    assert!(
        strip_tags(&page)
            .contains("“三公”经费预算14.00万元表T15，其中：因公出国（境）费0.00万元表T15")
    );
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
        text.contains("机关运行经费合计20.00万元表T08，占80.00%表T07。"),
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
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            // Kept on purpose beside the output: the indexes' shares (`site::shares`) and the
            // previous output, the next build's directory (`publish::Writer`).
            name.starts_with(".public")
                && name != ".public.gongkai-cache"
                && name != ".public.standby"
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
fn a_unit_folder_named_like_a_site_output_is_refused() {
    let site = fixture_site("");
    let mut from = site.path().join("content/demo");
    for name in ["schemas", "static", "compare"] {
        let to = site.path().join("content").join(name);
        std::fs::rename(&from, &to).unwrap();
        from = to;
        let out = site.path().join("public");
        let (code, _, stderr) = gongkai(&[
            "build",
            site.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("单位目录名 `{name}` 与网站自身的输出重名")),
            "{name}: {stderr}"
        );
        assert!(!out.exists(), "{name}: nothing published");
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
        page.contains("支出预算合计100.00万元表T01，比上年90.00万元增加10.00万元，增长11.11%。"),
        "{page}"
    );
}

/// Snapshots of each page type, built from the rules' fixture (stable, unlike the seeds
/// still being transcribed). Review changes with `cargo insta review`.
#[test]
fn page_snapshots_of_the_fixture_site() {
    let site = fixture_site("");
    // A host (at the root, so links are as with `/`): the sitemap exists.
    std::fs::write(
        site.path().join("gongkai.toml"),
        "title = \"部门预决算公开\"\nbase_url = \"https://example.gov.cn/\"\n",
    )
    .unwrap();
    let out = site.path().join("public");
    build(site.path(), &out);
    for (name, rel) in [
        ("home", "index.html"),
        ("unit", "demo/index.html"),
        ("disclosure", "demo/2023-budget/index.html"),
        ("not_found", "404.html"),
        ("sitemap", "sitemap.xml"),
        ("robots", "robots.txt"),
        ("compare", "compare/2023-budget/index.html"),
        ("compare_index", "compare/index.html"),
        ("feed", "feed.xml"),
        ("unit_feed", "demo/feed.xml"),
    ] {
        insta::assert_snapshot!(name, read(&out, rel));
    }
}

/// `html`'s text: tags removed, the entities gongkai and ammonia write decoded.
fn page_text(html: &str) -> String {
    strip_tags(html)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Nothing of the author's text is lost when the explanation is cut into sections and
/// reordered: every piece of prose of each source's Markdown (its text events, figures
/// replaced by their published values) is on the page, each occurrence counted once.
#[test]
fn every_character_of_the_authors_text_is_on_the_page() {
    use pulldown_cmark::{Event, Options, Parser};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(Path::new("."), &out);
    let report =
        gongkai::check::check(&gongkai::source::resolve_root(Path::new(".")).unwrap()).unwrap();
    let mut checked = 0;
    for unit in &report.site.units {
        for d in &unit.disclosures {
            let Some(text) = &d.text else { continue };
            let rel = format!("{}/{}-{}/index.html", unit.slug, d.year, d.kind.as_str());
            // The markers of findings (`※3`, a computed value) are the page's, not the
            // author's: they sit between the author's words.
            let mut html = read(&out, &rel);
            for (open, close) in [
                ("<a class=\"flag", "</a>"),
                ("<span class=\"computed\">", "</span>"),
            ] {
                while let Some(at) = html.find(open) {
                    let end = at + html[at..].find(close).unwrap() + close.len();
                    html.replace_range(at..end, "");
                }
            }
            let mut page: String = page_text(&html)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let md = gongkai::views::markdown::substitute_figures(d, &text.markdown);
            let opts = Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES;
            let mut pieces: Vec<String> = Parser::new_ext(&md, opts)
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => {
                        Some(t.chars().filter(|c| !c.is_whitespace()).collect())
                    }
                    _ => None,
                })
                .filter(|t: &String| !t.is_empty())
                .collect();
            // Longest first, each removed once found: a repeated piece must be there as
            // often as it is written.
            pieces.sort_by_key(|p| std::cmp::Reverse(p.len()));
            for p in &pieces {
                let at = page.find(p.as_str());
                assert!(
                    at.is_some(),
                    "{rel}: the author's text «{p}» is not on the page"
                );
                let at = at.unwrap();
                page.replace_range(at..at + p.len(), "\u{0}");
                checked += p.chars().count();
            }
        }
    }
    assert!(checked > 10_000, "only {checked} characters checked");
}

/// Figures link to their table rows, rows carry stable ids, the explanation follows the
/// standard order, and final accounts chart budget against actual per 项.
#[test]
fn provenance_links_standard_sections_and_the_budget_vs_actual_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(Path::new("."), &out);
    let page = read(&out, "hengshan-ybj/2023-budget/index.html");
    // Rows have ids; the generated text and the author's figures link to them.
    assert!(page.contains("<tr id=\"T07-2101501\""), "row ids");
    assert!(page.contains("<sup class=\"src\"><a href=\"#T08-total\""));
    let text = page_text(&page);
    assert!(
        text.contains("2023年本部门机关运行经费94.86万元表T08，比上年"),
        "{text}"
    );
    // hunan-budget's optional 一般公共预算基本支出表 follows 一般公共预算支出表, not the extras.
    let t07 = page.find("id=\"table-t07\"").unwrap();
    let t08 = page.find("id=\"table-t08\"").unwrap();
    let t04 = page.find("id=\"table-t04\"").unwrap();
    assert!(t07 < t08, "general_basic after general_expenditure");
    assert!(
        !page[t08..]
            .split("</section>")
            .next()
            .unwrap()
            .contains("特有表格")
    );
    assert!(t04 < t07);
    // Sections in the standard order, generated text before the author's.
    let expl = &page[page.find("id=\"part-explanation\"").unwrap()..];
    let order: Vec<usize> = [
        "id=\"totals\"",
        "id=\"income\"",
        "id=\"expenditure\"",
        "id=\"general-budget\"",
        "id=\"basic\"",
        "id=\"project\"",
        "id=\"fund\"",
        "id=\"state-capital\"",
        "id=\"other-matters\"",
        "id=\"running-costs\"",
        "id=\"three-public\"",
        "id=\"meetings-training\"",
        "id=\"procurement\"",
        "id=\"assets\"",
        "id=\"performance\"",
        "id=\"glossary\"",
    ]
    .iter()
    .map(|id| expl.find(id).unwrap_or_else(|| panic!("no {id}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let running = &expl[order[9]..order[10]];
    let generated = running
        .find("机关运行经费（一般公共预算基本支出中的公用经费）预算")
        .unwrap();
    let authors = running.find("（一）机关运行经费").unwrap();
    assert!(generated < authors);
    // Final accounts: 三公 after 机关运行经费 (the source has them the other way round),
    // each 项 with budget, actual and rate.
    let fin = read(&out, "hengyang-ybj/2022-final/index.html");
    let fexpl = &fin[fin.find("id=\"part-explanation\"").unwrap()..];
    assert!(
        fexpl.find("id=\"running-costs\"").unwrap() < fexpl.find("id=\"three-public\"").unwrap()
    );
    assert!(
        fexpl.find("id=\"state-capital\"").unwrap()
            < fexpl.find("id=\"budget-vs-actual\"").unwrap()
    );
    let ftext = page_text(&fin);
    assert!(
        ftext.contains(
            "行政运行（2101501）：年初预算679.11万元表T10，决算1,193.56万元表T10，完成率175.75%。"
        ),
        "{ftext}"
    );
    assert!(ftext.contains("年初预算为零，无法计算完成率"));
    // The chart: two bars per 项 (light and dark fills), titled, figures in a table.
    let chart = &fin[fin.find("id=\"chart-budget-vs-actual\"").unwrap()..];
    let chart = &chart[..chart.find("</section>").unwrap()];
    assert!(chart.contains("<title id=\"chart-budget-vs-actual-title\">"));
    assert!(chart.contains("<desc id=\"chart-budget-vs-actual-desc\">"));
    assert!(
        chart.contains("#D9D9D9") && chart.contains("#1F4E79"),
        "two fills"
    );
    assert!(chart.contains(
        "<td class=\"code\">2101501</td><th scope=\"row\">行政运行</th><td class=\"num\">679.11</td><td class=\"num\">1,193.56</td><td class=\"num\">175.75%</td>"
    ), "{chart}");
    assert!(chart.contains("<td class=\"num\">79</td><td class=\"num\">—</td>"));
    // No page has a duplicate id.
    for (rel, bytes) in files(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let mut seen = BTreeSet::new();
        for id in attrs(&html, "id") {
            assert!(seen.insert(id.to_string()), "{rel}: duplicate id {id}");
        }
    }
}

/// Snapshots of each page type built from the seeds: home, a unit, each disclosure, 404.
#[test]
fn page_snapshots_of_the_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(Path::new("."), &out);
    let mut pages = vec![
        ("seed_home".to_string(), "index.html".to_string()),
        (
            "seed_unit".to_string(),
            "hengyang-ybj/index.html".to_string(),
        ),
        ("seed_not_found".to_string(), "404.html".to_string()),
        (
            "seed_compare_2023-budget".to_string(),
            "compare/2023-budget/index.html".to_string(),
        ),
    ];
    for p in expected_pages() {
        let parts: Vec<&str> = p.split('/').collect();
        if parts.len() == 3 {
            pages.push((format!("seed_{}_{}", parts[0], parts[1]), p.clone()));
        }
    }
    pages.sort();
    assert_eq!(pages.len(), 9, "{pages:?}");
    for (name, rel) in pages {
        insta::assert_snapshot!(name, read(&out, &rel));
    }
}

/// The seed site, file by file, is the output of the commit before the layer
/// restructuring (`tests/golden/seed-output.xxh3`: an XXH3-128 digest and the path of
/// every published file). The manifest is left out: it records the executable's key,
/// which any rebuild of the program changes. `UPDATE_GOLDEN=1` rewrites the listing;
/// only do so for a change meant to alter the output, and say why in the commit.
#[test]
fn seed_output_is_byte_identical_to_the_golden_listing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(Path::new(env!("CARGO_MANIFEST_DIR")), &out);
    let mut listing = String::new();
    for (rel, bytes) in files(&out) {
        if rel == ".gongkai-manifest.json" {
            continue;
        }
        let digest = xxhash_rust::xxh3::xxh3_128(&bytes);
        listing.push_str(&format!("{digest:032x}  {rel}\n"));
    }
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/seed-output.xxh3");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &listing).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).expect("tests/golden/seed-output.xxh3");
    let (want, got): (BTreeSet<&str>, BTreeSet<&str>) =
        (expected.lines().collect(), listing.lines().collect());
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "output differs from tests/golden/seed-output.xxh3\nexpected, not built:\n{missing:#?}\nbuilt, not expected:\n{extra:#?}"
    );
}

#[test]
fn a_table_footnote_is_printed_under_its_table() {
    let site = fixture_site("");
    let yaml = site.path().join("content/demo/2023-budget.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let text = text.replacen(
        "title: 政府性基金预算支出表, status: empty",
        "title: 政府性基金预算支出表, footnote: \"注：本单位无政府性基金预算收支<此表为空>。\", status: empty",
        1,
    );
    std::fs::write(&yaml, text).unwrap();
    let out = site.path().join("public");
    build(site.path(), &out);
    let page = fixture_page(&out);
    let at = page
        .find("<p class=\"footnote\">注：本单位无政府性基金预算收支&lt;此表为空&gt;。</p>")
        .unwrap_or_else(|| panic!("footnote missing or unescaped:\n{page}"));
    // Under its own table: after the fund table's title, before the next table.
    let table = page
        .find("id=\"table-t16\"")
        .expect("the fund table's section");
    let next = page[table..]
        .find("<section class=\"pub-table")
        .map_or(page.len(), |i| table + i);
    assert!(table < at && at < next, "footnote not under its table");
}
