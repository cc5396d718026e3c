//! The fast path against serde-saphyr: on every document the fast path accepts, both give
//! the same value, with the same line and column for every `Spanned`.

use super::compare::{Probe, compare, compare_all, floor};
use super::*;
use crate::source::saphyr_options;
use crate::source::schema::{DisclosureSrc, S, UnitSrc};
use proptest::prelude::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::path::{Path, PathBuf};

/// Runs both parsers on `text`: if the fast path accepts it, serde-saphyr must read the
/// same. Returns whether the fast path accepted it.
fn same<T: DeserializeOwned + Debug>(text: &str) -> bool {
    compare::<T>(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

/// Checks `text` as every type a source file can be read into; whether any accepted it.
fn same_all(text: &str) -> bool {
    compare_all(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `*.yaml` under `dir`, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The seeds, the valid fixture and the representative corpus files.
fn source_files() -> Vec<PathBuf> {
    let mut files = yaml_files(&root().join("content"));
    files.extend(yaml_files(&root().join("tests/fixtures/valid")));
    files.extend(yaml_files(&root().join("tests/fixtures/fast_yaml")));
    files
}

fn is_unit(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with("unit.yaml"))
}

#[test]
fn every_source_file_takes_the_fast_path_and_reads_the_same() {
    let files = source_files();
    assert!(files.len() >= 15, "{files:?}");
    for p in files {
        let text = std::fs::read_to_string(&p).unwrap();
        let accepted = if is_unit(&p) {
            same::<UnitSrc>(&text)
        } else {
            same::<DisclosureSrc>(&text)
        };
        assert!(accepted, "the fast path bails on {}", p.display());
    }
}

#[path = "../../../tests/common/cases.rs"]
mod cases;
use cases::{Case, generated, hex};

/// Every case of the hostile-input corpus, applied to the valid fixture: wherever the fast
/// path accepts a file, serde-saphyr reads the same.
#[test]
fn hostile_corpus_reads_the_same() {
    let fixture = root().join("tests/fixtures/valid/content");
    let mut base: HashMap<String, Vec<u8>> = HashMap::new();
    for p in yaml_files(&fixture) {
        let rel = p
            .strip_prefix(&fixture)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        base.insert(rel, std::fs::read(&p).unwrap());
    }
    let cases = std::fs::read_to_string(root().join("tests/corpus/cases.yaml")).unwrap();
    let cases: Vec<Case> = serde_saphyr::from_str_with_options(&cases, saphyr_options()).unwrap();
    assert!(cases.len() > 50);
    let (mut accepted, mut checked) = (0, 0);
    for case in &cases {
        let mut files = base.clone();
        for step in &case.steps {
            let text = |f: &str, files: &HashMap<String, Vec<u8>>| {
                String::from_utf8_lossy(files.get(f).map_or(&[][..], |v| v)).into_owned()
            };
            if let Some(f) = &step.replace {
                let t = text(f, &files).replacen(
                    step.from.as_deref().unwrap(),
                    step.to.as_deref().unwrap(),
                    1,
                );
                files.insert(f.clone(), t.into_bytes());
            } else if let Some(f) = &step.write {
                files.insert(f.clone(), step.text.clone().unwrap().into_bytes());
            } else if let Some(f) = &step.write_hex {
                files.insert(f.clone(), hex(step.hex.as_deref().unwrap()));
            } else if let Some(f) = &step.prepend_hex {
                let mut bytes = hex(step.hex.as_deref().unwrap());
                bytes.extend(files.get(f).cloned().unwrap_or_default());
                files.insert(f.clone(), bytes);
            } else if let Some(f) = &step.append {
                let t = text(f, &files) + step.text.as_deref().unwrap();
                files.insert(f.clone(), t.into_bytes());
            } else if let Some(f) = &step.remove {
                files.remove(f);
            } else if let Some(f) = &step.generate {
                files.insert(
                    f.clone(),
                    generated(step.kind.as_deref().unwrap()).into_bytes(),
                );
            }
        }
        for (name, bytes) in &files {
            if !name.ends_with(".yaml") {
                continue;
            }
            // As `read_text` does: files over its limit are refused, a byte-order mark is
            // dropped, other encodings refused.
            if bytes.len() as u64 > crate::source::MAX_FILE_BYTES {
                continue;
            }
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            checked += 1;
            let fast = if is_unit(Path::new(name)) {
                same::<UnitSrc>(text)
            } else {
                same::<DisclosureSrc>(text)
            };
            accepted += usize::from(fast);
            let generated = case
                .steps
                .iter()
                .any(|s| s.generate.as_deref() == Some(name));
            if generated && (case.name == "million-row-table" || case.name == "deep-nesting") {
                assert!(!fast, "{}", case.name);
            }
        }
    }
    // Most cases edit one file and leave the other one alone: both parsers see plenty.
    assert!(checked > 100 && accepted > 50, "{accepted} of {checked}");
}

/// Documents at the limits bail at once, without deep recursion.
#[test]
fn hostile_shapes_bail() {
    let deep_flow = format!("kind: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse::<Probe>(&deep_flow).is_none());
    let mut deep_block = String::new();
    for i in 0..2000 {
        deep_block.push_str(&" ".repeat(i));
        deep_block.push_str("p:\n");
    }
    assert!(parse::<Probe>(&deep_block).is_none());
    let mut deep_seq = String::from("p:\n");
    for i in 0..2000 {
        deep_seq.push_str(&" ".repeat(i + 1));
        deep_seq.push_str("- p:\n");
    }
    assert!(parse::<Probe>(&deep_seq).is_none());
    let many = format!("l:\n{}", "  - x\n".repeat(MAX_NODES + 10));
    assert!(parse::<Probe>(&many).is_none());
    let mut wide = String::from("m: {");
    for i in 0..1000 {
        wide.push_str(&format!("k{i}: v, "));
    }
    wide.push_str("z: v}\n");
    assert!(parse::<Probe>(&wide).is_none());
    // Just inside the depth limit: accepted, and read the same.
    let mut nested = String::new();
    for i in 0..(MAX_DEPTH - 1) {
        nested.push_str(&" ".repeat(2 * i));
        nested.push_str("p:\n");
        nested.push_str(&" ".repeat(2 * i + 2));
        nested.push_str("- a: x\n");
    }
    let _ = same::<Probe>(&nested);
}

/// What the fast path takes, each read the same as serde-saphyr reads it.
#[test]
fn accepted_constructs_read_the_same() {
    let accepted = [
        "a: x\n",
        "a: x",
        "a: 衡山县（医保）  # comment\nb: 'it''s'\n",
        "a: \"q \\\" \\\\ \\n \\t \\/ \\u4e2d \\x41\"\n",
        "a: a:b\nb: a#b\n",
        "a: yes\nb: 2022\n",
        "a: 1e3\nb: 0123\nl: [0x1F, +1, 3.14, true, NO]\n",
        "m: {y2022: x, a-b: y, _z: z}\n",
        "n: 2022\n",
        "l: [a, 'b', \"c\", 中文]\nm: {k: v, k2: \"w\"}\n",
        "l: []\nm: {}\np: [{}, {a: x, l: [y]}]\n",
        "l:\n  - a\n  - 'b'\n  -   \"c\"\n",
        "p:\n  - a: x\n    b: y\n  -   a: z\n      l: [q]\n  -\n    a: w\n",
        "# head\n\na: x # c\n   # indented comment\n\nb: y\n",
        "s: |\n  one\n   two\n\n  three\n",
        "s: |-\n  one\n\n",
        "s: |+\n  one\n\n\nb: x\n",
        "s: |  # comment\n    # not a comment\n    x\n# after\nb: y\n",
        "p:\n  - s: |\n      text\n    a: x\n",
        "a: 中文中文 \u{3000}\nb: '中文: x'\nm: {k: 全角：冒号}\n",
        "s: >\n  one\n  two\n\n  three\n\n\n  four\nb: x\n",
        "s: >-\n  折叠 one\n  two\n\n",
        "p:\n  - s: >+\n      one\n      two\n\n    a: x\n",
        "\"a\": x\n'b': y\nm: {\"no\": 表1, 'k''': v, \"\": w}\n",
        "l: [其中:财政拨款, a:b:c, 'x', http://x.y]\nm: {a: b:c}\n",
        "a: x   \nb: y\t\n",
    ];
    for (i, text) in accepted.iter().enumerate() {
        let fast = same::<Probe>(text);
        // The last entry has a tab: bails.
        assert_eq!(fast, i != accepted.len() - 1, "{text}");
    }
    // Spanned block and quoted scalars, flow and block, with wide characters before them.
    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    struct Spans {
        a: S,
        b: S,
        c: S,
        d: Vec<S>,
        e: BTreeMap<String, S>,
    }
    let text =
        "a: |\n  x\nb: 'y'\nc: \"中\"\nd: [中文, '中', \"文\"]\ne: {名k: 1, k2: 中, k3: '中文'}\n";
    let _ = same::<Spans>(text);
    let text =
        "a: |\n  x\nb: 'y'\nc: \"中\"\nd: [中文, '中', \"文\"]\ne: {k: 1, k2: 中, k3: '中文'}\n";
    assert!(same::<Spans>(text));
    // A long flow line (longer than serde-saphyr's simple-key look-ahead).
    let long = format!(
        "l: [{}]\nm: {{{}}}\n",
        vec!["一般公共预算拨款收入"; 300].join(", "),
        (0..300)
            .map(|i| format!("k{i}: 中文"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(same::<Probe>(&long));
}

/// What the fast path does not take.
#[test]
fn outside_the_subset_bails() {
    for text in [
        "",
        "# only a comment\n",
        "---\na: x\n",
        "a: x\n...\n",
        "%YAML 1.2\n---\na: x\n",
        "\u{feff}a: x\n",
        "a: x\r\n",
        "a: &x y\n",
        "a: *x\n",
        "a: !t y\n",
        "? a\n: x\n",
        "a: >\n  x\n    more\n",
        "a: >\n  x \n  y\n",
        "p:\n- a: x\n",
        "a: |2\n  x\n",
        "s: |\n\n  x\n",
        "s: |\n  x",
        "a: ~\n",
        "a: null\n",
        "a:\n",
        "a:\nb: x\n",
        "a: x\n  y\n",
        "a: 'x\n  y'\n",
        "l: [a,\n  b]\n",
        "l: [a, ]\n",
        "l: [a: b]\n",
        "m: {a:b}\n",
        "l: [a:]\n",
        "l: [a: ]\n",
        "l: [a:, b]\n",
        "m: {a: b:}\n",
        "a: x\na: y\n",
        "m: {k: a, k: b}\n",
        "a: - x\n",
        "a: \"\\e\"\n",
        "l:\n- - x\n",
        "  a: x\n",
        "- a\n",
        "p:\n  - a: x\n   b: y\n",
        "a: x # c\n b: y\n",
    ] {
        assert!(parse::<Probe>(text).is_none(), "{text:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Random documents

/// A small deterministic generator, so a failing case is its seed.
struct Rng(u64, bool);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// A chance of a likely mistake: only in rough documents.
    fn oops(&mut self, percent: usize) -> bool {
        self.1 && self.chance(percent)
    }
    /// An indentation step: sometimes none in rough documents.
    fn step(&mut self) -> usize {
        if self.oops(20) {
            0
        } else {
            [2, 2, 4, 1, 3][self.below(5)]
        }
    }
    /// A word: in clean documents mostly one the fast path takes as a plain scalar.
    fn word(&mut self) -> &'static str {
        if self.1 || self.chance(20) {
            self.pick(WORDS)
        } else {
            self.pick(CLEAN_WORDS)
        }
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const WORDS: &[&str] = &[
    "abc",
    "衡山县",
    "预算数",
    "中文（括号）",
    "全角：冒号",
    "Ｘ　Ｙ",
    "x y",
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "0123",
    "2022",
    "0",
    "1e3",
    "0x1F",
    "0o7",
    ".5",
    "3.14",
    "-",
    "-a",
    "-1",
    "+1",
    ".inf",
    ".NaN",
    "a:b",
    "a: b",
    "a:",
    "a #b",
    "a#b",
    "#",
    ":",
    "a,b",
    "[x]",
    "x]",
    "{x}",
    "x}",
    "&a",
    "*a",
    "!t",
    "? x",
    "?x",
    "%x",
    "@x",
    "`x",
    "'q'",
    "\"q\"",
    "a'b",
    "a\"b",
    "<<",
    "=",
    "a\\b",
    "|",
    ">",
    "x  ",
    "T01",
    "a/b",
    "http://x.y",
    "2023-02-20",
    "12:30",
    "--- x",
    "...",
    "a - b",
    "文 # 注",
];

const CLEAN_WORDS: &[&str] = &[
    "abc",
    "衡山县",
    "预算数",
    "中文（括号）",
    "全角：冒号",
    "Ｘ　Ｙ",
    "x y",
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "False",
    "0123",
    "2022",
    "1e3",
    "0x1F",
    "0o7",
    "3.14",
    "a:b",
    "a#b",
    "T01",
    "a/b",
    "http://x.y",
    "2023-02-20",
    "12:30",
    "a - b",
    "a'b",
    "a\"b",
    "a\\b",
    "x  ",
    "=",
    "<<",
    ".5",
    "+1",
    "文 # 注",
    "a ~",
    "nulls",
    "~x",
];

const KEYS: &[&str] = &[
    "amount", "a-b", "_x", "k2", "yes", "null", "true", "Key", "x", "中", "2022", "a b",
];

fn plain_or_quoted(rng: &mut Rng) -> String {
    let w = rng.word();
    match rng.below(10) {
        0..=4 => w.to_string(),
        5 | 6 => format!("'{}'", w.replace('\'', "''")),
        7 | 8 => format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\"")),
        _ => {
            let esc = rng.pick(&[
                "\\n",
                "\\t",
                "\\u4e2d",
                "\\x41",
                "\\e",
                "\\ ",
                "\\0",
                "\\/",
                "\\\"",
                "\\",
                "\\uD800",
                "\\U0001F600",
                "\\N",
            ]);
            format!("\"{w}{esc}{}\"", rng.pick(&["", "x", "中"]))
        }
    }
}

fn comment(rng: &mut Rng) -> &'static str {
    match rng.below(12) {
        0 => "  # a comment",
        1 => " #",
        2 => "#x",
        3 => "   ",
        _ => "",
    }
}

fn u32_text(rng: &mut Rng) -> String {
    rng.pick(&[
        "2022",
        "2023",
        "7",
        "0",
        "02022",
        "+5",
        "1_000",
        "4294967296",
        "4294967295",
        "\"7\"",
        "'7'",
        "1e3",
        "0x10",
        "2022.0",
        "-1",
    ])
    .to_string()
}

fn literal(rng: &mut Rng, out: &mut String, indent: usize) {
    out.push_str(rng.pick(&["|", "|", ">", ">"]));
    let chomp = if rng.oops(30) {
        &["2", ">", "-2"][..]
    } else {
        &["", "-", "+"][..]
    };
    out.push_str(rng.pick(chomp));
    out.push_str(rng.pick(&["", "", "  # c", " "]));
    out.push('\n');
    let k = indent + rng.step();
    let lines = rng.below(5);
    for _ in 0..lines {
        match rng.below(8) {
            0 => out.push('\n'),
            1 => {
                out.push_str(&" ".repeat(k + rng.below(3)));
                out.push('\n');
            }
            2 => {
                out.push_str(&" ".repeat(k));
                out.push_str("# not a comment\n");
            }
            3 => {
                out.push_str(&" ".repeat(k + 2));
                out.push_str("deeper\n");
            }
            _ => {
                out.push_str(&" ".repeat(k));
                out.push_str(rng.word());
                out.push('\n');
            }
        }
    }
}

fn flow_seq(rng: &mut Rng) -> String {
    let items: Vec<String> = (0..rng.below(4)).map(|_| plain_or_quoted(rng)).collect();
    format!("[{}]", items.join(rng.pick(&[", ", ",", " , "])))
}

fn flow_map(rng: &mut Rng) -> String {
    let items: Vec<String> = (0..rng.below(4))
        .map(|_| format!("{}: {}", rng.pick(KEYS), plain_or_quoted(rng)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn flow_probe(rng: &mut Rng, depth: usize) -> String {
    let mut items = Vec::new();
    for _ in 0..rng.below(3) {
        let v = match rng.below(6) {
            0 => format!("a: {}", plain_or_quoted(rng)),
            1 => format!("l: {}", flow_seq(rng)),
            2 => format!("m: {}", flow_map(rng)),
            3 => format!("n: {}", u32_text(rng)),
            4 if depth < 3 => format!("p: [{}]", flow_probe(rng, depth + 1)),
            _ => format!("b: {}", plain_or_quoted(rng)),
        };
        items.push(v);
    }
    format!("{{{}}}", items.join(", "))
}

/// A block mapping of `Probe` fields at `indent`; the first key goes right after what
/// `out` ends with (the caller wrote the indentation or a `- `).
fn probe(rng: &mut Rng, out: &mut String, indent: usize, depth: usize) {
    let fields = 1 + rng.below(4);
    for f in 0..fields {
        if f > 0 {
            if rng.chance(10) {
                out.push_str(rng.pick(&["\n", "  \n", "# c\n", "      # deep comment\n"]));
            }
            let off = if rng.oops(3) { rng.below(3) } else { 0 };
            out.push_str(&" ".repeat(indent + off));
        }
        let key = if rng.oops(3) {
            rng.pick(&["q", "a ", "\"a\"", "? a"])
        } else {
            rng.pick(&["a", "b", "l", "m", "n", "s", "p", "a", "b", "s"])
        };
        out.push_str(key);
        out.push(':');
        match key {
            "l" if rng.chance(50) => {
                out.push(' ');
                out.push_str(&flow_seq(rng));
                out.push_str(comment(rng));
                out.push('\n');
            }
            "l" => {
                out.push_str(comment(rng));
                out.push('\n');
                let d = indent + rng.step();
                for _ in 0..1 + rng.below(3) {
                    out.push_str(&" ".repeat(d));
                    out.push_str(rng.pick(&["- ", "- ", "-   ", "-"]));
                    out.push_str(&plain_or_quoted(rng));
                    out.push_str(comment(rng));
                    out.push('\n');
                }
            }
            "m" if rng.chance(50) => {
                out.push(' ');
                out.push_str(&flow_map(rng));
                out.push_str(comment(rng));
                out.push('\n');
            }
            "m" => {
                out.push('\n');
                let d = indent + rng.step();
                for _ in 0..1 + rng.below(3) {
                    out.push_str(&" ".repeat(d));
                    out.push_str(rng.pick(KEYS));
                    out.push_str(": ");
                    out.push_str(&plain_or_quoted(rng));
                    out.push('\n');
                }
            }
            "n" => {
                out.push(' ');
                out.push_str(&u32_text(rng));
                out.push_str(comment(rng));
                out.push('\n');
            }
            "s" if rng.chance(60) => {
                out.push(' ');
                literal(rng, out, indent);
            }
            "p" if depth < 3 && rng.chance(30) => {
                out.push(' ');
                out.push_str(&format!("[{}]", flow_probe(rng, depth + 1)));
                out.push('\n');
            }
            "p" if depth < 3 => {
                out.push('\n');
                let d = indent + rng.step();
                for _ in 0..1 + rng.below(3) {
                    out.push_str(&" ".repeat(d));
                    if rng.chance(15) {
                        out.push_str("-\n");
                        let e = d + 2;
                        out.push_str(&" ".repeat(e));
                        probe(rng, out, e, depth + 1);
                    } else {
                        let dash = rng.pick(&["- ", "- ", "-  "]);
                        out.push_str(dash);
                        probe(rng, out, d + dash.len(), depth + 1);
                    }
                }
            }
            _ => {
                if rng.oops(5) {
                    // The value on the next line.
                    out.push('\n');
                    out.push_str(&" ".repeat(indent + 2));
                } else {
                    out.push(' ');
                }
                out.push_str(&plain_or_quoted(rng));
                out.push_str(comment(rng));
                out.push('\n');
                if rng.oops(3) {
                    out.push_str(&" ".repeat(indent + 2));
                    out.push_str("continued\n");
                }
            }
        }
    }
}

fn probe_document(seed: u64) -> String {
    let mut rng = Rng(seed | 1, seed.is_multiple_of(3));
    let mut out = String::new();
    if rng.chance(20) {
        out.push_str("# head comment\n\n");
    }
    probe(&mut rng, &mut out, 0, 0);
    if rng.chance(10) {
        out.pop();
    }
    out
}

/// Fragments random edits insert.
const FRAGMENTS: &[&str] = &[
    ":",
    ": ",
    " #",
    "#",
    "\n",
    "\n  ",
    "- ",
    "  ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "'",
    "\"",
    "|",
    "|-",
    ">",
    "&a ",
    "*a",
    "!x ",
    "\t",
    "\r",
    "中",
    "null",
    "~",
    "\n  x: y\n",
    "\\",
    "？",
    "\u{3000}",
    "yes",
    "0",
    "-",
    "---\n",
    "\u{feff}",
    "''",
    "\"\"",
    "x: 1\n",
];

fn mutate(text: &str, edits: &[(usize, usize, usize)]) -> String {
    let mut s = text.to_string();
    for &(at, len, what) in edits {
        let at = floor(&s, at % (s.len() + 1));
        let end = floor(&s, (at + len % 8).min(s.len()));
        let with = if what % 3 == 0 {
            ""
        } else {
            FRAGMENTS[what % FRAGMENTS.len()]
        };
        s.replace_range(at..end, with);
    }
    s
}

/// Small seed texts for mutation (the large seeds take long under serde-saphyr in debug).
fn small_sources() -> Vec<String> {
    let mut texts: Vec<String> = source_files()
        .iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 12_000))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    // A slice of a large seed, with its block scalars and comments.
    let big =
        std::fs::read_to_string(root().join("content/hengshan-ybj/2023-budget.yaml")).unwrap();
    let cut = big
        .match_indices("\n  - id: ")
        .nth(2)
        .map_or(big.len(), |(i, _)| i + 1);
    texts.push(big[..cut].to_string());
    texts
}

proptest! {
    // 256 cases unless PROPTEST_CASES asks for more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_documents_read_the_same(seed in any::<u64>()) {
        let text = probe_document(seed);
        same::<Probe>(&text);
    }

    #[test]
    fn edited_sources_read_the_same(
        which in any::<usize>(),
        edits in proptest::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 1..4),
    ) {
        let texts = small_sources();
        let text = mutate(&texts[which % texts.len()], &edits);
        same_all(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "([a-z: #\\-\\[\\]{},'\"|>\n]|中|\t){0,120}") {
        same::<Probe>(&text);
        let _ = parse::<DisclosureSrc>(&text);
    }
}

/// The random documents are not all refused: the comparison above is not vacuous.
#[test]
fn random_documents_are_often_accepted() {
    let accepted = (1..400u64)
        .filter(|s| same::<Probe>(&probe_document(s.wrapping_mul(0x9E37_79B9_7F4A_7C15))))
        .count();
    assert!(accepted > 40, "{accepted} of 399");
}
