//! `catalogue.unknown-code`, `catalogue.name`, `catalogue.parent`: codes and names
//! against the national classification catalogue.

use super::{Context, Doc};
use crate::model::Status;
use crate::model::catalogue::{self, Class};
use crate::model::diagnostic::Rule;
use crate::model::diagnostic::{Diagnostic, Severity};
use std::collections::BTreeSet;

pub const CATALOGUE_UNKNOWN_CODE: Rule = Rule {
    id: "catalogue.unknown-code",
    severity: Severity::Notice,
    module: "classification",
    summary: "A code the catalogue does not list.",
    doc: "The catalogue (`data/catalogue.yaml`) lists only names it is sure of; an unknown code is a notice, never an invented name.",
};

pub const CATALOGUE_NAME: Rule = Rule {
    id: "catalogue.name",
    severity: Severity::Error,
    module: "classification",
    summary: "A code printed with a name other than the catalogue's.",
    doc: "The message shows the official name. Whitespace differences are ignored.",
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

pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) {
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
            match cx.catalogue.name(code) {
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
                                        cx.catalogue.edition
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
