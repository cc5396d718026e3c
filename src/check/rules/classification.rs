//! `catalogue.unknown-code`, `catalogue.name`, `catalogue.parent`: codes and names
//! against the national classification catalogue of the document's edition;
//! `catalogue.site-name`: the names one edition's disclosures print for a code the
//! catalogue does not know, against each other.

use super::{Context, Doc};
use crate::model::Status;
use crate::model::catalogue::{self, Class};
use crate::model::diagnostic::Rule;
use crate::model::diagnostic::{Diagnostic, Severity};
use std::collections::{BTreeMap, BTreeSet};

pub const CATALOGUE_UNKNOWN_CODE: Rule = Rule {
    id: "catalogue.unknown-code",
    severity: Severity::Notice,
    module: "classification",
    summary: "A code the catalogue of the document's edition does not list.",
    doc: "The catalogue (`data/catalogue/`, one edition per year 2017–2026, see `docs/catalogue.md`) lists only names it is sure of; an unknown code is a notice, never an invented name. A document follows the edition of its year, or the one its `catalogue_edition:` names; a year outside the editions held takes the nearest one.",
};

pub const CATALOGUE_NAME: Rule = Rule {
    id: "catalogue.name",
    severity: Severity::Error,
    module: "classification",
    summary: "A code printed with a name other than the catalogue's.",
    doc: "Against the edition the document follows (its year's, or its `catalogue_edition:`); the message shows the official name and the edition. Whitespace differences are ignored.",
};

pub const CATALOGUE_PARENT: Rule = Rule {
    id: "catalogue.parent",
    severity: Severity::Error,
    module: "classification",
    summary: "A 款 or 项 printed under the wrong parent.",
    doc: "In a table listing 类, 款 and 项 rows, each 款/项 must follow its own parent, not another 类/款.",
};

/// Names compare without whitespace (PDF extraction inserts spaces) and without the
/// list numbering that tables print before them (`（八）`, `一、`, `1、`, `(1)`).
pub fn normalize(name: &str) -> String {
    let s: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    strip_enumerator(&s).to_string()
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十百零〇".contains(c)
}

/// `（八）社会保障和就业支出` → `社会保障和就业支出`.
pub fn strip_enumerator(s: &str) -> &str {
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = s.strip_prefix(open)
            && let Some(end) = rest.find(close)
            && !rest[..end].is_empty()
            && rest[..end].chars().all(is_numeral)
        {
            return &rest[end + close.len_utf8()..];
        }
    }
    let n: usize = s
        .chars()
        .take_while(|c| is_numeral(*c))
        .map(char::len_utf8)
        .sum();
    if n > 0 {
        let rest = &s[n..];
        for sep in ['、', '.', '．'] {
            if let Some(r) = rest.strip_prefix(sep) {
                return r;
            }
        }
    }
    s
}

pub const CATALOGUE_SITE_NAME: Rule = Rule {
    id: "catalogue.site-name",
    severity: Severity::Warning,
    module: "classification",
    summary: "A code the catalogue does not know, printed with a name other than the one the other disclosures of the same edition print.",
    doc: "Across the site: for each edition, every disclosure's first name for each code the edition does not list (whitespace and list numbering ignored). When one name is printed by more disclosures than any other, each disclosure printing another name is reported, with the common name as expected; when no name leads, every disclosure printing the code is reported, with the other names. Codes the catalogue knows are `catalogue.name`'s; names that differ within one disclosure are `cross.code-name`'s.",
};

pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let edition = cx.catalogue_of(doc.disclosure);
    let mut unknown_reported = BTreeSet::new();
    for table in &doc.disclosure.tables {
        if table.status == Status::Empty {
            continue;
        }
        let mut last_at_level: [Option<&str>; 2] = [None, None]; // last 类, last 款
        for row in &table.rows {
            let Some(code) = row.code.as_deref() else {
                continue;
            };
            let Some(class) = Class::of(code) else {
                continue; // value.code already reported it
            };
            let loc = row.name_loc.unwrap_or(row.loc);
            match edition.name(code) {
                None => {
                    if unknown_reported.insert(code.to_string()) {
                        diags.push(
                            Diagnostic::new(
                                &CATALOGUE_UNKNOWN_CODE,
                                format!(
                                    "目录中没有{}编码 {code}{}：无法核对其名称",
                                    class.label_zh(),
                                    row.name
                                        .as_deref()
                                        .map(|n| format!("（{n}）"))
                                        .unwrap_or_default()
                                ),
                            )
                            .at(row.loc)
                            .table(table.label())
                            .row(row.label())
                            .target(format!("{}/{}", table.id, code)),
                        );
                    }
                }
                Some(official) => {
                    if let Some(name) = row.name.as_deref()
                        && normalize(name) != normalize(official)
                    {
                        diags.push(
                                Diagnostic::new(&CATALOGUE_NAME, format!(
                                        "编码 {code} 的科目名称应为「{official}」，这里写的是「{name}」（{} {} 年版）",
                                        class.label_zh(),
                                        edition.edition
                                    ),
                                )
                                .at(loc)
                                .label(format!("应为「{official}」"))
                                .table(table.label())
                                .row(row.label())
                                .expected(official)
                                .found(name)
                                .target(format!("{}/{}", table.id, code)),
                            );
                    }
                }
            }
            // Placement: a 款/项 must follow its own parent when the parent is listed.
            let parent = catalogue::parent(code);
            let idx = match code.len() {
                3 => {
                    last_at_level = [Some(code), None];
                    None
                }
                5 => {
                    last_at_level[1] = Some(code);
                    Some(0)
                }
                7 => Some(1),
                _ => None,
            };
            if let (Some(i), Some(parent)) = (idx, parent) {
                let parent_listed = table
                    .rows
                    .iter()
                    .any(|r| r.code.as_deref() == Some(parent) && r.unit == row.unit);
                if let Some(under) = last_at_level[i]
                    && parent_listed
                    && under != parent
                {
                    diags.push(
                        Diagnostic::new(
                            &CATALOGUE_PARENT,
                            format!(
                                "{} {code} 应列在{} {parent} 之下，这里列在 {under} 之下",
                                catalogue::level_zh(code),
                                catalogue::level_zh(parent),
                            ),
                        )
                        .at(row.loc)
                        .table(table.label())
                        .row(row.label())
                        .expected(parent)
                        .found(under)
                        .target(format!("{}/{}", table.id, code)),
                    );
                }
            }
        }
    }
}

/// One disclosure's first printing of a code: where, and the name as printed.
struct Printed<'a> {
    doc: usize,
    table: &'a crate::model::Table,
    row: &'a crate::model::Row,
    name: &'a str,
}

/// `catalogue.site-name`: per edition and unknown code, the names the disclosures print.
pub fn check_site(cx: &Context, docs: &[Doc], diags: &mut Vec<Diagnostic>) {
    use rayon::prelude::*;
    // Each disclosure's first name per unknown code, gathered in parallel.
    let per_doc: Vec<(u32, Vec<Printed>)> = docs
        .par_iter()
        .enumerate()
        .map(|(i, doc)| {
            let edition = cx.catalogue_of(doc.disclosure);
            let mut seen = BTreeSet::new();
            let mut out = Vec::new();
            for t in doc.disclosure.tables.iter() {
                if t.status == Status::Empty {
                    continue;
                }
                for r in &t.rows {
                    let (Some(code), Some(name)) = (r.code.as_deref(), r.name.as_deref()) else {
                        continue;
                    };
                    if Class::of(code).is_none() || edition.contains(code) || !seen.insert(code) {
                        continue;
                    }
                    out.push(Printed {
                        doc: i,
                        table: t,
                        row: r,
                        name,
                    });
                }
            }
            (edition.edition.parse().unwrap_or(0), out)
        })
        .collect();
    // (edition, code) → normalized name → its printings.
    type ByName<'a> = BTreeMap<String, Vec<&'a Printed<'a>>>;
    let mut by_code: BTreeMap<(u32, &str), ByName> = BTreeMap::new();
    for (edition, printed) in &per_doc {
        for p in printed {
            let code = p.row.code.as_deref().unwrap_or_default();
            by_code
                .entry((*edition, code))
                .or_default()
                .entry(normalize(p.name))
                .or_default()
                .push(p);
        }
    }
    for ((edition, code), names) in &by_code {
        if names.len() < 2 {
            continue;
        }
        let most = names.values().map(Vec::len).max().unwrap_or(0);
        let leaders: Vec<&String> = names
            .iter()
            .filter(|(_, v)| v.len() == most)
            .map(|(n, _)| n)
            .collect();
        let leader = (leaders.len() == 1).then(|| leaders[0]);
        for (name, printed) in names {
            if Some(name) == leader {
                continue;
            }
            for p in printed {
                diags.push(site_name_diag(docs, *edition, code, names, leader, name, p));
            }
        }
    }
}

fn site_name_diag(
    docs: &[Doc],
    edition: u32,
    code: &str,
    names: &BTreeMap<String, Vec<&Printed>>,
    leader: Option<&String>,
    name: &str,
    p: &Printed,
) -> Diagnostic {
    let shown = |n: &str| names[n][0].name.to_string();
    let example = |n: &str| {
        let d = &docs[names[n][0].doc];
        format!(
            "{}{}年{}",
            d.unit.name,
            d.disclosure.year,
            d.disclosure.kind.label_zh()
        )
    };
    let msg = match leader {
        Some(l) => format!(
            "编码 {code}（目录 {edition} 年版未收录）在同一版本的其他 {} 份公开中印作「{}」（如{}），这里印作「{}」",
            names[l].len(),
            shown(l),
            example(l),
            p.name
        ),
        None => {
            let others: Vec<String> = names
                .keys()
                .filter(|n| n.as_str() != name)
                .map(|n| format!("「{}」{} 份（如{}）", shown(n), names[n].len(), example(n)))
                .collect();
            format!(
                "编码 {code}（目录 {edition} 年版未收录）在同一版本的公开中名称不一：这里印作「{}」，另有{}",
                p.name,
                others.join("、")
            )
        }
    };
    let mut d = Diagnostic::new(&CATALOGUE_SITE_NAME, msg)
        .at(p.row.name_loc.unwrap_or(p.row.loc))
        .table(p.table.label())
        .row(p.row.label())
        .found(p.name.to_string())
        .target(format!("{}/{}", p.table.id, code));
    if let Some(l) = leader {
        let first = names[l][0];
        d = d.expected(shown(l)).related(
            first.row.name_loc.unwrap_or(first.row.loc),
            "多数公开的名称",
        );
    }
    d
}

#[cfg(test)]
mod tests {
    #[test]
    fn strips_list_numbering_and_spaces() {
        use super::normalize;
        assert_eq!(normalize("（八）社会保障和就业支出"), "社会保障和就业支出");
        assert_eq!(normalize("一、机关工资福利支出"), "机关工资福利支出");
        assert_eq!(normalize("(1)工资福利支出"), "工资福利支出");
        assert_eq!(
            normalize("机关事业单位基本养老保险缴 费支出"),
            "机关事业单位基本养老保险缴费支出"
        );
        assert_eq!(normalize("十二五规划"), "十二五规划");
    }
}
