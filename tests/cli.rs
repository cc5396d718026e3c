//! The `gongkai` binary: exit codes, output formats, and the golden check of `content/`.

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

/// The full output of `gongkai check content` is committed; any change shows in review.
#[test]
fn golden_check_of_the_seed_content() {
    let (code, stdout, _) = gongkai(&["check", "content", "--color", "never"]);
    let path = "tests/golden/check-content.txt";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &stdout).unwrap();
    }
    let golden = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        stdout == golden,
        "output of `gongkai check content` changed; review and run with UPDATE_GOLDEN=1\n{stdout}"
    );
    let expected_code = if stdout.contains("：0 个错误") {
        0
    } else {
        1
    };
    assert_eq!(code, expected_code);
}

#[test]
fn valid_site_exits_zero_and_json_is_parseable() {
    let (code, stdout, _) = gongkai(&["check", "tests/fixtures/valid", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(v["summary"]["errors"], 0);
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 8);
    assert_eq!(diags[0]["rule"], "complete.missing");
    assert_eq!(diags[0]["location"]["file"], "demo/2023-budget.yaml");
    assert!(diags[0]["location"]["line"].as_u64().unwrap() > 0);
}

#[test]
fn errors_exit_one_with_rustc_style_output() {
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("content/demo");
    std::fs::create_dir_all(&unit).unwrap();
    for f in ["unit.yaml", "2023-budget.yaml", "2023-budget.md"] {
        std::fs::copy(
            format!("tests/fixtures/valid/content/demo/{f}"),
            unit.join(f),
        )
        .unwrap();
    }
    let yaml = unit.join("2023-budget.yaml");
    let text = std::fs::read_to_string(&yaml)
        .unwrap()
        .replace("name: 办公费", "name: 办公费用");
    std::fs::write(&yaml, text).unwrap();
    let (code, stdout, _) = gongkai(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("错误[catalogue.name]"), "{stdout}");
    assert!(stdout.contains("--> demo/2023-budget.yaml:"), "{stdout}");
    assert!(stdout.contains("应为「办公费」"), "{stdout}");
    assert!(stdout.contains("检查结果：1 个错误"), "{stdout}");
}

#[test]
fn cannot_run_exits_two() {
    let (code, _, stderr) = gongkai(&["check", "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("路径不存在"), "{stderr}");
}

#[test]
fn rules_lists_every_rule() {
    let (code, stdout, _) = gongkai(&["rules"]);
    assert_eq!(code, 0);
    let (rules, templates) = stdout.split_once("\n\n").expect("rules, then templates");
    assert_eq!(rules.lines().count(), gongkai::check::rules::RULES.len());
    // Then the explanation items each template requires.
    let shanghai = templates
        .lines()
        .find(|l| l.starts_with("shanghai-final"))
        .expect("the Shanghai template listed");
    assert!(
        shanghai.contains("名词解释") && !shanghai.contains("会议费"),
        "{shanghai}"
    );
}

/// `gongkai annotate` marks the matched figures of a plain text, and a second run
/// changes nothing.
#[test]
fn annotate_marks_plain_figures_once() {
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("content/demo");
    std::fs::create_dir_all(&unit).unwrap();
    let fixture = std::path::Path::new("tests/fixtures/valid/content/demo");
    for f in ["unit.yaml", "2023-budget.yaml"] {
        std::fs::copy(fixture.join(f), unit.join(f)).unwrap();
    }
    let md = "# 说明\n\n## 收支 {#totals}\n\n2023年本部门收入预算100.00万元，其中基本支出80.00万元，占80.00%。\n";
    std::fs::write(unit.join("2023-budget.md"), md).unwrap();
    let content = dir.path().join("content");
    let content = content.to_str().unwrap();
    let (code, stdout, _) = gongkai(&["annotate", content]);
    assert_eq!(code, 0, "{stdout}");
    let marked = std::fs::read_to_string(unit.join("2023-budget.md")).unwrap();
    assert!(
        marked.contains("{{ 100.00 = summary.income_total.amount }}万元"),
        "{marked}"
    );
    assert!(marked.contains("{{ 80.00% = pct("), "{marked}");
    let (_, again, _) = gongkai(&["annotate", content]);
    assert!(again.contains("共标注 0 个文件"), "{again}");
    assert_eq!(
        std::fs::read_to_string(unit.join("2023-budget.md")).unwrap(),
        marked
    );
    let (_, check, _) = gongkai(&["check", content, "--color", "never"]);
    assert!(
        !check.contains("narrative.syntax") && !check.contains("narrative.reference"),
        "{check}"
    );
}
