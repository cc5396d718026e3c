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
    let catalogue = Catalogue::builtin()?;
    let templates = Templates::builtin()?;
    let (site, mut diagnostics) = source::load(root);
    let cx = rules::Context {
        site: &site,
        catalogue: &catalogue,
        templates: &templates,
    };
    rules::run(&cx, &mut diagnostics);
    rules::acknowledge::apply(&site, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    Ok(Report { site, diagnostics })
}
