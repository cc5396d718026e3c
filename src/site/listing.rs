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

use super::compare::{self, Read};
use super::{UnitSummary, datapackage, disclosure_path, feeds, unit_summary};
use crate::amount::AmountUnit;
use crate::model::{Kind, Unit};
use crate::templates::Templates;
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
    /// The compared measures (`compare::MEASURES`), each read once.
    pub figures: Vec<Read>,
    /// Its feed entry's summary.
    pub summary: String,
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

/// The listing of `u`, its links starting with `base`.
pub fn of(base: &str, u: &Unit, templates: &Templates) -> UnitListing {
    UnitListing {
        slug: u.slug.clone(),
        summary: unit_summary(base, u),
        disclosures: u
            .disclosures
            .iter()
            .map(|d| DisclosureListing {
                year: d.year,
                kind: d.kind,
                title: d.title.clone(),
                published: d.published.clone(),
                amount_unit: d.amount_unit,
                path: disclosure_path(u, d),
                figures: compare::reads(d, templates),
                summary: feeds::summary(u, d),
            })
            .collect(),
        resources: datapackage::resource_names(u),
    }
}
