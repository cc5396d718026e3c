//! Printed documents of one unit-year → a draft of its sources. Every table is kept
//! (an unrecognized one as `kind: other` with its printed columns); every figure is the
//! printed text; what cannot be read is `"?"` with a note and a line in the report.

pub mod columns;
pub mod kinds;
pub mod rows;
pub mod text;

use super::draft::{
    DisclosureDraft, Draft, ImportReport, TableDraft, TableFound, UnitDraft, Unsure, place_zh,
};
use super::error::ImportError;
use super::printed::{Place, PrintedDocument, PrintedTable};
use crate::model::catalogue::Catalogue;
use crate::model::templates::Templates;
use columns::Role;

/// Recognizes `docs` (one unit-year, possibly text and tables in separate files).
/// `slug` names the unit folder; without it one is made from the unit's name.
pub fn recognize(docs: &[PrintedDocument], slug: Option<&str>) -> Result<Draft, ImportError> {
    let templates = Templates::builtin().map_err(|e| ImportError::Internal { reason: e.0 })?;
    let catalogue = Catalogue::builtin().map_err(|e| ImportError::Internal { reason: e.0 })?;
    if docs
        .iter()
        .all(|d| d.tables.is_empty() && d.text.is_empty())
    {
        return Err(ImportError::NotRecognized {
            what: "文件中没有找到表格或文字".to_string(),
        });
    }
    // The files must be of one unit-year: two that state different years or units are
    // two imports, not one.
    let mut differing_names = None;
    if docs.len() > 1 {
        let each: Vec<Facts> = docs
            .iter()
            .map(|d| Facts::gather(std::slice::from_ref(d)))
            .collect();
        let years: std::collections::BTreeSet<u32> = each.iter().filter_map(Facts::year).collect();
        if years.len() > 1 {
            let list: Vec<String> = years.iter().map(|y| format!("{y}年")).collect();
            return Err(ImportError::NotRecognized {
                what: format!(
                    "这些文件属于不同年度（{}），请每次只导入一个单位一个年度的文件",
                    list.join("、")
                ),
            });
        }
        let names: std::collections::BTreeSet<String> =
            each.iter().filter_map(Facts::unit_name).collect();
        // A unit printed under two names (中共江苏省委办公厅 on the tables,
        // 江苏省委办公厅 on the explanation) is one unit when the officer names its
        // folder (`--unit`); otherwise the files are taken for two units' and refused.
        if names.len() > 1 {
            let list: Vec<String> = names.into_iter().collect();
            if slug.is_none() {
                return Err(ImportError::NotRecognized {
                    what: format!(
                        "这些文件中的单位名称不同（{}）：如果是同一单位，请用 --unit 指定单位目录后再导入；否则请每次只导入一个单位一个年度的文件",
                        list.join("、")
                    ),
                });
            }
            differing_names = Some(list);
        }
    }
    let facts = Facts::gather(docs);
    let kind = facts.kind().ok_or_else(|| ImportError::NotRecognized {
        what: "看不出是预算还是决算（封面、表题和文件名中都没有“预算”或“决算”）".to_string(),
    })?;
    let year = facts.year().ok_or_else(|| ImportError::NotRecognized {
        what: "找不到年度（封面、表题和文件名中都没有“20XX年”）".to_string(),
    })?;
    let name = facts
        .unit_name()
        .ok_or_else(|| ImportError::NotRecognized {
            what: "找不到单位名称（表头的“部门：”、封面和文件名中都没有）".to_string(),
        })?;

    let mut report = ImportReport::default();
    if let Some(list) = differing_names {
        report.unsure.push(Unsure {
            place: docs[0].tables.first().map_or(Place::Page(1), |t| t.place.clone()),
            table: None,
            what: format!(
                "各文件印的单位名称不同（{}），按 --unit 作为同一单位导入，unit.yaml 用「{name}」：请核对",
                list.join("、")
            ),
        });
    }
    let mut tables = Vec::new();
    let mut units: Vec<Option<&'static str>> = Vec::new();
    for table in docs.iter().flat_map(|d| &d.tables) {
        let id = format!("T{:02}", tables.len() + 1);
        let (draft, found, unsure, unit) = table_draft(&templates, &catalogue, kind, table, id);
        report.tables.push(found);
        report.unsure.extend(unsure);
        units.push(unit);
        tables.push(draft);
    }
    if tables.is_empty() {
        report.unsure.push(Unsure {
            place: docs
                .first()
                .and_then(|d| d.text.first())
                .map(|t| t.place.clone())
                .unwrap_or(super::printed::Place::Page(1)),
            table: None,
            what: "没有找到表格，只导入了文字".to_string(),
        });
    }
    // The document's unit is the one most tables state; a table stating another keeps
    // its own.
    let count = |u: &str| units.iter().filter(|x| **x == Some(u)).count();
    let amount_unit = if count("元") > count("万元") {
        "元"
    } else {
        "万元"
    };
    let mut note = Vec::new();
    if units.iter().all(Option::is_none) && !tables.is_empty() {
        note.push("表头没有印金额单位，按万元记入，请核对。".to_string());
    }
    for (t, u) in tables.iter_mut().zip(&units) {
        if let Some(u) = u
            && *u != amount_unit
        {
            t.unit = Some(u.to_string());
        }
    }
    let found: Vec<String> = tables.iter().map(|t| t.kind.clone()).collect();
    let template = kinds::template_for(&templates, kind, &found);
    let word = if kind == "final" { "决算" } else { "预算" };
    let title = facts
        .cover_title(&name, year)
        .unwrap_or_else(|| format!("{name}{year}年部门{word}"));
    let source = docs
        .iter()
        .map(|d| {
            d.file
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("、");
    note.push(format!(
        "由 gongkai import 从 {source} 导入；导入后请对照原件核对（见 docs/import.md）。"
    ));
    let text: Vec<_> = docs.iter().flat_map(|d| d.text.iter().cloned()).collect();
    // Tables in 元 with the explanation's figures in 万元 (陕西): the text says 万元.
    let text_unit = (amount_unit == "元" && text.iter().any(|t| t.text.contains("万元")))
        .then(|| "万元".to_string());
    let markdown = text::markdown(&title, &text);
    let slug = match slug {
        Some(s) => s.to_string(),
        None => slug_of(&name),
    };
    Ok(Draft {
        slug,
        unit: unit_draft(&name),
        disclosure: DisclosureDraft {
            kind: kind.to_string(),
            year,
            template,
            title,
            amount_unit: amount_unit.to_string(),
            text_unit,
            source,
            note,
            tables,
        },
        markdown,
        report,
    })
}

/// A folder name for a unit whose name is Chinese: stable, from the name.
pub fn slug_of(name: &str) -> String {
    let h = xxhash_rust::xxh3::xxh3_64(name.as_bytes());
    format!("unit-{:08x}", h >> 32)
}

/// Region, level and type as far as the name tells them; all marked as inferred.
fn unit_draft(name: &str) -> UnitDraft {
    // The region is the name's prefix up to its last administrative word among the first
    // few characters: 江苏省 | 人民检察院, 长沙市开福区 | 医疗保障局.
    let mut region_end = 0;
    for (i, (at, c)) in name.char_indices().enumerate().take(10) {
        let marker = matches!(c, '省' | '市' | '县' | '区' | '州' | '旗');
        if marker && i >= 1 {
            region_end = at + c.len_utf8();
        }
    }
    let region = if region_end > 0 {
        &name[..region_end]
    } else {
        name
    };
    let level = if region.ends_with("自治区") {
        "省级"
    } else if region.ends_with('县') || region.ends_with('区') || region.ends_with('旗') {
        "县级"
    } else if region.ends_with('市') || region.ends_with('州') {
        // A municipality's departments (上海市…) are provincial; a city's are 市级.
        if ["北京市", "上海市", "天津市", "重庆市"].contains(&region) {
            "省级"
        } else {
            "市级"
        }
    } else {
        "省级"
    };
    UnitDraft {
        name: name.to_string(),
        region: region.to_string(),
        level: level.to_string(),
        unit_type: "行政单位".to_string(),
        inferred: vec!["region".into(), "level".into(), "unit_type".into()],
    }
}

/// One printed table → its draft, its line of the report, what was unsure, its unit.
fn table_draft(
    templates: &Templates,
    catalogue: &Catalogue,
    disclosure_kind: &str,
    table: &PrintedTable,
    id: String,
) -> (TableDraft, TableFound, Vec<Unsure>, Option<&'static str>) {
    let mut note = Vec::new();
    let mut unsure_kind: Option<String> = None;
    let header_words: String = table
        .header
        .iter()
        .flatten()
        .map(|c| columns::squeeze(&c.text))
        .collect();
    let kind = match (
        kinds::kind_of(templates, &table.title, disclosure_kind),
        kinds::kind_by_header(&header_words, disclosure_kind),
    ) {
        (Some(k), _) => k,
        (None, Some(k)) => {
            note.push(format!(
                "表题“{}”不是已知的表类型，按表头判断为 {k}，请核对。",
                table.title
            ));
            unsure_kind = Some(format!("表“{}”的类型按表头判断为 {k}", table.title));
            k.to_string()
        }
        (None, None) => {
            note.push(format!(
                "表题“{}”不是已知的表类型，按 other 记入，列名照印。",
                table.title
            ));
            "other".to_string()
        }
    };
    let n = table
        .rows
        .iter()
        .map(|r| r.cells.len())
        .chain(table.header.iter().flatten().map(|c| c.last + 1))
        .max()
        .unwrap_or(0);
    let (cols, segments) = columns::columns(table, n);
    let mut read = rows::Rows::default();
    // A figure column whose header has no standard word keeps its position as key: the
    // rules cannot see it until someone names it.
    for c in cols.iter().filter(|c| c.role == Role::Amount) {
        let positional = c
            .key
            .strip_prefix('c')
            .is_some_and(|n| n.chars().all(|d| d.is_ascii_digit()));
        if positional && kind != "other" {
            read.notes.push(format!(
                "列“{}”没有对应的标准列名，记为 {}，请核对。",
                c.name, c.key
            ));
            read.unsure.push(Unsure {
                place: table.place.clone(),
                table: Some(id.clone()),
                what: format!("列“{}”没有标准列名（记为 {}）", c.name, c.key),
            });
        }
    }
    let cx = rows::RowContext {
        table,
        table_id: &id,
        kind: &kind,
        cols: &cols,
        catalogue,
    };
    for i in 0..segments.len() {
        rows::read_rows(&cx, &segments, i, &mut read);
    }
    // A table printed as one line of figures under its header (支出总表, the 三公 table)
    // is its own total line.
    if let [only] = read.rows.as_mut_slice()
        && only.name.is_none()
        && only.code.is_none()
        && only.unit.is_none()
    {
        only.key = Some("total".to_string());
    }
    rows::dedupe(&mut read.rows, &mut read.notes);
    // A 合计 over classified lines is their sum (the loader checks it against the lines).
    let codes: Vec<&str> = read.rows.iter().filter_map(|r| r.code.as_deref()).collect();
    let class = if codes.iter().any(|c| c.starts_with('2')) {
        Some("functional")
    } else if codes.iter().any(|c| c.starts_with('3')) {
        Some("dept_economic")
    } else if codes.iter().any(|c| c.starts_with('5')) {
        Some("gov_economic")
    } else {
        None
    };
    if !rows::is_summary_kind(&kind)
        && let Some(class) = class
    {
        for r in read
            .rows
            .iter_mut()
            .filter(|r| r.key.as_deref() == Some("total"))
        {
            r.sum_of = vec![class.to_string()];
        }
    }
    note.append(&mut read.notes);
    let unit = table_unit(table);
    let figures = read
        .rows
        .iter()
        .flat_map(|r| &r.values)
        .any(|(k, _)| cols.iter().any(|c| c.key == *k && c.role == Role::Amount));
    let (status, reason) = match empty_reason(table) {
        Some(reason) if !figures => (Some("empty".to_string()), Some(reason)),
        _ => (None, None),
    };
    if !figures && status.is_none() && !cols.iter().all(|c| c.role != Role::Amount) {
        note.push("表中没有印任何数字，也没有说明为空的文字，请核对原件。".to_string());
    }
    let draft_rows = if status.is_some() {
        Vec::new()
    } else {
        read.rows
    };
    let found = TableFound {
        id: id.clone(),
        kind: kind.clone(),
        title: table.title.clone(),
        place: table.place.clone(),
        cells: read.cells,
        status: status.clone(),
    };
    if let Some(what) = unsure_kind {
        read.unsure.push(Unsure {
            place: table.place.clone(),
            table: Some(id.clone()),
            what,
        });
    }
    if kind == "other" {
        read.unsure.push(Unsure {
            place: table.place.clone(),
            table: Some(id.clone()),
            what: format!(
                "表“{}”（{}）未识别出表类型",
                table.title,
                place_zh(&table.place)
            ),
        });
    }
    // A number the reader left in the title is the table's number.
    let (number, title) = match (&table.number, kinds::split_number(&table.title)) {
        (None, Some((n, t))) => (Some(n), t),
        _ => (table.number.clone(), table.title.clone()),
    };
    let draft = TableDraft {
        id,
        number,
        kind,
        title,
        unit: None,
        status,
        reason,
        note,
        columns: columns::drafts(&cols),
        rows: draft_rows,
    };
    (draft, found, read.unsure, unit)
}

/// The unit stated above a table (`单位：万元`, `金额单位：元`).
fn table_unit(table: &PrintedTable) -> Option<&'static str> {
    for line in table.head_lines.iter().chain(std::iter::once(&table.title)) {
        let s: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        for label in ["单位：", "单位:"] {
            let mut rest = s.as_str();
            while let Some(at) = rest.find(label) {
                let after = &rest[at + label.len()..];
                if after.starts_with("万元") {
                    return Some("万元");
                }
                if after.starts_with('元') {
                    return Some("元");
                }
                rest = after;
            }
        }
    }
    None
}

/// The published reason of an empty table (`本单位无政府性基金预算收支，此表为空`).
fn empty_reason(table: &PrintedTable) -> Option<String> {
    let words = [
        "此表为空",
        "本表为空",
        "本单位无",
        "本部门无",
        "无数据",
        "没有",
        "无该项",
        "不涉及",
    ];
    let lines = table
        .notes
        .iter()
        .chain(table.rows.iter().flat_map(|r| r.cells.iter()));
    for line in lines {
        let t = line.trim();
        if words.iter().any(|w| t.contains(w)) {
            let t = ["注：", "注:", "说明：", "说明:"]
                .iter()
                .find_map(|p| t.strip_prefix(p))
                .unwrap_or(t);
            return Some(t.trim().to_string());
        }
    }
    None
}

/// What the documents say about themselves: cover lines, table titles and heads, file
/// names.
struct Facts {
    cover: Vec<String>,
    titles: Vec<String>,
    heads: Vec<String>,
    files: Vec<String>,
}

impl Facts {
    fn gather(docs: &[PrintedDocument]) -> Facts {
        Facts {
            cover: docs
                .iter()
                .flat_map(|d| d.text.iter().take(12).map(|t| t.text.clone()))
                .collect(),
            titles: docs
                .iter()
                .flat_map(|d| d.tables.iter().map(|t| t.title.clone()))
                .collect(),
            heads: docs
                .iter()
                .flat_map(|d| d.tables.iter().flat_map(|t| t.head_lines.iter().cloned()))
                .collect(),
            files: docs
                .iter()
                .filter_map(|d| d.file.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect(),
        }
    }

    fn all(&self) -> impl Iterator<Item = &String> {
        self.cover
            .iter()
            .chain(&self.titles)
            .chain(&self.heads)
            .chain(&self.files)
    }

    fn kind(&self) -> Option<&'static str> {
        let mut finals = 0;
        let mut budgets = 0;
        for s in self
            .cover
            .iter()
            .take(4)
            .chain(&self.titles)
            .chain(&self.files)
        {
            match text::disclosure_kind(s) {
                Some("final") => finals += 1,
                Some(_) => budgets += 1,
                None => {}
            }
        }
        match (finals, budgets) {
            (0, 0) => None,
            (f, b) if f > b => Some("final"),
            _ => Some("budget"),
        }
    }

    /// The year stated most often (the first stated on a tie).
    fn year(&self) -> Option<u32> {
        let years: Vec<u32> = self.all().flat_map(|s| text::years_in(s)).collect();
        let mut best: Option<(usize, u32)> = None;
        for y in &years {
            let n = years.iter().filter(|x| *x == y).count();
            if best.is_none_or(|(m, _)| n > m) {
                best = Some((n, *y));
            }
        }
        best.map(|(_, y)| y)
    }

    fn unit_name(&self) -> Option<String> {
        self.heads
            .iter()
            .chain(&self.cover)
            .chain(&self.titles)
            .chain(&self.files)
            .find_map(|s| text::unit_name_in(s))
    }

    /// The cover's title line: the first that names the unit, the year and 预算/决算.
    fn cover_title(&self, name: &str, year: u32) -> Option<String> {
        self.cover
            .iter()
            .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect::<String>())
            .find(|s| {
                s.contains(name)
                    && s.contains(&year.to_string())
                    && text::disclosure_kind(s).is_some()
                    && s.chars().count() <= 40
            })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn region_and_level_from_the_name() {
        let u = |n: &str| {
            let d = super::unit_draft(n);
            (d.region, d.level)
        };
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(u("江苏省人民检察院"), s("江苏省", "省级"));
        assert_eq!(u("长沙市开福区医疗保障局"), s("长沙市开福区", "县级"));
        assert_eq!(u("衡阳市医疗保障局"), s("衡阳市", "市级"));
        assert_eq!(u("衡山县医疗保障局"), s("衡山县", "县级"));
        assert_eq!(u("上海市XX局"), s("上海市", "省级"));
        assert_eq!(u("广西壮族自治区财政厅"), s("广西壮族自治区", "省级"));
    }
}
