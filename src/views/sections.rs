//! 情况说明 in the standard order: each standard section is the paragraph generated from
//! the data (`summary::by_section`) followed by the author's Markdown of the section with
//! the same `{#id}`.
//!
//! The author's text (the part after 部门概况) is cut at every heading that carries an
//! id; a heading without an id stays with the section before it, and the text before
//! the first id is a preamble printed first. Sections with ids outside the standard set
//! follow the standard ones in their published order. Every line of the author's text
//! lands in exactly one place.

use super::markdown::{self, Rendered};
use serde::Serialize;
use std::collections::BTreeMap;

/// The standard sections, in order: id, title, depth (2 = an item of 其他重要事项).
pub const STANDARD: &[(&str, &str, u8)] = &[
    ("totals", "收支总体情况", 1),
    ("income", "收入", 1),
    ("expenditure", "支出", 1),
    ("general-budget", "一般公共预算拨款支出", 1),
    ("basic", "基本支出", 1),
    ("project", "项目支出", 1),
    ("fund", "政府性基金预算", 1),
    ("state-capital", "国有资本经营预算", 1),
    ("budget-vs-actual", "财政拨款支出决算与年初预算对比", 1),
    ("other-matters", "其他重要事项", 1),
    ("running-costs", "机关运行经费", 2),
    ("three-public", "“三公”经费", 2),
    ("meetings-training", "会议费和培训费", 2),
    ("procurement", "政府采购", 2),
    ("assets", "国有资产占用", 2),
    ("performance", "绩效", 2),
    ("glossary", "名词解释", 1),
];

#[derive(Clone, Debug, Serialize)]
pub struct SectionView {
    /// The section's anchor: the standard (or author's) id.
    pub id: String,
    /// `（一）` for a section, `1．` for an item of 其他重要事项.
    pub number: String,
    /// The standard title; empty for an author's section outside the standard set (its
    /// own heading is its title).
    pub title: String,
    /// The title for the table of contents.
    pub toc_title: String,
    /// 1 for a section (`h3`), 2 for an item of 其他重要事项 (`h4`).
    pub depth: u8,
    /// Paragraphs generated from the data (HTML).
    pub generated: Vec<String>,
    /// The author's text of the section (sanitized HTML).
    pub html: String,
    /// Where the author's text of this section is, when it is under another heading.
    pub see_also: Option<SeeAlso>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeeAlso {
    pub href: String,
    pub title: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Explanation {
    /// The author's text before the first section (HTML).
    pub preamble: String,
    pub sections: Vec<SectionView>,
}

/// One piece of the author's text: the ids of its first heading (none for the preamble)
/// and its Markdown.
struct Chunk {
    ids: Vec<String>,
    heading: String,
    text: String,
}

/// The ids of an ATX heading line (`## 标题 {#a #b}`), and its title without them.
fn heading(line: &str) -> Option<(Vec<String>, String)> {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return None;
    }
    let hashes = t.chars().take_while(|c| *c == '#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let rest = &t[hashes..];
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    let body = rest.trim();
    if body.ends_with('}')
        && let Some(open) = body.rfind('{')
    {
        let ids: Vec<String> = body[open + 1..body.len() - 1]
            .split_whitespace()
            .filter_map(|w| w.strip_prefix('#'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        return Some((ids, body[..open].trim().to_string()));
    }
    Some((Vec::new(), body.trim_end_matches('#').trim().to_string()))
}

/// Cuts `md` at every heading with an id (outside fenced code).
fn chunks(md: &str) -> Vec<Chunk> {
    let mut out = vec![Chunk {
        ids: Vec::new(),
        heading: String::new(),
        text: String::new(),
    }];
    let mut fence: Option<&str> = None;
    for line in md.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
        } else if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
        } else if let Some((ids, title)) = heading(line.trim_end_matches(['\n', '\r']))
            && !ids.is_empty()
        {
            out.push(Chunk {
                ids,
                heading: title,
                text: String::new(),
            });
        }
        if let Some(last) = out.last_mut() {
            last.text.push_str(line);
        }
    }
    out
}

/// `chunk.text` without the `{#…}` of its first line (the section carries the id).
fn without_first_ids(text: &str) -> String {
    let (first, rest) = text.split_at(text.find('\n').map_or(text.len(), |i| i + 1));
    let body = first.trim_end();
    let first = match body.rfind('{') {
        Some(open) if body.ends_with('}') => {
            format!("{}{}", body[..open].trim_end(), &first[body.len()..])
        }
        _ => first.to_string(),
    };
    format!("{first}{rest}")
}

fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[n - 10]),
        20..=99 => format!("{}十{}", D[n / 10], D[n % 10]),
        _ => n.to_string(),
    }
}

/// The explanation in the standard order. `md` is the author's text after 部门概况
/// (figures already substituted); `generated` the paragraphs by section id.
pub fn explanation(md: &str, generated: &BTreeMap<&'static str, Vec<String>>) -> Explanation {
    let chunks = chunks(md);
    let mut author: BTreeMap<&str, Vec<&Chunk>> = BTreeMap::new();
    let mut extras: Vec<&Chunk> = Vec::new();
    let mut see_also: BTreeMap<&str, &str> = BTreeMap::new();
    let is_standard = |id: &str| STANDARD.iter().any(|(s, _, _)| *s == id);
    for c in chunks.iter().skip(1) {
        let first = c.ids[0].as_str();
        if is_standard(first) {
            author.entry(first).or_default().push(c);
            for other in &c.ids[1..] {
                see_also.entry(other.as_str()).or_insert(first);
            }
        } else {
            extras.push(c);
        }
    }
    let render_chunks = |cs: &[&Chunk], top: u8| -> String {
        let md: String = cs.iter().map(|c| without_first_ids(&c.text)).collect();
        markdown::render_at(&md, top).html
    };
    let title_of = |id: &str| -> String {
        STANDARD
            .iter()
            .find(|(s, _, _)| *s == id)
            .map_or(id, |(_, t, _)| *t)
            .to_string()
    };
    // Which standard sections have something to show.
    let has = |id: &str| {
        author.contains_key(id) || generated.contains_key(id) || see_also.contains_key(id)
    };
    let mut sections = Vec::new();
    let (mut n1, mut n2) = (0, 0);
    for (i, (id, title, depth)) in STANDARD.iter().enumerate() {
        let children_shown = *id == "other-matters"
            && STANDARD[i + 1..]
                .iter()
                .take_while(|(_, _, d)| *d == 2)
                .any(|(c, _, _)| has(c));
        if !has(id) && !children_shown {
            continue;
        }
        let number = if *depth == 1 {
            n1 += 1;
            n2 = 0;
            format!("（{}）", chinese_number(n1))
        } else {
            n2 += 1;
            format!("{n2}．")
        };
        let html = author
            .get(id)
            .map(|cs| render_chunks(cs, depth + 3))
            .unwrap_or_default();
        sections.push(SectionView {
            id: id.to_string(),
            toc_title: format!("{number}{title}"),
            number,
            title: title.to_string(),
            depth: *depth,
            generated: generated.get(id).cloned().unwrap_or_default(),
            html,
            see_also: see_also.get(id).map(|host| SeeAlso {
                href: format!("#{host}"),
                title: title_of(host),
            }),
        });
    }
    // Author's sections outside the standard set, in their published order; a repeated
    // id is given once (the later text joins the first).
    let mut seen: Vec<&str> = Vec::new();
    for c in &extras {
        let id = c.ids[0].as_str();
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let same: Vec<&Chunk> = extras.iter().copied().filter(|x| x.ids[0] == id).collect();
        n1 += 1;
        let number = format!("（{}）", chinese_number(n1));
        sections.push(SectionView {
            id: id.to_string(),
            toc_title: format!("{number}{}", c.heading),
            number,
            title: String::new(),
            depth: 1,
            generated: Vec::new(),
            html: render_chunks(&same, 3),
            see_also: None,
        });
    }
    let Rendered { html: preamble, .. } = markdown::render_at(&chunks[0].text, 3);
    Explanation { preamble, sections }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_order_author_text_after_generated_and_nothing_lost() {
        let md = "# 第三部分\n\n前言\n\n## 三公 {#three-public #meetings-training}\n三公说明\n\n## 总体 {#totals}\n总体说明\n### 无编号小节\n小节\n\n## 自定 {#local-note}\n自定说明\n";
        let mut generated = BTreeMap::new();
        generated.insert("totals", vec!["生成".to_string()]);
        let e = explanation(md, &generated);
        assert!(e.preamble.contains("前言"));
        let ids: Vec<&str> = e.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "totals",
                "other-matters",
                "three-public",
                "meetings-training",
                "local-note"
            ]
        );
        let totals = &e.sections[0];
        assert_eq!(totals.number, "（一）");
        assert_eq!(totals.generated, ["生成"]);
        assert!(totals.html.contains("<h4>总体</h4>"), "{}", totals.html);
        assert!(totals.html.contains("小节"));
        assert!(!totals.html.contains("id="), "{}", totals.html);
        assert!(e.sections[2].html.contains("三公说明"));
        assert_eq!(
            e.sections[3].see_also.as_ref().unwrap().href,
            "#three-public"
        );
        assert!(e.sections[4].html.contains("自定说明"));
        assert_eq!(e.sections[4].toc_title, "（三）自定");
    }

    #[test]
    fn headings_in_code_fences_do_not_cut() {
        let md = "## a {#totals}\n```\n## b {#glossary}\n```\n";
        let e = explanation(md, &BTreeMap::new());
        assert_eq!(e.sections.len(), 1);
        assert!(e.sections[0].html.contains("## b"));
    }
}
