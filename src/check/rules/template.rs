//! `text.placeholder`, `text.date`, `text.title`: what a template or another document left
//! in the published text — placeholders and the template's instructions to the author,
//! impossible dates, titles naming another unit or year.

use super::{Context, Doc};
use crate::model::diagnostic::{Diagnostic, Loc, Rule, Severity};

pub const TEXT_PLACEHOLDER: Rule = Rule {
    id: "text.placeholder",
    severity: Severity::Warning,
    module: "template",
    summary: "A template's placeholder or instruction to the author left in the published text.",
    doc: "Placeholders `XX`, `××`, `（略）`, `待填写`, and instructions such as `请填写…`, `仍保留该表格式，并在本表下方作下述说明`: the template was not filled in. Looked for in the text and in what a table prints under itself (its `footnote:`).",
};

pub const TEXT_DATE: Rule = Rule {
    id: "text.date",
    severity: Severity::Warning,
    module: "template",
    summary: "An impossible date in the text (`9月31日`, `2月30日`, `13月`).",
    doc: "",
};

pub const TEXT_TITLE: Rule = Rule {
    id: "text.title",
    severity: Severity::Warning,
    module: "template",
    summary: "A title that does not name this unit, or names another year: a copied template.",
    doc: "The disclosure's `title` must contain the unit's name and the disclosure's year. A table title that names a year (`2022年…表`) must name the disclosure's year; a Markdown heading that names years must name the disclosure's among them. A table title or heading that names a unit next to a year (`衡山县医疗保障局2023年…`, `2018年度江苏省高级人民法院收支预算总表`) must name this unit: the name written there and the unit's may abbreviate one another (`省法院`, `中共江苏省委办公厅`), but another unit's name is a copied template.",
};

const PLACEHOLDERS: &[&str] = &[
    "XX",
    "xx",
    "××",
    "ＸＸ",
    "（略）",
    "(略)",
    "待填写",
    "请填写",
    "此处填写",
    "仍保留该表格式",
    "在本表下方作下述说明",
];

pub fn check(_cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let d = doc.disclosure;
    titles(doc, diags);
    for t in &d.tables {
        let Some(f) = &t.footnote else { continue };
        if let Some((_, p)) = placeholder_in(&f.text) {
            diags.push(
                Diagnostic::new(
                    &TEXT_PLACEHOLDER,
                    format!(
                        "表「{}」下方的说明留有模板的占位符或填写说明「{p}」：模板未填写完整",
                        t.title
                    ),
                )
                .at(f.loc)
                .table(t.label())
                .found(p.to_string())
                .target(format!("{}/footnote/{p}", t.id)),
            );
        }
    }
    let Some(text) = &d.text else {
        return;
    };
    for (n, line) in text.markdown.lines().enumerate() {
        let at = |byte: usize| Loc {
            file: text.file,
            line: n as u32 + 1,
            col: line[..byte].chars().count() as u32 + 1,
        };
        if line.trim_start().starts_with("<!--") {
            continue; // a transcriber's comment, not the published text
        }
        if let Some((i, p)) = placeholder_in(line) {
            diags.push(
                Diagnostic::new(
                    &TEXT_PLACEHOLDER,
                    format!("文中留有模板的占位符或填写说明「{p}」：模板未填写完整"),
                )
                .at(at(i))
                .found(p.to_string())
                .target(format!("text/placeholder/{p}")),
            );
        }
        for (i, month, day) in dates(line) {
            let days = match month {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 => 29,
                _ => 0,
            };
            if day == 0 || day > days {
                diags.push(
                    Diagnostic::new(&TEXT_DATE, format!("文中日期「{month}月{day}日」不存在"))
                        .at(at(i))
                        .found(format!("{month}月{day}日"))
                        .target(format!("text/date/{month}月{day}日")),
                );
            }
        }
    }
}

/// The first placeholder or instruction in `line`, with its byte offset.
fn placeholder_in(line: &str) -> Option<(usize, &'static str)> {
    PLACEHOLDERS
        .iter()
        .filter_map(|p| line.find(p).map(|i| (i, *p)))
        .min_by_key(|(i, _)| *i)
}

/// `M月D日` in `line`: byte offset, month, day.
fn dates(line: &str) -> Vec<(usize, u32, u32)> {
    let mut out = Vec::new();
    let b = line.as_bytes();
    for (i, _) in line.match_indices('月') {
        let mut s = i;
        while s > 0 && b[s - 1].is_ascii_digit() && i - s < 2 {
            s -= 1;
        }
        let rest = &line[i + '月'.len_utf8()..];
        let dl = rest.bytes().take_while(u8::is_ascii_digit).count();
        if s == i || dl == 0 || dl > 2 || !rest[dl..].starts_with('日') {
            continue;
        }
        if s > 0 && b[s - 1].is_ascii_digit() {
            continue; // more than two digits: not a month
        }
        let (Ok(m), Ok(d)) = (line[s..i].parse::<u32>(), rest[..dl].parse::<u32>()) else {
            continue;
        };
        out.push((s, m, d));
    }
    out
}

fn titles(doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let d = doc.disclosure;
    let year = d.year.to_string();
    let title: String = d.title.chars().filter(|c| !c.is_whitespace()).collect();
    let unit: String = doc
        .unit
        .name
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut problems = Vec::new();
    let named = title.contains(&unit) || units_in(&title).iter().any(|n| same_unit(n, &unit));
    if !unit.is_empty() && !named {
        problems.push(format!("没有写本单位名称「{}」", doc.unit.name));
    }
    let years = years_in(&title);
    if years.iter().any(|y| *y != year) || years.is_empty() {
        problems.push(format!("年度应为 {year} 年"));
    }
    if !problems.is_empty() {
        diags.push(
            Diagnostic::new(
                &TEXT_TITLE,
                format!("标题「{}」{}", d.title, problems.join("，")),
            )
            .at(d.loc)
            .found(d.title.clone())
            .target("title".to_string()),
        );
    }
    for t in &d.tables {
        let mut problems = Vec::new();
        if let Some(y) = years_in(&t.title).into_iter().find(|y| *y != year) {
            problems.push(format!("写的是 {y} 年，本公开是 {year} 年的"));
        }
        if let Some(other) = other_unit(&t.title, &unit) {
            problems.push(format!(
                "写的是「{other}」，不是本单位「{}」",
                doc.unit.name
            ));
        }
        if !problems.is_empty() {
            diags.push(
                Diagnostic::new(
                    &TEXT_TITLE,
                    format!("表「{}」的标题{}", t.title, problems.join("，")),
                )
                .at(t.loc)
                .found(t.title.clone())
                .target(format!("{}/title", t.id)),
            );
        }
    }
    if let Some(text) = &d.text {
        headings(doc, text, &year, &unit, diags);
    }
}

/// The Markdown headings: those naming years must name this one; a unit named next to a
/// year must be this unit.
fn headings(
    doc: &Doc,
    text: &crate::model::Text,
    year: &str,
    unit: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let mut in_fence = false;
    for (n, line) in text.markdown.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || !t.starts_with('#') {
            continue;
        }
        // The heading's words: without the marks and the `{#id}` attributes.
        let words = t.trim_start_matches('#');
        let words = words.split(" {#").next().unwrap_or(words).trim();
        let mut problems = Vec::new();
        let years = years_in(words);
        if !years.is_empty() && !years.iter().any(|y| y == year) {
            problems.push(format!("写的是 {} 年，本公开是 {year} 年的", years[0]));
        }
        if let Some(other) = other_unit(words, unit) {
            problems.push(format!(
                "写的是「{other}」，不是本单位「{}」",
                doc.unit.name
            ));
        }
        if problems.is_empty() {
            continue;
        }
        let col = line.len() - t.len();
        diags.push(
            Diagnostic::new(
                &TEXT_TITLE,
                format!("标题「{words}」{}", problems.join("，")),
            )
            .at(Loc {
                file: text.file,
                line: n as u32 + 1,
                col: line[..col].chars().count() as u32 + 1,
            })
            .found(words.to_string())
            .target(format!("text/heading/{words}")),
        );
    }
}

/// How the names of units end (局, 委员会, 中心, 法院 …).
const UNIT_ENDS: &[char] = &[
    '局', '厅', '院', '委', '会', '心', '室', '办', '部', '所', '站', '队', '馆', '校', '府', '司',
    '处', '社', '团', '署',
];

/// Where the words of a document's own title begin after a unit's name
/// (`2018年度江苏省高级人民法院收支预算总表`).
const DOC_WORDS: &[&str] = &[
    "部门",
    "单位",
    "预算",
    "决算",
    "收支",
    "收入",
    "支出",
    "财政",
    "一般公共",
    "政府性",
    "国有",
    "三公",
    "政府采购",
    "机关",
    "项目",
    "基本",
    "公开",
    "情况",
    "说明",
    "主要",
    "工作",
    "绩效",
    "名词",
    "总表",
];

/// A unit named next to a year in `title` (`衡山县医疗保障局2023年`, `2018年度江苏省高级人民
/// 法院收支…`) that is not `unit`: neither name is an abbreviation of the other.
fn other_unit(title: &str, unit: &str) -> Option<String> {
    units_in(title)
        .into_iter()
        .find(|name| !same_unit(name, unit))
}

/// Whether two names of units name the same one: one abbreviates the other
/// (`省法院`, `江苏省高级人民法院`; `中共江苏省委办公厅`, `中国共产党江苏省委员会办公厅`).
fn same_unit(a: &str, b: &str) -> bool {
    abbreviates(a, b) || abbreviates(b, a)
}

/// The names of units written next to a year in `title`.
fn units_in(title: &str) -> Vec<String> {
    let mut out = Vec::new();
    let s: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for (i, _) in s.match_indices('年') {
        let Some(y) = i.checked_sub(4).and_then(|j| s.get(j..i)) else {
            continue;
        };
        if !y.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let before: String = s[..i - 4]
            .chars()
            .rev()
            .take_while(|c| han(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let after_year = s[i + '年'.len_utf8()..].trim_start_matches('度');
        let run: String = after_year.chars().take_while(|c| han(*c)).collect();
        let cut = DOC_WORDS
            .iter()
            .filter_map(|w| run.find(w))
            .min()
            .unwrap_or(run.len());
        for name in [before.as_str(), &run[..cut]] {
            let name = without_enumerator(name).trim_start_matches(['本', '我', '该']);
            if name.chars().count() >= 3 && name.ends_with(UNIT_ENDS) {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// `name` without a leading `第二部分` / `第三章` / `一、`.
fn without_enumerator(name: &str) -> &str {
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    if let Some(rest) = name.strip_prefix('第') {
        let rest = rest.trim_start_matches(numeral);
        for w in ["部分", "章", "节", "篇"] {
            if let Some(r) = rest.strip_prefix(w) {
                return r;
            }
        }
    }
    name
}

/// Whether `short`'s characters appear in `long` in order (`省法院` in `江苏省高级人民法院`).
fn abbreviates(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// Four-digit years written `2023年`.
fn years_in(s: &str) -> Vec<String> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    s.match_indices('年')
        .filter_map(|(i, _)| {
            let y = s.get(i.checked_sub(4)?..i)?;
            let before_digit = s[..i - 4]
                .bytes()
                .last()
                .is_some_and(|c| c.is_ascii_digit());
            (y.bytes().all(|c| c.is_ascii_digit()) && !before_digit).then(|| y.to_string())
        })
        .collect()
}
