//! What the site says about itself: `sitemap.xml` (absolute URLs with the publication
//! dates, only when `base_url` names a host), `robots.txt`, the feeds' existence (never a
//! made-up date), the footer's 主办单位 / contact / 备案号, and each disclosure's
//! publication date and original address.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
mod common;
use common::copy_dir;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const YAML: &str = "content/demo/2023-budget.yaml";

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

/// Builds `site` into `out`; the build's stderr.
fn build(site: &Path, out: &Path) -> String {
    let (code, stdout, stderr) = gongkai(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--allow-errors",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    stderr
}

/// The rules' valid fixture (one unit, `demo`, one dated budget) under `config`.
fn fixture(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/fixtures/valid"), dir.path());
    std::fs::write(dir.path().join("gongkai.toml"), config).unwrap();
    dir
}

fn edit(site: &Path, rel: &str, from: &str, to: &str) {
    let p = site.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// Adds the 2022 budget of `demo`, a copy of 2023's without a publication date.
fn add_undated_2022(site: &Path) {
    let yaml = std::fs::read_to_string(site.join(YAML)).unwrap();
    let yaml = yaml
        .replacen("year: 2023", "year: 2022", 1)
        .replacen("published: \"2023-02-20\"\n", "", 1)
        .replacen("2023年部门预算", "2022年部门预算", 1);
    assert!(!yaml.contains("published:"));
    std::fs::write(site.join("content/demo/2022-budget.yaml"), yaml).unwrap();
}

/// Every file under `dir`: relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.replace('\\', "/"), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn html_pages(out: &Path) -> BTreeMap<String, String> {
    files(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

/// `YYYY-MM-DD` or a full W3C datetime, as the sitemap protocol allows in `<lastmod>`.
fn w3c_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && (b.len() == 10 || b[10] == b'T')
}

/// `sitemap.xml` checked against the structure of the sitemaps 0.9 schema (no copy of
/// the XSD is available offline): a `urlset` of `url` elements in the namespace, each a
/// `loc` (an absolute http(s) URL under `prefix`, at most 2,048 characters, ASCII only)
/// followed by an optional `lastmod`, `changefreq`, `priority`, and nothing else.
/// Returns loc → lastmod.
fn parse_sitemap(text: &str, prefix: &str) -> BTreeMap<String, Option<String>> {
    let doc = roxmltree::Document::parse(text).expect("sitemap.xml is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some(SITEMAP_NS));
    let mut out = BTreeMap::new();
    for url in root.children().filter(|n| n.is_element()) {
        assert_eq!(url.tag_name().name(), "url");
        assert_eq!(url.tag_name().namespace(), Some(SITEMAP_NS));
        let kids: Vec<_> = url.children().filter(|n| n.is_element()).collect();
        let names: Vec<&str> = kids.iter().map(|k| k.tag_name().name()).collect();
        assert!(
            matches!(names.as_slice(), ["loc"] | ["loc", "lastmod"]),
            "{names:?}"
        );
        assert!(
            kids.iter()
                .all(|k| k.tag_name().namespace() == Some(SITEMAP_NS))
        );
        let loc = kids[0].text().unwrap_or("").to_string();
        assert!(
            loc.starts_with(prefix),
            "not absolute under {prefix}: {loc}"
        );
        assert!(
            loc.len() <= 2048 && loc.is_ascii() && !loc.contains(' '),
            "{loc}"
        );
        let lastmod = kids.get(1).map(|k| k.text().unwrap_or("").to_string());
        if let Some(d) = &lastmod {
            assert!(w3c_date(d), "lastmod {d}");
            assert!(!d.starts_with("1970"), "{loc}: {d}");
        }
        assert!(out.insert(loc.clone(), lastmod).is_none(), "{loc} twice");
    }
    assert!(!out.is_empty() && out.len() <= 50_000);
    out
}

#[test]
fn sitemap_lists_absolute_urls_with_publication_dates_and_robots_names_it() {
    let site = fixture("title = \"示例\"\nbase_url = \"https://example.gov.cn/yjsgk\"\n");
    add_undated_2022(site.path());
    let out = site.path().join("public");
    let stderr = build(site.path(), &out);
    assert!(!stderr.contains("sitemap"), "{stderr}");
    let prefix = "https://example.gov.cn/yjsgk/";
    let urls = parse_sitemap(
        &std::fs::read_to_string(out.join("sitemap.xml")).unwrap(),
        prefix,
    );
    let unit = format!("{prefix}demo/");
    // Every page of the site, and only pages.
    let pages: BTreeSet<String> = html_pages(&out)
        .into_keys()
        .filter(|p| p.ends_with("index.html"))
        .map(|p| p.strip_suffix("index.html").unwrap().to_string())
        .collect();
    assert!(pages.len() >= 5, "{pages:?}");
    assert_eq!(urls.len(), pages.len(), "{urls:#?}\n{pages:#?}");
    for page in &pages {
        assert!(urls.contains_key(&format!("{prefix}{page}")), "{page}");
    }
    // The publication date where the source records one, nothing elsewhere.
    assert_eq!(
        urls.get(&format!("{unit}2023-budget/")),
        Some(&Some("2023-02-20".to_string())),
        "{urls:#?}"
    );
    assert_eq!(urls.get(&format!("{unit}2022-budget/")), Some(&None));
    assert_eq!(urls.get(prefix), Some(&None));
    assert_eq!(urls.get(&unit), Some(&None));
    assert_eq!(
        urls.values().filter(|d| d.is_some()).count(),
        1,
        "{urls:#?}"
    );
    let unit_page = std::fs::read_to_string(out.join("demo/index.html")).unwrap();
    assert!(unit_page.contains("1 份公开文件原文未注明公开日期，不在订阅中"));
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(
        robots
            .lines()
            .any(|l| l == "Sitemap: https://example.gov.cn/yjsgk/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn without_a_host_there_is_no_sitemap_and_build_says_why() {
    let site = fixture("title = \"示例\"\nbase_url = \"https://example.gov.cn/a/\"\n");
    let out = site.path().join("public");
    build(site.path(), &out);
    assert!(out.join("sitemap.xml").is_file());
    // The same output built again with a path only: the sitemap goes.
    std::fs::write(
        site.path().join("gongkai.toml"),
        "title = \"示例\"\nbase_url = \"/a/\"\n",
    )
    .unwrap();
    let stderr = build(site.path(), &out);
    assert!(!out.join("sitemap.xml").exists());
    assert!(
        stderr.contains("未生成 sitemap.xml") && stderr.contains("base_url（/a/）"),
        "{stderr}"
    );
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(!robots.contains("Sitemap"), "{robots}");
    assert!(robots.contains("User-agent: *"));
    for (path, html) in html_pages(&out) {
        assert!(!html.contains("sitemap.xml"), "{path}");
    }
}

#[test]
fn no_feed_and_no_feed_link_while_no_disclosure_has_a_date_and_never_1970() {
    let site = fixture("title = \"示例\"\n");
    edit(site.path(), YAML, "published: \"2023-02-20\"\n", "");
    let out = site.path().join("public");
    build(site.path(), &out);
    let all = files(&out);
    assert!(!all.contains_key("feed.xml"));
    assert!(!all.contains_key("demo/feed.xml"));
    for (path, bytes) in &all {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("1970"), "{path} shows 1970");
        if path.ends_with(".html") {
            assert!(!text.contains("feed.xml"), "{path} links a feed");
            assert!(!text.contains("application/atom+xml"), "{path}");
            assert!(!text.contains("订阅"), "{path}");
        }
    }

    // Dated again and rebuilt into the same output: the feeds appear, and every page —
    // including those of units carried over from the previous build — links the site's.
    let other = site.path().join("content/other");
    copy_dir(&site.path().join("content/demo"), &other);
    edit(
        site.path(),
        "content/other/unit.yaml",
        "name:",
        "name: 另一",
    );
    build(site.path(), &out);
    edit(
        site.path(),
        YAML,
        "amount_unit:",
        "published: \"2023-02-20\"\namount_unit:",
    );
    build(site.path(), &out);
    let pages = html_pages(&out);
    assert!(out.join("feed.xml").is_file());
    assert!(out.join("demo/feed.xml").is_file());
    assert!(!out.join("other/feed.xml").exists(), "no dated disclosure");
    for (path, html) in &pages {
        assert!(
            html.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"示例：新公开文件\" href=\"/feed.xml\">"),
            "{path}"
        );
    }
    assert!(pages["demo/index.html"].contains("href=\"/demo/feed.xml\""));
    assert!(pages["demo/2023-budget/index.html"].contains("href=\"/demo/feed.xml\""));
    assert!(!pages["other/index.html"].contains("other/feed.xml"));
    assert!(!pages["other/2023-budget/index.html"].contains("other/feed.xml"));
    for (path, bytes) in files(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("1970"),
            "{path} shows 1970"
        );
    }
}

#[test]
fn the_footer_shows_the_configured_organizer_contact_and_icp_on_every_page() {
    let site = fixture(concat!(
        "title = \"示例\"\n",
        "organizer = \"示例县医疗保障局\"\n",
        "contact = \"电话 0734-1234567\"\n",
        "icp = \"湘ICP备12345678号-1\"\n",
    ));
    let out = site.path().join("public");
    build(site.path(), &out);
    let pages = html_pages(&out);
    assert!(pages.len() >= 5, "{:?}", pages.keys());
    for (path, html) in &pages {
        let footer = &html[html.find("<footer").unwrap_or_else(|| panic!("{path}"))..];
        for text in [
            "主办单位：示例县医疗保障局",
            "联系方式：电话 0734-1234567",
            "备案号：湘ICP备12345678号-1",
        ] {
            assert!(footer.contains(text), "{path}: {text}");
        }
    }

    // Only what is configured; nothing at all without any.
    std::fs::write(
        site.path().join("gongkai.toml"),
        "title = \"示例\"\nicp = \"湘ICP备12345678号\"\n",
    )
    .unwrap();
    build(site.path(), &out);
    for (path, html) in html_pages(&out) {
        assert!(html.contains("备案号：湘ICP备12345678号"), "{path}");
        assert!(
            !html.contains("主办单位") && !html.contains("联系方式"),
            "{path}"
        );
    }
    std::fs::write(site.path().join("gongkai.toml"), "title = \"示例\"\n").unwrap();
    build(site.path(), &out);
    for (path, html) in html_pages(&out) {
        assert!(
            !html.contains("site-owner") && !html.contains("备案号"),
            "{path}"
        );
    }

    // An empty value is a configuration error, in Chinese.
    std::fs::write(
        site.path().join("gongkai.toml"),
        "title = \"示例\"\norganizer = \"\"\n",
    )
    .unwrap();
    let (code, _, stderr) = gongkai(&["build", site.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("organizer 不能为空"), "{stderr}");
}

#[test]
fn a_disclosure_page_shows_its_publication_date_and_links_the_original() {
    let site = fixture("title = \"示例\"\n");
    edit(
        site.path(),
        YAML,
        "amount_unit:",
        "source_url: \"https://www.example.gov.cn/zwgk/ys/2023?id=7&t=1\"\namount_unit:",
    );
    let out = site.path().join("public");
    build(site.path(), &out);
    let page = std::fs::read_to_string(out.join("demo/2023-budget/index.html")).unwrap();
    assert!(
        page.contains("<dt>公开日期</dt><dd><time datetime=\"2023-02-20\">2023-02-20</time></dd>"),
        "{page}"
    );
    assert!(
        page.contains(
            "<a class=\"source-url\" href=\"https://www.example.gov.cn/zwgk/ys/2023?id=7&amp;t=1\""
        ),
        "{page}"
    );

    // Without them, neither is shown.
    edit(
        site.path(),
        YAML,
        "source_url: \"https://www.example.gov.cn/zwgk/ys/2023?id=7&t=1\"\n",
        "",
    );
    edit(site.path(), YAML, "published: \"2023-02-20\"\n", "");
    build(site.path(), &out);
    let page = std::fs::read_to_string(out.join("demo/2023-budget/index.html")).unwrap();
    assert!(!page.contains("公开日期") && !page.contains("source-url"));
}
