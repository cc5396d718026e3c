//! The explanation text: figure references replaced by their published or generated
//! values, Markdown rendered with pulldown-cmark, the HTML sanitized with ammonia.

use crate::check::expr::{self, EvalError, Expr};
use crate::check::lookup::{self, Lookup};
use crate::check::narrative::{self, Figure};
use crate::model::Disclosure;
use crate::model::amount;
use crate::model::files::FileId;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};

/// Section ids that belong to 部门概况 (published before the tables).
pub const OVERVIEW_IDS: &[&str] = &[
    "overview",
    "functions",
    "organisation",
    "staffing",
    "composition",
];

/// A heading of the rendered text, for the table of contents.
#[derive(Clone, Debug, Serialize)]
pub struct Heading {
    pub id: String,
    pub title: String,
    /// The HTML level (3 for the text's highest headings, at most 6).
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

/// Where a figure's value comes from: `T07 一般公共预算支出表 › 合计 › 基本支出`, one per
/// cell the expression reads; `None` for a figure that reads no cell.
pub fn figure_source(d: &Disclosure, f: &Figure) -> Option<String> {
    let Some(Ok(e)) = &f.expr else {
        return None;
    };
    let parts: Vec<String> = expr::refs(e)
        .into_iter()
        .map(|r| match d.table(&r.table) {
            Some(t) => {
                let row = t
                    .row(&r.row)
                    .map_or_else(|| r.row.clone(), |row| row.label());
                let col = t
                    .column(&r.column)
                    .map_or(r.column.as_str(), |c| c.name.as_str());
                format!("{} › {row} › {col}", t.label())
            }
            None => r.to_string(),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("；"))
}

/// Visible links (`表T07`) to the table rows a figure reads: one per table, to the first
/// row it reads there.
pub fn figure_links(d: &Disclosure, f: &Figure) -> String {
    let Some(Ok(e)) = &f.expr else {
        return String::new();
    };
    let mut seen = Vec::new();
    let mut out = String::new();
    for r in expr::refs(e) {
        let Some(t) = d.table(&r.table) else { continue };
        let Some(anchor) = super::row_anchor(t, &r.row) else {
            continue;
        };
        if !seen.contains(&t.id) {
            out.push_str(&super::source_link(t, &anchor));
            seen.push(t.id.clone());
        }
    }
    out
}

/// Replaces every `{{ … }}` in `md` by its published text; a figure read from the
/// tables is wrapped in a `<span>` whose title names the table, row and column, and
/// followed by a link to each row it reads (`表T07`, a superscript that prints).
pub fn substitute_figures(d: &Disclosure, md: &str) -> String {
    substitute_figures_marked(d, md, &[])
}

/// A marker to put on the figure at a place of the text (see `findings`): the figure
/// there (`{{ … }}`, or a number with its unit) is wrapped in `<span class="flagged">`
/// and followed by `html` (the `※n` links).
#[derive(Clone, Debug)]
pub struct TextMark {
    /// 1-based line and column (characters) in the Markdown.
    pub line: u32,
    pub col: u32,
    pub html: String,
}

/// Byte offset of 1-based `line`:`col` (characters) in `text`; `None` past its end.
fn offset_of(text: &str, line: u32, col: u32) -> Option<usize> {
    let start = line_start(text, line);
    if line > 1 && start >= text.len() && !text.is_empty() {
        return None;
    }
    let rest = &text[start..];
    let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let skip = col.saturating_sub(1) as usize;
    if skip == 0 {
        return Some(start);
    }
    line_text
        .char_indices()
        .nth(skip)
        .map(|(i, _)| start + i)
        .or_else(|| (line_text.chars().count() == skip).then_some(start + line_text.len()))
}

/// The end of what a mark at `at` wraps: the number there with its unit (or a date,
/// `9月31日`), else a name up to its closing bracket (`医疗保障经办事务（款）`) when that
/// is near; `at` when neither.
fn number_end(md: &str, at: usize) -> usize {
    let rest = &md[at..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    if !line.starts_with(|c: char| c.is_ascii_digit()) {
        return line
            .char_indices()
            .take(40)
            .find(|(_, c)| matches!(c, '）' | '」'))
            .map_or(at, |(i, c)| at + i + c.len_utf8());
    }
    if let Some((m, d)) = line.split_once('月')
        && m.len() <= 2
        && m.bytes().all(|b| b.is_ascii_digit())
        && let Some((day, _)) = d.split_once('日')
        && !day.is_empty()
        && day.len() <= 2
        && day.bytes().all(|b| b.is_ascii_digit())
    {
        return at + m.len() + '月'.len_utf8() + day.len() + '日'.len_utf8();
    }
    let digits = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '，')))
        .map_or(rest.len(), |(i, _)| i);
    // A trailing comma or point ends the sentence, not the number.
    let digits = rest[..digits].trim_end_matches([',', '.', '，']).len();
    if digits == 0 {
        return at;
    }
    let after = &rest[digits..];
    let unit = ["万元", "亿元", "元", "%", "％"]
        .into_iter()
        .find(|u| after.starts_with(u))
        .map_or(0, str::len);
    at + digits + unit
}

/// [`substitute_figures`], with `marks` put on the figures they point at.
pub fn substitute_figures_marked(d: &Disclosure, md: &str, marks: &[TextMark]) -> String {
    // Each mark's byte offset; marks past the text's end are dropped.
    let mut at: Vec<(usize, &str)> = marks
        .iter()
        .filter_map(|m| Some((offset_of(md, m.line, m.col)?, m.html.as_str())))
        .collect();
    at.sort_by_key(|(o, _)| *o);
    let mut next = 0;
    let mut out = String::with_capacity(md.len());
    let mut pos = 0;
    // Copies `md[pos..to]`, wrapping the numbers marks point at there.
    let copy = |out: &mut String, pos: &mut usize, to: usize, next: &mut usize| {
        while *next < at.len() && at[*next].0 < to {
            let mut start = at[*next].0.max(*pos);
            let mut end = number_end(md, start).min(to);
            // Nothing to wrap at a line's start (a heading's `#`, a list's marker): the
            // marker goes at the line's end, before a heading's `{#id}`.
            if end == start && (start == 0 || md.as_bytes()[start - 1] == b'\n') {
                let line_end = md[start..].find('\n').map_or(md.len(), |i| start + i);
                let line = md[start..line_end].trim_end();
                let body = match line.rfind(" {#") {
                    Some(i) if line.ends_with('}') => &line[..i],
                    _ => line,
                };
                start = (start + body.len()).min(to);
                end = start;
            }
            out.push_str(&md[*pos..start]);
            let mut html = String::new();
            while *next < at.len() && at[*next].0 <= start {
                html.push_str(at[*next].1);
                *next += 1;
            }
            if end > start {
                out.push_str("<span class=\"flagged\">");
                out.push_str(&md[start..end]);
                out.push_str("</span>");
            }
            out.push_str(&html);
            *pos = end;
        }
        out.push_str(&md[*pos..to]);
        *pos = to;
    };
    for f in narrative::figures(md, FileId(0)) {
        copy(&mut out, &mut pos, f.range.start, &mut next);
        // The marks on this figure.
        let mut html = String::new();
        while next < at.len() && at[next].0 < f.range.end {
            html.push_str(at[next].1);
            next += 1;
        }
        let text = figure_text(d, &f);
        let (open, close) = if html.is_empty() {
            ("", "")
        } else {
            ("<span class=\"flagged\">", "</span>")
        };
        out.push_str(open);
        match figure_source(d, &f) {
            Some(src) => {
                out.push_str("<span class=\"fig\" title=\"数据来源：");
                out.push_str(&escape_attr(&src));
                out.push_str("\">");
                out.push_str(&text);
                out.push_str("</span>");
                // The link follows the figure's unit (`629.76万元表T07`).
                let after = &md[f.range.end..];
                let unit = ["万元", "元"]
                    .into_iter()
                    .find(|u| after.starts_with(u))
                    .unwrap_or("");
                out.push_str(unit);
                out.push_str(close);
                out.push_str(&html);
                out.push_str(&figure_links(d, &f));
                pos = f.range.end + unit.len();
                continue;
            }
            None => out.push_str(&text),
        }
        out.push_str(close);
        out.push_str(&html);
        pos = f.range.end;
    }
    copy(&mut out, &mut pos, md.len(), &mut next);
    out
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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
            let at = headings_before(md, line_start(md, s.loc.line));
            return (&md[..at], &md[at..]);
        }
    }
    if seen_overview { (md, "") } else { ("", md) }
}

/// Moves `at` back over the headings directly above it (`第二部分 收支情况` above
/// `四、收支说明` above the first explanation section): they introduce what follows.
fn headings_before(md: &str, mut at: usize) -> usize {
    loop {
        let before = md[..at].trim_end_matches(['\n', '\r', ' ', '\t']);
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = &before[start..];
        if before.is_empty() || !line.starts_with('#') {
            return at;
        }
        at = start;
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

/// Renders Markdown to sanitized HTML. Headings sit inside the page's parts (`h1` title,
/// `h2` parts): the text's highest heading becomes `h3`, and no level is skipped. A
/// heading with several ids (`{#a #b}`) keeps the first.
pub fn render(md: &str) -> Rendered {
    render_at(md, 3)
}

/// Renders Markdown as `render` does, with the text's highest heading at HTML level
/// `top` (3 to 6).
pub fn render_at(md: &str, top: u8) -> Rendered {
    let md = first_ids_only(md);
    let opts = Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES;
    let parsed: Vec<Event> = Parser::new_ext(&md, opts).collect();
    let levels = outline_levels(&parsed, usize::from(top.clamp(3, 6)));
    let mut next = levels.into_iter();
    let mut headings = Vec::new();
    // The open heading: its output level, and its id and title when it has an id.
    let mut open: Option<(HeadingLevel, Option<(String, String)>)> = None;
    let events: Vec<Event> = parsed
        .into_iter()
        .map(|ev| match ev {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let out = next.next().unwrap_or(level);
                let id = id.map(|i| first_id(&i));
                open = Some((out, id.clone().map(|i| (i, String::new()))));
                Event::Start(Tag::Heading {
                    level: out,
                    id: id.map(Into::into),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                })
            }
            Event::End(TagEnd::Heading(level)) => {
                let out = match open.take() {
                    Some((out, Some((id, title)))) => {
                        headings.push(Heading {
                            id,
                            title: title.trim().to_string(),
                            level: out as u8,
                        });
                        out
                    }
                    Some((out, None)) => out,
                    None => level,
                };
                Event::End(TagEnd::Heading(out))
            }
            Event::Text(t) | Event::Code(t) if open.is_some() => {
                if let Some((_, Some((_, title)))) = open.as_mut() {
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

/// The output level of each heading, in order: the highest Markdown level present →
/// `h{base}`, the others below it, never more than one level deeper than the heading
/// before.
fn outline_levels(events: &[Event], base: usize) -> Vec<HeadingLevel> {
    let md_levels: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .collect();
    let top = md_levels.iter().copied().min().unwrap_or(1);
    let mut prev = base - 1;
    md_levels
        .into_iter()
        .map(|l| {
            let out = (l - top + base).min(prev + 1).min(6);
            prev = out;
            match out {
                3 => HeadingLevel::H3,
                4 => HeadingLevel::H4,
                5 => HeadingLevel::H5,
                _ => HeadingLevel::H6,
            }
        })
        .collect()
}

/// `## 标题 {#a #b}` → `## 标题 {#a}`: pulldown-cmark would keep the last id.
fn first_ids_only(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.split_inclusive('\n') {
        let body = line.trim_end();
        if body.starts_with('#')
            && body.ends_with('}')
            && let Some(open) = body.rfind("{#")
        {
            let ids = &body[open + 1..body.len() - 1];
            if ids.split_whitespace().count() > 1 {
                let first = ids.split_whitespace().next().unwrap_or("");
                out.push_str(&body[..open]);
                out.push('{');
                out.push_str(first);
                out.push('}');
                out.push_str(&line[body.len()..]);
                continue;
            }
        }
        out.push_str(line);
    }
    out
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
    for h in ["h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, &["id"]);
    }
    b.add_tag_attributes("th", &["style"]);
    b.add_tag_attributes("td", &["style"]);
    b.filter_style_properties(HashSet::from(["text-align"]));
    b.add_allowed_classes("span", &["fig", "flagged", "computed"]);
    b.add_allowed_classes("sup", &["src"]);
    // The markers of findings (`findings::marks_html`): a link to the finding, with an
    // id the finding links back to and an accessible description.
    b.add_allowed_classes(
        "a",
        &[
            "flag",
            "flag-error",
            "flag-rounding",
            "flag-unchecked",
            "flag-missing",
        ],
    );
    b.add_tag_attributes("a", &["id", "aria-label"]);
    // No external requests: an image may only come from the site itself.
    b.attribute_filter(|element, attribute, value| {
        let external = value.contains(':') || value.trim_start().starts_with("//");
        if element == "img" && attribute == "src" && external {
            None
        } else {
            Some(value.into())
        }
    });
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
        assert!(r.html.starts_with("<h3 id=\"three-public\">"), "{}", r.html);
        assert_eq!(r.headings[0].id, "three-public");
        assert!(r.html.contains("id=\"three-public\""), "{}", r.html);
    }

    #[test]
    fn heading_levels_start_at_h3_and_skip_none() {
        let r = render("## a {#a}\n#### b {#b}\n### c {#c}\n## d {#d}\n");
        let levels: Vec<u8> = r.headings.iter().map(|h| h.level).collect();
        assert_eq!(levels, [3, 4, 4, 3]);
        assert!(r.html.contains("<h4 id=\"b\">b</h4>"), "{}", r.html);
    }

    #[test]
    fn marks_wrap_the_figure_they_point_at_and_never_break_a_heading() {
        let md = "# 第一部分 {#overview}\n\n支出 1,234.50万元，截至9月31日。\n";
        let m = |line, col, html: &str| TextMark {
            line,
            col,
            html: html.into(),
        };
        let at = |needle: &str| {
            let line = md[..md.find(needle).unwrap()].matches('\n').count() as u32 + 1;
            let start = md[..md.find(needle).unwrap()]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let col = md[start..md.find(needle).unwrap()].chars().count() as u32 + 1;
            (line, col)
        };
        let (l1, c1) = at("1,234.50");
        let (l2, c2) = at("9月31日");
        let marks = [m(l1, c1, "<M1>"), m(l2, c2, "<M2>"), m(1, 1, "<M3>")];
        // Without the tables: a text of no `{{ }}` figures.
        let d = crate::model::Disclosure {
            kind: crate::model::Kind::Budget,
            year: 2023,
            loc: loc(),
            template: String::new(),
            template_loc: loc(),
            title: String::new(),
            amount_unit: crate::model::amount::AmountUnit::Wanyuan,
            text_unit: crate::model::amount::AmountUnit::Wanyuan,
            catalogue_edition: None,
            published: None,
            approved: None,
            source: None,
            source_url: None,
            tables: Vec::new(),
            acks: Vec::new(),
            text: None,
        };
        let out = substitute_figures_marked(&d, md, &marks);
        assert!(
            out.contains("支出 <span class=\"flagged\">1,234.50万元</span><M1>，"),
            "{out}"
        );
        assert!(
            out.contains("截至<span class=\"flagged\">9月31日</span><M2>。"),
            "{out}"
        );
        // At a heading's start: after its text, before its id.
        assert!(out.starts_with("# 第一部分<M3> {#overview}\n"), "{out}");
    }

    fn loc() -> crate::model::diagnostic::Loc {
        crate::model::diagnostic::Loc {
            file: FileId(0),
            line: 1,
            col: 1,
        }
    }

    #[test]
    fn splits_overview_from_explanation() {
        let md = "# 第一部分\n## 一、概况 {#overview}\n职能\n## 二、构成 {#composition}\nx\n\n# 第二部分\n\n## 三、总体 {#totals}\ny\n";
        let (a, b) = split_overview(md);
        assert!(a.contains("构成") && !a.contains("总体") && !a.contains("第二部分"));
        assert!(b.starts_with("# 第二部分"), "{b}");
        assert_eq!(split_overview("## x {#totals}\n").0, "");
    }
}
