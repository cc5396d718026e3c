//! What the site-wide outputs need of one unit: its line on the home page, its
//! disclosures' headline figures for the comparisons, its feed entries, its pages for
//! the sitemap and its data-package resource names.
//!
//! A [`UnitListing`] is made from the unit's model by [`of`], once per build, and every
//! listing (home page, comparisons, feeds, sitemap, data package, search) is made from
//! the units' listings, never from the model. So a build can list a unit whose sources
//! did not change without parsing them again: its listing is kept between builds beside
//! the output (`shares`), under the unit's key, as the search documents and data-package
//! resources are.

use super::findings::DisclosureFindings;
use super::{Measure, UnitSummary, disclosure_path, unit_summary};
use crate::model::Disclosure;
use crate::model::amount::AmountUnit;
use crate::model::templates::Templates;
use crate::model::{Kind, Unit};
use serde::{Deserialize, Serialize};

/// What the listings need of one unit (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitListing {
    /// The unit's folder name.
    pub slug: String,
    /// Its line on the home page (also its name, region and level).
    pub summary: UnitSummary,
    /// In the unit's order (as read from its folder).
    pub disclosures: Vec<DisclosureListing>,
    /// The names its data-package resources take unless another unit took them first,
    /// in the order of `datapackage::unit_resources`.
    pub resources: Vec<String>,
}

/// What the listings need of one disclosure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisclosureListing {
    pub year: u32,
    pub kind: Kind,
    pub title: String,
    /// `YYYY-MM-DD`, as the source records it.
    pub published: Option<String>,
    pub amount_unit: AmountUnit,
    /// Output path of its page.
    pub path: String,
    /// The compared measures (`MEASURES`), each read once.
    pub figures: Vec<Read>,
    /// Its feed entry's summary.
    pub summary: String,
    /// What the check found in it (kept with the listing: a unit kept unchecked by an
    /// incremental build shows the findings of the build that checked it).
    pub findings: DisclosureFindings,
}

impl UnitListing {
    /// Output path of the unit's page.
    pub fn path(&self) -> String {
        format!("{}/index.html", self.slug)
    }

    /// The disclosures, newest first (final accounts before budgets of the same year).
    pub fn newest_first(&self) -> Vec<&DisclosureListing> {
        super::newest_first_by(&self.disclosures, |d| (d.year, d.kind))
    }
}

/// The listing of `u`, its links starting with `base`; `resources` are the names of its
/// data-package resources (`outputs::datapackage::resource_names`), `findings` those of
/// its disclosures, in their order (none: nothing found).
pub fn of(
    base: &str,
    u: &Unit,
    templates: &Templates,
    resources: Vec<String>,
    findings: &[DisclosureFindings],
) -> UnitListing {
    let mut summary = unit_summary(base, u);
    let disclosures: Vec<DisclosureListing> = u
        .disclosures
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let findings = findings.get(i).cloned().unwrap_or_default();
            let link = disclosure_path(u, d);
            if let Some(l) = summary
                .disclosures
                .iter_mut()
                .find(|l| l.year == d.year && l.kind == d.kind.as_str())
            {
                l.verdict = Some(findings.verdict());
            }
            DisclosureListing {
                year: d.year,
                kind: d.kind,
                title: d.title.clone(),
                published: d.published.clone(),
                amount_unit: d.amount_unit,
                path: link,
                figures: reads(d, templates),
                summary: format!("{}{}。", feed_summary(u, d, templates), findings.verdict()),
                findings,
            }
        })
        .collect();
    UnitListing {
        slug: u.slug.clone(),
        summary,
        disclosures,
        resources,
    }
}

/// The measures compared, with their column labels.
pub const MEASURES: [(Measure, &str); 5] = [
    (Measure::Expenditure, "本年支出合计"),
    (Measure::Basic, "基本支出"),
    (Measure::Project, "项目支出"),
    (Measure::ThreePublic, "“三公”经费"),
    (Measure::Running, "机关运行经费"),
];

/// One compared figure of a disclosure: the cell it is read from, or why it is missing.
pub type Read = Result<KeyRead, Missing>;

/// Why a compared figure cannot be read (in Chinese, for the page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Missing(pub String);

/// A compared figure as the disclosure prints it (`headline::derive`: its cell, a
/// labelled line, an empty table's zero, or the text), as the pages need it.
pub type KeyRead = super::headline::Derived;

/// The measures of `d` (`MEASURES`, in order), each read once.
pub fn reads(d: &Disclosure, templates: &Templates) -> Vec<Read> {
    let text = super::headline::TextFigures::new(d);
    MEASURES
        .iter()
        .map(|(m, _)| super::headline::derive_with(d, *m, templates, &text).map_err(Missing))
        .collect()
}

/// The entry's summary: the year and kind, then the key figures as the disclosure
/// prints them (`headline::derive`).
pub fn feed_summary(u: &Unit, d: &Disclosure, templates: &Templates) -> String {
    let mut s = format!("{}{}年{}。", u.name, d.year, d.kind.label_zh());
    let text = super::headline::TextFigures::new(d);
    let figures: Vec<String> = super::key_sources(d.kind)
        .iter()
        .filter_map(|(m, label, _)| {
            let v = super::headline::derive_with(d, *m, templates, &text).ok()?;
            Some(format!(
                "{label}{}{}",
                super::headline::show_value(v.value),
                v.unit.as_str()
            ))
        })
        .collect();
    if figures.is_empty() {
        s.push_str("公开表中未读出主要数字。");
    } else {
        s.push_str(&figures.join("；"));
        s.push('。');
    }
    s
}
