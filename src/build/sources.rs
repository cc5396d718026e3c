//! The sources each output file is built from, as the manifest records them.

use crate::build::render::ASSET_DIR;
use crate::model::Unit;
use crate::publish::MARKER;

pub(crate) const PAGE_TEMPLATES: &[&str] = &["templates/base.html", "gongkai.toml"];

pub(crate) fn with_templates(extra: &[&str], own: Vec<String>) -> Vec<String> {
    let mut v: Vec<String> = own;
    v.extend(extra.iter().map(|s| s.to_string()));
    v.extend(PAGE_TEMPLATES.iter().map(|s| s.to_string()));
    v.sort();
    v.dedup();
    v
}

/// The sources an output of unit `u` is built from: a file inside a disclosure's folder
/// (its page, its downloads) depends on that disclosure's files, and its page also on
/// last year's disclosure of the same kind (the change from last year on its first
/// screen); the unit's other outputs (its page) on all of the unit's files.
pub fn unit_sources(u: &Unit, rel: &str) -> Vec<String> {
    let unit_yaml = format!("content/{}/unit.yaml", u.slug);
    let own = |d: &crate::model::Disclosure| {
        let stem = format!("content/{}/{}-{}", u.slug, d.year, d.kind.as_str());
        let mut v = vec![format!("{stem}.yaml")];
        if d.text.is_some() {
            v.push(format!("{stem}.md"));
        }
        v
    };
    for d in &u.disclosures {
        let dir = crate::views::paths::disclosure_dir(u, d);
        if rel.starts_with(&dir) {
            let mut v = vec![unit_yaml];
            v.extend(own(d));
            if !rel.ends_with(".html") {
                // The downloads beside the page (`site::downloads`): the data only, and
                // for `data.json` (which carries the findings) the text too.
                if !rel.ends_with(crate::views::paths::DATA_JSON) {
                    v.retain(|s| !s.ends_with(".md"));
                }
                v.sort();
                return v;
            }
            if let Some(prev) = crate::views::headline::previous(u, d) {
                v.extend(own(prev));
            }
            return with_templates(
                &[
                    "templates/disclosure.html",
                    "templates/findings.html",
                    "templates/table.html",
                    "templates/chart.html",
                ],
                v,
            );
        }
    }
    let mut v = vec![unit_yaml];
    for d in &u.disclosures {
        v.extend(own(d));
    }
    if rel == crate::outputs::feeds::unit_feed_path(&u.slug) {
        v.push("gongkai.toml".into());
        v.sort();
        return v;
    }
    with_templates(
        &[
            "templates/unit.html",
            "templates/chart.html",
            "templates/compare-figure.html",
        ],
        v,
    )
}

/// The sources of an output that is not a unit's: an asset comes from `static/`, a
/// listing from all of `content/` and its template.
pub fn site_sources(rel: &str) -> Vec<String> {
    if let Some(asset) = rel.strip_prefix(&format!("{ASSET_DIR}/")) {
        vec![format!("static/{asset}")]
    } else if rel == MARKER {
        Vec::new()
    } else if rel == "404.html" || rel == "robots.txt" || rel == "search/index.html" {
        let template = rel.replace("/index", "");
        with_templates(&[format!("templates/{template}").as_str()], Vec::new())
    } else if rel.starts_with("search/") {
        // The search index lists every unit, like the home page.
        vec!["content/".into()]
    } else if rel == crate::outputs::feeds::FEED
        || rel == crate::outputs::datapackage::PATH
        || rel == crate::outputs::findings::PATH
    {
        vec!["content/".into(), "gongkai.toml".into()]
    } else if rel.starts_with(&format!("{}/", crate::outputs::compare::DIR)) {
        with_templates(
            &[
                "templates/compare.html",
                "templates/compare-figure.html",
                "templates/compare-index.html",
            ],
            vec!["content/".into()],
        )
    } else {
        let template = format!("templates/{}", rel.rsplit('/').next().unwrap_or(rel));
        with_templates(&[template.as_str()], vec!["content/".into()])
    }
}
