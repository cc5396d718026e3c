//! The explanation text: figure references replaced by their published or generated
//! values, Markdown rendered with pulldown-cmark, the HTML sanitized with ammonia.

use crate::amount;
use crate::expr::{self, EvalError, Expr};
use crate::lookup::{self, Lookup};
use crate::model::Disclosure;
use crate::narrative::{self, Figure};
use crate::source::FileId;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};

/// Section ids that belong to 部门概况 (published before the tables).
pub const OVERVIEW_IDS: &[&str] = &["overview", "functions", "organisation", "staffing", "composition"];

/// A heading of the rendered text, for the table of contents.
#[derive(Clone, Debug, Serialize)]
pub struct Heading {
    pub id: String,
    pub title: String,
    /// The HTML level (the Markdown level + 1: the page has its own `h1`).
    pub level: u8,
}

/// Rendered, sanitized HTML and its headings with ids.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
}

/// The text of one figure as published: the printed figure when there is one, else the
/// value of its expression computed from the tables, with two decimals.
pub fn figure_text(d: &Disclosure, f: &Figure) -> String {
    if let Some(p) = &f.published {
        return p.text.clone();
    }
    match &f.expr {
        Some(Ok(e)) => match evaluate(d, e) {
            Ok(v) => v,
            Err(EvalError::Unknown(_)) => "（原文无法辨认）".into(),
            Err(_) => "（无法计算）".into(),
        },
        _ => "（无法计算）".into(),
    }
}

/// Evaluates a generated figure in the text's unit: `629.76`, or `4.05%` for `pct(…)`.
pub fn evaluate(d: &Disclosure, e: &Expr) -> Result<String, EvalError> {
    let none = BTreeSet::new();
    let read = |r: &expr::CellRef| match lookup::cell(d, r, d.text_unit, &none) {
        Lookup::Value(iv, _) => Ok(iv),
        Lookup::Unknown => Err(EvalError::Unknown(r.to_string())),
        _ => Err(EvalError::BadRef(r.to_string())),
    };
    let iv = expr::eval(e, &read)?;
    let mut v = amount::round(iv.mid, 2);
    v.rescale(2);
    let text = amount::format_grouped(v);
    Ok(if matches!(e, Expr::Pct(..)) {
        format!("{text}%")
    } else {
        text
    })
}

/// Replaces every `{{ … }}` in `md` by its published text.
pub fn substitute_figures(d: &Disclosure, md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut pos = 0;
    for f in narrative::figures(md, FileId(0)) {
        out.push_str(&md[pos..f.range.start]);
        out.push_str(&figure_text(d, &f));
        pos = f.range.end;
    }
    out.push_str(&md[pos..]);
    out
}

/// Splits the (substituted) text into 部门概况 and the rest: the overview part runs from
/// the start to the first heading with a standard id outside `OVERVIEW_IDS` that follows
/// an overview heading. Without an overview heading, everything is explanation.
pub fn split_overview(md: &str) -> (&str, &str) {
    let sections = narrative::sections(md, FileId(0));
    let mut seen_overview = false;
    for s in &sections {
        if OVERVIEW_IDS.contains(&s.id.as_str()) {
            seen_overview = true;
        } else if seen_overview {
            let at = line_start(md, s.loc.line);
            return (&md[..at], &md[at..]);
        }
    }
    if seen_overview {
        (md, "")
    } else {
        ("", md)
    }
}

fn line_start(text: &str, line: u32) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line as usize - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// Renders Markdown to sanitized HTML. Headings move one level down (the page has its
/// own `h1`); a heading with several ids (`{#a #b}`) keeps the first.
pub fn render(md: &str) -> Rendered {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut headings = Vec::new();
    let mut current: Option<(String, String, u8)> = None;
    let events: Vec<Event> = Parser::new_ext(md, opts)
        .map(|ev| match ev {
            Event::Start(Tag::Heading {
                level,
                id,
                classes: _,
                attrs: _,
            }) => {
                let level = demote(level);
                let id = id.map(|i| first_id(&i));
                if let Some(i) = &id {
                    current = Some((i.clone(), String::new(), level as u8));
                }
                Event::Start(Tag::Heading {
                    level,
                    id: id.map(Into::into),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                })
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((id, title, lvl)) = current.take() {
                    headings.push(Heading {
                        id,
                        title: title.trim().to_string(),
                        level: lvl,
                    });
                }
                Event::End(TagEnd::Heading(demote(level)))
            }
            Event::Text(t) | Event::Code(t) if current.is_some() => {
                if let Some((_, title, _)) = current.as_mut() {
                    title.push_str(&t);
                }
                Event::Text(t)
            }
            other => other,
        })
        .collect();
    let mut raw = String::new();
    pulldown_cmark::html::push_html(&mut raw, events.into_iter());
    let html = sanitize(&raw)
        .replace("<table>", "<div class=\"table-wrap\"><table>")
        .replace("</table>", "</table></div>");
    Rendered { html, headings }
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn first_id(raw: &str) -> String {
    raw.split(|c: char| c.is_whitespace() || c == '#')
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string()
}

/// Removes scripts, event handlers, `javascript:` links and styles (except the
/// `text-align` that aligned Markdown table cells carry); keeps heading ids.
pub fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    for h in ["h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, &["id"]);
    }
    b.add_tag_attributes("th", &["style"]);
    b.add_tag_attributes("td", &["style"]);
    b.filter_style_properties(HashSet::from(["text-align"]));
    b.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_and_keeps_alignment_and_ids() {
        let r = render(
            "## 标题 {#totals}\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n",
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"totals\">"), "{}", r.html);
        assert!(r.html.contains("text-align"), "{}", r.html);
        assert!(r.html.contains("<div class=\"table-wrap\"><table>"));
        assert_eq!(r.headings.len(), 1);
        assert_eq!(r.headings[0].title, "标题");
    }

    #[test]
    fn several_ids_keep_the_first() {
        let r = render("## 三公 {#three-public #meetings-training}\n");
        assert_eq!(r.headings[0].id, "three-public");
        assert!(r.html.contains("id=\"three-public\""), "{}", r.html);
    }

    #[test]
    fn splits_overview_from_explanation() {
        let md = "# 第一部分\n## 一、概况 {#overview}\n职能\n## 二、构成 {#composition}\nx\n## 三、总体 {#totals}\ny\n";
        let (a, b) = split_overview(md);
        assert!(a.contains("构成") && !a.contains("总体"));
        assert!(b.starts_with("## 三、总体"));
        assert_eq!(split_overview("## x {#totals}\n").0, "");
    }
}
