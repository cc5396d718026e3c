//! `table.kind`, `complete.table`, `complete.reason`, `complete.missing`,
//! `complete.contents`, `complete.section`: everything the standard set requires is
//! there, or declared empty or missing with its reason.

use super::{Context, Doc};
use crate::check::narrative;
use crate::model::diagnostic::Rule;
use crate::model::diagnostic::{Diagnostic, Severity};
use crate::model::templates::Template;
use crate::model::{Status, Value};

pub const TABLE_KIND: Rule = Rule {
    id: "table.kind",
    severity: Severity::Error,
    module: "completeness",
    summary: "A table kind or template not in `data/templates.yaml`.",
    doc: "",
};

pub const COMPLETE_TABLE: Rule = Rule {
    id: "complete.table",
    severity: Severity::Error,
    module: "completeness",
    summary: "A table of the template's standard set is absent.",
    doc: "Every table the template (`data/templates.yaml`) requires must be present, declared `empty` with its published reason, or declared `missing`.",
};

pub const COMPLETE_REASON: Rule = Rule {
    id: "complete.reason",
    severity: Severity::Error,
    module: "completeness",
    summary: "An empty table without its published reason.",
    doc: "A missing table without a note on what is unreadable is a warning.",
};

pub const COMPLETE_MISSING: Rule = Rule {
    id: "complete.missing",
    severity: Severity::Warning,
    module: "completeness",
    summary: "A table is declared missing: the source is unreadable there.",
    doc: "Listed so that nobody mistakes a missing table for an empty one.",
};

pub const COMPLETE_DEADLINE: Rule = Rule {
    id: "complete.deadline",
    severity: Severity::Warning,
    module: "completeness",
    summary: "Published more than 20 days after approval, or before it.",
    doc: "Checked when a disclosure gives both `approved` and `published` (财预〔2016〕143号: publication within 20 days of the finance bureau's approval); a publication date before the approval date is reported too.",
};

pub const COMPLETE_CONTENTS: Rule = Rule {
    id: "complete.contents",
    severity: Severity::Error,
    module: "completeness",
    summary: "The contents table contradicts the tables (是否空表).",
    doc: "Where the template has a contents table (Shaanxi), a table it marks empty must be declared empty, and the reverse.",
};

pub const COMPLETE_SECTION: Rule = Rule {
    id: "complete.section",
    severity: Severity::Error,
    module: "completeness",
    summary: "A required explanation item is absent from the text.",
    doc: "Each template lists the items its text must contain (`sections:` in `data/templates.yaml`; see the table below), some only from a given year: 三公 (`three-public`), 机关运行经费 (`running-costs`), 会议费/培训费 (`meetings-training`), 政府采购 (`procurement`), 国有资产 (`assets`), 绩效目标/绩效评价 (`performance`), 名词解释 (`glossary`).",
};

pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let d = doc.disclosure;
    for t in &d.tables {
        if cx.templates.kind_name(&t.kind).is_none() {
            diags.push(
                Diagnostic::new(&TABLE_KIND, format!("未知的表类型 `{}`（见 data/templates.yaml 的 kinds；模板特有的表用 other）", t.kind),
                )
                .at(t.kind_loc)
                .table(t.label())
                .found(t.kind.clone()),
            );
        }
        match (t.status, t.reason.as_deref().map(str::trim)) {
            (Status::Empty, None | Some("")) => diags.push(
                Diagnostic::new(
                    &COMPLETE_REASON,
                    format!("「{}」为空表，但没有写明公开的空表理由", t.title),
                )
                .at(t.loc)
                .table(t.label())
                .target(t.id.clone()),
            ),
            (Status::Missing, reason) => {
                let mut diag = Diagnostic::new(
                    &COMPLETE_MISSING,
                    format!(
                        "「{}」在原文中无法辨认，按缺失处理（不等于零，也不推测）{}",
                        t.title,
                        reason
                            .filter(|r| !r.is_empty())
                            .map(|r| format!("：{r}"))
                            .unwrap_or_default()
                    ),
                )
                .at(t.loc)
                .table(t.label())
                .target(t.id.clone());
                if reason.is_none_or(str::is_empty) {
                    diag.message
                        .push_str("；请在 reason 中说明哪些内容无法辨认");
                }
                diags.push(diag);
            }
            _ => {}
        }
    }

    let Some(template) = cx.templates.templates.get(&d.template) else {
        diags.push(
            Diagnostic::new(
                &TABLE_KIND,
                format!(
                    "未知的公开模板 `{}`（可用：{}）",
                    d.template,
                    cx.templates
                        .templates
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" / ")
                ),
            )
            .at(d.template_loc)
            .found(d.template.clone()),
        );
        return;
    };
    if template.kind != d.kind.as_str() {
        diags.push(
            Diagnostic::new(
                &TABLE_KIND,
                format!(
                    "模板 `{}` 用于{}，不能用于{}",
                    d.template,
                    template.kind,
                    d.kind.label_zh()
                ),
            )
            .at(d.template_loc),
        );
    }
    for kind in &template.required {
        if d.tables_of_kind(kind).next().is_none() {
            let name = cx.templates.kind_name(kind).unwrap_or(kind);
            diags.push(
                Diagnostic::new(&COMPLETE_TABLE, format!(
                        "缺少必须公开的表「{name}」：即使没有数据也应公开空表并说明理由（如原文无法辨认，声明 status: missing）"
                    ),
                )
                .at(d.template_loc)
                .label(format!("模板 {} 要求此表", d.template))
                .expected(name)
                .target(kind.clone()),
            );
        }
    }
    contents(doc, diags);
    sections(cx, template, doc, diags);
    deadline(doc, diags);
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (already validated by the loader).
fn days(date: &str) -> Option<i64> {
    let y: i64 = date.get(..4)?.parse().ok()?;
    let m: i64 = date.get(5..7)?.parse().ok()?;
    let d: i64 = date.get(8..10)?.parse().ok()?;
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Publication within 20 days of the finance bureau's approval (财预〔2016〕143号).
fn deadline(doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let d = doc.disclosure;
    let (Some(p), Some(a)) = (d.published.as_deref(), d.approved.as_deref()) else {
        return;
    };
    let (Some(pd), Some(ad)) = (days(p), days(a)) else {
        return;
    };
    let late = pd - ad;
    if !(0..=20).contains(&late) {
        diags.push(
            Diagnostic::new(
                &COMPLETE_DEADLINE,
                if late < 0 {
                    format!("公开日期 {p} 早于批复日期 {a}，请核对日期")
                } else {
                    format!("应在批复后 20 日内公开：批复 {a}，公开 {p}，相隔 {late} 日")
                },
            )
            .at(d.loc)
            .expected("批复后 20 日内")
            .found(format!("{late} 日"))
            .target("deadline".to_string()),
        );
    }
}

/// A contents table (是否空表) agrees with the tables' declared status.
fn contents(doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let d = doc.disclosure;
    for toc in d.tables_of_kind("contents") {
        for row in &toc.rows {
            let text = |k: &str| match row.cells.get(k).map(|c| &c.value) {
                Some(Value::Text(s)) => Some(s.trim().to_string()),
                _ => None,
            };
            let (Some(name), Some(empty)) = (text("name"), text("empty")) else {
                continue;
            };
            let says_empty = match empty.as_str() {
                "是" => true,
                "否" => false,
                _ => continue,
            };
            let norm = super::classification::normalize;
            let Some(t) = d
                .tables
                .iter()
                .find(|t| t.kind != "contents" && norm(&t.title) == norm(&name))
            else {
                continue;
            };
            let is_empty = t.status == Status::Empty;
            if says_empty != is_empty && t.status != Status::Missing {
                let loc = row.cells.get("empty").map_or(row.loc, |c| c.loc);
                diags.push(
                    Diagnostic::new(
                        &COMPLETE_CONTENTS,
                        format!(
                            "目录标注「{name}」{}，但该表{}",
                            if says_empty {
                                "为空表"
                            } else {
                                "不是空表"
                            },
                            if is_empty {
                                "声明为空表"
                            } else {
                                "有数据"
                            }
                        ),
                    )
                    .at(loc)
                    .related(t.loc, "该表在这里")
                    .table(toc.label())
                    .row(name)
                    .target(format!("{}/{}", toc.id, t.id)),
                );
            }
        }
    }
}

/// The required explanation items are present in the text.
fn sections(cx: &Context, template: &Template, doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let d = doc.disclosure;
    let required: Vec<(&str, &str)> = template
        .required_sections(d.year)
        .map(|id| (id, cx.templates.section_name(id)))
        .collect();
    if required.is_empty() {
        return;
    }
    let listed = || {
        required
            .iter()
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join("、")
    };
    let Some(text) = &d.text else {
        diags.push(
            Diagnostic::new(
                &COMPLETE_SECTION,
                format!(
                    "缺少情况说明文字（{}-{}.md）：应包括 {}",
                    d.year,
                    d.kind.as_str(),
                    listed()
                ),
            )
            .at(d.loc)
            .target("text".to_string()),
        );
        return;
    };
    let top = crate::model::diagnostic::Loc {
        file: text.file,
        line: 1,
        col: 1,
    };
    let found = narrative::sections(&text.markdown, text.file);
    let absent: Vec<&(&str, &str)> = required
        .iter()
        .filter(|(id, _)| !found.iter().any(|s| s.id == *id))
        .collect();
    if absent.len() == required.len() {
        // No explanation at all: one diagnostic, not seven.
        diags.push(
            Diagnostic::new(
                &COMPLETE_SECTION,
                format!("情况说明中没有任何必须说明的事项：应包括 {}", listed()),
            )
            .at(top)
            .target("text".to_string()),
        );
        return;
    }
    for (id, name) in absent {
        diags.push(
            Diagnostic::new(
                &COMPLETE_SECTION,
                format!("情况说明缺少「{name}」（标题标注 {{#{id}}} 的一节）"),
            )
            .at(top)
            .expected(format!("{{#{id}}}"))
            .target(format!("section/{id}")),
        );
    }
}
