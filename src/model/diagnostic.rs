//! Diagnostics: what a rule reports, where, and how it is printed.
//!
//! A diagnostic names a source location by file and 1-based line:column (characters, not
//! bytes). The rendering in rustc style (annotate-snippets) and as JSON lives here, so
//! that every rule reports the same way.

use crate::model::files::{FileId, Files};
use serde::Serialize;
use std::fmt::Write as _;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Notice,
}

/// A check rule, declared once as a `const` beside the code that reports it (its id,
/// severity and documentation); every diagnostic is made from one (`Diagnostic::new`).
/// The registry that lists them all in documentation order is `check::rules::RULES`.
#[derive(Debug)]
pub struct Rule {
    /// Stable id (`sum.hierarchy`), named by acknowledgements.
    pub id: &'static str,
    pub severity: Severity,
    /// The module that reports it, as `docs/rules.md` names it.
    pub module: &'static str,
    pub summary: &'static str,
    pub doc: &'static str,
}

impl Severity {
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Notice => "提示",
        }
    }
}

/// A position in a source file: 1-based line and column, in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
}

/// A second location that explains the first (the other side of a cross-table rule).
#[derive(Clone, Debug)]
pub struct Related {
    pub loc: Loc,
    pub label: String,
}

/// Another rule that found the same discrepancy at the same cell (merged into one finding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Also {
    pub rule: &'static str,
    pub target: Option<String>,
    pub table: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Stable rule id (`sum.hierarchy`); see `rules::RULES`.
    pub rule: &'static str,
    pub severity: Severity,
    /// The message, in Chinese.
    pub message: String,
    pub loc: Option<Loc>,
    /// A short label printed under the offending value.
    pub label: Option<String>,
    pub related: Vec<Related>,
    /// Table, row and column, for display (`T07 一般公共预算支出表`, `2101501 行政运行`, `合计`).
    pub table: Option<String>,
    pub row: Option<String>,
    pub column: Option<String>,
    pub expected: Option<String>,
    pub found: Option<String>,
    /// What an acknowledgement names to accept this diagnostic (`T07/21015/total`).
    pub target: Option<String>,
    /// Set when a source acknowledges this diagnostic: the reason given.
    pub acknowledged: Option<String>,
    /// The other rules (and their targets and tables) that found the same difference at
    /// the same cell; an acknowledgement of any of them matches this finding.
    pub also: Vec<Also>,
}

impl Diagnostic {
    /// A diagnostic of `rule`, with the rule's severity: a severity is declared once, with
    /// its rule, never chosen where a diagnostic is made.
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            loc: None,
            label: None,
            related: Vec::new(),
            table: None,
            row: None,
            column: None,
            expected: None,
            found: None,
            target: None,
            acknowledged: None,
            also: Vec::new(),
        }
    }
    pub fn at(mut self, loc: Loc) -> Self {
        self.loc = Some(loc);
        self
    }
    pub fn at_opt(mut self, loc: Option<Loc>) -> Self {
        self.loc = self.loc.or(loc);
        self
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn related(mut self, loc: Loc, label: impl Into<String>) -> Self {
        self.related.push(Related {
            loc,
            label: label.into(),
        });
        self
    }
    pub fn table(mut self, t: impl Into<String>) -> Self {
        self.table = Some(t.into());
        self
    }
    pub fn row(mut self, r: impl Into<String>) -> Self {
        self.row = Some(r.into());
        self
    }
    pub fn column(mut self, c: impl Into<String>) -> Self {
        self.column = Some(c.into());
        self
    }
    pub fn expected(mut self, e: impl Into<String>) -> Self {
        self.expected = Some(e.into());
        self
    }
    pub fn found(mut self, f: impl Into<String>) -> Self {
        self.found = Some(f.into());
        self
    }
    pub fn target(mut self, t: impl Into<String>) -> Self {
        self.target = Some(t.into());
        self
    }

    /// Does this diagnostic fail a check?
    pub fn is_failing(&self) -> bool {
        self.severity == Severity::Error && self.acknowledged.is_none()
    }

    /// Sort key: file, position, rule — so output is deterministic.
    fn sort_key(&self) -> (Option<Loc>, &'static str, &str) {
        (self.loc, self.rule, self.message.as_str())
    }
}

/// Orders diagnostics by file and position, then rule; drops exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup_by(|a, b| {
        a.rule == b.rule && a.loc == b.loc && a.message == b.message && a.target == b.target
    });
}

/// Counts of diagnostics by severity (acknowledged errors counted apart).
#[derive(Default, Debug, Clone, Copy, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub acknowledged: usize,
    pub warnings: usize,
    pub notices: usize,
}

pub fn summarize(diags: &[Diagnostic]) -> Summary {
    let mut s = Summary::default();
    for d in diags {
        match (d.severity, d.acknowledged.is_some()) {
            (_, true) => s.acknowledged += 1,
            (Severity::Error, false) => s.errors += 1,
            (Severity::Warning, false) => s.warnings += 1,
            (Severity::Notice, false) => s.notices += 1,
        }
    }
    s
}

/// Byte range of the token at `loc` in `text`, for underlining.
fn span_at(text: &str, loc: Loc) -> std::ops::Range<usize> {
    let mut start = text.len();
    let mut line_no = 1u32;
    let mut line_start = 0usize;
    for (i, ch) in text.char_indices() {
        if line_no == loc.line {
            line_start = i;
            break;
        }
        if ch == '\n' {
            line_no += 1;
            if line_no == loc.line {
                line_start = i + 1;
                break;
            }
        }
    }
    if loc.line <= 1 {
        line_start = 0;
    }
    let line_end = text[line_start.min(text.len())..]
        .find('\n')
        .map(|n| line_start + n)
        .unwrap_or(text.len());
    let line = &text[line_start.min(text.len())..line_end];
    for (col, (i, _)) in (1u32..).zip(line.char_indices()) {
        if col == loc.col {
            start = line_start + i;
            break;
        }
    }
    if start > line_end {
        start = line_end;
    }
    // Underline up to the end of the scalar: stop at a separator.
    let rest = &text[start..line_end];
    let quoted = rest.starts_with('"') || rest.starts_with('\'');
    let mut end = start;
    for (i, ch) in rest.char_indices() {
        if i > 0 && quoted && (ch == '"' || ch == '\'') {
            end = start + i + ch.len_utf8();
            break;
        }
        if !quoted && (ch == ',' || ch == '}' || ch == ']' || ch == '#' || ch == '\r') {
            break;
        }
        end = start + i + ch.len_utf8();
    }
    let trimmed = text[start..end].trim_end();
    end = start + trimmed.len();
    if end == start && start < line_end {
        end = start + text[start..].chars().next().map_or(0, char::len_utf8);
    }
    start..end
}

/// Renders diagnostics in rustc style, followed by a one-line summary.
pub fn render_human(diags: &[Diagnostic], files: &Files, color: bool) -> String {
    use annotate_snippets::Renderer;
    use rayon::prelude::*;
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Each diagnostic renders on its own (snippets scan their file's text), so they
    // render in parallel and are joined in order: the output is the same as serially.
    let rendered: Vec<String> = diags
        .par_iter()
        .map(|d| render_one(d, files, &renderer))
        .collect();
    let mut out = String::with_capacity(rendered.iter().map(|r| r.len() + 2).sum::<usize>() + 80);
    for r in rendered {
        out.push_str(&r);
        out.push_str("\n\n");
    }
    let s = summarize(diags);
    let _ = writeln!(
        out,
        "检查结果：{} 个错误，{} 个已确认，{} 个警告，{} 个提示",
        s.errors, s.acknowledged, s.warnings, s.notices
    );
    out
}

/// One diagnostic in rustc style, without the blank line that separates it from the next.
fn render_one(d: &Diagnostic, files: &Files, renderer: &annotate_snippets::Renderer) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Snippet};
    let level = match (d.severity, d.acknowledged.is_some()) {
        (_, true) => Level::NOTE.with_name(Some("错误（已确认）")),
        (Severity::Error, _) => Level::ERROR.with_name(Some("错误")),
        (Severity::Warning, _) => Level::WARNING.with_name(Some("警告")),
        (Severity::Notice, _) => Level::INFO.with_name(Some("提示")),
    };
    let title = level.primary_title(d.message.as_str()).id(d.rule);
    let mut groups: Vec<Group> = Vec::new();
    let mut main = match d.loc {
        Some(loc) => {
            let file = files.get(loc.file);
            let range = span_at(&file.text, loc);
            let mut ann = AnnotationKind::Primary.span(range);
            if let Some(l) = &d.label {
                ann = ann.label(l.as_str());
            }
            let mut snippet = Snippet::source(file.text.as_str())
                .path(file.display.as_str())
                .fold(true)
                .annotation(ann);
            for r in d.related.iter().filter(|r| r.loc.file == loc.file) {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(span_at(&file.text, r.loc))
                        .label(r.label.as_str()),
                );
            }
            title.element(snippet)
        }
        None => Group::with_title(title),
    };
    for r in d
        .related
        .iter()
        .filter(|r| Some(r.loc.file) != d.loc.map(|l| l.file))
    {
        let file = files.get(r.loc.file);
        main = main.element(
            Snippet::source(file.text.as_str())
                .path(file.display.as_str())
                .fold(true)
                .annotation(
                    AnnotationKind::Context
                        .span(span_at(&file.text, r.loc))
                        .label(r.label.as_str()),
                ),
        );
    }
    groups.push(main);
    let mut facts = Vec::new();
    if let Some(t) = &d.table {
        facts.push(format!("表：{t}"));
    }
    if let Some(r) = &d.row {
        facts.push(format!("行：{r}"));
    }
    if let Some(c) = &d.column {
        facts.push(format!("列：{c}"));
    }
    if let Some(e) = &d.expected {
        facts.push(format!("应为：{e}"));
    }
    if let Some(f) = &d.found {
        facts.push(format!("实为：{f}"));
    }
    if let Some(t) = &d.target {
        facts.push(format!("位置标识：{t}"));
    }
    if !d.also.is_empty() {
        let others: Vec<String> = d
            .also
            .iter()
            .map(|a| {
                let mut s = a.rule.to_string();
                let parts: Vec<&str> = [a.table.as_deref(), a.target.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                if !parts.is_empty() {
                    s.push_str(&format!("（{}）", parts.join("，位置标识 ")));
                }
                s
            })
            .collect();
        facts.push(format!("同一差异也见于：{}", others.join("、")));
    }
    if !facts.is_empty() {
        groups.push(Group::with_title(
            Level::NOTE
                .with_name(Some("说明"))
                .secondary_title(facts.join("；")),
        ));
    }
    if let Some(reason) = &d.acknowledged {
        groups.push(Group::with_title(
            Level::NOTE
                .with_name(Some("确认理由"))
                .secondary_title(reason.as_str()),
        ));
    }
    renderer.render(&groups)
}

#[derive(Serialize)]
struct JsonLoc<'a> {
    file: &'a str,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    #[serde(flatten)]
    loc: JsonLoc<'a>,
    label: &'a str,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<JsonLoc<'a>>,
    related: Vec<JsonRelated<'a>>,
    table: Option<&'a str>,
    row: Option<&'a str>,
    column: Option<&'a str>,
    expected: Option<&'a str>,
    found: Option<&'a str>,
    target: Option<&'a str>,
    acknowledged: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<JsonAlso<'a>>,
}

#[derive(Serialize)]
struct JsonAlso<'a> {
    rule: &'a str,
    target: Option<&'a str>,
    table: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiag<'a>>,
    summary: Summary,
}

/// Renders diagnostics as one JSON document.
pub fn render_json(diags: &[Diagnostic], files: &Files) -> String {
    let jloc = |l: Loc| JsonLoc {
        file: files.get(l.file).display.as_str(),
        line: l.line,
        column: l.col,
    };
    let report = JsonReport {
        diagnostics: diags
            .iter()
            .map(|d| JsonDiag {
                rule: d.rule,
                severity: d.severity,
                message: &d.message,
                location: d.loc.map(jloc),
                related: d
                    .related
                    .iter()
                    .map(|r| JsonRelated {
                        loc: jloc(r.loc),
                        label: &r.label,
                    })
                    .collect(),
                table: d.table.as_deref(),
                row: d.row.as_deref(),
                column: d.column.as_deref(),
                expected: d.expected.as_deref(),
                found: d.found.as_deref(),
                target: d.target.as_deref(),
                acknowledged: d.acknowledged.as_deref(),
                also: d
                    .also
                    .iter()
                    .map(|a| JsonAlso {
                        rule: a.rule,
                        target: a.target.as_deref(),
                        table: a.table.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
        summary: summarize(diags),
    };
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
