//! The check rules. Each rule is declared once, as a `const` beside the code that reports
//! it (`sums::SUM_ROW`; the loader's in `source::rules`): its stable id, severity,
//! one-line summary and documentation. `RULES` lists them in documentation order;
//! `docs/rules.md` is generated from it (a test keeps it in sync), and a test fails when a
//! listed rule has no test in `tests/rules.rs`.

pub mod acknowledge;
pub mod classification;
pub mod completeness;
pub mod cross_table;
pub mod names;
pub mod narrative;
pub mod plain;
pub mod sums;
pub mod template;

use crate::check::expr::Iv;
use crate::model::catalogue::Catalogue;
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::templates::Templates;
use crate::model::{Disclosure, Site, Unit};

/// Every rule gongkai checks, in documentation order.
pub const RULES: &[&Rule] = &[
    &crate::source::rules::SOURCE_READ,
    &crate::source::rules::SOURCE_ENCODING,
    &crate::source::rules::SOURCE_LAYOUT,
    &crate::source::rules::YAML_SYNTAX,
    &crate::source::rules::YAML_UNKNOWN_KEY,
    &crate::source::rules::YAML_DUPLICATE_KEY,
    &crate::source::rules::YAML_TYPE,
    &crate::source::rules::VALUE_AMOUNT,
    &crate::source::rules::VALUE_PRECISION,
    &sums::VALUE_SCALE,
    &crate::source::rules::VALUE_CODE,
    &crate::source::rules::VALUE_ENUM,
    &crate::source::rules::VALUE_DATE,
    &crate::source::rules::TABLE_DUPLICATE,
    &crate::source::rules::TABLE_REFERENCE,
    &completeness::TABLE_KIND,
    &classification::CATALOGUE_UNKNOWN_CODE,
    &classification::CATALOGUE_NAME,
    &classification::CATALOGUE_PARENT,
    &cross_table::CROSS_CODE_NAME,
    &sums::SUM_HIERARCHY,
    &sums::SUM_ROW,
    &sums::SUM_COLUMN,
    &sums::SUM_UNCHECKED,
    &sums::ROUNDING,
    &cross_table::CROSS_TABLE,
    &cross_table::CROSS_CODE_AMOUNT,
    &completeness::COMPLETE_TABLE,
    &completeness::COMPLETE_REASON,
    &completeness::COMPLETE_MISSING,
    &completeness::COMPLETE_DEADLINE,
    &completeness::COMPLETE_CONTENTS,
    &completeness::COMPLETE_SECTION,
    &narrative::NARRATIVE_SYNTAX,
    &narrative::NARRATIVE_REFERENCE,
    &narrative::NARRATIVE_FIGURE,
    &narrative::NARRATIVE_UNCHECKED,
    &narrative::NARRATIVE_ZERO_BASE,
    &plain::NARRATIVE_UNMATCHED,
    &plain::NARRATIVE_DIRECTION,
    &names::NARRATIVE_NAME,
    &template::TEXT_PLACEHOLDER,
    &template::TEXT_DATE,
    &template::TEXT_TITLE,
    &narrative::NARRATIVE_REASON,
    &acknowledge::ACK_UNUSED,
];

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
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
        .filter(|d| d.rule == sums::VALUE_SCALE.id)
        .filter_map(|d| d.loc)
        .collect();
    let cx: &Context = cx;
    let second: Vec<Diagnostic> = docs
        .par_iter()
        .flat_map_iter(|doc| {
            let mut d = Vec::new();
            cross_table::check(cx, doc, &mut d);
            narrative::check(cx, doc, &mut d);
            plain::check(cx, doc, &mut d);
            names::check(cx, doc, &mut d);
            template::check(cx, doc, &mut d);
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
    s.push('\n');
    s.push_str(plain::CORPUS);
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
