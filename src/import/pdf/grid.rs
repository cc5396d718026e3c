//! A table region's lines into a grid: head lines, header cells with their spans, body
//! rows with one cell per column, notes. Columns come from the ruled lines the table is
//! drawn with where there are any, else from the x-extent of the body's cells and of the
//! header cells that have no body under them.

use super::classify::{is_amount, is_code, is_head_text, is_note, squeeze};
use super::layout::{Chunk, Line, Rule, join_pieces};
use super::regions::Region;
use crate::import::printed::{HeaderCell, Place, PrintedRow, PrintedTable};
use std::collections::{BTreeMap, HashSet};

/// A column: its left and right edge.
#[derive(Clone, Copy, Debug)]
struct Column {
    l: f64,
    r: f64,
}

/// A body line starts a table's body: it prints an amount, or a code or a total in front.
fn is_body_line(line: &Line) -> bool {
    if line.chunks.iter().any(|c| is_amount(&c.text)) {
        return true;
    }
    let Some(first) = line.chunks.first() else {
        return false;
    };
    let t = squeeze(&first.text);
    // A total with nothing beside it but figures (an empty table prints `合计` alone, or
    // `合计 0`: a whole number beside a total is a figure); a header may start with
    // `合计` too, followed by other headings. The label may be letter-spaced into
    // chunks of one character (`合   计`).
    let figure = |c: &str| {
        let c = c.trim();
        is_amount(c) || (!c.is_empty() && c.chars().all(|d| d.is_ascii_digit()))
    };
    let label_chunks = line.chunks.iter().take_while(|c| !figure(&c.text)).count();
    let label: String = line.chunks[..label_chunks]
        .iter()
        .map(|c| squeeze(&c.text))
        .collect();
    let total = ["合计", "总计", "收入总计", "支出总计"].contains(&label.as_str())
        && line.chunks[label_chunks..].iter().all(|c| figure(&c.text));
    // A row label numbered like `一、…` or `1.…` (a blank template has no figures).
    let numbered = t.split_once(['、', '.', '．']).is_some_and(|(head, rest)| {
        !head.is_empty()
            && !rest.is_empty()
            && head.chars().count() <= 3
            && head
                .chars()
                .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    });
    is_code(&t) || total || numbered
}

/// Builds the table of a region; `rules` are the rules of each page.
pub(crate) fn build(region: Region, rules: &BTreeMap<u32, Vec<Rule>>) -> PrintedTable {
    let Region {
        number,
        title,
        title_page,
        lines,
    } = region;
    let end_page = lines.last().map_or(title_page, |l| l.page);
    let mut head_lines = Vec::new();
    let mut rest: Vec<Line> = Vec::new();
    let mut in_head = true;
    for line in lines {
        if in_head && line.chunks.iter().any(|c| is_head_text(&c.text)) {
            // `部门：` and the name may stand apart: a label ending in a colon takes the
            // piece after it.
            let mut label: Option<String> = None;
            for c in &line.chunks {
                let text = c.text.trim().to_string();
                match label.take() {
                    Some(l) if !is_head_text(&text) => {
                        head_lines.push(join_pieces([l.as_str(), text.as_str()]));
                        continue;
                    }
                    Some(l) => head_lines.push(l),
                    None => {}
                }
                if text.ends_with(['：', ':']) {
                    label = Some(text);
                } else {
                    head_lines.push(text);
                }
            }
            head_lines.extend(label);
            continue;
        }
        in_head = false;
        rest.push(line);
    }
    // Notes: a line with a note, and the single-cell lines that continue it.
    let mut notes: Vec<String> = Vec::new();
    let mut kept: Vec<Line> = Vec::new();
    let mut in_note = false;
    for line in rest {
        let text = line.text();
        let continues = in_note && line.chunks.len() == 1 && !is_amount(&text);
        if is_note(&text) || continues {
            if continues && !is_note(&text) {
                if let Some(last) = notes.last_mut() {
                    *last = join_pieces([last.as_str(), text.as_str()]);
                }
            } else {
                notes.push(text);
            }
            in_note = true;
            continue;
        }
        in_note = false;
        kept.push(line);
    }
    let body_start = kept.iter().position(is_body_line).unwrap_or(kept.len());
    let mut body: Vec<Line> = kept.split_off(body_start);
    let header_lines = kept;
    // A header repeated at the top of a following page is not a body row.
    let header_texts: HashSet<String> = header_lines
        .iter()
        .flat_map(|l| l.chunks.iter().map(|c| squeeze(&c.text)))
        .collect();
    let first_page = body.first().map_or(title_page, |l| l.page);
    let mut seen_body_on: HashSet<u32> = HashSet::new();
    body.retain(|l| {
        if l.page == first_page || seen_body_on.contains(&l.page) {
            return true;
        }
        if is_body_line(l) {
            seen_body_on.insert(l.page);
            return true;
        }
        let repeated = l
            .chunks
            .iter()
            .all(|c| header_texts.contains(&squeeze(&c.text)) || is_head_text(&c.text));
        !repeated
    });

    let empty = Vec::new();
    let page_rules = rules.get(&first_page).unwrap_or(&empty);
    let columns = columns(&header_lines, &body, page_rules);
    let header = header_cells(&header_lines, &columns, rules);
    let rows = rows(&body, &columns, rules);
    PrintedTable {
        number,
        title,
        head_lines,
        header,
        rows,
        notes,
        place: Place::Page(title_page),
        end: Place::Page(end_page),
    }
}

fn extent<'a>(chunks: impl Iterator<Item = &'a Chunk>) -> Option<(f64, f64, f64, f64)> {
    chunks.fold(None, |acc, c| {
        Some(match acc {
            None => (c.x0, c.x1, c.y0, c.y1),
            Some((x0, x1, y0, y1)) => (x0.min(c.x0), x1.max(c.x1), y0.min(c.y0), y1.max(c.y1)),
        })
    })
}

/// Sorted, de-duplicated positions.
fn dedupe(mut xs: Vec<f64>, tolerance: f64) -> Vec<f64> {
    xs.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for x in xs {
        match out.last() {
            Some(&last) if x - last <= tolerance => {}
            _ => out.push(x),
        }
    }
    out
}

fn columns(header: &[Line], body: &[Line], rules: &[Rule]) -> Vec<Column> {
    let all_chunks = || header.iter().chain(body).flat_map(|l| l.chunks.iter());
    if extent(all_chunks()).is_none() {
        return Vec::new();
    }
    // The rows the rules must cross: the body's (on its first page), else the header's.
    let first_page = body.first().or(header.first()).map_or(0, |l| l.page);
    let band: Vec<&Line> = if body.is_empty() {
        header.iter().collect()
    } else {
        body.iter().collect()
    };
    let band_y = extent(
        band.iter()
            .filter(|l| l.page == first_page)
            .flat_map(|l| l.chunks.iter()),
    );
    // An empty table's one body row (`合计` over code and name) does not cross every
    // rule; its header's lowest line does. (Elsewhere header rows may be drawn with
    // other widths than the body's, so the body decides.)
    let header_y = header
        .last()
        .filter(|l| l.page == first_page && body.len() == 1)
        .map(|l| (l.y0, l.y1));
    let mut cols: Vec<Column> = Vec::new();
    if let Some((_, _, by0, by1)) = band_y {
        let crosses = |r: &&Rule| {
            (r.a0 < by1 && r.a1 > by0) || header_y.is_some_and(|(y0, y1)| r.a0 < y1 && r.a1 > y0)
        };
        let xs: Vec<f64> = rules
            .iter()
            .filter(|r| !r.horizontal)
            .filter(crosses)
            .map(|r| r.at)
            .collect();
        let xs = dedupe(xs, 3.0);
        cols = xs
            .windows(2)
            .filter(|w| w[1] - w[0] > 6.0)
            .map(|w| Column { l: w[0], r: w[1] })
            .collect();
        // A column with nothing printed in it is a gap between drawn boxes.
        cols.retain(|c| all_chunks().any(|k| k.center() > c.l && k.center() < c.r));
    }
    if std::env::var_os("GONGKAI_PDF_DEBUG").is_some() {
        eprintln!("cols={cols:?} band={band_y:?}");
    }
    if cols.len() >= 2 {
        return cols;
    }
    // No usable rules: the body cells' x-extents, merged where they overlap, and header
    // cells standing over no body cell (a column left blank in every row).
    let mut spans: Vec<(f64, f64)> = body
        .iter()
        .flat_map(|l| l.chunks.iter().map(|c| (c.x0, c.x1)))
        .collect();
    let merged = merge_intervals(&mut spans);
    let mut extra: Vec<(f64, f64)> = header
        .iter()
        .flat_map(|l| l.chunks.iter())
        .filter(|c| !merged.iter().any(|&(l, r)| c.x0 < r && c.x1 > l))
        .map(|c| (c.x0, c.x1))
        .collect();
    let mut all = merged;
    all.extend(merge_intervals(&mut extra));
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    all.into_iter().map(|(l, r)| Column { l, r }).collect()
}

fn merge_intervals(spans: &mut [(f64, f64)]) -> Vec<(f64, f64)> {
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::new();
    for &(l, r) in spans.iter() {
        match out.last_mut() {
            Some(last) if l <= last.1 + 1.0 => last.1 = last.1.max(r),
            _ => out.push((l, r)),
        }
    }
    out
}

/// The column of a chunk: the one it lies in, or the first of those it spans (a merged
/// cell's text belongs to its first column); None if it stands outside all of them.
fn column_of(chunk: &Chunk, columns: &[Column]) -> Option<usize> {
    let width = (chunk.x1 - chunk.x0).max(0.1);
    let overlaps: Vec<(usize, f64)> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (i, chunk.x1.min(c.r) - chunk.x0.max(c.l)))
        .filter(|&(_, o)| o > 0.5)
        .collect();
    let best = overlaps.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((i, o)) if o >= 0.7 * width || overlaps.len() == 1 => Some(i),
        Some(_) => overlaps.first().map(|&(i, _)| i),
        None => None,
    }
}

/// The column of a chunk in a drawn cell: the first column of the box the rules draw
/// around it, so a merged cell's text (`收入总计` over two columns) stands in the first
/// column it covers.
fn cell_column(chunk: &Chunk, columns: &[Column], rules: &[Rule]) -> Option<usize> {
    let cy = (chunk.y0 + chunk.y1) / 2.0;
    let covering = || {
        rules
            .iter()
            .filter(|r| !r.horizontal && r.a0 <= cy && r.a1 >= cy)
    };
    let left = covering()
        .filter(|r| r.at <= chunk.x0 + 2.0)
        .map(|r| r.at)
        .fold(f64::NEG_INFINITY, f64::max);
    let right = covering()
        .filter(|r| r.at >= chunk.x1 - 2.0)
        .map(|r| r.at)
        .fold(f64::INFINITY, f64::min);
    if !left.is_finite() || !right.is_finite() {
        return None;
    }
    columns
        .iter()
        .position(|c| c.l >= left - 2.0 && c.r <= right + 2.0)
}

/// Whether a horizontal rule separates two lines of one page within the x-range given.
fn rule_between(rules: &[Rule], upper: f64, lower: f64, x0: f64, x1: f64) -> bool {
    rules
        .iter()
        .any(|r| r.horizontal && r.at < upper && r.at > lower && r.a0 < x1 - 1.0 && r.a1 > x0 + 1.0)
}

fn rows(body: &[Line], columns: &[Column], rules: &BTreeMap<u32, Vec<Rule>>) -> Vec<PrintedRow> {
    if body.is_empty() || columns.is_empty() {
        return Vec::new();
    }
    let empty = Vec::new();
    let has_amount = |l: &Line| l.chunks.iter().any(|c| is_amount(&c.text));
    let (table_l, table_r) = (
        columns.first().map_or(0.0, |c| c.l),
        columns.last().map_or(0.0, |c| c.r),
    );
    // Rows are ruled when rules stand between most lines that print figures (labels may
    // wrap over several lines each); without two such lines, when there are about as
    // many horizontal rules as lines.
    let ruled = |page: u32| {
        let r = rules.get(&page).unwrap_or(&empty);
        let on_page: Vec<&Line> = body.iter().filter(|l| l.page == page).collect();
        let (Some(top), Some(bottom)) = (on_page.first(), on_page.last()) else {
            return false;
        };
        let figures: Vec<&&Line> = on_page.iter().filter(|l| has_amount(l)).collect();
        if figures.len() >= 3 {
            let apart = figures
                .windows(2)
                .filter(|w| rule_between(r, w[0].center_y(), w[1].center_y(), table_l, table_r))
                .count();
            return apart * 2 >= figures.len() - 1;
        }
        let ys = dedupe(
            r.iter()
                .filter(|r| {
                    r.horizontal && r.at <= top.y1 + top.size && r.at >= bottom.y0 - bottom.size
                })
                .map(|r| r.at)
                .collect(),
            1.5,
        );
        ys.len() * 2 >= on_page.len()
    };
    let mut pitches: Vec<f64> = body
        .windows(2)
        .filter(|w| w[0].page == w[1].page)
        .map(|w| w[0].center_y() - w[1].center_y())
        .filter(|d| *d > 0.0)
        .collect();
    pitches.sort_by(f64::total_cmp);
    // The usual distance between rows, never under 1.5 lines: with one or two rows the
    // median says nothing.
    let size = body.iter().map(|l| l.size).fold(0.0, f64::max);
    let pitch = pitches
        .get(pitches.len() / 2)
        .copied()
        .unwrap_or(f64::INFINITY)
        .max(1.5 * size);

    // Group lines into rows.
    let mut groups: Vec<Vec<&Line>> = Vec::new();
    let mut ruled_pages: BTreeMap<u32, bool> = BTreeMap::new();
    let mut force_join = false;
    for (i, line) in body.iter().enumerate() {
        let is_ruled = *ruled_pages
            .entry(line.page)
            .or_insert_with(|| ruled(line.page));
        let prev = i
            .checked_sub(1)
            .and_then(|j| body.get(j))
            .filter(|p| p.page == line.page);
        let joins_prev = force_join
            || match prev {
                None => false,
                Some(p) if is_ruled => {
                    let r = rules.get(&line.page).unwrap_or(&empty);
                    !line
                        .chunks
                        .iter()
                        .any(|c| rule_between(r, p.center_y(), line.center_y(), c.x0, c.x1))
                }
                Some(p) => !has_amount(line) && p.center_y() - line.center_y() < 0.75 * pitch,
            };
        // Unruled: a name wrapped above a row whose figures stand on its middle line.
        force_join = !is_ruled
            && !joins_prev
            && !has_amount(line)
            && body.get(i + 1).is_some_and(|n| {
                n.page == line.page
                    && has_amount(n)
                    && line.center_y() - n.center_y() < 0.75 * pitch
            });
        match groups.last_mut() {
            Some(g) if joins_prev => g.push(line),
            _ => groups.push(vec![line]),
        }
    }
    // A text in a drawn box over several rows (a group label merged over its lines)
    // names each of them: the box's texts, joined, go to every row it covers.
    let boxed = |l: &Line, c: &Chunk| {
        let is_ruled = ruled_pages.get(&l.page).copied().unwrap_or(false);
        if !is_ruled || is_amount(&c.text) {
            return None;
        }
        box_of(c, rules.get(&l.page).unwrap_or(&empty)).map(|(top, bottom)| (l.page, top, bottom))
    };
    let mut boxes: Vec<MergedText> = Vec::new();
    for lines in &groups {
        for l in lines {
            for c in &l.chunks {
                let Some(key) = boxed(l, c) else { continue };
                let r = rules.get(&l.page).unwrap_or(&empty);
                let Some(col) = cell_column(c, columns, r).or_else(|| column_of(c, columns)) else {
                    continue;
                };
                match boxes.iter_mut().find(|b| b.place == key && b.column == col) {
                    Some(b) => b.texts.push(c.text.as_str()),
                    None => boxes.push(MergedText {
                        place: key,
                        column: col,
                        texts: vec![c.text.as_str()],
                    }),
                }
            }
        }
    }
    let covers = |(page, top, bottom): (u32, f64, f64), lines: &[&Line]| {
        lines
            .iter()
            .any(|l| l.page == page && l.center_y() < top && l.center_y() > bottom)
    };
    let mut out = Vec::new();
    for lines in groups {
        let Some(first) = lines.first() else { continue };
        let mut pieces: Vec<Vec<&str>> = vec![Vec::new(); columns.len()];
        let mut placed: Vec<usize> = Vec::new();
        let mut unsure = Vec::new();
        for l in &lines {
            for c in &l.chunks {
                let r = rules.get(&l.page).unwrap_or(&empty);
                let Some(i) = cell_column(c, columns, r).or_else(|| column_of(c, columns)) else {
                    unsure.push(format!(
                        "第{}页：「{}」不在任何一列内（横向位置 {:.0}）",
                        l.page, c.text, c.x0
                    ));
                    continue;
                };
                let b = boxed(l, c)
                    .and_then(|key| boxes.iter().position(|b| b.place == key && b.column == i));
                match b {
                    Some(b) if placed.contains(&b) => {}
                    Some(b) => {
                        placed.push(b);
                        pieces[i].extend(&boxes[b].texts);
                    }
                    None => pieces[i].push(c.text.as_str()),
                }
            }
        }
        for (b, merged) in boxes.iter().enumerate() {
            if !placed.contains(&b) && covers(merged.place, &lines) {
                pieces[merged.column].extend(&merged.texts);
            }
        }
        out.push(PrintedRow {
            cells: pieces.into_iter().map(join_pieces).collect(),
            place: Place::Page(first.page),
            unsure,
        });
    }
    out
}

/// The texts drawn in one box of a ruled table: its page, top and bottom, its column.
struct MergedText<'a> {
    place: (u32, f64, f64),
    column: usize,
    texts: Vec<&'a str>,
}

/// The rules above and below a chunk's middle that cross it: the top and bottom of the
/// box it is drawn in, if both are drawn.
fn box_of(chunk: &Chunk, rules: &[Rule]) -> Option<(f64, f64)> {
    let (cx, cy) = (chunk.center(), (chunk.y0 + chunk.y1) / 2.0);
    let crossing = || {
        rules
            .iter()
            .filter(move |r| r.horizontal && r.a0 <= cx && r.a1 >= cx)
    };
    let top = crossing()
        .filter(|r| r.at > cy)
        .map(|r| r.at)
        .fold(f64::INFINITY, f64::min);
    let bottom = crossing()
        .filter(|r| r.at < cy)
        .map(|r| r.at)
        .fold(f64::NEG_INFINITY, f64::max);
    (top.is_finite() && bottom.is_finite()).then_some((top, bottom))
}

/// Header cells: pieces of text in one drawn box (or, unruled, stacked and centred on
/// each other) are one cell; a cell spans the columns under it. Rows of the header are
/// the distinct tops of the cells, page by page (a header may run onto the next page).
fn header_cells(
    lines: &[Line],
    columns: &[Column],
    page_rules: &BTreeMap<u32, Vec<Rule>>,
) -> Vec<Vec<HeaderCell>> {
    if lines.is_empty() || columns.is_empty() {
        return Vec::new();
    }
    struct Cell {
        texts: Vec<String>,
        page: u32,
        l: f64,
        r: f64,
        top: f64,
        last_line: usize,
        center: f64,
        x0: f64,
    }
    let empty = Vec::new();
    let ruled = lines.iter().any(|l| {
        page_rules
            .get(&l.page)
            .is_some_and(|r| r.iter().any(|r| !r.horizontal))
    });
    let mut cells: Vec<Cell> = Vec::new();
    for (li, line) in lines.iter().enumerate() {
        let rules = page_rules.get(&line.page).unwrap_or(&empty);
        for c in &line.chunks {
            let cy = (c.y0 + c.y1) / 2.0;
            let cx = c.center();
            let (l, r, top) = if ruled {
                let covers_y = |r: &&Rule| !r.horizontal && r.a0 <= cy && r.a1 >= cy;
                let l = rules
                    .iter()
                    .filter(covers_y)
                    .filter(|r| r.at <= c.x0 + 2.0)
                    .map(|r| r.at)
                    .fold(f64::NEG_INFINITY, f64::max);
                let r = rules
                    .iter()
                    .filter(covers_y)
                    .filter(|r| r.at >= c.x1 - 2.0)
                    .map(|r| r.at)
                    .fold(f64::INFINITY, f64::min);
                let top = rules
                    .iter()
                    .filter(|r| r.horizontal && r.a0 <= cx && r.a1 >= cx && r.at >= c.y1 - 1.0)
                    .map(|r| r.at)
                    .fold(f64::INFINITY, f64::min);
                let l = if l.is_finite() { l } else { c.x0 };
                let r = if r.is_finite() { r } else { c.x1 };
                let top = if top.is_finite() { top } else { c.y1 };
                (l, r, top)
            } else {
                (c.x0, c.x1, c.y1)
            };
            let same = cells.iter_mut().rev().find(|k| {
                if ruled {
                    k.page == line.page
                        && (k.l - l).abs() < 2.0
                        && (k.r - r).abs() < 2.0
                        && (k.top - top).abs() < 2.0
                } else {
                    k.last_line + 1 == li
                        && ((k.center - cx).abs() < 0.6 * c.size
                            || (k.x0 - c.x0).abs() < 0.6 * c.size)
                }
            });
            match same {
                Some(k) => {
                    k.texts.push(c.text.clone());
                    k.last_line = li;
                    if !ruled {
                        k.l = k.l.min(c.x0);
                        k.r = k.r.max(c.x1);
                    }
                }
                None => cells.push(Cell {
                    texts: vec![c.text.clone()],
                    page: line.page,
                    l,
                    r,
                    top,
                    last_line: li,
                    center: cx,
                    x0: c.x0,
                }),
            }
        }
    }
    // Levels top to bottom: pages in order, on each the distinct tops downwards.
    let mut tops: Vec<(u32, f64)> = Vec::new();
    let mut pages: Vec<u32> = cells.iter().map(|c| c.page).collect();
    pages.dedup();
    for page in pages {
        let on_page = cells.iter().filter(|c| c.page == page).map(|c| -c.top);
        tops.extend(
            dedupe(on_page.collect(), 2.5)
                .into_iter()
                .map(|t| (page, t)),
        );
    }
    let mut header: Vec<Vec<HeaderCell>> = vec![Vec::new(); tops.len()];
    for cell in cells {
        let level = tops
            .iter()
            .position(|&(p, t)| p == cell.page && (t + cell.top).abs() <= 2.5)
            .unwrap_or(0);
        let inside: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                let mid = (c.l + c.r) / 2.0;
                if ruled {
                    mid > cell.l && mid < cell.r
                } else {
                    c.l < cell.r && c.r > cell.l
                }
            })
            .map(|(i, _)| i)
            .collect();
        let (first, last) = match (inside.first(), inside.last()) {
            (Some(&f), Some(&l)) => (f, l),
            _ => {
                let mid = (cell.l + cell.r) / 2.0;
                let nearest = columns
                    .iter()
                    .enumerate()
                    .min_by(|a, b| {
                        let da = ((a.1.l + a.1.r) / 2.0 - mid).abs();
                        let db = ((b.1.l + b.1.r) / 2.0 - mid).abs();
                        da.total_cmp(&db)
                    })
                    .map_or(0, |(i, _)| i);
                (nearest, nearest)
            }
        };
        if let Some(row) = header.get_mut(level) {
            row.push(HeaderCell {
                text: join_pieces(cell.texts.iter().map(String::as_str)),
                first,
                last,
            });
        }
    }
    for row in &mut header {
        row.sort_by_key(|c| (c.first, c.last));
    }
    header.retain(|r| !r.is_empty());
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(text: &str, x0: f64, y0: f64) -> Chunk {
        Chunk {
            text: text.into(),
            x0,
            x1: x0 + 10.0 * text.chars().count() as f64,
            y0,
            y1: y0 + 10.0,
            size: 10.0,
        }
    }

    fn line(chunks: Vec<Chunk>) -> Line {
        let y0 = chunks.iter().map(|c| c.y0).fold(f64::INFINITY, f64::min);
        Line {
            page: 1,
            y0,
            y1: y0 + 10.0,
            size: 10.0,
            chunks,
        }
    }

    fn v(x: f64, y0: f64, y1: f64) -> Rule {
        Rule {
            horizontal: false,
            at: x,
            a0: y0,
            a1: y1,
        }
    }

    fn h(y: f64, x0: f64, x1: f64) -> Rule {
        Rule {
            horizontal: true,
            at: y,
            a0: x0,
            a1: x1,
        }
    }

    /// 合计 | 基本支出 (人员经费 | 公用经费) | 项目支出, drawn with rules; one body row and
    /// a name wrapped in its cell.
    #[test]
    fn a_ruled_nested_header_spans_its_columns() {
        // Columns: name 0–100, 合计 100–200, 人员 200–300, 公用 300–400, 项目 400–500.
        let rules = vec![
            h(700.0, 0.0, 500.0),
            h(670.0, 200.0, 400.0), // under 基本支出 only
            h(640.0, 0.0, 500.0),
            h(600.0, 0.0, 500.0),
            v(0.0, 600.0, 700.0),
            v(100.0, 600.0, 700.0),
            v(200.0, 600.0, 700.0),
            v(300.0, 600.0, 670.0), // between 人员经费 and 公用经费, below 基本支出
            v(400.0, 600.0, 700.0),
            v(500.0, 600.0, 700.0),
        ];
        let region = Region {
            number: Some("公开03表".into()),
            title: "支出预算总表".into(),
            title_page: 1,
            lines: vec![
                line(vec![chunk("单位：万元", 400.0, 710.0)]),
                line(vec![chunk("基本支出", 260.0, 680.0)]),
                line(vec![
                    chunk("科目名称", 10.0, 650.0),
                    chunk("合计", 130.0, 650.0),
                    chunk("人员经费", 210.0, 650.0),
                    chunk("公用经费", 310.0, 650.0),
                    chunk("项目支出", 410.0, 650.0),
                ]),
                line(vec![
                    chunk("行政运", 10.0, 622.0),
                    chunk("1,276.70", 120.0, 622.0),
                    chunk("1,000.00", 220.0, 622.0),
                    chunk("276.70", 330.0, 622.0),
                    chunk("?", 560.0, 622.0),
                ]),
                line(vec![chunk("行", 10.0, 608.0)]),
            ],
        };
        let t = build(region, &BTreeMap::from([(1, rules)]));
        assert_eq!(t.head_lines, ["单位：万元"]);
        let cell = |text: &str, first, last| HeaderCell {
            text: text.into(),
            first,
            last,
        };
        assert_eq!(t.header.len(), 2);
        assert_eq!(
            t.header[0],
            [
                cell("科目名称", 0, 0),
                cell("合计", 1, 1),
                cell("基本支出", 2, 3),
                cell("项目支出", 4, 4)
            ]
        );
        assert_eq!(
            t.header[1],
            [cell("人员经费", 2, 2), cell("公用经费", 3, 3)]
        );
        assert_eq!(t.rows.len(), 1);
        assert_eq!(
            t.rows[0].cells,
            ["行政运行", "1,276.70", "1,000.00", "276.70", ""]
        );
        // `?` outside the drawn table is reported with its place, not put in a column.
        assert_eq!(t.rows[0].unsure.len(), 1);
        assert!(
            t.rows[0].unsure[0].starts_with("第1页：「?」"),
            "{:?}",
            t.rows[0].unsure
        );
    }

    /// Without rules: columns from the cells' extents, an empty column from its header,
    /// text outside every column reported, a note kept.
    #[test]
    fn an_unruled_table_takes_columns_from_its_cells() {
        let region = Region {
            number: None,
            title: "政府性基金预算支出表".into(),
            title_page: 1,
            lines: vec![
                line(vec![
                    chunk("科目", 10.0, 650.0),
                    chunk("金额", 200.0, 650.0),
                    chunk("备用", 300.0, 650.0),
                ]),
                line(vec![
                    chunk("合计", 10.0, 630.0),
                    chunk("12.00", 200.0, 630.0),
                ]),
                line(vec![
                    chunk("其他", 10.0, 610.0),
                    chunk("12.00", 200.0, 610.0),
                ]),
                line(vec![chunk("注：本单位无政府性基金预算收支", 10.0, 590.0)]),
            ],
        };
        let t = build(region, &BTreeMap::new());
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells, ["合计", "12.00", ""]);
        assert_eq!(t.notes, ["注：本单位无政府性基金预算收支"]);
        assert_eq!(t.rows[1].cells, ["其他", "12.00", ""]);
        // The empty third column is there because its header is.
        assert_eq!(t.header[0].last().map(|c| (c.first, c.last)), Some((2, 2)));
    }

    /// Labels wrapped over three lines in ruled rows (more lines than twice the rules),
    /// and a group label drawn in a box over two rows: one row per figure, the group
    /// naming both.
    #[test]
    fn ruled_rows_keep_wrapped_labels_and_share_a_merged_label() {
        let mut rules = vec![v(0.0, 550.0, 720.0), v(100.0, 550.0, 720.0)];
        rules.extend([v(200.0, 550.0, 720.0), v(300.0, 550.0, 720.0)]);
        for y in [720.0, 700.0, 650.0, 550.0] {
            rules.push(h(y, 0.0, 300.0));
        }
        rules.push(h(600.0, 100.0, 300.0)); // not under the group's box
        let region = Region {
            number: None,
            title: "政府采购预算表".into(),
            title_page: 1,
            lines: vec![
                line(vec![
                    chunk("品目", 10.0, 705.0),
                    chunk("名称", 110.0, 705.0),
                    chunk("金额", 210.0, 705.0),
                ]),
                line(vec![
                    chunk("一、货物", 10.0, 670.0),
                    chunk("27.00", 210.0, 670.0),
                ]),
                line(vec![chunk("便携式计算", 110.0, 635.0)]),
                line(vec![
                    chunk("机（20万", 110.0, 622.0),
                    chunk("16.00", 210.0, 622.0),
                ]),
                line(vec![chunk("以下）", 110.0, 609.0)]),
                line(vec![chunk("办公设备", 10.0, 597.0)]),
                line(vec![chunk("打印设备", 110.0, 585.0)]),
                line(vec![
                    chunk("（20万以", 110.0, 572.0),
                    chunk("15.00", 210.0, 572.0),
                ]),
                line(vec![chunk("下）", 110.0, 559.0)]),
            ],
        };
        let t = build(region, &BTreeMap::from([(1, rules)]));
        let rows: Vec<&[String]> = t.rows.iter().map(|r| r.cells.as_slice()).collect();
        assert_eq!(
            rows,
            [
                ["一、货物", "", "27.00"],
                ["办公设备", "便携式计算机（20万以下）", "16.00"],
                ["办公设备", "打印设备（20万以下）", "15.00"],
            ]
        );
    }

    /// A header that starts at the foot of one page (收入 | 支出) and goes on at the top
    /// of the next: each part placed by its own page's rules, the levels in page order.
    #[test]
    fn a_header_over_two_pages_keeps_its_levels() {
        let mut page1 = vec![h(110.0, 0.0, 400.0), h(90.0, 0.0, 400.0)];
        page1.extend([0.0, 200.0, 400.0].map(|x| v(x, 90.0, 110.0)));
        let mut page2 = vec![h(780.0, 0.0, 400.0), h(750.0, 0.0, 400.0)];
        page2.push(h(700.0, 0.0, 400.0));
        page2.extend([0.0, 100.0, 200.0, 300.0, 400.0].map(|x| v(x, 700.0, 780.0)));
        let on = |page: u32, l: Line| Line { page, ..l };
        let region = Region {
            number: None,
            title: "财政拨款收支预算总表".into(),
            title_page: 1,
            lines: vec![
                on(
                    1,
                    line(vec![chunk("收入", 80.0, 95.0), chunk("支出", 280.0, 95.0)]),
                ),
                on(
                    2,
                    line(vec![
                        chunk("项目", 10.0, 760.0),
                        chunk("金额", 110.0, 760.0),
                        chunk("项目", 210.0, 760.0),
                        chunk("金额", 310.0, 760.0),
                    ]),
                ),
                on(
                    2,
                    line(vec![
                        chunk("一、甲", 10.0, 720.0),
                        chunk("1.00", 110.0, 720.0),
                        chunk("一、乙", 210.0, 720.0),
                        chunk("2.00", 310.0, 720.0),
                    ]),
                ),
            ],
        };
        let t = build(region, &BTreeMap::from([(1, page1), (2, page2)]));
        let cell = |text: &str, first, last| HeaderCell {
            text: text.into(),
            first,
            last,
        };
        assert_eq!(
            t.header,
            [
                vec![cell("收入", 0, 1), cell("支出", 2, 3)],
                vec![
                    cell("项目", 0, 0),
                    cell("金额", 1, 1),
                    cell("项目", 2, 2),
                    cell("金额", 3, 3)
                ],
            ]
        );
        assert_eq!(t.rows[0].cells, ["一、甲", "1.00", "一、乙", "2.00"]);
    }
}
