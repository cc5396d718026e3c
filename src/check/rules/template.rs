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
    doc: "Placeholders `XX`, `××`, `（略）`, `待填写`, and instructions such as `请填写…`, `仍保留该表格式，并在本表下方作下述说明`: the template was not filled in.",
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
    doc: "The disclosure's `title` must contain the unit's name and the disclosure's year; a table title that names a year (`2022年…表`) must name the disclosure's year.",
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
        if let Some((i, p)) = PLACEHOLDERS
            .iter()
            .filter_map(|p| line.find(p).map(|i| (i, p)))
            .min_by_key(|(i, _)| *i)
        {
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
    if !unit.is_empty() && !title.contains(&unit) {
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
        if let Some(y) = years_in(&t.title).into_iter().find(|y| *y != year) {
            diags.push(
                Diagnostic::new(
                    &TEXT_TITLE,
                    format!("表「{}」的标题写的是 {y} 年，本公开是 {year} 年的", t.title),
                )
                .at(t.loc)
                .found(t.title.clone())
                .target(format!("{}/title", t.id)),
            );
        }
    }
}

/// Four-digit years written `2023年`.
fn years_in(s: &str) -> Vec<String> {
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
