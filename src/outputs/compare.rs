//! Comparisons: for each year and kind, `compare/<year>-<kind>/index.html` lists every
//! unit's headline figures side by side; `compare/index.html` lists those pages; and each
//! unit page gets its own figures across the years (`across_years`).
//!
//! Every figure is one cell of a source table, found by `key_cell` (the same cells as the
//! disclosure page's key figures) and linked to its row there (`…/2023-budget/#T07-total`).
//! A table shows one amount unit: the sources' own when they agree, otherwise 万元, a
//! 元 figure converted exactly (the decimal point moved four places, nothing rounded).
//! Each figure carries its exact value in `data-value` for the sorting script
//! (`static/sort.js`); without the script the table is complete in its published order.
//! A figure the sources lack shows "—" with a numbered note saying why.

use crate::model::Kind;
use crate::model::amount::{self, AmountUnit, convert};
use crate::outputs::OutputError;
use crate::views::headline::show_value;
use crate::views::listing::{DisclosureListing, MEASURES, Read, UnitListing};
use crate::views::{Measure, SiteInfo, url_of};
use serde::Serialize;
use std::collections::BTreeMap;

/// Directory of the comparison pages in the output.
pub const DIR: &str = "compare";

/// Output path of the comparison of one year and kind.
pub fn compare_path(year: u32, kind: Kind) -> String {
    format!("{DIR}/{year}-{}/index.html", kind.as_str())
}

/// Output path of the list of comparisons.
pub const INDEX_PATH: &str = "compare/index.html";

/// One figure in a comparison table.
#[derive(Clone, Debug, Serialize)]
pub struct FigureView {
    /// As shown: grouped digits in the table's unit, `0.00` for any zero, or `—`.
    pub text: String,
    /// The exact value in the table's unit (`1938.09`), for sorting; none when missing.
    pub value: Option<String>,
    /// The row it is read from.
    pub href: Option<String>,
    /// `T01 收支总表 › 本年支出合计 › 金额`, with the original unit when converted.
    pub source: String,
    /// The number of the note saying why the figure is missing, zero, or where it comes
    /// from when not from its own cell.
    pub note: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Column {
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CompareRow {
    pub unit_name: String,
    pub region: String,
    /// The disclosure page.
    pub url: String,
    pub figures: Vec<FigureView>,
    /// `核对：…`: what the check found in the disclosure.
    pub verdict: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComparePage {
    pub year: u32,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: String,
    pub unit: &'static str,
    /// Some figures were converted from 元.
    pub converted: bool,
    pub columns: Vec<Column>,
    pub rows: Vec<CompareRow>,
    /// Why figures are missing, numbered from 1.
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CompareLink {
    pub year: u32,
    pub kind_label: &'static str,
    pub title: String,
    pub url: String,
    pub units: usize,
}

/// A unit's figures across its disclosures: rows are the measures, columns the
/// disclosures, oldest first.
#[derive(Clone, Debug, Serialize)]
pub struct AcrossYears {
    pub unit: &'static str,
    pub converted: bool,
    pub columns: Vec<YearColumn>,
    pub rows: Vec<MeasureRow>,
    pub notes: Vec<String>,
}

/// A disclosure heading a column of `AcrossYears`.
#[derive(Clone, Debug, Serialize)]
pub struct YearColumn {
    pub year: u32,
    pub kind_label: &'static str,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MeasureRow {
    pub label: String,
    pub figures: Vec<FigureView>,
}

/// The unit a set of figures is shown in: theirs when they agree, else 万元.
fn common_unit(units: &[AmountUnit], fallback: AmountUnit) -> AmountUnit {
    match units.split_first() {
        None => fallback,
        Some((first, rest)) if rest.iter().all(|u| u == first) => *first,
        Some(_) => AmountUnit::Wanyuan,
    }
}

/// Turns the key cells of one table into figure views in one amount unit (chosen from
/// all the cells the table shows); missing figures get numbered notes, one per reason.
struct Builder {
    unit: AmountUnit,
    converted: bool,
    notes: Vec<String>,
}

impl Builder {
    fn new(reads: &[&[Read]], fallback: AmountUnit) -> Self {
        let units: Vec<AmountUnit> = reads
            .iter()
            .flat_map(|r| r.iter())
            .filter_map(|c| c.as_ref().ok().map(|k| k.unit))
            .collect();
        Builder {
            unit: common_unit(&units, fallback),
            converted: false,
            notes: Vec::new(),
        }
    }

    fn note(&mut self, why: String) -> usize {
        match self.notes.iter().position(|n| *n == why) {
            Some(i) => i + 1,
            None => {
                self.notes.push(why);
                self.notes.len()
            }
        }
    }

    fn figure(&mut self, page_url: &str, read: &Read) -> Result<FigureView, OutputError> {
        match read {
            Ok(k) => {
                let from = k.unit;
                let v = convert(k.value, from, self.unit).ok_or_else(|| {
                    OutputError::Make(format!("{}：金额超出可换算的范围", k.source))
                })?;
                let mut source = k.source.clone();
                if from != self.unit {
                    self.converted = true;
                    source.push_str(&format!(
                        "（原表金额单位：{}，{}{}）",
                        from.as_str(),
                        amount::format_grouped(k.value),
                        from.as_str()
                    ));
                }
                if let Some(n) = &k.note {
                    source.push_str(&format!("（{n}）"));
                }
                // Not read from its own cell (a blank, an empty table, another line, the
                // text): the note says where it comes from.
                let note = k.note.clone().map(|n| self.note(n));
                Ok(FigureView {
                    text: show_value(v),
                    value: Some(v.to_string()),
                    href: Some(format!("{page_url}#{}", k.anchor)),
                    source,
                    note,
                })
            }
            Err(why) => {
                let why = why.0.clone();
                Ok(FigureView {
                    text: "—".into(),
                    value: None,
                    href: None,
                    source: why.clone(),
                    note: Some(self.note(why)),
                })
            }
        }
    }
}

/// The disclosures of one year and kind, with their units.
type YearKind<'a> = ((u32, Kind), Vec<(&'a UnitListing, &'a DisclosureListing)>);

/// The (year, kind) pairs of the site, newest first, each with its disclosures in the
/// home page's unit order.
fn by_year_kind(units: &[UnitListing]) -> Vec<YearKind<'_>> {
    let mut map: BTreeMap<(u32, Kind), Vec<(&UnitListing, &DisclosureListing)>> = BTreeMap::new();
    for u in crate::views::home_order(units) {
        for d in &u.disclosures {
            map.entry((d.year, d.kind)).or_default().push((u, d));
        }
    }
    let mut out: Vec<_> = map.into_iter().collect();
    out.sort_by(|a, b| b.0.0.cmp(&a.0.0).then(b.0.1.cmp(&a.0.1)));
    out
}

fn title(year: u32, kind: Kind) -> String {
    format!("{year}年{}各单位主要数字比较", kind.label_zh())
}

/// The comparison page of one year and kind.
pub fn compare_page(
    base: &str,
    year: u32,
    kind: Kind,
    ds: &[(&UnitListing, &DisclosureListing)],
) -> Result<ComparePage, OutputError> {
    let refs: Vec<&[Read]> = ds.iter().map(|(_, d)| d.figures.as_slice()).collect();
    let fallback = ds
        .first()
        .map_or(AmountUnit::Wanyuan, |(_, d)| d.amount_unit);
    let mut b = Builder::new(&refs, fallback);
    let mut rows = Vec::new();
    for (u, d) in ds {
        let url = url_of(base, &d.path);
        let figures = d
            .figures
            .iter()
            .map(|r| b.figure(&url, r))
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(CompareRow {
            unit_name: u.summary.name.clone(),
            region: u.summary.region.clone(),
            url,
            figures,
            verdict: d.findings.verdict(),
        });
    }
    let three = crate::views::key_sources(kind)
        .iter()
        .find(|(m, _, _)| *m == Measure::ThreePublic)
        .map_or("“三公”经费", |(_, l, _)| *l);
    Ok(ComparePage {
        year,
        kind: kind.as_str(),
        kind_label: kind.label_zh(),
        title: title(year, kind),
        unit: b.unit.as_str(),
        converted: b.converted,
        columns: MEASURES
            .iter()
            .map(|(m, l)| Column {
                label: if *m == Measure::ThreePublic {
                    three.to_string()
                } else {
                    l.to_string()
                },
            })
            .collect(),
        rows,
        notes: b.notes,
    })
}

/// The comparison pages and their index, rendered with `compare.html` and
/// `compare-index.html` over `ctx` (the site's base context).
pub fn site_files(
    tera: &tera::Tera,
    ctx: &tera::Context,
    info: &SiteInfo,
    units: &[UnitListing],
) -> Result<Vec<(String, Vec<u8>)>, OutputError> {
    let render = |name: &str, c: &tera::Context| {
        tera.render(name, c)
            .map(String::into_bytes)
            .map_err(|e| OutputError::Template {
                name: name.to_string(),
                message: e.to_string(),
            })
    };
    let mut out = Vec::new();
    let mut links = Vec::new();
    for ((year, kind), ds) in by_year_kind(units) {
        let page = compare_page(&info.base, year, kind, &ds)?;
        let path = compare_path(year, kind);
        links.push(CompareLink {
            year,
            kind_label: kind.label_zh(),
            title: page.title.clone(),
            url: url_of(&info.base, &path),
            units: ds.len(),
        });
        let mut c = ctx.clone();
        c.insert("page", &page);
        out.push((path, render("compare.html", &c)?));
    }
    let mut c = ctx.clone();
    c.insert("comparisons", &links);
    out.push((INDEX_PATH.to_string(), render("compare-index.html", &c)?));
    Ok(out)
}

/// `u`'s figures across its disclosures, oldest first, for its page.
pub fn across_years(base: &str, u: &UnitListing) -> Result<Option<AcrossYears>, OutputError> {
    let mut ds: Vec<&DisclosureListing> = u.newest_first();
    ds.reverse();
    if ds.is_empty() {
        return Ok(None);
    }
    let refs: Vec<&[Read]> = ds.iter().map(|d| d.figures.as_slice()).collect();
    let mut b = Builder::new(&refs, ds[0].amount_unit);
    let urls: Vec<String> = ds.iter().map(|d| url_of(base, &d.path)).collect();
    let mut rows = Vec::new();
    for (i, (_, label)) in MEASURES.iter().enumerate() {
        let figures = refs
            .iter()
            .zip(&urls)
            .map(|(r, url)| b.figure(url, &r[i]))
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(MeasureRow {
            label: label.to_string(),
            figures,
        });
    }
    Ok(Some(AcrossYears {
        unit: b.unit.as_str(),
        converted: b.converted,
        columns: ds
            .iter()
            .zip(urls)
            .map(|(d, url)| YearColumn {
                year: d.year,
                kind_label: d.kind.label_zh(),
                url,
            })
            .collect(),
        rows,
        notes: b.notes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn yuan_to_wanyuan_is_exact() {
        let d = |s| Decimal::from_str(s).unwrap();
        let w = |s| convert(d(s), AmountUnit::Yuan, AmountUnit::Wanyuan).unwrap();
        assert_eq!(w("1234567.89").to_string(), "123.456789");
        assert_eq!(w("1234500.00").to_string(), "123.45");
        assert_eq!(w("1230000").to_string(), "123.00");
        assert_eq!(w("-5.10").to_string(), "-0.00051");
        assert_eq!(
            convert(d("1.50"), AmountUnit::Wanyuan, AmountUnit::Wanyuan).unwrap(),
            d("1.50")
        );
        assert_eq!(
            common_unit(&[AmountUnit::Yuan, AmountUnit::Yuan], AmountUnit::Wanyuan),
            AmountUnit::Yuan
        );
        assert_eq!(
            common_unit(&[AmountUnit::Yuan, AmountUnit::Wanyuan], AmountUnit::Yuan),
            AmountUnit::Wanyuan
        );
    }
}
