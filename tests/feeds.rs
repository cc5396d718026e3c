//! The Atom feeds of a built site (`feed.xml`, `<unit>/feed.xml`): every feed validates
//! against the RELAX NG schema of RFC 4287 (`tests/schema/atom.rnc`, checked with jing)
//! and the two schematron rules the schema states; entries are exactly the dated
//! disclosures, newest first by the sources' publication date; ids are unique, stable
//! across base paths and identical in the site and unit feeds; every link resolves to a
//! built page; hostile text is escaped; pages link the feeds; two builds are identical.
//!
//! The seeds record no publication date, so the tests date them here (test data only).
//! Needs jing (`scripts/install-test-tools`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
mod common;
use common::copy_dir;

const SCHEMA: &str = "tests/schema/atom.rnc";
const ATOM: &str = "http://www.w3.org/2005/Atom";

/// Publication dates given to the seeds (xixiang-ybzx stays undated), and a second
/// hengshan-ybj disclosure (2022) made from its 2023 budget.
const DATES: &[(&str, &str, &str)] = &[
    ("hengshan-ybj", "2023-budget", "2023-02-20"),
    ("hengshan-ybj", "2022-budget", "2022-03-01"),
    ("hengyang-ybj", "2022-final", "2023-09-01"),
    ("hetang-ybj", "2023-budget", "2023-03-15"),
    ("kaifu-ybj", "2023-budget", "2023-03-15"),
];

fn set_published(yaml: &str, date: &str) -> String {
    let mut out = String::new();
    for line in yaml.lines() {
        out.push_str(line);
        out.push('\n');
        if line.starts_with("amount_unit:") {
            out.push_str(&format!("published: \"{date}\"\n"));
        }
    }
    assert!(out.contains("published:"), "no amount_unit line");
    out
}

/// The seeds with the dates above, under `config` (the text of gongkai.toml).
fn dated_site(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(Path::new("content"), &root.join("content"));
    std::fs::write(root.join("gongkai.toml"), config).unwrap();
    let hengshan = root.join("content/hengshan-ybj");
    let yaml = std::fs::read_to_string(hengshan.join("2023-budget.yaml")).unwrap();
    std::fs::write(
        hengshan.join("2022-budget.yaml"),
        yaml.replacen("year: 2023", "year: 2022", 1),
    )
    .unwrap();
    for (slug, stem, date) in DATES {
        let p = root.join(format!("content/{slug}/{stem}.yaml"));
        let yaml = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, set_published(&yaml, date)).unwrap();
    }
    dir
}

fn gongkai(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn build(root: &Path, out: &Path) {
    let r = gongkai(&[
        "build",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--allow-errors",
    ]);
    assert!(
        r.status.success(),
        "build failed: {}{}",
        String::from_utf8_lossy(&r.stdout),
        String::from_utf8_lossy(&r.stderr)
    );
}

fn feeds(out: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.file_name().is_some_and(|n| n == "feed.xml"))
        .collect();
    v.sort();
    v
}

/// Every feed through jing against RFC 4287's schema.
fn assert_valid_atom(out: &Path) {
    let files = feeds(out);
    assert_eq!(
        files.len(),
        5,
        "the site feed and one per unit with a dated disclosure: {files:?}"
    );
    let r = Command::new("jing")
        .arg("-c")
        .arg(SCHEMA)
        .args(&files)
        .output()
        .expect("jing (run scripts/install-test-tools)");
    let report = String::from_utf8_lossy(&r.stdout);
    assert!(
        r.status.success() && report.trim().is_empty(),
        "RELAX NG errors:\n{report}"
    );
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    id: String,
    title: String,
    updated: String,
    published: String,
    link: String,
    summary: String,
}

#[derive(Debug)]
struct Feed {
    id: String,
    updated: String,
    self_link: String,
    entries: Vec<Entry>,
}

fn child_text(n: roxmltree::Node, name: &str) -> String {
    n.children()
        .find(|c| c.has_tag_name((ATOM, name)))
        .and_then(|c| c.text())
        .unwrap_or_else(|| panic!("no <{name}>"))
        .to_string()
}

fn link(n: roxmltree::Node, rel: &str) -> String {
    n.children()
        .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some(rel))
        .and_then(|c| c.attribute("href"))
        .unwrap_or_else(|| panic!("no link rel={rel}"))
        .to_string()
}

/// Parses a feed, checking what the schema's schematron rules say: an author on the
/// feed or on every entry, an alternate link on every entry.
fn parse(path: &Path) -> Feed {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    let feed_author = feed.children().any(|c| c.has_tag_name((ATOM, "author")));
    let entries = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|e| {
            assert!(
                feed_author || e.children().any(|c| c.has_tag_name((ATOM, "author"))),
                "entry without author"
            );
            Entry {
                id: child_text(e, "id"),
                title: child_text(e, "title"),
                updated: child_text(e, "updated"),
                published: child_text(e, "published"),
                link: link(e, "alternate"),
                summary: child_text(e, "summary"),
            }
        })
        .collect();
    Feed {
        id: child_text(feed, "id"),
        updated: child_text(feed, "updated"),
        self_link: link(feed, "self"),
        entries,
    }
}

/// The page a link points at exists in `out` (`prefix` is stripped first).
fn assert_resolves(out: &Path, prefix: &str, href: &str) {
    let rel = href
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{href} not under {prefix}"));
    let file = if rel.is_empty() || rel.ends_with('/') {
        out.join(rel).join("index.html")
    } else {
        out.join(rel)
    };
    assert!(file.is_file(), "{href}: no {}", file.display());
}

#[test]
fn feeds_validate_list_dated_disclosures_newest_first_and_link_built_pages() {
    let site = dated_site("title = \"医保公开\"\nbase_url = \"https://example.gov.cn/yjsgk/\"\n");
    let out = site.path().join("public");
    build(site.path(), &out);
    assert_valid_atom(&out);
    let prefix = "https://example.gov.cn/yjsgk/";

    let all = parse(&out.join("feed.xml"));
    assert_eq!(all.id, format!("{prefix}feed.xml"));
    assert_eq!(all.self_link, format!("{prefix}feed.xml"));
    // Exactly the dated disclosures, newest first; a tie on the date goes by unit folder.
    let order: Vec<&str> = all.entries.iter().map(|e| e.link.as_str()).collect();
    assert_eq!(
        order,
        [
            "https://example.gov.cn/yjsgk/hengyang-ybj/2022-final/",
            "https://example.gov.cn/yjsgk/hetang-ybj/2023-budget/",
            "https://example.gov.cn/yjsgk/kaifu-ybj/2023-budget/",
            "https://example.gov.cn/yjsgk/hengshan-ybj/2023-budget/",
            "https://example.gov.cn/yjsgk/hengshan-ybj/2022-budget/",
        ]
    );
    let dates: Vec<&str> = all.entries.iter().map(|e| e.updated.as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    assert_eq!(dates[0], "2023-09-01T00:00:00+08:00");
    assert_eq!(
        all.updated, dates[0],
        "the feed is as new as its newest entry"
    );
    for e in &all.entries {
        assert_eq!(e.published, e.updated);
        assert_eq!(e.id, e.link, "with a host, ids are the page URLs");
        assert_resolves(&out, prefix, &e.link);
    }
    let ids: BTreeSet<&str> = all.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), all.entries.len(), "ids unique");
    // The summary states the key figures as printed.
    let hengshan = &all.entries[3];
    assert_eq!(hengshan.title, "衡山县医疗保障局2023年部门预算");
    assert!(
        hengshan.summary.contains("本年支出合计629.76万元"),
        "{}",
        hengshan.summary
    );
    let xixiang = std::fs::read_to_string("content/xixiang-ybzx/2023-budget.yaml").unwrap();
    assert!(!xixiang.contains("published:"));
    assert!(
        !order.iter().any(|l| l.contains("xixiang")),
        "undated: left out"
    );

    // Each unit's feed: its own dated disclosures, the same entries as the site feed.
    let by_id: BTreeMap<&str, &Entry> = all.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut in_units = 0;
    for path in feeds(&out) {
        let rel = path
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel == "feed.xml" {
            continue;
        }
        let slug = rel.strip_suffix("/feed.xml").unwrap();
        let f = parse(&path);
        assert_eq!(f.id, format!("{prefix}{rel}"));
        assert_resolves(&out, prefix, &link_of(&path, "alternate"));
        for e in &f.entries {
            assert!(
                e.link.starts_with(&format!("{prefix}{slug}/")),
                "{rel}: {e:?}"
            );
            assert_eq!(
                by_id.get(e.id.as_str()),
                Some(&e),
                "{rel}: same entry as the site feed"
            );
        }
        in_units += f.entries.len();
        match slug {
            "hengshan-ybj" => {
                assert_eq!(f.entries.len(), 2);
                assert!(f.entries[0].updated > f.entries[1].updated);
                assert_eq!(f.updated, f.entries[0].updated);
            }
            _ => assert_eq!(f.entries.len(), 1, "{rel}"),
        }
    }
    assert_eq!(in_units, all.entries.len());
    // A unit without a dated disclosure has no feed: Atom needs a date, and neither the
    // clock nor the epoch is one.
    assert!(!out.join("xixiang-ybzx/feed.xml").exists());
    assert_eq!(feeds(&out).len(), 5, "the site's and four units'");

    // Autodiscovery in the heads and visible links.
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"医保公开：新公开文件\" href=\"/yjsgk/feed.xml\">"
    ));
    assert!(home.contains("<a href=\"/yjsgk/feed.xml\">订阅新公开的文件（Atom）</a>"));
    let unit = std::fs::read_to_string(out.join("xixiang-ybzx/index.html")).unwrap();
    assert!(!unit.contains("xixiang-ybzx/feed.xml"), "no feed, no link");
    assert!(unit.contains("href=\"/yjsgk/feed.xml\""), "the site's feed");
    let unit = std::fs::read_to_string(out.join("hengshan-ybj/index.html")).unwrap();
    assert!(unit.contains("type=\"application/atom+xml\" title=\"衡山县医疗保障局：新公开文件\" href=\"/yjsgk/hengshan-ybj/feed.xml\""));
    assert!(
        unit.contains(
            "<a href=\"/yjsgk/hengshan-ybj/feed.xml\">订阅本单位新公开的文件（Atom）</a>"
        )
    );
    let page = std::fs::read_to_string(out.join("hengshan-ybj/2023-budget/index.html")).unwrap();
    assert!(page.contains("href=\"/yjsgk/hengshan-ybj/feed.xml\""));

    // Deterministic: a second build gives the same bytes.
    let again = site.path().join("again");
    build(site.path(), &again);
    for path in feeds(&out) {
        let rel = path.strip_prefix(&out).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(again.join(rel)).unwrap(),
            "{}",
            rel.display()
        );
    }
}

fn link_of(path: &Path, rel: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    link(doc.root_element(), rel)
}

/// Without a host, ids are `tag:` URIs of `feed_authority` and the page's path: the
/// same under any base path, while links follow the base path.
#[test]
fn without_a_host_ids_are_tag_uris_that_survive_a_move() {
    let mut seen = Vec::new();
    for base in ["/", "/yjsgk/"] {
        let site = dated_site(&format!(
            "title = \"医保公开\"\nbase_url = \"{base}\"\nfeed_authority = \"ybj.example.gov.cn,2024\"\n"
        ));
        let out = site.path().join("public");
        build(site.path(), &out);
        assert_valid_atom(&out);
        let f = parse(&out.join("feed.xml"));
        assert_eq!(f.id, "tag:ybj.example.gov.cn,2024:feed.xml");
        assert_eq!(f.self_link, format!("{base}feed.xml"));
        for e in &f.entries {
            let path = e.id.strip_prefix("tag:ybj.example.gov.cn,2024:").unwrap();
            assert_eq!(e.link, format!("{base}{path}"));
            assert_resolves(&out, base, &e.link);
        }
        seen.push(f.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>());
    }
    assert_eq!(seen[0].len(), 5);
    assert_eq!(seen[0], seen[1], "ids do not depend on the base path");

    // Without feed_authority: the documented default.
    let site = dated_site("title = \"医保公开\"\n");
    let out = site.path().join("public");
    build(site.path(), &out);
    let f = parse(&out.join("hengyang-ybj/feed.xml"));
    assert_eq!(
        f.entries[0].id,
        "tag:gongkai.invalid,2026:hengyang-ybj/2022-final/"
    );
}

/// Markup, quotes and a control character in the sources come out as text, and the
/// feed stays valid.
#[test]
fn hostile_text_is_escaped() {
    let site = dated_site("title = \"医保 <公开> & \\\"订阅\\\"\"\n");
    let yaml = site.path().join("content/hetang-ybj/2023-budget.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let title = "株洲市荷塘区医疗保障局2023年部门预算</title><script>alert('x')</script>&amp;\\x01";
    let text = text
        .lines()
        .map(|l| {
            if l.starts_with("title:") {
                format!("title: \"{title}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&yaml, text).unwrap();
    let out = site.path().join("public");
    build(site.path(), &out);
    assert_valid_atom(&out);
    let f = parse(&out.join("hetang-ybj/feed.xml"));
    assert_eq!(
        f.entries[0].title,
        "株洲市荷塘区医疗保障局2023年部门预算</title><script>alert('x')</script>&amp;\u{FFFD}"
    );
    let raw = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    assert!(!raw.contains("<script>"));
    assert!(raw.contains(
        "<title>医保 &lt;公开&gt; &amp; &quot;订阅&quot;：新公开的部门预算和决算</title>"
    ));
}

/// A date that is not on the calendar is an error of `check`, and the feed refuses it
/// rather than writing an invalid date.
#[test]
fn an_impossible_date_is_refused() {
    let site = dated_site("title = \"医保公开\"\n");
    let yaml = site.path().join("content/hetang-ybj/2023-budget.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replace("2023-03-15", "2023-02-30")).unwrap();
    let r = gongkai(&["check", site.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(stdout.contains("value.date"), "{stdout}");
    let out = site.path().join("public");
    let r = gongkai(&[
        "build",
        site.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--allow-errors",
    ]);
    assert!(!r.status.success());
    let msg = format!(
        "{}{}",
        String::from_utf8_lossy(&r.stdout),
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(msg.contains("公开日期 `2023-02-30` 不是有效日期"), "{msg}");
    assert!(!out.join("feed.xml").exists());
}
