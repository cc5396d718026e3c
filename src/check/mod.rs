//! `gongkai check`: load, run every rule, apply acknowledgements, sort.

pub mod expr;
pub mod lookup;
pub mod narrative;
pub mod plain;
pub mod rules;

use crate::model::catalogue::Editions;
use crate::model::diagnostic::{self, Diagnostic};
use crate::model::templates::Templates;
use crate::model::{DataError, Site};
use crate::source::{self, Root};

pub struct Report {
    pub site: Site,
    pub diagnostics: Vec<Diagnostic>,
    /// What was checked in each disclosure, by its data file (for the pages' 核对结果).
    pub checked: std::collections::HashMap<crate::model::files::FileId, Checked>,
}

/// What the rules verified in one disclosure: the identities of its tables (totals
/// against their parts), the pairs compared between tables (and the pairs of tables
/// compared line by line), and the figures of its text compared with the tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checked {
    pub identities: usize,
    pub pairs: usize,
    pub text_figures: usize,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_failing)
    }

    /// The units (folder names) with an unacknowledged error; every unit when an error
    /// is not located in one unit's files.
    pub fn failing_units(&self) -> std::collections::BTreeSet<String> {
        let all: std::collections::BTreeSet<String> =
            self.site.units.iter().map(|u| u.slug.clone()).collect();
        let mut out = std::collections::BTreeSet::new();
        for d in self.diagnostics.iter().filter(|d| d.is_failing()) {
            // A unit's files are shown as `<folder>/<file>`.
            let folder = d
                .loc
                .map(|loc| self.site.files.get(loc.file).display.as_str())
                .and_then(|shown| shown.split_once('/'))
                .map(|(folder, _)| folder)
                .filter(|folder| all.contains(*folder));
            match folder {
                Some(f) => {
                    out.insert(f.to_string());
                }
                None => return all,
            }
        }
        out
    }
}

/// Checks everything under `root`. `Err` only when gongkai itself cannot run (its data
/// files are broken); every problem with the sources is a diagnostic.
pub fn check(root: &Root) -> Result<Report, DataError> {
    let (site, diagnostics) = source::load(root);
    check_site(site, diagnostics)
}

/// `check`, except for the units `keep` takes (see `source::load_planned`): they are
/// neither parsed nor checked, and come back with what `keep` gave. `build` keeps only
/// units whose sources, rules and configuration are those of a previous build in which
/// they had no unacknowledged error, so the report's verdict is the whole site's.
pub fn check_planned<T: Send>(
    root: &Root,
    planner: &dyn source::Planner<T>,
) -> Result<(Report, Vec<(source::Kept, T)>), DataError> {
    let (site, diagnostics, kept) = source::load_planned(root, planner);
    Ok((check_site(site, diagnostics)?, kept))
}

fn check_site(site: Site, mut diagnostics: Vec<Diagnostic>) -> Result<Report, DataError> {
    let editions = Editions::builtin()?;
    let templates = Templates::builtin()?;
    let mut cx = rules::Context {
        site: &site,
        catalogue: editions.base(),
        editions,
        templates: &templates,
        suspect: Default::default(),
    };
    let checked = rules::run(&mut cx, &mut diagnostics);
    suppress_consequences(&mut diagnostics);
    merge_same_discrepancy(&mut diagnostics);
    rules::acknowledge::apply(&site, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    Ok(Report {
        site,
        diagnostics,
        checked,
    })
}

/// A figure in the wrong unit breaks every identity it is part of; once `value.scale`
/// names it, the other errors pointing at the same cell say nothing new.
fn suppress_consequences(diags: &mut Vec<Diagnostic>) {
    let scaled: Vec<_> = diags
        .iter()
        .filter(|d| d.rule == rules::sums::VALUE_SCALE.id)
        .filter_map(|d| d.loc)
        .collect();
    let mut kept_scale = std::collections::BTreeSet::new();
    diags.retain(|d| match d.loc {
        Some(loc) if scaled.contains(&loc) => {
            d.rule == rules::sums::VALUE_SCALE.id && kept_scale.insert(loc)
        }
        _ => true,
    });
}

/// One discrepancy, one finding: diagnostics of the figure rules that point at the same
/// published cell with the same found and expected figures (a total seen by `sum.row` and
/// by a `cross.table` pair, one wrong line seen from two tables) become one, of the most
/// severe verdict, listing the others in `also`.
fn merge_same_discrepancy(diags: &mut Vec<Diagnostic>) {
    use std::collections::HashMap;
    const FIGURE_RULES: &[&str] = &[
        rules::sums::SUM_HIERARCHY.id,
        rules::sums::SUM_ROW.id,
        rules::sums::SUM_COLUMN.id,
        rules::sums::ROUNDING.id,
        rules::sums::ROUNDING_UNLIKELY.id,
        rules::cross_table::CROSS_TABLE.id,
        rules::cross_table::CROSS_CODE_AMOUNT.id,
    ];
    let mut groups: HashMap<(diagnostic::Loc, &str, &str), Vec<usize>> = HashMap::new();
    for (i, d) in diags.iter().enumerate() {
        if let (Some(loc), Some(found), Some(expected)) = (d.loc, &d.found, &d.expected)
            && FIGURE_RULES.contains(&d.rule)
        {
            groups.entry((loc, found, expected)).or_default().push(i);
        }
    }
    let order = |rule: &str| rules::RULES.iter().position(|r| r.id == rule);
    let mut merges: Vec<(usize, Vec<usize>)> = Vec::new();
    for (_, mut members) in groups.into_iter().filter(|(_, m)| m.len() > 1) {
        members.sort_by(|&a, &b| {
            let (x, y) = (&diags[a], &diags[b]);
            (x.severity, order(x.rule), &x.target).cmp(&(y.severity, order(y.rule), &y.target))
        });
        let primary = members.remove(0);
        merges.push((primary, members));
    }
    let mut drop = vec![false; diags.len()];
    for (primary, others) in merges {
        for o in others {
            let other = diags[o].clone();
            let d = &mut diags[primary];
            let also = diagnostic::Also {
                rule: other.rule,
                target: other.target.clone(),
                table: other.table.clone().filter(|t| Some(t) != d.table.as_ref()),
            };
            if !d.also.contains(&also) && (d.rule, &d.target) != (other.rule, &other.target) {
                d.also.push(also);
            }
            for r in other.related {
                if !d.related.iter().any(|x| x.loc == r.loc) {
                    d.related.push(r);
                }
            }
            drop[o] = true;
        }
        diags[primary]
            .also
            .sort_by(|a, b| (order(a.rule), &a.target).cmp(&(order(b.rule), &b.target)));
    }
    let mut i = 0;
    diags.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}
