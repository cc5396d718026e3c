//! The check rules. Each rule is declared once, as a `const` beside the code that reports
//! it (`sums::SUM_ROW`; the loader's in `source::rules`): its stable id, severity,
//! one-line summary and documentation. `RULES` lists them in documentation order;
//! `docs/rules.md` is generated from it (a test keeps it in sync), and a test fails when a
//! listed rule has no test in `tests/rules.rs`.

pub mod acknowledge;
pub mod classification;
pub mod code_pairs;
pub mod completeness;
pub mod cross_table;
pub mod names;
pub mod narrative;
pub mod plain;
pub mod sums;
pub mod template;

use crate::check::expr::Iv;
use crate::model::catalogue::{Catalogue, Editions};
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::files::FileId;
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
    &crate::source::rules::VALUE_URL,
    &crate::source::rules::TABLE_DUPLICATE,
    &crate::source::rules::TABLE_REFERENCE,
    &completeness::TABLE_KIND,
    &classification::CATALOGUE_UNKNOWN_CODE,
    &classification::CATALOGUE_NAME,
    &classification::CATALOGUE_PARENT,
    &classification::CATALOGUE_SITE_NAME,
    &cross_table::CROSS_CODE_NAME,
    &sums::SUM_HIERARCHY,
    &sums::SUM_ROW,
    &sums::SUM_COLUMN,
    &sums::SUM_UNCHECKED,
    &sums::ROUNDING,
    &sums::ROUNDING_UNLIKELY,
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
    /// The base edition, for what does not depend on a document's year.
    pub catalogue: &'a Catalogue,
    /// Every edition held: a document's names are checked against its own
    /// ([`Context::catalogue_of`]).
    pub editions: &'a Editions,
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
    /// The edition of the catalogue a disclosure is checked against.
    pub fn catalogue_of(&self, d: &Disclosure) -> &'a Catalogue {
        self.editions.for_disclosure(d)
    }
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
/// Returns what was checked in each disclosure (by its data file).
pub fn run(
    cx: &mut Context,
    diags: &mut Vec<Diagnostic>,
) -> std::collections::HashMap<FileId, crate::check::Checked> {
    use rayon::prelude::*;
    // Disclosures are independent: each phase runs over them in parallel.
    let docs: Vec<Doc> = cx.docs().collect();
    let (first, identities): (Vec<Vec<Diagnostic>>, Vec<usize>) = docs
        .par_iter()
        .map(|doc| {
            let mut d = Vec::new();
            completeness::check(cx, doc, &mut d);
            classification::check(cx, doc, &mut d);
            let n = sums::check(cx, doc, &mut d);
            (d, n)
        })
        .unzip();
    diags.extend(first.into_iter().flatten());
    cx.suspect = diags
        .iter()
        .filter(|d| d.rule == sums::VALUE_SCALE.id)
        .filter_map(|d| d.loc)
        .collect();
    let cx: &Context = cx;
    let (second, counts): (Vec<Vec<Diagnostic>>, Vec<(usize, usize)>) = docs
        .par_iter()
        .map(|doc| {
            let mut d = Vec::new();
            let pairs = cross_table::check(cx, doc, &mut d) + code_pairs::check(cx, doc, &mut d);
            let marked = narrative::check(cx, doc, &mut d);
            let plain = plain::check(cx, doc, &mut d);
            names::check(cx, doc, &mut d);
            template::check(cx, doc, &mut d);
            (d, (pairs, marked + plain))
        })
        .unzip();
    diags.extend(second.into_iter().flatten());
    // Across the site: what one disclosure prints is judged against the others.
    classification::check_site(cx, &docs, diags);
    docs.iter()
        .zip(identities.into_iter().zip(counts))
        .map(|(doc, (identities, (pairs, text_figures)))| {
            (
                doc.disclosure.loc.file,
                crate::check::Checked {
                    identities,
                    pairs,
                    text_figures,
                },
            )
        })
        .collect()
}

/// How a printed figure compares with what its printed parts give.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Equal,
    /// Different, but within the rounding bound of the parts.
    Rounding(Spread),
    /// Within the bound of `n` rounded parts, but at or beyond two standard deviations of
    /// their rounding error: possible, unlikely (see `rounding.unlikely`).
    Unlikely(Spread),
    Different,
}

/// What the rounding of the parts allows, for the verdict's message.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct Spread {
    /// The rounded parts (figures printed non-zero).
    pub n: usize,
    /// Half a unit of the last printed digit of the parts (the largest, if they differ).
    pub half: rust_decimal::Decimal,
    /// The most the printed parts' rounding can make the sum differ: Σ half units.
    pub bound: rust_decimal::Decimal,
    /// Two standard deviations of the sum of the parts' rounding errors.
    pub two_sd: rust_decimal::Decimal,
    /// The difference found.
    pub diff: rust_decimal::Decimal,
}

/// Judges `found` against `expected`, the interval of a sum of rounded parts whose last
/// printed units are `units` (0.01 for a figure printed with two decimals; a zero part
/// has none). Outside the interval: `Different`. Inside: `Rounding`, unless the difference
/// is at least two units of the last digit and at or beyond two standard deviations of
/// the parts' summed rounding errors (each uniform on ± half a unit: variance u²/12, so
/// 2σ ≥ d ⇔ 3d² ≤ Σu²), which is `Unlikely`. A difference of one unit is never called
/// unlikely: with two parts or more, rounding alone gives it at least one time in four.
pub fn judge(
    found: rust_decimal::Decimal,
    expected: &Iv,
    units: &[rust_decimal::Decimal],
) -> Verdict {
    use rust_decimal::Decimal;
    if found == expected.mid {
        return Verdict::Equal;
    }
    if !expected.contains(found) {
        return Verdict::Different;
    }
    let diff = (found - expected.mid).abs();
    let rounded: Vec<Decimal> = units.iter().copied().filter(|u| !u.is_zero()).collect();
    let unit = rounded.iter().copied().max().unwrap_or(Decimal::ZERO);
    let two = Decimal::TWO;
    let squares = rounded
        .iter()
        .try_fold(Decimal::ZERO, |acc, u| acc.checked_add(u.checked_mul(*u)?));
    let spread = Spread {
        n: rounded.len(),
        half: unit / two,
        bound: (expected.hi - expected.lo) / two,
        two_sd: squares.map_or(Decimal::ZERO, |s| sqrt(s / Decimal::from(3))),
        diff,
    };
    let beyond = match (diff.checked_mul(diff), squares) {
        (Some(d2), Some(s)) => d2 * Decimal::from(3) >= s,
        _ => false,
    };
    if rounded.len() >= 2 && diff >= unit * two && beyond {
        Verdict::Unlikely(spread)
    } else {
        Verdict::Rounding(spread)
    }
}

/// The last printed unit of a figure: 0.01 for 629.76, 1 for 1239844, none for a zero.
pub fn last_unit(d: rust_decimal::Decimal) -> rust_decimal::Decimal {
    crate::model::amount::half_unit(d) * rust_decimal::Decimal::TWO
}

/// √x by Newton's method, to the precision messages show (x ≥ 0).
fn sqrt(x: rust_decimal::Decimal) -> rust_decimal::Decimal {
    use rust_decimal::Decimal;
    if x <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let mut r = if x > Decimal::ONE { x } else { Decimal::ONE };
    for _ in 0..100 {
        let Some(next) = x.checked_div(r).and_then(|q| r.checked_add(q)) else {
            break;
        };
        let next = next / Decimal::TWO;
        if next == r {
            break;
        }
        r = next;
    }
    r
}

/// `2 个分项`, the bound and two standard deviations, for a rounding message.
pub fn spread_zh(s: &Spread, unit: crate::model::amount::AmountUnit) -> String {
    let show = |d: rust_decimal::Decimal| {
        crate::model::amount::show(crate::model::amount::round(d, 4).normalize(), unit)
    };
    let how = if s.half * rust_decimal::Decimal::from(s.n as u64) == s.bound {
        format!("{} × {}", s.n, s.half.normalize())
    } else {
        "各分项末位半个单位之和".to_string()
    };
    format!(
        "{} 个分项各自四舍五入，合计最多相差 {}（{how}），两倍标准差 {}",
        s.n,
        show(s.bound),
        show(s.two_sd)
    )
}

/// The rules' documentation (`docs/rules.md`), generated from `RULES` and the pair lists.
pub fn docs_markdown() -> String {
    use crate::model::templates::SectionRequirement;
    use std::fmt::Write as _;
    let mut s = String::new();
    s.push_str("# Check rules\n\n");
    s.push_str("Generated from `src/check/rules/` and `data/templates.yaml` by `cargo test` (set `UPDATE_DOCS=1` to rewrite it); do not edit by hand.\n\n");
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
    if let Ok(templates) = crate::model::templates::Templates::builtin() {
        s.push_str("## Required explanation items per template (`complete.section`)\n\nFrom `sections:` in `data/templates.yaml`; an item with a year is required from that year on.\n\n| template | items |\n|---|---|\n");
        for (id, t) in &templates.templates {
            let items: Vec<String> = t
                .sections
                .iter()
                .map(|sec| match sec {
                    SectionRequirement::Always(id) => {
                        format!("{}（`{id}`）", templates.section_name(id))
                    }
                    SectionRequirement::From { id, from } => {
                        format!("{}（`{id}`，{from} 年起）", templates.section_name(id))
                    }
                })
                .collect();
            let _ = writeln!(s, "| `{id}` {} | {} |", t.name, items.join("、"));
        }
        s.push('\n');
    }
    s.push_str("## Cross-table pairs (`cross.table`)\n\nA pair is checked when the disclosure has both sides; references are `kind.row.column`, `?` reads an absent row as zero. The id is the diagnostic's target.\n\n| id | checks | left | right |\n|---|---|---|---|\n");
    for p in cross_table::PAIRS {
        let _ = writeln!(
            s,
            "| `{}` | {} | `{}` | `{}` |",
            p.id, p.what, p.left, p.right
        );
    }
    s.push_str(&code_pairs_markdown());
    s.push_str(ROUNDING_DOC);
    s
}

/// The derived line-by-line pairs of each template (`cross.code-amount`).
fn code_pairs_markdown() -> String {
    use std::fmt::Write as _;
    let mut s = String::from(
        "\n## Line-by-line pairs (`cross.code-amount`)\n\nDerived from `code_pairs::SOURCES` for the tables of each template in `data/templates.yaml` (its required and optional kinds); a pair is compared when a disclosure has both tables, present, in the same unit, each printing the column. *Guard*: the measures' scopes differ, so the lines are compared only when the two columns' totals agree.\n",
    );
    let Ok(templates) = crate::model::templates::Templates::builtin() else {
        return s;
    };
    for (id, t) in &templates.templates {
        let kinds = t.page_order();
        let pairs = code_pairs::template_pairs(&kinds);
        let _ = writeln!(s, "\n### `{id}` ({})\n", t.name);
        if pairs.is_empty() {
            s.push_str("No two tables print the same measure per code.\n");
            continue;
        }
        s.push_str("| left | right | measure | guard |\n|---|---|---|---|\n");
        for (a, b) in pairs {
            let _ = writeln!(
                s,
                "| `{}.{}` | `{}.{}` | {}{} / {}{} | {} |",
                a.kind,
                a.column,
                b.kind,
                b.column,
                a.scope.zh(),
                a.nature.zh(),
                b.scope.zh(),
                b.nature.zh(),
                if a.scope == b.scope {
                    ""
                } else {
                    "totals agree"
                }
            );
        }
    }
    s.push('\n');
    s.push_str(plain::CORPUS);
    s
}

/// The reasoning behind the rounding verdicts, with a worked example.
const ROUNDING_DOC: &str = r#"
## Rounding verdicts

A printed figure stands for an interval: 629.76 is anything from 629.755 to 629.765. The
verdict on a difference depends on how the two figures came to be printed:

- **A copy** of one figure — the same cell printed in two places, in the same unit and
  with the same decimals (a 类 line of the 财政拨款收支总表 and of the 一般公共预算支出表, a
  figure in the text quoting one cell) — is rounded once, from the same amount, to the
  same digits: the two prints are equal, or one is wrong. Any difference is an error
  (`cross.code-amount`, `cross.table`, `narrative.figure`), never a rounding notice.
- **A converted figure** (the text in 万元 quoting a table in 元) is rounded on its own:
  it may differ from the converted cell by half a unit of its last digit (0.005 万元).
- **A sum of n rounded parts** (a 类 and its 款, a total row, a total column) may differ
  from its printed total by at most n × half a unit: each part's rounding error lies in
  ± half a unit. Within that bound the difference is a `rounding` notice naming n and
  the bound; beyond it, an error of the identity.

Within the bound, not every difference is equally likely. Each part's rounding error is
close to uniform on ± half a unit u/2, with variance u²/12; the errors of n parts add,
so their sum has standard deviation σ = u·√(n/12), and is roughly normal once n is more
than a few. A difference d at or beyond 2σ (3d² ≥ n·u²) is one rounding alone gives
seldom: it is reported as `rounding.unlikely`, a warning naming n, the bound and 2σ — a
reason to look at the figures, not a finding that one is wrong. A difference of one unit
(0.01) is never called unlikely: for any n ≥ 2 rounding alone gives it at least one time
in four (two parts: the sum of two uniform errors passes half a unit with probability
1/4), so doubting it would doubt most honest tables.

Worked example, in 万元 with two decimals (u = 0.01):

| case | n | bound n × 0.005 | 2σ = 2 × 0.01 × √(n/12) | difference | verdict |
|---|---|---|---|---|---|
| 类 printed 326.71, the same 类 printed 326.72 in another table | copy | 0 | — | 0.01 | `cross.code-amount` error |
| 类 = 2 款, total 86.39, 款 49.81 + 36.57 = 86.38 | 2 | 0.01 | 0.0082 | 0.01 | `rounding` notice (one unit) |
| 类 = 12 项, total 0.02 below their sum | 12 | 0.06 | 0.02 | 0.02 | `rounding.unlikely` warning |
| 类 = 12 项, total 0.07 below their sum | 12 | 0.06 | 0.02 | 0.07 | `sum.hierarchy` error |

With twelve parts, σ is one unit: a difference of two units is at two standard
deviations, and rounding alone gives it (or more) to about one sum in seven — hence a
warning that asks for a look, not an error.
"#;

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
