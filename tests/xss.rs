//! Hostile sources: XSS payloads in every kind of field are built into a site and opened
//! in headless Chromium; no script runs, no event handler or `javascript:`/`data:` URL
//! reaches the page (checked by tests/browser/pages.mjs on every page).

use std::path::Path;
use std::process::Command;
mod common;
use common::copy_dir;

/// Payloads: each one sets `window.__xss` or opens a dialog if it ever runs.
const PAYLOADS: &[&str] = &[
    "<script>window.__xss=1</script>",
    "<img src=\"data:,x\" onerror=\"window.__xss=2\">",
    "<svg onload=\"window.__xss=3\"></svg>",
    "\"><script>window.__xss=4</script>",
    "'><img src=https://tracker.example/p.gif onerror=alert(5)>",
    "<a href=\"javascript:window.__xss=6\">点此</a>",
    "<iframe src=\"javascript:alert(7)\"></iframe>",
    "<a href=\"data:text/html,<script>alert(8)</script>\">数据</a>",
    "</title><script>alert(9)</script>",
    "<style>@import 'javascript:alert(10)'</style>",
    "{{ 1 }}<body onload=alert(11)>",
    "]]><script>alert(12)</script>",
];

fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn replace(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "`{from}` not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn payloads_in_every_field_run_no_script() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(
        Path::new("tests/fixtures/valid/content"),
        &root.join("content"),
    );
    std::fs::write(
        root.join("gongkai.toml"),
        format!("title = {}\nbase_url = \"/\"\n", yaml_str(PAYLOADS[0])),
    )
    .unwrap();
    let unit = root.join("content/demo/unit.yaml");
    let yaml = root.join("content/demo/2023-budget.yaml");
    let md = root.join("content/demo/2023-budget.md");
    let p = |i: usize| yaml_str(PAYLOADS[i % PAYLOADS.len()]);
    // The unit.
    replace(&unit, "name: 示例县医疗保障局", &format!("name: {}", p(1)));
    replace(
        &unit,
        "region: 湖南省示例市示例县",
        &format!("region: {}", p(2)),
    );
    replace(
        &unit,
        "parent: 示例县人民政府",
        &format!("parent: {}", p(3)),
    );
    // The disclosure: title, table title, column name, row name, text cell, field, reason.
    replace(
        &yaml,
        "title: 示例县医疗保障局2023年部门预算",
        &format!("title: {}", p(4)),
    );
    replace(
        &yaml,
        "title: 收支总表",
        &format!("title: {}\n    number: {}\n    note: {}", p(5), p(8), p(9)),
    );
    replace(
        &yaml,
        "{key: general, name: 一般公共预算}",
        &format!("{{key: general, name: {}}}", p(6)),
    );
    replace(
        &yaml,
        "{key: carryover, name: 上年结转结余}",
        &format!("{{key: carryover, name: {}}}", p(7)),
    );
    replace(&yaml, "level3: 业务培训次数", &format!("level3: {}", p(8)));
    replace(
        &yaml,
        "{key: project, name: 项目名称, value: 业务经费}",
        &format!("{{key: project, name: {}, value: {}}}", p(9), p(10)),
    );
    replace(
        &yaml,
        "reason: 本单位无专项资金，此表为空",
        &format!("reason: {}", p(11)),
    );
    replace(
        &yaml,
        "reason: 示例中未列出}\n  - {id: T05",
        &format!("reason: {}}}\n  - {{id: T05", p(0)),
    );
    // A row name that charts draw as SVG text.
    replace(
        &yaml,
        "{code: \"210\", name: 卫生健康支出, values: {total: \"90.00\", basic: \"70.00\"",
        &format!(
            "{{code: \"210\", name: {}, values: {{total: \"90.00\", basic: \"70.00\"",
            p(2)
        ),
    );
    // The Markdown: raw HTML, links, headings, inside a figure's neighbourhood.
    let mut text = std::fs::read_to_string(&md).unwrap();
    for (i, payload) in PAYLOADS.iter().enumerate() {
        text.push_str(&format!("\n\n### 注入测试 {i} {payload}\n\n段落 {payload} 结束。[链接](javascript:window.__xss={i}) ![图](data:image/svg+xml,<svg onload=alert(1)>)\n"));
    }
    std::fs::write(&md, text).unwrap();

    let out = dir.path().join("out");
    let build = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "build",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--allow-errors",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "build failed: {}{}",
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );
    // The payload text itself must be on the page (escaped), not dropped: nothing lost.
    let page = std::fs::read_to_string(out.join("demo/2023-budget/index.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;window.__xss=1&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;window.__xss=1&lt;/script&gt;"),
        "escaped payload present"
    );

    let r = Command::new("node")
        .args(["tests/browser/pages.mjs", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        r.status.success() && stdout.contains(" passed, 0 failed"),
        "payloads reached the page:\n{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );

    // Searched for, the payloads come back as text in the results, never as markup.
    let r = Command::new("node")
        .args(["tests/browser/search.mjs", out.to_str().unwrap(), "--xss"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        r.status.success() && stdout.contains(" passed, 0 failed"),
        "payloads reached the search results:\n{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
}
