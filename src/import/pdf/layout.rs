//! Positioned text of a page, independent of the PDF library: spans, rules (the lines a
//! table is drawn with), and the printed lines they form. PDF coordinates: y grows
//! upward, so the top of a page has the largest y.

/// A run of text with its box.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Span {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    /// Bottom and top of the box.
    pub y0: f64,
    pub y1: f64,
    pub size: f64,
}

/// A straight ruled segment: vertical when `horizontal` is false (`a0..a1` along y at
/// `at` = x), horizontal otherwise (`a0..a1` along x at `at` = y).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rule {
    pub horizontal: bool,
    pub at: f64,
    pub a0: f64,
    pub a1: f64,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Page {
    /// 1-based.
    pub number: u32,
    pub height: f64,
    pub spans: Vec<Span>,
    pub rules: Vec<Rule>,
}

/// Spans of one printed line that stand together (no wide gap between them): one cell
/// of a table row, or a whole line of prose.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Chunk {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub size: f64,
}

impl Chunk {
    pub fn center(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
}

/// One printed line: its chunks left to right.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Line {
    pub page: u32,
    pub chunks: Vec<Chunk>,
    pub y0: f64,
    pub y1: f64,
    pub size: f64,
}

impl Line {
    pub fn center_y(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
    pub fn x0(&self) -> f64 {
        self.chunks.first().map_or(0.0, |c| c.x0)
    }
    pub fn x1(&self) -> f64 {
        self.chunks.last().map_or(0.0, |c| c.x1)
    }
    /// The chunks' texts joined as they read (no space between Chinese pieces).
    pub fn text(&self) -> String {
        join_pieces(self.chunks.iter().map(|c| c.text.as_str()))
    }
}

/// Joins pieces of one text: Chinese needs no space between pieces, Latin words and
/// numbers do.
pub(crate) fn join_pieces<'a>(pieces: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for piece in pieces {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let needs_space = matches!(
            (out.chars().last(), piece.chars().next()),
            (Some(a), Some(b)) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()
        );
        if needs_space {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

/// Splits a span's text where the producer aligned columns with runs of spaces, and trims
/// each piece; x positions are shared out by character count (no glyph widths here).
fn split_span(span: &Span) -> Vec<Span> {
    let chars: Vec<char> = span.text.chars().collect();
    let n = chars.len().max(1) as f64;
    let per_char = (span.x1 - span.x0) / n;
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut spaces = 0usize;
    let mut end = 0usize;
    for (i, c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            spaces += 1;
            if spaces >= 2
                && let Some(s) = start.take()
            {
                out.push((s, end));
            }
        } else {
            if start.is_none() {
                start = Some(i);
            }
            spaces = 0;
            end = i + 1;
        }
    }
    if let Some(s) = start {
        out.push((s, end));
    }
    out.into_iter()
        .map(|(s, e)| Span {
            text: chars[s..e].iter().collect::<String>().trim().to_string(),
            x0: span.x0 + per_char * s as f64,
            x1: span.x0 + per_char * e as f64,
            y0: span.y0,
            y1: span.y1,
            size: span.size,
        })
        .filter(|s| !s.text.is_empty())
        .collect()
}

/// Groups a page's spans into lines, top to bottom, each line's spans into chunks.
pub(crate) fn lines_of(page: &Page) -> Vec<Line> {
    let mut spans: Vec<Span> = page.spans.iter().flat_map(split_span).collect();
    spans.retain(|s| s.x1 >= s.x0 && s.y1 >= s.y0 && s.size > 0.0);
    spans.sort_by(|a, b| {
        let (ca, cb) = ((a.y0 + a.y1) / 2.0, (b.y0 + b.y1) / 2.0);
        cb.total_cmp(&ca).then(a.x0.total_cmp(&b.x0))
    });
    let mut groups: Vec<Vec<Span>> = Vec::new();
    for span in spans {
        let center = (span.y0 + span.y1) / 2.0;
        let joins = groups.last().is_some_and(|g| {
            let lc = g.iter().map(|s| (s.y0 + s.y1) / 2.0).sum::<f64>() / g.len() as f64;
            let size = g.iter().map(|s| s.size).fold(span.size, f64::min);
            (lc - center).abs() <= 0.45 * size
        });
        match groups.last_mut() {
            Some(g) if joins => g.push(span),
            _ => groups.push(vec![span]),
        }
    }
    lift_stray_punctuation(&mut groups);
    groups
        .into_iter()
        .map(|mut g| {
            g.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let mut chunks: Vec<Chunk> = Vec::new();
            for s in g {
                let size = s.size;
                match chunks.last_mut() {
                    // Pieces of one cell or sentence touch; cells have a gap. A colon
                    // binds a label to its value (`单位` `：万元`).
                    Some(c)
                        if s.x0 - c.x1 < 0.3 * size.min(c.size)
                            || (s.x0 - c.x1 < 2.0 * size
                                && (c.text.ends_with(['：', ':'])
                                    || s.text.starts_with(['：', ':']))) =>
                    {
                        // Pieces that touch are one word: producers break a figure
                        // into runs (`33,1` `72.15`, `201` `9`); a word space is about
                        // a quarter of an em.
                        if s.x0 - c.x1 < 0.1 * size.min(c.size) {
                            c.text.push_str(s.text.trim());
                        } else {
                            c.text = join_pieces([c.text.as_str(), s.text.as_str()]);
                        }
                        c.x1 = c.x1.max(s.x1);
                        c.y0 = c.y0.min(s.y0);
                        c.y1 = c.y1.max(s.y1);
                        c.size = c.size.max(size);
                    }
                    _ => chunks.push(Chunk {
                        text: s.text,
                        x0: s.x0,
                        x1: s.x1,
                        y0: s.y0,
                        y1: s.y1,
                        size,
                    }),
                }
            }
            let y0 = chunks.iter().map(|c| c.y0).fold(f64::INFINITY, f64::min);
            let y1 = chunks
                .iter()
                .map(|c| c.y1)
                .fold(f64::NEG_INFINITY, f64::max);
            let mut sizes: Vec<f64> = chunks.iter().map(|c| c.size).collect();
            sizes.sort_by(f64::total_cmp);
            let size = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0);
            Line {
                page: page.number,
                chunks,
                y0,
                y1,
                size,
            }
        })
        .filter(|l| !l.chunks.is_empty())
        .filter(|l| !is_page_number(l, page.height))
        .collect()
}

/// A lone colon or comma placed just under the gap it belongs in (pdf_oxide does so with
/// full-width punctuation on turned pages) goes back into the line above, where it binds
/// `单位` to `万元`.
fn lift_stray_punctuation(groups: &mut [Vec<Span>]) {
    for i in 1..groups.len() {
        let (above, rest) = groups.split_at_mut(i);
        let (Some(up), Some(here)) = (above.last_mut(), rest.first_mut()) else {
            continue;
        };
        let up_bottom = up.iter().map(|s| s.y0).fold(f64::INFINITY, f64::min);
        let mut k = 0;
        while k < here.len() {
            let s = &here[k];
            let lone = matches!(s.text.trim(), "：" | ":" | "，" | ",");
            let close = up_bottom - s.y1 < 0.5 * s.size;
            let in_gap = up
                .iter()
                .any(|a| (s.x0 - a.x1).abs() < 2.0 || (a.x0 - s.x1).abs() < 2.0);
            if lone && close && in_gap {
                up.push(here.remove(k));
            } else {
                k += 1;
            }
        }
    }
}

/// A page number in the top or bottom margin (`5`, `- 5 -`, `第5页`, `第 5 页 共 9 页`).
fn is_page_number(line: &Line, height: f64) -> bool {
    let in_margin = line.y1 < height * 0.1 || line.y0 > height * 0.94;
    if !in_margin {
        return false;
    }
    let text: String = line.text().chars().filter(|c| !c.is_whitespace()).collect();
    let stripped = text.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | '─' | '·'));
    !stripped.is_empty()
        && stripped
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '第' | '页' | '共' | '/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, x0: f64, y0: f64) -> Span {
        let w = text.chars().count() as f64 * 10.0;
        Span {
            text: text.into(),
            x0,
            x1: x0 + w,
            y0,
            y1: y0 + 10.0,
            size: 10.0,
        }
    }

    #[test]
    fn spans_on_one_baseline_form_one_line_with_cells_apart() {
        let page = Page {
            number: 1,
            height: 800.0,
            spans: vec![
                span("合计", 50.0, 500.0),
                span("1,276.70", 200.0, 500.5),
                span("基本", 300.0, 480.0),
                span("支出", 320.0, 480.0),
            ],
            rules: vec![],
        };
        let lines = lines_of(&page);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].chunks.len(), 2);
        assert_eq!(lines[0].chunks[1].text, "1,276.70");
        assert_eq!(lines[1].text(), "基本支出");
    }

    #[test]
    fn touching_pieces_of_a_figure_are_one_word() {
        // A producer's runs `33,1` and `72.15` touch (省法院 2018, 公开01表); `2018` and
        // `年度` too. Pieces a word space apart keep the space.
        let mut spans = vec![span("33,1", 100.0, 500.0), span("72.15", 140.2, 500.0)];
        spans.push(span("Excel", 100.0, 400.0));
        spans.push(span("2019", 152.5, 400.0));
        let page = Page {
            number: 1,
            height: 800.0,
            spans,
            rules: vec![],
        };
        let lines = lines_of(&page);
        assert_eq!(lines[0].chunks.len(), 1);
        assert_eq!(lines[0].chunks[0].text, "33,172.15");
        assert_eq!(lines[1].chunks[0].text, "Excel 2019");
    }

    #[test]
    fn page_numbers_in_the_margin_are_dropped() {
        let page = Page {
            number: 3,
            height: 800.0,
            spans: vec![span("- 3 -", 290.0, 20.0), span("3", 50.0, 400.0)],
            rules: vec![],
        };
        let lines = lines_of(&page);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text(), "3");
    }

    #[test]
    fn spaces_inside_a_span_split_it() {
        let parts = split_span(&span("一、财政拨款    13,297.11", 0.0, 0.0));
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].text, "13,297.11");
        assert!(parts[1].x0 > parts[0].x1);
    }
}
