//! The five seeds: every disclosure loads, and the cross-table pairs that the template
//! implies are really evaluated (a key mismatch would skip them silently).

mod common;
use gongkai::check::rules::{Context, cross_table};
use gongkai::model::catalogue::Catalogue;
use gongkai::model::templates::Templates;
use gongkai::source::{self, Root};

fn pairs_for(slug: &str) -> Vec<&'static str> {
    let (site, _) = source::load(&Root::Content("content".into()));
    let catalogue = Catalogue::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let cx = Context {
        site: &site,
        catalogue: &catalogue,
        templates: &templates,
        suspect: Default::default(),
    };
    let unit = site
        .units
        .iter()
        .find(|u| u.slug == slug)
        .expect("unit loaded");
    cross_table::applicable(&cx, &unit.disclosures[0])
}

#[test]
fn every_seed_loads_with_one_disclosure() {
    let (site, _) = source::load(&Root::Content("content".into()));
    let slugs: Vec<&str> = site.units.iter().map(|u| u.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "hengshan-ybj",
            "hengyang-ybj",
            "hetang-ybj",
            "kaifu-ybj",
            "xixiang-ybzx"
        ]
    );
    for u in &site.units {
        assert_eq!(u.disclosures.len(), 1, "{}", u.slug);
    }
}

#[test]
fn final_accounts_pairs_are_evaluated() {
    let p = pairs_for("hengyang-ybj");
    for id in [
        "final-summary-income",
        "final-summary-expenditure",
        "final-summary-balance",
        "final-income-fiscal",
        "final-fiscal-general",
        "final-general-basic",
        "final-basic-personnel",
        "final-basic-public",
        "final-fund",
        "final-state-capital",
    ] {
        assert!(p.contains(&id), "{id} not evaluated; evaluated: {p:?}");
    }
}

#[test]
fn hunan_budget_pairs_are_evaluated() {
    let p = pairs_for("hengshan-ybj");
    for id in [
        "summary-income",
        "summary-expenditure",
        "summary-balance",
        "summary-basic",
        "summary-project",
        "summary-fiscal-general",
        "fiscal-general-expenditure",
        "general-basic",
        "general-basic-personnel",
        "general-basic-public",
        "gov-econ-total",
        "dept-econ-total",
        "wages-gov",
        "wages-dept",
        "goods-gov",
        "goods-dept",
    ] {
        assert!(p.contains(&id), "{id} not evaluated; evaluated: {p:?}");
    }
}

#[test]
fn shaanxi_budget_pairs_are_evaluated() {
    let p = pairs_for("xixiang-ybzx");
    for id in [
        "summary-balance",
        "summary-grand-balance",
        "summary-fiscal-general",
        "fiscal-general-expenditure",
        "general-basic-parts",
        "general-basic-personnel",
        "general-basic-public",
        "general-public",
        "general-econ",
        "general-basic-fn",
    ] {
        assert!(p.contains(&id), "{id} not evaluated; evaluated: {p:?}");
    }
}
