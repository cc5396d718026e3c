//! The title block and the prose: unit name, year and kind from the cover, the table
//! heads and the file names; the explanation as Markdown with the standard section ids
//! on the headings that name a standard section. Figures stay as published text.

use crate::import::printed::PrintedText;
use std::collections::BTreeSet;

/// Every year (`2019年`, `2019 年度`) in `s`, in order.
pub fn years_in(s: &str) -> Vec<u32> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= chars.len() {
        let digits: String = chars[i..i + 4].iter().collect();
        let before_digit = i > 0 && chars[i - 1].is_ascii_digit();
        if !before_digit && digits.chars().all(|c| c.is_ascii_digit()) {
            let mut k = i + 4;
            while k < chars.len() && chars[k] == ' ' {
                k += 1;
            }
            if chars.get(k) == Some(&'年')
                && let Ok(y) = digits.parse::<u32>()
                && (2000..=2099).contains(&y)
            {
                out.push(y);
            }
        }
        i += 1;
    }
    out
}

/// `budget` or `final`, from words of the cover, titles and file names.
pub fn disclosure_kind(s: &str) -> Option<&'static str> {
    let f = s.find("决算");
    let b = s.find("预算");
    match (f, b) {
        (Some(_), None) => Some("final"),
        (None, Some(_)) => Some("budget"),
        // `部门决算` names the document; 预算 occurs in a final account's text too
        // (年初预算), so a 决算 anywhere in a title wins.
        (Some(_), Some(_)) => Some("final"),
        (None, None) => None,
    }
}

/// The unit's name in a cover or title line: the text before the year
/// (`江苏省人民检察院2017年部门预算` → `江苏省人民检察院`), or after `部门：` / `单位：`.
pub fn unit_name_in(line: &str) -> Option<String> {
    let s: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    for label in ["部门：", "部门:", "单位名称：", "预算单位：", "填报单位："] {
        if let Some(at) = s.find(label) {
            let rest = &s[at + label.len()..];
            let end = rest
                .find("单位：")
                .or_else(|| rest.find("单位:"))
                .unwrap_or(rest.len());
            let name = rest[..end].trim_end_matches(['，', ',', '；']);
            if plausible_unit(name) {
                return Some(name.to_string());
            }
        }
    }
    let digits = s
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)?;
    let name = &s[..digits];
    let after = &s[digits..];
    let yearish = after.get(4..).is_some_and(|rest| rest.starts_with('年'));
    (yearish && plausible_unit(name)).then(|| name.to_string())
}

fn plausible_unit(name: &str) -> bool {
    let n = name.chars().count();
    (3..=40).contains(&n)
        && !name.contains("单位：")
        && !name.contains("部分")
        && !name.starts_with('第')
        && !name.ends_with("表")
        && name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A heading's level, if `line` is one: `第一部分` 1, `一、` 2, `（一）` 3. Headings are
/// short and do not end a sentence.
fn heading_level(line: &str) -> Option<usize> {
    let t = line.trim();
    let n = t.chars().count();
    if n == 0 || n > 40 || t.ends_with('。') || t.ends_with('；') || t.ends_with('：') {
        return None;
    }
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let mut chars = t.chars();
    let first = chars.next()?;
    if first == '第' && t.contains("部分") {
        return Some(1);
    }
    if numeral(first) {
        let rest: String = t.chars().skip_while(|c| numeral(*c)).collect();
        if rest.starts_with('、') {
            return Some(2);
        }
    }
    if first == '（' || first == '(' {
        let inner: String = t.chars().skip(1).take_while(|c| numeral(*c)).collect();
        let after = t.chars().nth(1 + inner.chars().count());
        if !inner.is_empty() && matches!(after, Some('）' | ')')) {
            return Some(3);
        }
    }
    None
}

/// The standard section ids a heading names (docs/sources.md), most specific first.
fn section_ids(heading: &str) -> Vec<&'static str> {
    let h: String = heading
        .chars()
        .filter(|c| !c.is_whitespace() && !"“”\"".contains(*c))
        .collect();
    let specific: &[(&[&str], &str)] = &[
        (&["名词解释"], "glossary"),
        (&["机关运行经费"], "running-costs"),
        (&["三公"], "three-public"),
        (&["会议费", "培训费", "一般性支出"], "meetings-training"),
        (&["政府采购"], "procurement"),
        (&["国有资产"], "assets"),
        (&["绩效"], "performance"),
        (&["其他重要事项"], "other-matters"),
        (&["预算单位构成", "决算单位构成", "单位构成"], "composition"),
        (&["职能", "职责"], "functions"),
        (&["机构设置"], "organisation"),
        (
            &["人员情况", "人员构成", "人员编制", "编制情况", "编制人数"],
            "staffing",
        ),
        (&["政府性基金"], "fund"),
        (&["国有资本经营"], "state-capital"),
        (&["基本支出"], "basic"),
        (&["项目支出"], "project"),
        (&["一般公共预算"], "general-budget"),
        (&["决算与年初预算", "与年初预算"], "budget-vs-actual"),
    ];
    let mut out: Vec<&str> = specific
        .iter()
        .filter(|(words, _)| words.iter().any(|w| h.contains(w)))
        .map(|(_, id)| *id)
        .collect();
    // 一般公共预算 names the section only when nothing else does (一般公共预算“三公”经费
    // is the 三公 section).
    if out.len() > 1 {
        out.retain(|id| *id != "general-budget");
    }
    // Generic headings only when nothing more specific matched.
    if out.is_empty() {
        let generic: &[(&[&str], &str)] = &[
            (&["概况", "基本情况", "部门职责"], "overview"),
            (
                &["收支总体", "收支预算总体", "收支决算总体", "总体情况"],
                "totals",
            ),
            (&["收入预算", "收入决算", "收入情况"], "income"),
            (&["支出预算", "支出决算", "支出情况"], "expenditure"),
        ];
        out.extend(
            generic
                .iter()
                .filter(|(words, _)| words.iter().any(|w| h.contains(w)))
                .map(|(_, id)| *id),
        );
    }
    out
}

/// Markdown that cannot change the meaning of published text: a line that would start
/// a list, quote, heading or code is escaped; `{{` (a figure reference) is broken up.
fn escape(line: &str) -> String {
    let t = line.trim();
    let mut out = String::new();
    let starts_number = {
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        !digits.is_empty() && t[digits.len()..].starts_with(['.', ')'])
    };
    if starts_number {
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        out.push_str(&digits);
        out.push('\\');
        out.push_str(&t[digits.len()..]);
    } else if t.starts_with(['-', '*', '+', '>', '#', '|', '=', '`', '~']) {
        out.push('\\');
        out.push_str(t);
    } else {
        out.push_str(t);
    }
    out.replace("{{", "{\\{").replace('<', "&lt;")
}

/// The prose as Markdown: headings with their standard ids (each id once), paragraphs
/// as published. `title` heads the file.
pub fn markdown(title: &str, text: &[PrintedText]) -> String {
    let mut out = format!("# {}\n", escape(title));
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for t in text {
        let line = t.text.trim();
        if line.is_empty() || line == title.trim() {
            continue;
        }
        out.push('\n');
        match heading_level(line) {
            Some(level) => {
                let ids: Vec<&str> = section_ids(line)
                    .into_iter()
                    .filter(|id| used.insert(id))
                    .collect();
                out.push_str(&"#".repeat(level + 1));
                out.push(' ');
                out.push_str(&escape(line));
                if !ids.is_empty() {
                    out.push_str(" {");
                    let tags: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
                    out.push_str(&tags.join(" "));
                    out.push('}');
                }
                out.push('\n');
            }
            None => {
                out.push_str(&escape(line));
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_kinds_and_names() {
        assert_eq!(years_in("江苏省人民检察院2017年部门预算"), vec![2017]);
        assert_eq!(years_in("上海市 XX 局 2024 年度部门决算"), vec![2024]);
        assert_eq!(years_in("编码 20102 政协事务"), Vec::<u32>::new());
        assert_eq!(disclosure_kind("2024年度部门决算"), Some("final"));
        assert_eq!(disclosure_kind("2019年度部门预算公开"), Some("budget"));
        assert_eq!(
            unit_name_in("江苏省人民检察院2017年部门预算").as_deref(),
            Some("江苏省人民检察院")
        );
        assert_eq!(
            unit_name_in("部门：江苏省政协办公厅                单位：万元").as_deref(),
            Some("江苏省政协办公厅")
        );
    }

    #[test]
    fn headings_get_standard_ids() {
        assert_eq!(heading_level("一、部门基本概况"), Some(2));
        assert_eq!(
            heading_level("（三）“三公”经费及会议费、培训费情况说明"),
            Some(3)
        );
        assert_eq!(heading_level("一、依法及时惩治各种犯罪。"), None);
        assert_eq!(
            section_ids("（三）“三公”经费及会议费、培训费情况说明"),
            vec!["three-public", "meetings-training"]
        );
        assert_eq!(section_ids("四、部门收支总体情况"), vec!["totals"]);
        assert_eq!(section_ids("三、人员编制及实有人数"), vec!["staffing"]);
        assert!(section_ids("四、部门收支预算编制的相关依据及测算分析情况").is_empty());
        assert_eq!(
            section_ids("十二、一般公共预算机关运行经费支出预算情况"),
            vec!["running-costs"]
        );
        assert_eq!(escape("1.办公室"), "1\\.办公室");
    }
}
