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

/// Where each character of a span starts, and where the last one ends: a full-width
/// character (Chinese, full-width punctuation) is twice as wide as any other, and the
/// box's width is shared out in that proportion. Trailing spaces take what the visible
/// characters cannot fill at one em each: some producers space cells apart with a wide
/// space the library counts into the box (`采 ` 102 points wide at 17 points).
fn char_edges(span: &Span, chars: &[char]) -> Vec<f64> {
    let weight = |c: &char| if is_full_width(*c) { 1.0 } else { 0.5 };
    let visible = chars
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(0, |i| i + 1);
    let total: f64 = chars.iter().map(weight).sum::<f64>().max(0.5);
    let mut unit = (span.x1 - span.x0) / total;
    if visible < chars.len() && unit > span.size {
        unit = span.size.max(0.0);
    }
    let mut edges = Vec::with_capacity(chars.len() + 1);
    let mut x = span.x0;
    edges.push(x);
    for (i, c) in chars.iter().enumerate() {
        x += weight(c) * unit;
        // The trailing spaces end where the box does.
        edges.push(if i + 1 == chars.len() {
            x.max(span.x1)
        } else {
            x
        });
    }
    edges
}

fn is_full_width(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 | 0x20000..=0x2FFFF)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—')
}

/// Splits a span's text where the producer aligned columns with runs of spaces, and
/// where a drawn vertical rule (`verticals`) crosses it (a producer may run the texts of
/// two neighbouring cells into one span); trims each piece.
fn split_span(span: &Span, verticals: &[&Rule]) -> Vec<Span> {
    let chars: Vec<char> = span.text.chars().collect();
    let edges = char_edges(span, &chars);
    let cy = (span.y0 + span.y1) / 2.0;
    // A rule between characters i-1 and i: right of the middle of i-1, left of i's.
    let cut = |i: usize| {
        let l = (edges[i - 1] + edges[i]) / 2.0;
        let r = (edges[i] + edges[i + 1]) / 2.0;
        verticals
            .iter()
            .any(|v| v.a0 <= cy && v.a1 >= cy && v.at > l && v.at < r)
    };
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
            if i > 0
                && cut(i)
                && let Some(s) = start.take()
            {
                out.push((s, end));
            }
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
            x0: edges[s],
            x1: edges[e],
            y0: span.y0,
            y1: span.y1,
            size: span.size,
        })
        .filter(|s| !s.text.is_empty())
        .collect()
}

/// Groups a page's spans into lines, top to bottom, each line's spans into chunks.
pub(crate) fn lines_of(page: &Page) -> Vec<Line> {
    let verticals: Vec<&Rule> = page.rules.iter().filter(|r| !r.horizontal).collect();
    let mut spans: Vec<Span> = page
        .spans
        .iter()
        .flat_map(|s| split_span(s, &verticals))
        .collect();
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
                // A drawn rule between two pieces is a cell border, however close the
                // pieces stand (letter-spaced headers leave no gap at the border).
                let ruled_apart = |c: &Chunk| {
                    let cy = (s.y0 + s.y1 + c.y0 + c.y1) / 4.0;
                    verticals
                        .iter()
                        .any(|r| r.at > c.x1 - 1.0 && r.at < s.x0 + 1.0 && r.a0 <= cy && r.a1 >= cy)
                };
                match chunks.last_mut() {
                    // Pieces of one cell or sentence touch; cells have a gap. A colon
                    // binds a label to its value (`单位` `：万元`).
                    Some(c)
                        if !ruled_apart(c)
                            && (s.x0 - c.x1 < 0.3 * size.min(c.size)
                                || (s.x0 - c.x1 < 2.0 * size
                                    && (c.text.ends_with(['：', ':'])
                                        || s.text.starts_with(['：', ':'])))) =>
                    {
                        // Pieces whose glyphs touch are one word: no space is printed
                        // between them (a figure drawn as `33,1` and `72.15`).
                        if s.x0 - c.x1 < 0.1 * size.min(c.size) {
                            c.text.push_str(&s.text);
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

    /// A figure drawn as two runs whose glyphs touch (`33,1` | `72.15`) is printed
    /// without a space; runs with a gap between them keep one (`PC` `服务器` need none,
    /// `2019` `年` neither, Latin words do).
    #[test]
    fn runs_that_touch_join_without_a_space() {
        let run = |text: &str, x0: f64, x1: f64| Span {
            text: text.into(),
            x0,
            x1,
            y0: 500.0,
            y1: 509.0,
            size: 9.0,
        };
        let page = Page {
            number: 1,
            height: 800.0,
            spans: vec![
                run("33,1", 171.14, 189.24),
                run("72.15", 189.26, 211.74),
                run("Times", 300.0, 322.0),
                run("Roman", 324.0, 350.0),
            ],
            rules: vec![],
        };
        let lines = lines_of(&page);
        let texts: Vec<&str> = lines[0].chunks.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["33,172.15", "Times Roman"]);
    }

    /// Two cells' texts run into one span across the rule between the cells (letter-
    /// spaced headers: `物采`), and a trailing space the library makes five ems wide.
    #[test]
    fn a_drawn_rule_splits_a_span_and_its_chunk() {
        let head = |text: &str, x0: f64, x1: f64| Span {
            text: text.into(),
            x0,
            x1,
            y0: 242.7,
            y1: 259.7,
            size: 17.1,
        };
        let page = Page {
            number: 1,
            height: 800.0,
            spans: vec![
                head("采 ", 294.4, 396.7),
                head("购 ", 319.1, 421.4),
                head("物采 ", 343.7, 464.6),
                head("购 ", 387.0, 489.3),
                head("组", 411.7, 428.8),
            ],
            rules: vec![
                Rule {
                    horizontal: false,
                    at: 361.5,
                    a0: 200.0,
                    a1: 270.0,
                },
                Rule {
                    horizontal: false,
                    at: 429.4,
                    a0: 200.0,
                    a1: 270.0,
                },
            ],
        };
        let lines = lines_of(&page);
        // Every piece lies within one cell (the letter spacing leaves the pieces of a
        // cell apart; the header joins them by the box they are drawn in).
        let cell = |c: &Chunk| {
            if c.x1 <= 361.5 + 1.0 {
                Some(0)
            } else if c.x0 >= 361.5 - 1.0 && c.x1 <= 429.4 + 1.0 {
                Some(1)
            } else {
                None
            }
        };
        let mut cells = [String::new(), String::new()];
        for c in &lines[0].chunks {
            let i = cell(c).unwrap_or_else(|| panic!("{c:?} crosses a rule"));
            cells[i].push_str(&c.text);
        }
        assert_eq!(cells, ["采购物", "采购组"]);
    }

    #[test]
    fn spaces_inside_a_span_split_it() {
        let parts = split_span(&span("一、财政拨款    13,297.11", 0.0, 0.0), &[]);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].text, "13,297.11");
        assert!(parts[1].x0 > parts[0].x1);
    }
}
