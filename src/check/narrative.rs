//! The explanation text: its sections (headings with a standard `{#id}`) and the figures
//! it states (`{{ 629.76 = summary.income_total.amount }}`), with their locations.

use crate::check::expr::SyntaxError;
use crate::check::expr::{self, Expr};
use crate::model::diagnostic::Loc;
use crate::model::files::FileId;
use rust_decimal::Decimal;

/// A heading with its standard id.
#[derive(Clone, Debug)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub level: usize,
    pub loc: Loc,
}

/// The figure as printed in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    pub value: Decimal,
    pub percent: bool,
    /// Exactly as written (`4.05%`).
    pub text: String,
}

/// One `{{ … }}` in the text.
#[derive(Clone, Debug)]
pub struct Figure {
    pub loc: Loc,
    /// Byte range of the whole `{{ … }}` in the Markdown.
    pub range: std::ops::Range<usize>,
    /// The text between the braces, trimmed.
    pub source: String,
    pub published: Option<Published>,
    pub expr: Option<Result<Expr, SyntaxError>>,
    /// The expression's text, as written.
    pub expr_text: Option<String>,
}

/// Parses the printed part of a figure: `629.76`, `4.05%`, `1,239,844.00`.
pub fn parse_published(s: &str) -> Option<Published> {
    let t = s.trim();
    let (num, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let value = crate::model::amount::parse(num).ok().or_else(|| {
        num.parse::<Decimal>().ok().filter(|_| {
            num.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        })
    })?;
    Some(Published {
        value,
        percent,
        text: t.to_string(),
    })
}

/// Byte offsets of line starts, for turning many offsets into line:column cheaply.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    fn loc(&self, text: &str, file: FileId, byte: usize) -> Loc {
        let line = self.starts.partition_point(|&s| s <= byte).max(1);
        let start = self.starts[line - 1];
        let col = text[start..byte].chars().count() as u32 + 1;
        Loc {
            file,
            line: line as u32,
            col,
        }
    }
}

/// Every figure in `text`, in order; an unclosed `{{` is reported as a figure whose
/// expression failed to parse.
pub fn figures(text: &str, file: FileId) -> Vec<Figure> {
    let mut out = Vec::new();
    let mut pos = 0;
    let index = LineIndex::new(text);
    while let Some(start) = text[pos..].find("{{").map(|i| pos + i) {
        let loc = index.loc(text, file, start);
        let Some(len) = text[start + 2..].find("}}") else {
            out.push(Figure {
                loc,
                range: start..text.len(),
                source: String::new(),
                published: None,
                expr: Some(Err(SyntaxError("`{{` 没有对应的 `}}`".to_string()))),
                expr_text: None,
            });
            break;
        };
        let end = start + 2 + len + 2;
        let inner = text[start + 2..start + 2 + len].trim().to_string();
        let (published, expr_text) = match inner.split_once('=') {
            Some((p, e)) => (Some(p.trim()), Some(e.trim())),
            None if parse_published(&inner).is_some() => (Some(inner.as_str()), None),
            None => (None, Some(inner.as_str())),
        };
        let published_parsed = published.and_then(parse_published);
        let mut expr = expr_text.map(expr::parse);
        if published.is_some() && published_parsed.is_none() {
            expr = Some(Err(SyntaxError(format!(
                "`{}` 不是数字：等号左边应是原文印出的数字（如 629.76 或 4.05%）",
                published.unwrap_or_default()
            ))));
        }
        if inner.is_empty() {
            expr = Some(Err(SyntaxError("`{{ }}` 中没有内容".to_string())));
        }
        out.push(Figure {
            loc,
            range: start..end,
            published: published_parsed,
            expr_text: expr_text.map(str::to_string),
            expr,
            source: inner,
        });
        pos = end;
    }
    out
}

/// Every ATX heading carrying `{#id}`, in order.
pub fn sections(text: &str, file: FileId) -> Vec<Section> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut in_fence = false;
    let index = LineIndex::new(text);
    for line in text.split_inclusive('\n') {
        let l = line.trim_end();
        if l.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && l.starts_with('#') {
            let level = l.chars().take_while(|c| *c == '#').count();
            // `{#id}`, or several ids for a heading that covers several items:
            // `{#three-public #meetings-training}`.
            if let Some(open) = l.rfind("{#")
                && l.ends_with('}')
            {
                let title = l[level..open].trim().to_string();
                for id in l[open + 1..l.len() - 1].split_whitespace() {
                    if let Some(id) = id.strip_prefix('#') {
                        out.push(Section {
                            id: id.to_string(),
                            title: title.clone(),
                            level,
                            loc: index.loc(text, file, offset + open),
                        });
                    }
                }
            }
        }
        offset += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_figures_of_all_three_forms() {
        let md = "收入 {{ 629.76 = summary.income_total.amount }}万元，增加{{ 24.54 }}，公用{{ T08.total.public }}。";
        let f = figures(md, FileId(0));
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].published.as_ref().unwrap().text, "629.76");
        assert!(f[0].expr.as_ref().unwrap().is_ok());
        assert!(f[1].expr.is_none());
        assert!(f[2].published.is_none());
        assert_eq!(
            f[2].loc.col,
            md[..md.rfind("{{").unwrap()].chars().count() as u32 + 1
        );
    }

    #[test]
    fn reports_bad_markup() {
        let f = figures("a {{ abc = T01.x.y }} b {{ 1 +", FileId(0));
        assert!(f[0].expr.as_ref().unwrap().is_err());
        assert!(f[1].expr.as_ref().unwrap().is_err());
    }

    #[test]
    fn finds_sections() {
        let s = sections(
            "# 标题\n## （一）机关运行经费 {#running-costs}\n```\n# x {#no}\n```\n",
            FileId(0),
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].id, "running-costs");
        assert_eq!(s[0].loc.line, 2);
        let two = sections(
            "## 五、“三公”经费及会议费、培训费 {#three-public #meetings-training}\n",
            FileId(0),
        );
        assert_eq!(
            two.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["three-public", "meetings-training"]
        );
    }
}
