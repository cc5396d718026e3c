//! Figures stated in the explanation text without markup: every number followed by
//! 万元 / 元 / 亿元 / %, outside `{{ … }}`, is a stated figure. Each is matched to what it
//! states from the words before it (`scan`), giving the expression it must equal; the
//! rule (`rules::plain`) judges it with the same verdict as a marked figure.
//!
//! Scanning is one pass over the text (no backtracking): paragraphs (lines), sentences
//! (。！？), clauses (，；：、) and figures, with the words since the previous figure or
//! clause boundary kept as the figure's prefix.

mod resolve;
pub use resolve::format_expr;
pub mod words;

use crate::check::expr::Expr;
use crate::check::narrative::{LineIndex, Published, parse_published};
use crate::model::Disclosure;
use crate::model::diagnostic::Loc;

/// The unit printed after a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigUnit {
    Yuan,
    Wanyuan,
    Yiyuan,
    Percent,
    /// No figure but a word saying a change of zero (`与上年持平`), in the text's unit.
    Level,
}

/// How a stated figure was matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum How {
    /// By the words before it (a measure or a classification line).
    Words,
    /// By its value alone: some cell prints it.
    Value,
    /// A share (`占 X%`).
    Share,
    /// A completion rate (`完成年初预算的 X%`).
    Completion,
    /// A change (`比上年增加 X万元，增长 Y%`).
    Change,
    /// A total of the parts listed after it (`其中：…`).
    Parts,
}

/// What became of a stated figure.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Matched: the figure must equal `expr` (written `text`).
    Matched { expr: Expr, text: String, how: How },
    /// Matched, but a table it needs is unreadable in the source.
    Unreadable(String),
    /// A change from last year: needs last year's disclosure.
    LastYear,
    /// Not matched: counted, not reported.
    Unmatched,
}

/// A direction word that contradicts the figures (`增加` for a fall).
#[derive(Clone, Debug)]
pub struct Contradiction {
    pub loc: Loc,
    pub message: String,
    pub target: String,
}

/// A figure found in plain text.
#[derive(Clone, Debug)]
pub struct PlainFigure {
    pub loc: Loc,
    /// Byte range of the number (and its % sign) in the Markdown.
    pub range: std::ops::Range<usize>,
    pub published: Published,
    pub unit: FigUnit,
    pub outcome: Outcome,
}

/// Everything the matcher found in one text.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub figures: Vec<PlainFigure>,
    pub contradictions: Vec<Contradiction>,
}

/// One figure in a sentence: plain (to be matched) or marked (context only).
#[derive(Clone, Debug)]
pub(crate) struct Item {
    pub range: std::ops::Range<usize>,
    pub published: Option<Published>,
    pub unit: FigUnit,
    /// The words since the previous figure or clause boundary, normalised.
    pub prefix: String,
    /// Written right after the previous figure in parentheses: `减少0.1万元（100%）`.
    pub in_parens: bool,
    /// `Some` for a marked figure: its expression, when it has one.
    pub marked: Option<Option<Expr>>,
    /// Stated after the sentence gives a reason (`主要原因是…专项经费280万元`): a part of
    /// the explanation, not a figure the words before it name.
    pub after_reason: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Sentence {
    pub items: Vec<Item>,
    /// The whole sentence's words, normalised (for a figure-less numbered heading line).
    pub words: String,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Paragraph {
    pub heading: bool,
    pub sentences: Vec<Sentence>,
    /// Ends with `：` (a list follows in the next paragraphs).
    pub opens_list: bool,
}

/// Finds and matches every stated figure in `d`'s text.
pub fn scan(d: &Disclosure) -> Scan {
    scan_with(d, None)
}

/// `scan`, with last year's disclosure of the same unit and kind: changes from last
/// year are then checked against it.
pub fn scan_with(d: &Disclosure, prev: Option<&Disclosure>) -> Scan {
    let Some(text) = &d.text else {
        return Scan::default();
    };
    let paragraphs = segment(&text.markdown);
    let index = LineIndex::new(&text.markdown);
    resolve::resolve(d, prev, &paragraphs, &|byte| {
        index.loc(&text.markdown, text.file, byte)
    })
}

/// `d`'s text with every matched figure written as `{{ PUBLISHED = EXPRESSION }}`, for
/// an author to review and keep (`gongkai annotate`); `None` when nothing is matched.
/// A second pass changes nothing: marked figures are never matched again.
pub fn annotate(d: &Disclosure) -> Option<String> {
    let text = d.text.as_ref()?;
    let md = &text.markdown;
    let found = scan(d);
    let mut out = String::with_capacity(md.len() + 64 * found.figures.len());
    let mut last = 0;
    for f in &found.figures {
        let Outcome::Matched { text: expr, .. } = &f.outcome else {
            continue;
        };
        if f.unit == FigUnit::Level {
            continue; // `持平` prints no number to mark
        }
        if md.get(f.range.clone()).is_none() {
            continue;
        }
        out.push_str(&md[last..f.range.start]);
        out.push_str("{{ ");
        // The number without the spaces a text layer may have put inside it.
        out.push_str(&f.published.text);
        out.push_str(" = ");
        out.push_str(expr);
        out.push_str(" }}");
        last = f.range.end;
    }
    if last == 0 {
        return None;
    }
    out.push_str(&md[last..]);
    Some(out)
}

/// Characters dropped before matching words: spaces and quotes (`“三公”经费`).
fn ignorable(c: char) -> bool {
    c.is_whitespace() || matches!(c, '“' | '”' | '"' | '‘' | '’' | '\'' | '「' | '」' | '*')
}

fn clause_break(c: char) -> bool {
    matches!(c, '，' | ',' | '；' | ';' | '：' | ':' | '、')
}

fn sentence_break(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?')
}

/// Splits the Markdown into paragraphs, sentences and figures.
pub(crate) fn segment(md: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut in_comment = false;
    let mut offset = 0;
    for line in md.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if trimmed.starts_with('#') && !in_comment {
            out.push(Paragraph {
                heading: true,
                ..Paragraph::default()
            });
            continue;
        }
        let p = paragraph(line, start, &mut in_comment);
        if !p.sentences.is_empty() {
            out.push(p);
        }
    }
    out
}

fn paragraph(line: &str, base: usize, in_comment: &mut bool) -> Paragraph {
    let mut p = Paragraph::default();
    let mut sentence = Sentence::default();
    let mut prefix = String::new();
    let mut last_visible = ' ';
    let b = line.as_bytes();
    let mut i = 0;
    // Whether only an opening parenthesis stands between the previous figure and here.
    let mut after_figure_paren = false;
    let mut just_after_figure = false;
    // Where the sentence's current statement begins in its words (after a `；`).
    let mut statement = 0;
    while i < line.len() {
        let rest = &line[i..];
        if *in_comment {
            match rest.find("-->") {
                Some(j) => {
                    i += j + 3;
                    *in_comment = false;
                    continue;
                }
                None => break,
            }
        }
        if rest.starts_with("<!--") {
            *in_comment = true;
            i += 4;
            continue;
        }
        if rest.starts_with("{{") {
            let (len, item) = marked(rest, base + i, &prefix);
            sentence.items.push(item);
            prefix.clear();
            i += len;
            after_figure_paren = false;
            continue;
        }
        if let Some(w) = level_word(rest, &prefix) {
            sentence.items.push(Item {
                range: base + i..base + i + w.len(),
                published: Some(Published {
                    value: rust_decimal::Decimal::new(0, 2),
                    percent: false,
                    text: w.to_string(),
                }),
                unit: FigUnit::Level,
                prefix: std::mem::take(&mut prefix),
                in_parens: false,
                marked: None,
                after_reason: gives_reason(&sentence.words[statement..]),
            });
            sentence.words.push_str(w);
            i += w.len();
            after_figure_paren = false;
            just_after_figure = false;
            last_visible = '平';
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_ascii_digit()
            && (i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.' || b[i - 1] == b','))
        {
            let (nlen, num) = number(rest);
            let num = num.as_str();
            // Only figures a document could print: long digit strings are not amounts.
            let plausible = num.len() <= 24 && num.split('.').nth(1).is_none_or(|f| f.len() <= 4);
            let after = &rest[nlen..];
            let spaces = after.len() - after.trim_start_matches([' ', '\u{3000}']).len();
            let unit_text = &after[spaces..];
            let unit = [
                ("万元", FigUnit::Wanyuan),
                ("亿元", FigUnit::Yiyuan),
                ("元", FigUnit::Yuan),
                ("%", FigUnit::Percent),
                ("％", FigUnit::Percent),
            ]
            .into_iter()
            .find(|(w, _)| unit_text.starts_with(w));
            if let Some((w, unit)) = unit.filter(|_| plausible) {
                let tail = &unit_text[w.len()..];
                // Thresholds and rates per head are not amounts of the budget.
                let excluded = ["以上", "以下", "以内", "/", "／", "每"]
                    .iter()
                    .any(|x| tail.starts_with(x));
                if !excluded {
                    let printed = if unit == FigUnit::Percent {
                        format!("{num}%")
                    } else {
                        num.to_string()
                    };
                    if let Some(published) = parse_published(&printed) {
                        let end = if unit == FigUnit::Percent {
                            i + nlen + spaces + w.len()
                        } else {
                            i + nlen
                        };
                        sentence.items.push(Item {
                            range: base + i..base + end,
                            published: Some(published),
                            unit,
                            prefix: std::mem::take(&mut prefix),
                            in_parens: after_figure_paren,
                            marked: None,
                            after_reason: gives_reason(&sentence.words[statement..]),
                        });
                        i += nlen + spaces + w.len();
                        after_figure_paren = false;
                        just_after_figure = unit != FigUnit::Percent;
                        last_visible = '元';
                        continue;
                    }
                }
            }
            prefix.push_str(num);
            sentence.words.push_str(num);
            i += nlen;
            after_figure_paren = false;
            continue;
        }
        i += c.len_utf8();
        if matches!(c, '；' | ';') {
            statement = sentence.words.len();
        }
        if sentence_break(c) {
            close_sentence(&mut p, &mut sentence);
            statement = 0;
            prefix.clear();
            after_figure_paren = false;
        } else if clause_break(c) && !(matches!(c, '：' | ':') && ends_with_level(&prefix)) {
            prefix.clear();
            after_figure_paren = false;
            just_after_figure = false;
            last_visible = c;
        } else if !ignorable(c) {
            after_figure_paren = matches!(c, '（' | '(') && just_after_figure;
            just_after_figure = false;
            prefix.push(c);
            sentence.words.push(c);
            last_visible = c;
        }
    }
    p.opens_list = matches!(last_visible, '：' | ':');
    close_sentence(&mut p, &mut sentence);
    p
}

/// A word saying that a figure did not change (`与上年持平`, `与上年预算数相等`) at the
/// start of `rest`: `持平` wherever it stands, `相等` / `相同` after a comparison with last
/// year in the same clause.
fn level_word(rest: &str, prefix: &str) -> Option<&'static str> {
    if rest.starts_with("持平") {
        return Some("持平");
    }
    let compared = prefix.contains("上年") && (prefix.contains('与') || prefix.contains('同'));
    ["相等", "相同"]
        .into_iter()
        .find(|w| compared && rest.starts_with(w))
}

/// Whether a statement's words so far give a reason (`主要原因是`, `由于`).
fn gives_reason(words: &str) -> bool {
    ["原因", "由于"].iter().any(|w| words.contains(w))
}

/// Whether `prefix` ends with a level mark: `检察（款）：预算支出合计…` states the line's
/// figure after the colon.
fn ends_with_level(prefix: &str) -> bool {
    words::LEVEL_MARKS.iter().any(|m| prefix.ends_with(m))
}

fn close_sentence(p: &mut Paragraph, s: &mut Sentence) {
    if !s.items.is_empty() || !s.words.is_empty() {
        p.sentences.push(std::mem::take(s));
    }
}

/// A number as printed: digits with optional thousands separators and decimals; its
/// length in the text and the number without spaces. A single space between two of
/// its characters is taken as part of the number (`1 1 6.5`, `9,146.7 9`, `1,1 31.92`):
/// a PDF's text layer splits letter-spaced figures so, and the figure is the one printed.
fn number(s: &str) -> (usize, String) {
    let b = s.as_bytes();
    let part = |c: u8| c.is_ascii_digit() || c == b',' || c == b'.';
    // The number's characters and, for each, the length of the text up to it.
    let mut chars: Vec<u8> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if part(b[i]) {
            chars.push(b[i]);
            ends.push(i + 1);
            i += 1;
        } else if b[i] == b' '
            && i > 0
            && part(b[i - 1])
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            i += 1;
        } else {
            break;
        }
    }
    let c = &chars;
    let mut j = 0;
    while j < c.len() && c[j].is_ascii_digit() {
        j += 1;
    }
    // Thousands groups: `,` followed by exactly three digits.
    while c.get(j) == Some(&b',')
        && c.len() >= j + 4
        && c[j + 1..j + 4].iter().all(u8::is_ascii_digit)
        && !c.get(j + 4).is_some_and(u8::is_ascii_digit)
    {
        j += 4;
    }
    if c.get(j) == Some(&b'.') && c.get(j + 1).is_some_and(u8::is_ascii_digit) {
        j += 1;
        while j < c.len() && c[j].is_ascii_digit() {
            j += 1;
        }
    }
    let len = if j == 0 { 0 } else { ends[j - 1] };
    (len, String::from_utf8_lossy(&c[..j]).into_owned())
}

/// A `{{ … }}` figure, kept as context for the plain figures around it.
fn marked(rest: &str, at: usize, prefix: &str) -> (usize, Item) {
    let len = rest[2..].find("}}").map_or(rest.len(), |j| j + 4);
    let inner = rest.get(2..len.saturating_sub(2)).unwrap_or("").trim();
    let (published, expr) = match inner.split_once('=') {
        Some((p, e)) => (parse_published(p), crate::check::expr::parse(e.trim()).ok()),
        None => (parse_published(inner), None),
    };
    let unit = if published.as_ref().is_some_and(|p| p.percent) {
        FigUnit::Percent
    } else {
        FigUnit::Wanyuan
    };
    (
        len,
        Item {
            range: at..at + len,
            published,
            unit,
            prefix: prefix.to_string(),
            in_parens: false,
            marked: Some(expr),
            after_reason: false,
        },
    )
}

/// For diagnostics: where a byte of the text is.
pub(crate) type Locate<'a> = &'a dyn Fn(usize) -> Loc;

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(md: &str) -> Vec<(String, FigUnit, String)> {
        segment(md)
            .into_iter()
            .flat_map(|p| p.sentences)
            .flat_map(|s| s.items)
            .filter(|i| i.marked.is_none())
            .map(|i| (i.published.unwrap().text, i.unit, i.prefix))
            .collect()
    }

    #[test]
    fn finds_figures_with_their_words() {
        let f = figures("2023年本部门收入预算629.76万元，比上年增加 24.54 万元（4.05%）。");
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].0, "629.76");
        assert_eq!(f[0].2, "2023年本部门收入预算");
        assert_eq!(f[1].2, "比上年增加");
        assert_eq!(f[2].0, "4.05%");
        assert_eq!(f[2].1, FigUnit::Percent);
    }

    #[test]
    fn leaves_out_thresholds_rates_per_head_marks_and_comments() {
        let f = figures(
            "单位价值50万元以上设备0台，标准65元/人，共{{ 1.00 = a.b.c }}万元<!-- 3万元 -->，664.52万人。",
        );
        assert!(f.is_empty(), "{f:?}");
        let f = figures("筹资4.22亿元，其中1,239,844.00元");
        assert_eq!(f[0].1, FigUnit::Yiyuan);
        assert_eq!(f[1].0, "1,239,844.00");
    }

    #[test]
    fn reads_a_number_split_by_single_spaces_whole() {
        let f =
            figures("公务接待费支出1 1 6.5万元，占6 1.1 0%，合计9,146.7 9万元，1,1 31.92万元。");
        let got: Vec<&str> = f.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(got, ["116.5", "61.10%", "9,146.79", "1,131.92"]);
        // Two spaces, or a space before a word, end the number.
        let f = figures("2017  年 100万元");
        assert_eq!(f[0].0, "100");
    }

    #[test]
    fn level_words_are_changes_of_zero() {
        let f = figures("培训费700万元，与上年持平。公务用车50万元，与上年预算数相等。相等的");
        assert_eq!(f.len(), 4);
        assert_eq!((f[1].0.as_str(), f[1].1), ("持平", FigUnit::Level));
        assert_eq!(f[1].2, "与上年");
        assert_eq!(f[3].0, "相等");
    }

    #[test]
    fn a_reason_covers_the_figures_after_it_until_a_semicolon() {
        let items: Vec<bool> =
            segment("收入100万元，主要原因是增加10万元；支出90万元。主要是20万元。")
                .into_iter()
                .flat_map(|p| p.sentences)
                .flat_map(|s| s.items)
                .map(|i| i.after_reason)
                .collect();
        assert_eq!(items, [false, true, false, false]);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for s in [
            "{{",
            "1.万元",
            "99999999999999999999999999999999999万元",
            "0.000000001%",
            "占%",
            "，，。。",
            "1,2345万元",
        ] {
            let _ = figures(s);
        }
    }
}
