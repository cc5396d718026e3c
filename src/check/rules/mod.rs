//! The check rules. Each rule has a stable id, a severity, a one-line summary and its
//! documentation here, in `RULES`; its logic lives in the module named in `module`.
//! `docs/rules.md` is generated from this table (a test keeps it in sync).

pub mod acknowledge;
pub mod classification;
pub mod completeness;
pub mod cross_table;
pub mod narrative;
pub mod sums;

use crate::check::expr::Iv;
use crate::model::catalogue::Catalogue;
use crate::model::diagnostic::{Diagnostic, Severity};
use crate::model::templates::Templates;
use crate::model::{Disclosure, Site, Unit};

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub module: &'static str,
    pub summary: &'static str,
    pub doc: &'static str,
}

macro_rules! rule {
    ($id:literal, $sev:ident, $module:literal, $summary:literal, $doc:literal) => {
        Rule {
            id: $id,
            severity: Severity::$sev,
            module: $module,
            summary: $summary,
            doc: $doc,
        }
    };
}

/// Every rule gongkai checks, in documentation order.
pub const RULES: &[Rule] = &[
    rule!(
        "source.read",
        Error,
        "source",
        "A file or folder cannot be read.",
        "Reported with the operating system's reason; files over 16 MiB are refused."
    ),
    rule!(
        "source.encoding",
        Error,
        "source",
        "A file is not UTF-8.",
        "Sources must be UTF-8 (a byte-order mark is accepted and dropped). GBK files must be re-saved as UTF-8."
    ),
    rule!(
        "source.layout",
        Error,
        "source",
        "The content folder is laid out wrongly.",
        "A unit folder without `unit.yaml`, an invalid folder name, a Markdown file without its YAML, a `kind` or `year` that contradicts the file name. Unrecognised files are warnings."
    ),
    rule!(
        "yaml.syntax",
        Error,
        "source",
        "The YAML cannot be parsed.",
        "Including resource limits: nesting deeper than 64, alias bombs and documents over the node budget end with this error instead of exhausting memory."
    ),
    rule!(
        "yaml.unknown-key",
        Error,
        "source",
        "A key that the format does not have (a typo).",
        "Every struct of the format denies unknown keys; the message lists the keys allowed at that place."
    ),
    rule!(
        "yaml.duplicate-key",
        Error,
        "source",
        "The same key twice in one mapping.",
        "Reported at the repeated key."
    ),
    rule!(
        "yaml.type",
        Error,
        "source",
        "A value of the wrong type, or a required key missing.",
        "E.g. a list where a text belongs, `yes` where a boolean belongs (booleans are strict), a missing `title`."
    ),
    rule!(
        "value.amount",
        Error,
        "source",
        "A cell that should hold an amount does not.",
        "Amounts are decimals as printed (`629.76`, `1,239,844.00`); `?` marks an unreadable cell, `\"\"` a blank one. Anything else (`86.3x`, `六百`) is this error, at the cell."
    ),
    rule!(
        "value.precision",
        Error,
        "source",
        "An amount with more than two decimals.",
        "Both 元 and 万元 tables print at most two decimals."
    ),
    rule!(
        "value.scale",
        Error,
        "sums",
        "A figure written in the wrong unit (元 in a 万元 table or the reverse).",
        "When an identity fails and dividing or multiplying one of its figures by 10,000 makes it hold, that figure is reported instead of the identity."
    ),
    rule!(
        "value.code",
        Error,
        "source",
        "A classification or unit code of the wrong shape.",
        "Functional codes are 3/5/7 digits starting with 2; economic codes 3/5 digits starting with 3 or 5; unit codes digits only. Codes are written whole (`2101501`)."
    ),
    rule!(
        "value.enum",
        Error,
        "source",
        "A value outside its list (amount unit, table status, column type, level, unit type).",
        ""
    ),
    rule!(
        "value.date",
        Error,
        "source",
        "A date not written YYYY-MM-DD.",
        ""
    ),
    rule!(
        "table.duplicate",
        Error,
        "source",
        "A table id, column key or row repeated within its scope.",
        ""
    ),
    rule!(
        "table.reference",
        Error,
        "source",
        "A value or `sum_of` naming a column or row the table does not have.",
        ""
    ),
    rule!(
        "table.kind",
        Error,
        "completeness",
        "A table kind or template not in `data/templates.yaml`.",
        ""
    ),
    rule!(
        "catalogue.unknown-code",
        Notice,
        "classification",
        "A code the catalogue does not list.",
        "The catalogue (`data/catalogue.yaml`) lists only names it is sure of; an unknown code is a notice, never an invented name."
    ),
    rule!(
        "catalogue.name",
        Error,
        "classification",
        "A code printed with a name other than the catalogue's.",
        "The message shows the official name. Whitespace differences are ignored."
    ),
    rule!(
        "catalogue.parent",
        Error,
        "classification",
        "A 款 or 项 printed under the wrong parent.",
        "In a table listing 类, 款 and 项 rows, each 款/项 must follow its own parent, not another 类/款."
    ),
    rule!(
        "cross.code-name",
        Error,
        "cross_table",
        "The same code printed with different names in two tables.",
        "Only for codes the catalogue does not know (otherwise `catalogue.name` reports the wrong one)."
    ),
    rule!(
        "sum.hierarchy",
        Error,
        "sums",
        "类 ≠ Σ款 or 款 ≠ Σ项, in some amount column.",
        "Derived from the codes: a 类 row equals the sum of its 款 rows, a 款 row the sum of its 项 rows, in every amount column; a department's unit line equals the sum of its units' lines."
    ),
    rule!(
        "sum.row",
        Error,
        "sums",
        "A total row differs from the sum of the rows it totals.",
        "Rows declare `sum_of` (row keys, codes, or the words functional / dept_economic / gov_economic / units for every top-level row of that classification)."
    ),
    rule!(
        "sum.column",
        Error,
        "sums",
        "A total column differs from the sum of its columns, in some row.",
        "Columns declare `sum_of` following the printed header (合计 = 基本支出 + 项目支出; 基本支出 = 人员经费 + 公用经费; 三公 = 出国 + 公务用车 + 接待; 公务用车 = 购置 + 运行; …)."
    ),
    rule!(
        "sum.unchecked",
        Notice,
        "sums",
        "An identity left unchecked because a cell is unreadable (`?`).",
        "Reported once per unreadable cell, so that an unreadable figure is never silently taken as checked."
    ),
    rule!(
        "rounding",
        Notice,
        "sums",
        "A difference explained by rounding (尾数误差).",
        "Tables are kept in 元 and printed rounded; a difference no larger than half a unit of the last printed digit per addend is reported as this notice, not as an error. The same holds for figures in the text."
    ),
    rule!(
        "cross.table",
        Error,
        "cross_table",
        "The same quantity printed in two tables disagrees.",
        "The pairs checked are listed below (`cross_table::PAIRS`), each with its id, used as the diagnostic's target."
    ),
    rule!(
        "cross.code-amount",
        Error,
        "cross_table",
        "The same code carries different amounts in two tables that must agree line by line.",
        "Checked for the table pairs listed below (`cross_table::CODE_PAIRS`), per code, aggregating 项 to 款 and 类 where one table prints less detail; only when the two tables' totals agree (otherwise `cross.table` reports the totals)."
    ),
    rule!(
        "complete.table",
        Error,
        "completeness",
        "A table of the template's standard set is absent.",
        "Every table the template (`data/templates.yaml`) requires must be present, declared `empty` with its published reason, or declared `missing`."
    ),
    rule!(
        "complete.reason",
        Error,
        "completeness",
        "An empty table without its published reason.",
        "A missing table without a note on what is unreadable is a warning."
    ),
    rule!(
        "complete.missing",
        Warning,
        "completeness",
        "A table is declared missing: the source is unreadable there.",
        "Listed so that nobody mistakes a missing table for an empty one."
    ),
    rule!(
        "complete.contents",
        Error,
        "completeness",
        "The contents table contradicts the tables (是否空表).",
        "Where the template has a contents table (Shaanxi), a table it marks empty must be declared empty, and the reverse."
    ),
    rule!(
        "complete.section",
        Error,
        "completeness",
        "A required explanation item is absent from the text.",
        "Required: 三公 (`three-public`), 机关运行经费 (`running-costs`), 会议费/培训费 (`meetings-training`), 政府采购 (`procurement`), 国有资产 (`assets`), 绩效目标/绩效评价 (`performance`), 名词解释 (`glossary`)."
    ),
    rule!(
        "narrative.syntax",
        Error,
        "narrative",
        "A figure reference `{{ … }}` that cannot be parsed.",
        ""
    ),
    rule!(
        "narrative.reference",
        Error,
        "narrative",
        "A figure reference naming a table, row or column that does not exist.",
        ""
    ),
    rule!(
        "narrative.figure",
        Error,
        "narrative",
        "A figure in the text that does not follow from the tables.",
        "`{{ PUBLISHED = EXPRESSION }}`: the expression evaluated from the tables (in the text's unit, rounded to the printed decimals) must give the printed figure; within rounding it is a `rounding` notice."
    ),
    rule!(
        "narrative.unchecked",
        Notice,
        "narrative",
        "A figure in the text that cannot be checked: it refers to an unreadable cell or a missing table.",
        ""
    ),
    rule!(
        "narrative.reason",
        Warning,
        "narrative",
        "A change in 三公 经费 stated without its reason.",
        "The `three-public` section states an increase or decrease (增加 / 减少 / 上升 / 下降) but gives no reason (原因 / 主要是 / 主要用于 / 由于 / 因)."
    ),
    rule!(
        "ack.unused",
        Warning,
        "acknowledge",
        "An acknowledgement that matches no diagnostic.",
        "Remove it, or correct its rule or target."
    ),
];

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// What every rule reads.
pub struct Context<'a> {
    pub site: &'a Site,
    pub catalogue: &'a Catalogue,
    pub templates: &'a Templates,
    /// Cells found to be in the wrong unit (`value.scale`): later rules do not use them,
    /// so that one slip is reported once.
    pub suspect: std::collections::BTreeSet<crate::model::diagnostic::Loc>,
}

/// One disclosure and its unit.
pub struct Doc<'a> {
    pub unit: &'a Unit,
    pub disclosure: &'a Disclosure,
}

impl<'a> Context<'a> {
    pub fn docs(&self) -> impl Iterator<Item = Doc<'a>> + 'a {
        let site: &'a Site = self.site;
        site.units.iter().flat_map(|u| {
            u.disclosures.iter().map(move |d| Doc {
                unit: u,
                disclosure: d,
            })
        })
    }
}

/// Runs every rule over the site; the order of diagnostics is fixed later by sorting.
pub fn run(cx: &mut Context, diags: &mut Vec<Diagnostic>) {
    use rayon::prelude::*;
    // Disclosures are independent: each phase runs over them in parallel.
    let docs: Vec<Doc> = cx.docs().collect();
    let first: Vec<Diagnostic> = docs
        .par_iter()
        .flat_map_iter(|doc| {
            let mut d = Vec::new();
            completeness::check(cx, doc, &mut d);
            classification::check(cx, doc, &mut d);
            sums::check(cx, doc, &mut d);
            d
        })
        .collect();
    diags.extend(first);
    cx.suspect = diags
        .iter()
        .filter(|d| d.rule == "value.scale")
        .filter_map(|d| d.loc)
        .collect();
    let cx: &Context = cx;
    let second: Vec<Diagnostic> = docs
        .par_iter()
        .flat_map_iter(|doc| {
            let mut d = Vec::new();
            cross_table::check(cx, doc, &mut d);
            narrative::check(cx, doc, &mut d);
            d
        })
        .collect();
    diags.extend(second);
}

/// How a printed total compares with the sum of its printed parts.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Equal,
    /// Different, but within the rounding interval of the parts.
    Rounding,
    Different,
}

/// Compares a printed figure with an expected interval.
pub fn judge(found: rust_decimal::Decimal, expected: &Iv) -> Verdict {
    if found == expected.mid {
        Verdict::Equal
    } else if expected.contains(found) {
        Verdict::Rounding
    } else {
        Verdict::Different
    }
}

/// The rules' documentation (`docs/rules.md`), generated from `RULES` and the pair lists.
pub fn docs_markdown() -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    s.push_str("# Check rules\n\n");
    s.push_str("Generated from `src/rules/mod.rs` and `src/rules/cross_table.rs` by `cargo test` (set `UPDATE_DOCS=1` to rewrite it); do not edit by hand.\n\n");
    s.push_str("`gongkai check` exits 0 when no unacknowledged error remains, 1 when one does, 2 when it cannot run. Every diagnostic has a severity, one of these ids, the file and line:column of the value, the table, row and column, expected and found figures, and a *target* that an acknowledgement names (see `docs/sources.md`).\n\n");
    s.push_str("| id | severity | module | what |\n|---|---|---|---|\n");
    for r in RULES {
        let _ = writeln!(
            s,
            "| `{}` | {} | `{}` | {} |",
            r.id,
            r.severity.label_zh(),
            r.module,
            r.summary
        );
    }
    s.push('\n');
    for r in RULES {
        let _ = writeln!(s, "## `{}`\n\n{} {}\n", r.id, r.summary, r.doc);
    }
    s.push_str("## Cross-table pairs (`cross.table`)\n\nA pair is checked when the disclosure has both sides; references are `kind.row.column`, `?` reads an absent row as zero. The id is the diagnostic's target.\n\n| id | checks | left | right |\n|---|---|---|---|\n");
    for p in cross_table::PAIRS {
        let _ = writeln!(
            s,
            "| `{}` | {} | `{}` | `{}` |",
            p.id, p.what, p.left, p.right
        );
    }
    s.push_str("\n## Line-by-line pairs (`cross.code-amount`)\n\n| left table | right table | columns (left→right) | only when |\n|---|---|---|---|\n");
    for p in cross_table::CODE_PAIRS {
        let cols: Vec<String> = p.columns.iter().map(|(a, b)| format!("{a}→{b}")).collect();
        let _ = writeln!(
            s,
            "| `{}` | `{}` | {} | `{}` = `{}` |",
            p.left,
            p.right,
            cols.join(", "),
            p.guard.0,
            p.guard.1
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_documented() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
        for r in RULES {
            assert!(!r.summary.is_empty(), "{} has no summary", r.id);
        }
    }
}
