//! `gongkai check`: load, run every rule, apply acknowledgements, sort.

use crate::catalogue::Catalogue;
use crate::diagnostic::{self, Diagnostic};
use crate::model::Site;
use crate::rules;
use crate::source::{self, Root};
use crate::templates::Templates;

pub struct Report {
    pub site: Site,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_failing)
    }
}

/// Checks everything under `root`. `Err` only when gongkai itself cannot run (its data
/// files are broken); every problem with the sources is a diagnostic.
pub fn check(root: &Root) -> Result<Report, String> {
    check_cached(root, &mut source::Cache::default())
}

/// `check`, reusing the units `cache` holds whose files have not changed (for `serve`).
pub fn check_cached(root: &Root, cache: &mut source::Cache) -> Result<Report, String> {
    let catalogue = Catalogue::builtin()?;
    let templates = Templates::builtin()?;
    let (site, mut diagnostics) = source::load_cached(root, cache);
    let mut cx = rules::Context {
        site: &site,
        catalogue: &catalogue,
        templates: &templates,
        suspect: Default::default(),
    };
    rules::run(&mut cx, &mut diagnostics);
    suppress_consequences(&mut diagnostics);
    rules::acknowledge::apply(&site, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    Ok(Report { site, diagnostics })
}

/// A figure in the wrong unit breaks every identity it is part of; once `value.scale`
/// names it, the other errors pointing at the same cell say nothing new.
fn suppress_consequences(diags: &mut Vec<Diagnostic>) {
    let scaled: Vec<_> = diags
        .iter()
        .filter(|d| d.rule == "value.scale")
        .filter_map(|d| d.loc)
        .collect();
    let mut kept_scale = std::collections::BTreeSet::new();
    diags.retain(|d| match d.loc {
        Some(loc) if scaled.contains(&loc) => d.rule == "value.scale" && kept_scale.insert(loc),
        _ => true,
    });
}
