//! Which printed lines belong to a table and which are prose: a table starts at a title
//! line (`公开01表` / `收支预算总表`), runs over the lines below it and over following pages
//! while they stay tabular, and ends at the next title, at a part heading or where prose
//! starts again. Everything else is prose, made into paragraphs here too.

use super::classify::{
    is_amount, is_code, is_heading, is_note, is_part_heading, table_number, table_title,
};
use super::layout::{Line, Rule};
use crate::import::printed::{Place, PrintedText};
use std::collections::BTreeMap;

/// A table's lines, before the grid is made.
pub(crate) struct Region {
    pub number: Option<String>,
    pub title: String,
    pub title_page: u32,
    /// The lines after the title, over all pages the table runs to.
    pub lines: Vec<Line>,
}

/// A title at `i`: the number may stand on the line above the title or in front of it.
/// Returns the number, the title and how many lines the title takes.
fn title_at(lines: &[Line], i: usize) -> Option<(Option<String>, String, usize)> {
    let line = lines.get(i)?;
    let text = line.text();
    if let Some(number) = table_number(&text) {
        // The number may be the last line of a page and the title the next page's first.
        let next = lines
            .get(i + 1)
            .filter(|n| n.page == line.page || n.page == line.page + 1)?;
        let (_, title) = table_title(&next.text())?;
        return Some((Some(number), title, 2));
    }
    if is_part_heading(&text) {
        return None;
    }
    // A long title may wrap, leaving a few characters (`表`) on the next line, in the
    // same type: a row's last words (`计` of `收入合计`) above a title are not its start.
    let next = lines.get(i + 1).filter(|n| n.page == line.page);
    // The first part names what the table is about (`…培训费` / `支出预算表`): a stray
    // `计` closing a table above a title is no part of it.
    let starts_title = ["预算", "决算", "经费", "收支", "支出", "收入", "采购"]
        .iter()
        .any(|k| text.contains(k));
    let wrapped = next
        .filter(|n| n.chunks.len() == 1 && n.text().chars().count() <= 6)
        .filter(|_| starts_title && table_title(&text).is_none())
        .and_then(|n| table_title(&format!("{text}{}", n.text())));
    if let Some((number, title)) = wrapped {
        let max_chunks = if number.is_some() { 4 } else { 2 };
        return (line.chunks.len() <= max_chunks).then_some((number, title, 2));
    }
    let (number, title) = table_title(&text)?;
    // A title alone on a line, or with the head line beside it: long lines of several
    // cells are a table row that happens to end in 表.
    // A numbered title may be printed in several runs (`公开 09 表：` `一般…`).
    let max_chunks = if number.is_some() { 4 } else { 2 };
    if line.chunks.len() > max_chunks || title.is_empty() {
        return None;
    }
    // The number printed under the title (`公开表一`).
    if number.is_none()
        && let Some(next) = lines.get(i + 1).filter(|n| n.page == line.page)
        && let Some(below) = table_number(&next.text())
    {
        return Some((Some(below), title, 2));
    }
    Some((number, title, 1))
}

/// A line that reads like a table row or header rather than prose.
fn tabular(line: &Line) -> bool {
    line.chunks.len() >= 2
        || line
            .chunks
            .first()
            .is_some_and(|c| is_amount(&c.text) || is_code(&c.text))
        || is_note(&line.text())
}

/// A line drawn inside a table's grid: at its middle, at least three vertical rules
/// cross, one left of its text and one right of it (a box around prose has two).
fn in_grid(line: &Line, rules: &[Rule]) -> bool {
    let cy = line.center_y();
    let crossing: Vec<f64> = rules
        .iter()
        .filter(|r| !r.horizontal && r.a0 <= cy && r.a1 >= cy)
        .map(|r| r.at)
        .collect();
    crossing.len() >= 3
        && crossing.iter().any(|&x| x <= line.x0() + 1.0)
        && crossing.iter().any(|&x| x >= line.x1() - 1.0)
}

/// A line of running prose: one long sentence-like chunk.
fn prose_like(line: &Line) -> bool {
    let text = line.text();
    line.chunks.len() == 1
        && !is_note(&text)
        && (text.chars().count() > 30 || text.ends_with('。'))
        && !text
            .chars()
            .any(|c| c.is_ascii_digit() && text.contains(',') && text.len() < 12)
}

/// Splits the document's lines into table regions and prose; `rules` are each page's
/// drawn rules.
pub(crate) fn split(
    lines: &[Line],
    rules: &BTreeMap<u32, Vec<Rule>>,
) -> (Vec<Region>, Vec<PrintedText>) {
    let empty = Vec::new();
    let mut regions = Vec::new();
    let mut prose_lines: Vec<&Line> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((number, title, taken)) = title_at(lines, i) else {
            prose_lines.push(&lines[i]);
            i += 1;
            continue;
        };
        let start = i + taken;
        let mut end = start;
        while end < lines.len() {
            let line = &lines[end];
            if title_at(lines, end).is_some() || is_part_heading(&line.text()) {
                break;
            }
            let new_page = end > start && lines[end - 1].page != line.page;
            let first_on_page = end == start || new_page;
            if first_on_page && end > start {
                let next_tabular = lines
                    .get(end + 1)
                    .is_some_and(|n| n.page == line.page && tabular(n));
                let short = line.text().chars().count() <= 20;
                // A table running onto the next page may start it with a label wrapped
                // in its cell, or with several lines of labels alone.
                let drawn = in_grid(line, rules.get(&line.page).unwrap_or(&empty));
                if !(tabular(line) || (short && next_tabular) || drawn) {
                    break;
                }
            }
            if prose_like(line) {
                break;
            }
            end += 1;
        }
        let body = &lines[start..end];
        // A title with nothing tabular under it is a line of a table of contents.
        let looks_tabular = |l: &Line| {
            l.chunks.len() >= 3
                || is_note(&l.text())
                || l.chunks
                    .iter()
                    .any(|c| is_amount(&c.text) || is_code(&c.text))
        };
        if body.iter().any(looks_tabular) {
            regions.push(Region {
                number,
                title,
                // The page the title ends on (its number may stand at the foot of the
                // page before).
                title_page: lines[start - 1].page,
                lines: body.to_vec(),
            });
            i = end;
        } else {
            prose_lines.extend(&lines[i..start]);
            i = start;
        }
    }
    (regions, paragraphs(&prose_lines))
}

/// Joins prose lines into paragraphs in reading order; headings stand alone. A paragraph
/// ends where the next line is indented, a heading, set apart by a wider gap, or where
/// the line before stopped short of the right margin.
fn paragraphs(lines: &[&Line]) -> Vec<PrintedText> {
    let mut margins: std::collections::BTreeMap<u32, (f64, f64)> = Default::default();
    for l in lines {
        let m = margins
            .entry(l.page)
            .or_insert((f64::INFINITY, f64::NEG_INFINITY));
        m.0 = m.0.min(l.x0());
        m.1 = m.1.max(l.x1());
    }
    let mut out: Vec<PrintedText> = Vec::new();
    let mut current: Option<(String, u32)> = None;
    let mut prev: Option<&Line> = None;
    for &line in lines {
        let text = super::layout::join_pieces(line.chunks.iter().map(|c| c.text.as_str()));
        let (left, right) = margins.get(&line.page).copied().unwrap_or((0.0, 0.0));
        // A numbered line that runs to the right margin goes on: a list item, not a
        // heading.
        let heading = is_heading(&text) && line.x1() < right - 2.0 * line.size;
        let starts_new = match prev {
            None => true,
            Some(p) => {
                let indented = line.x0() > left + 1.5 * line.size;
                let short_before = p.x1() < right - 2.0 * p.size;
                let gap = if p.page == line.page {
                    p.y0 - line.y1
                } else {
                    0.0
                };
                let (_, p_right) = margins.get(&p.page).copied().unwrap_or((0.0, 0.0));
                let was_heading = is_heading(&p.text()) && p.x1() < p_right - 2.0 * p.size;
                heading || indented || short_before || gap > 1.2 * line.size || was_heading
            }
        };
        if starts_new {
            if let Some((t, page)) = current.take() {
                out.push(PrintedText {
                    text: t,
                    place: Place::Page(page),
                });
            }
            current = Some((text, line.page));
        } else if let Some((t, _)) = current.as_mut() {
            *t = super::layout::join_pieces([t.as_str(), text.as_str()]);
        }
        prev = Some(line);
    }
    if let Some((t, page)) = current {
        out.push(PrintedText {
            text: t,
            place: Place::Page(page),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::pdf::layout::Chunk;

    fn line(page: u32, y: f64, texts: &[(&str, f64)]) -> Line {
        let chunks = texts
            .iter()
            .map(|&(text, x0)| Chunk {
                text: text.into(),
                x0,
                x1: x0 + 10.0 * text.chars().count() as f64,
                y0: y,
                y1: y + 10.0,
                size: 10.0,
            })
            .collect();
        Line {
            page,
            chunks,
            y0: y,
            y1: y + 10.0,
            size: 10.0,
        }
    }

    /// A table whose next page starts with labels alone, wrapped in their cells (the
    /// figures further down): the page is in the table's drawn grid, so the table goes
    /// on. A `计` left of a title, closing the table's last label, stays in the table.
    #[test]
    fn a_table_goes_on_over_a_page_of_labels_in_its_grid() {
        let lines = vec![
            line(1, 700.0, &[("收支预算总表", 100.0)]),
            line(
                1,
                650.0,
                &[("项目", 10.0), ("金额", 110.0), ("科目", 210.0)],
            ),
            line(
                1,
                620.0,
                &[
                    ("一、财政拨款", 10.0),
                    ("9.00", 110.0),
                    ("八、社会保障和就", 210.0),
                ],
            ),
            line(2, 760.0, &[("业支出", 210.0)]),
            line(2, 740.0, &[("九、医疗卫生与计", 210.0)]),
            line(2, 720.0, &[("划生育支出", 210.0)]),
            line(2, 700.0, &[("十八、住房保障支", 210.0), ("9.00", 310.0)]),
            line(
                2,
                680.0,
                &[("收入合", 10.0), ("9.00", 110.0), ("支出合计", 210.0)],
            ),
            line(2, 665.0, &[("计", 10.0)]),
            line(2, 600.0, &[("收入预算总表", 100.0)]),
            line(2, 560.0, &[("收入总计", 10.0), ("9.00", 110.0)]),
        ];
        let grid: Vec<Rule> = [0.0, 100.0, 200.0, 300.0, 400.0]
            .iter()
            .map(|&x| Rule {
                horizontal: false,
                at: x,
                a0: 650.0,
                a1: 780.0,
            })
            .collect();
        let (regions, prose) = split(&lines, &BTreeMap::from([(2, grid)]));
        let titles: Vec<&str> = regions.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["收支预算总表", "收入预算总表"]);
        assert_eq!(regions[0].lines.len(), 8, "{:#?}", regions[0].lines);
        assert!(prose.is_empty(), "{prose:?}");
    }
}
