//! The cases of the bad-input corpus (`tests/corpus/cases.yaml`) and the files its
//! `generate` steps make: shared by `tests/corpus.rs` (which applies them to a copy of the
//! valid fixture on disk) and the fast YAML path's tests (which apply them in memory).
#![allow(dead_code)]

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub class: String,
    pub steps: Vec<Step>,
    pub expect: Vec<Expect>,
    #[serde(default)]
    pub errors: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub replace: Option<String>,
    pub write: Option<String>,
    pub write_hex: Option<String>,
    pub prepend_hex: Option<String>,
    pub append: Option<String>,
    pub remove: Option<String>,
    pub mkdir: Option<String>,
    pub symlink: Option<String>,
    pub generate: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub text: Option<String>,
    pub hex: Option<String>,
    pub target: Option<String>,
    pub kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub rule: String,
    pub file: Option<String>,
    pub line_of: Option<String>,
    pub contains: Option<String>,
}

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn generated(kind: &str) -> String {
    match kind {
        "alias_bomb" => {
            // A billion laughs inside a field of the schema: it must fail at once, not expand.
            let mut s = String::from(
                "kind: budget\nyear: 2023\ntemplate: hunan-budget\ntitle: x\namount_unit: 万元\ntables:\n  - id: T01\n    kind: summary\n    title: t\n    rows:\n      - {sum_of: &a0 [x, x, x, x, x, x, x, x, x, x]}\n",
            );
            for i in 1..9 {
                let p = format!("*a{}", i - 1);
                s.push_str(&format!(
                    "      - {{sum_of: &a{i} [{}]}}\n",
                    vec![p; 10].join(", ")
                ));
            }
            s
        }
        "deep_nesting" => format!("kind: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        "oversized" => "这一行用来填充超大的文件。\n".repeat(700_000),
        "million_rows" => {
            let mut s = String::from(
                "kind: budget\nyear: 2023\ntemplate: hunan-budget\ntitle: x\namount_unit: 万元\ntables:\n  - id: T01\n    kind: summary\n    title: 收支总表\n    rows:\n",
            );
            s.push_str(&"      - {}\n".repeat(1_000_000));
            s
        }
        other => panic!("unknown generator {other}"),
    }
}
