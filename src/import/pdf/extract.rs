//! The one place that talks to the PDF library (pdf_oxide): a document in, pages of
//! positioned spans and rules out. Everything after this works on `layout::Page`, so the
//! library can be replaced by changing this file alone.

use super::layout::{Page, Rule, Span};
use pdf_oxide::PdfDocument;
use pdf_oxide::elements::PathOperation;

/// Why the library could not give the pages.
#[derive(Debug)]
pub(crate) enum ExtractError {
    /// The file does not parse as a PDF.
    Open(String),
    /// The document is encrypted (the library says so, or cannot decrypt it).
    Encrypted,
    /// More pages than allowed.
    TooManyPages(usize),
    /// A page failed to read.
    Page(u32, String),
    /// The deadline passed between pages.
    Timeout,
}

pub(crate) struct Extracted {
    pub pages: Vec<Page>,
    pub encrypted: bool,
}

/// Opens `bytes` and reads every page, refusing documents over `max_pages` before any
/// page is read and stopping at `deadline`.
pub(crate) fn extract(
    bytes: Vec<u8>,
    max_pages: usize,
    deadline: std::time::Instant,
) -> Result<Extracted, ExtractError> {
    let doc = PdfDocument::from_bytes(bytes).map_err(|e| match e {
        pdf_oxide::Error::EncryptedPdf => ExtractError::Encrypted,
        other => ExtractError::Open(other.to_string()),
    })?;
    let encrypted = doc.is_encrypted();
    let count = doc.page_count().map_err(|e| {
        if encrypted {
            ExtractError::Encrypted
        } else {
            ExtractError::Open(e.to_string())
        }
    })?;
    if count > max_pages {
        return Err(ExtractError::TooManyPages(count));
    }
    let mut pages = Vec::with_capacity(count);
    for index in 0..count {
        if std::time::Instant::now() > deadline {
            return Err(ExtractError::Timeout);
        }
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let spans = doc.extract_spans(index).map_err(|e| {
            if encrypted {
                ExtractError::Encrypted
            } else {
                ExtractError::Page(number, e.to_string())
            }
        })?;
        // A page whose drawing cannot be read still has its text; tables on it fall back
        // to text positions alone.
        let paths = doc.extract_paths(index).unwrap_or_default();
        let media = doc.get_page_media_box(index).ok();
        let (media_w, media_h) = media.map_or((595.0, 842.0), |(x0, y0, x1, y1)| {
            (f64::from((x1 - x0).abs()), f64::from((y1 - y0).abs()))
        });
        // A page turned a quarter (landscape tables on portrait paper, /Rotate 90): the
        // library places a span's start on the page as shown but gives its box along the
        // paper's axes, and the drawing comes in paper coordinates. Both are turned here
        // into the page as shown, y upward from its bottom edge (the paper's width);
        // measured on the corpus against poppler's boxes, see docs/import.md.
        let quarter = doc
            .get_page_rotation(index)
            .is_ok_and(|r| r.rem_euclid(360) == 90);
        let height = if quarter { media_w } else { media_h };
        let spans = spans
            .into_iter()
            .filter(|s| !s.text.trim().is_empty())
            .map(|s| {
                let (x, y) = (f64::from(s.bbox.x), f64::from(s.bbox.y));
                let (w, h) = (f64::from(s.bbox.width), f64::from(s.bbox.height));
                let size = f64::from(s.font_size);
                let (x0, x1, y0, y1) = if quarter && h > w {
                    (x, x + h, y + h, y + h + w)
                } else {
                    (x, x + w, y, y + h)
                };
                let size = if size > 0.0 { size } else { y1 - y0 };
                Span {
                    text: s.text,
                    x0,
                    x1,
                    y0,
                    y1,
                    size,
                }
            })
            .collect();
        let mut rules = Vec::new();
        for path in &paths {
            if path.fill_color.is_some() && path.stroke_color.is_none() {
                // A filled shape is a border only when thin (how Excel and Word draw
                // them); a wide one is a cell's shading, whose edges are no rules.
                let b = &path.bbox;
                let (x, y) = (f64::from(b.x), f64::from(b.y));
                let (w, h) = (f64::from(b.width), f64::from(b.height));
                if w <= THIN && h > 3.0 {
                    rules.push(Rule {
                        horizontal: false,
                        at: x + w / 2.0,
                        a0: y,
                        a1: y + h,
                    });
                } else if h <= THIN && w > 3.0 {
                    rules.push(Rule {
                        horizontal: true,
                        at: y + h / 2.0,
                        a0: x,
                        a1: x + w,
                    });
                }
            } else {
                rules_of(&path.operations, &mut rules);
            }
        }
        // Table borders on a page number in the hundreds or low thousands; a page that
        // draws more is a drawing, not a table, and its rules would only slow the layout.
        if rules.len() > MAX_RULES {
            rules.clear();
        }
        if quarter {
            for rule in &mut rules {
                // Paper (x, y) is shown at (y, width - x).
                let (at, a0, a1) = (rule.at, rule.a0, rule.a1);
                if rule.horizontal {
                    // Along paper x at paper y: shown vertical at x = y.
                    *rule = Rule {
                        horizontal: false,
                        at,
                        a0: media_w - a1,
                        a1: media_w - a0,
                    };
                } else {
                    *rule = Rule {
                        horizontal: true,
                        at: media_w - at,
                        a0,
                        a1,
                    };
                }
            }
        }
        pages.push(Page {
            number,
            height,
            spans,
            rules,
        });
    }
    Ok(Extracted { pages, encrypted })
}

/// The axis-parallel segments of a stroked path: drawn lines, thin rectangles and the
/// edges of cell rectangles.
/// Ruled segments per page beyond which the page's rules are ignored.
const MAX_RULES: usize = 20_000;

/// The widest a filled shape may be and still count as a drawn line.
const THIN: f64 = 2.5;

fn rules_of(ops: &[PathOperation], out: &mut Vec<Rule>) {
    let mut at: Option<(f64, f64)> = None;
    let mut start: Option<(f64, f64)> = None;
    let push = |a: (f64, f64), b: (f64, f64), out: &mut Vec<Rule>| {
        let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
        if dy < 0.5 && dx > 3.0 {
            out.push(Rule {
                horizontal: true,
                at: (a.1 + b.1) / 2.0,
                a0: a.0.min(b.0),
                a1: a.0.max(b.0),
            });
        } else if dx < 0.5 && dy > 3.0 {
            out.push(Rule {
                horizontal: false,
                at: (a.0 + b.0) / 2.0,
                a0: a.1.min(b.1),
                a1: a.1.max(b.1),
            });
        }
    };
    for op in ops {
        match *op {
            PathOperation::MoveTo(x, y) => {
                at = Some((f64::from(x), f64::from(y)));
                start = at;
            }
            PathOperation::LineTo(x, y) => {
                let to = (f64::from(x), f64::from(y));
                if let Some(from) = at {
                    push(from, to, out);
                }
                at = Some(to);
            }
            PathOperation::CurveTo(.., x, y) => at = Some((f64::from(x), f64::from(y))),
            PathOperation::ClosePath => {
                if let (Some(from), Some(to)) = (at, start) {
                    push(from, to, out);
                }
                at = start;
            }
            PathOperation::Rectangle(x, y, w, h) => {
                let (x, y, w, h) = (f64::from(x), f64::from(y), f64::from(w), f64::from(h));
                let (x0, x1) = (x.min(x + w), x.max(x + w));
                let (y0, y1) = (y.min(y + h), y.max(y + h));
                if x1 - x0 <= THIN && y1 - y0 > 3.0 {
                    out.push(Rule {
                        horizontal: false,
                        at: (x0 + x1) / 2.0,
                        a0: y0,
                        a1: y1,
                    });
                } else if y1 - y0 <= THIN && x1 - x0 > 3.0 {
                    out.push(Rule {
                        horizontal: true,
                        at: (y0 + y1) / 2.0,
                        a0: x0,
                        a1: x1,
                    });
                } else if x1 - x0 > THIN && y1 - y0 > THIN {
                    for (a, b) in [
                        ((x0, y0), (x1, y0)),
                        ((x1, y0), (x1, y1)),
                        ((x1, y1), (x0, y1)),
                        ((x0, y1), (x0, y0)),
                    ] {
                        push(a, b, out);
                    }
                }
                at = Some((x, y));
                start = at;
            }
        }
    }
}
