//! From parsed source files to the model, with the type and shape checks that belong
//! to reading a value: amounts, codes, units, enumerations, references inside a table.

use super::fs::Fs;
use super::schema::{self, S};
use super::{FileId, Files, parse_yaml};
use crate::model::amount::{self, AmountError, AmountUnit};
use crate::model::diagnostic::{Diagnostic, Loc, Rule};
use crate::model::*;
use crate::source::rules;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

struct Ctx<'a> {
    file: FileId,
    diags: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn loc<T>(&self, s: &serde_saphyr::Spanned<T>) -> Loc {
        Loc {
            file: self.file,
            line: s.referenced.line().max(1) as u32,
            col: s.referenced.column().max(1) as u32,
        }
    }
    /// Starts an error at `loc`; it is recorded when the returned value is dropped.
    fn error(&mut self, rule: &'static Rule, loc: Loc, msg: String) -> Pending<'_> {
        Pending {
            diags: self.diags,
            diag: Some(Diagnostic::new(rule, msg).at(loc)),
        }
    }
}

/// A diagnostic being built; pushed on drop.
struct Pending<'a> {
    diags: &'a mut Vec<Diagnostic>,
    diag: Option<Diagnostic>,
}

impl Pending<'_> {
    fn map(mut self, f: impl FnOnce(Diagnostic) -> Diagnostic) -> Self {
        self.diag = self.diag.take().map(f);
        self
    }
    fn table(self, v: impl Into<String>) -> Self {
        self.map(|d| d.table(v))
    }
    fn row(self, v: impl Into<String>) -> Self {
        self.map(|d| d.row(v))
    }
    fn column(self, v: impl Into<String>) -> Self {
        self.map(|d| d.column(v))
    }
    fn found(self, v: impl Into<String>) -> Self {
        self.map(|d| d.found(v))
    }
    fn expected(self, v: impl Into<String>) -> Self {
        self.map(|d| d.expected(v))
    }
    fn label(self, v: impl Into<String>) -> Self {
        self.map(|d| d.label(v))
    }
    fn related(self, loc: Loc, label: &str) -> Self {
        self.map(|d| d.related(loc, label))
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.diag.take() {
            self.diags.push(d);
        }
    }
}

fn display_path(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .replace('\\', "/")
}

/// Is `name` a safe unit folder name: a-z, 0-9 and `-`?
fn valid_slug(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
}

/// A unit folder as read from disk: its files' texts are in `Files`, nothing parsed yet.
pub struct UnitFiles {
    pub slug: String,
    unit_file: FileId,
    /// (year, kind, YAML file, Markdown file).
    docs: Vec<(u32, Kind, FileId, Option<FileId>)>,
}

/// Reads one unit folder of `fs` into `files` (sequentially, so file ids are deterministic).
pub(crate) fn read_unit(
    fs: Fs,
    dir: &Path,
    base: &Path,
    files: &mut Files,
    diags: &mut Vec<Diagnostic>,
) -> Option<UnitFiles> {
    let slug = dir.file_name()?.to_string_lossy().to_string();
    if slug.starts_with('.') {
        return None;
    }
    if !valid_slug(&slug) {
        diags.push(Diagnostic::new(&rules::SOURCE_LAYOUT, format!(
                "单位目录名 `{slug}` 不合规：只能使用小写字母、数字和连字符（用作网址），例如 `hengshan-ybj`"
            ),
        ));
        return None;
    }
    let unit_path = dir.join("unit.yaml");
    if !fs.is_file(&unit_path) {
        diags.push(Diagnostic::new(
            &rules::SOURCE_LAYOUT,
            format!("单位目录 {} 缺少 unit.yaml", display_path(dir, base)),
        ));
        return None;
    }
    let text = fs.read_text(&unit_path, diags)?;
    let unit_file = files.add(unit_path.clone(), display_path(&unit_path, base), text);

    // The disclosures: <year>-<kind>.yaml with an optional <year>-<kind>.md beside it.
    let mut names: Vec<String> = match fs.list(dir) {
        Ok(entries) => entries
            .into_iter()
            .map(|e| e.name.to_string_lossy().to_string())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    let mut stems = BTreeSet::new();
    for name in &names {
        if name == "unit.yaml" || name.starts_with('.') {
            continue;
        }
        let parsed = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".md"))
            .and_then(parse_stem);
        match parsed {
            Some(stem) => {
                stems.insert(stem);
            }
            None => diags.push(Diagnostic::new(&rules::SOURCE_LAYOUT, format!(
                    "无法识别的文件 {}：应为 unit.yaml、<年度>-budget.yaml/.md 或 <年度>-final.yaml/.md",
                    display_path(&dir.join(name), base)
                ),
            )),
        }
    }
    let mut docs = Vec::new();
    for (year, kind) in stems {
        let stem = format!("{year}-{}", kind.as_str());
        let yaml_path = dir.join(format!("{stem}.yaml"));
        let md_path = dir.join(format!("{stem}.md"));
        if !fs.is_file(&yaml_path) {
            diags.push(Diagnostic::new(
                &rules::SOURCE_LAYOUT,
                format!(
                    "{} 没有对应的数据文件 {stem}.yaml",
                    display_path(&md_path, base)
                ),
            ));
            continue;
        }
        let Some(text) = fs.read_text(&yaml_path, diags) else {
            continue;
        };
        let yaml_file = files.add(yaml_path.clone(), display_path(&yaml_path, base), text);
        let md_file = if fs.is_file(&md_path) {
            fs.read_text(&md_path, diags)
                .map(|markdown| files.add(md_path.clone(), display_path(&md_path, base), markdown))
        } else {
            None
        };
        docs.push((year, kind, yaml_file, md_file));
    }
    Some(UnitFiles {
        slug,
        unit_file,
        docs,
    })
}

impl UnitFiles {
    /// A hash of the unit's files, their display paths and bytes (not their ids, which
    /// move when other units are added or removed): XXH3 64, as fast as reading them.
    pub fn digest(&self, files: &Files) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = xxhash_rust::xxh3::Xxh3Default::new();
        for id in self.file_ids() {
            let f = files.get(id);
            (&f.display, &f.text).hash(&mut h);
        }
        h.finish()
    }

    /// The same unit with its file ids moved up by `offset` (read into its own `Files`,
    /// then appended to the site's).
    pub fn shifted(mut self, offset: u32) -> UnitFiles {
        let shift = |id: &mut FileId| id.0 += offset;
        shift(&mut self.unit_file);
        for (_, _, yaml, md) in &mut self.docs {
            shift(yaml);
            if let Some(md) = md {
                shift(md);
            }
        }
        self
    }

    /// Every file of the unit, in order: what its conversion depends on.
    pub fn file_ids(&self) -> impl Iterator<Item = FileId> + '_ {
        std::iter::once(self.unit_file).chain(
            self.docs
                .iter()
                .flat_map(|(_, _, y, m)| std::iter::once(*y).chain(*m)),
        )
    }
}

/// Parses and converts a unit read by `read_unit` (independent of other units: may run in
/// parallel).
pub fn convert_unit(files: &Files, u: UnitFiles, diags: &mut Vec<Diagnostic>) -> Unit {
    let digest = u.digest(files);
    let UnitFiles {
        slug,
        unit_file: file,
        docs,
    } = u;
    let mut unit = match parse_yaml::<schema::UnitSrc>(&files.get(file).text, file) {
        Ok(src) => {
            let mut ctx = Ctx { file, diags };
            check_choice(&mut ctx, &src.level, &["省级", "市级", "县级"], "行政级次");
            check_choice(
                &mut ctx,
                &src.unit_type,
                &["行政单位", "参公事业单位", "事业单位"],
                "单位性质",
            );
            if let Some(code) = &src.code {
                check_digits(&mut ctx, code, "单位代码");
            }
            if let Some(dc) = &src.department_code {
                check_digits(&mut ctx, dc, "部门代码");
            }
            Unit {
                slug,
                loc: ctx.loc(&src.name),
                name: src.name.value,
                code: src.code.map(|c| c.value),
                region: src.region.value,
                level: src.level.value,
                parent: src.parent.map(|p| p.value),
                unit_type: src.unit_type.value,
                department_code: src.department_code.map(|d| d.value),
                disclosures: Vec::new(),
                digest,
            }
        }
        Err(d) => {
            // Keep going: the disclosures are checked even when unit.yaml is broken.
            diags.push(*d);
            Unit {
                name: slug.clone(),
                slug,
                loc: Loc {
                    file,
                    line: 1,
                    col: 1,
                },
                code: None,
                region: String::new(),
                level: String::new(),
                parent: None,
                unit_type: String::new(),
                department_code: None,
                disclosures: Vec::new(),
                digest,
            }
        }
    };
    for (year, kind, file, md_file) in docs {
        let src: schema::DisclosureSrc = match parse_yaml(&files.get(file).text, file) {
            Ok(d) => d,
            Err(d) => {
                diags.push(*d);
                continue;
            }
        };
        let text = md_file.map(|md_file| Text {
            file: md_file,
            markdown: files.get(md_file).text.clone(),
        });
        let mut ctx = Ctx { file, diags };
        if let Some(d) = disclosure(&mut ctx, src, year, kind, text) {
            unit.disclosures.push(d);
        }
    }
    unit
}

fn parse_stem(stem: &str) -> Option<(u32, Kind)> {
    let (year, kind) = stem.split_once('-')?;
    if year.len() != 4 {
        return None;
    }
    Some((year.parse().ok()?, Kind::parse(kind)?))
}

fn check_choice(ctx: &mut Ctx, s: &S, allowed: &[&str], what: &str) -> bool {
    if allowed.contains(&s.value.as_str()) {
        return true;
    }
    let loc = ctx.loc(s);
    ctx.error(
        &rules::VALUE_ENUM,
        loc,
        format!("{what}只能是 {}", allowed.join(" / ")),
    )
    .found(s.value.clone())
    .expected(allowed.join(" / "));
    false
}

fn check_digits(ctx: &mut Ctx, s: &S, what: &str) {
    if s.value.is_empty() || !s.value.chars().all(|c| c.is_ascii_digit()) {
        let loc = ctx.loc(s);
        ctx.error(&rules::VALUE_CODE, loc, format!("{what}只能由数字组成"))
            .found(s.value.clone());
    }
}

fn unit_of(ctx: &mut Ctx, s: &S) -> Option<AmountUnit> {
    let u = AmountUnit::parse(&s.value);
    if u.is_none() {
        let loc = ctx.loc(s);
        ctx.error(
            &rules::VALUE_ENUM,
            loc,
            "金额单位只能是 元 或 万元".to_string(),
        )
        .found(s.value.clone())
        .expected("元 / 万元");
    }
    u
}

fn check_date(ctx: &mut Ctx, s: &S) {
    let v = &s.value;
    if crate::model::parse_date(v).is_none() {
        let loc = ctx.loc(s);
        ctx.error(
            &rules::VALUE_DATE,
            loc,
            "日期应写作 YYYY-MM-DD，且须是日历上存在的日期".to_string(),
        )
        .found(v.clone());
    }
}

/// `source_url:` as written when it is an `http://` or `https://` address with a host and
/// nothing a link could not carry (spaces, quotes, angle brackets, control characters);
/// otherwise a diagnostic and no link.
fn check_url(ctx: &mut Ctx, s: S) -> Option<String> {
    let v = s.value.trim();
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty()
            && !r
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "\"<>\\`^{}|".contains(c))
    });
    if ok {
        return Some(v.to_string());
    }
    let loc = ctx.loc(&s);
    ctx.error(
        &rules::VALUE_URL,
        loc,
        "source_url 应是以 http:// 或 https:// 开头的完整网址（原文发布页面的地址），不能含空格、引号或尖括号".to_string(),
    )
    .found(s.value.clone());
    None
}

fn disclosure(
    ctx: &mut Ctx,
    src: schema::DisclosureSrc,
    year: u32,
    kind: Kind,
    text: Option<Text>,
) -> Option<Disclosure> {
    let loc = ctx.loc(&src.kind);
    if Kind::parse(&src.kind.value) != Some(kind) {
        ctx.error(
            &rules::SOURCE_LAYOUT,
            loc,
            format!(
                "文件名表明这是 {}，但 kind 写的是 `{}`",
                kind.as_str(),
                src.kind.value
            ),
        )
        .expected(kind.as_str())
        .found(src.kind.value.clone());
    }
    if src.year.value != year {
        let yl = ctx.loc(&src.year);
        ctx.error(
            &rules::SOURCE_LAYOUT,
            yl,
            format!("文件名表明年度为 {year}，但 year 写的是 {}", src.year.value),
        )
        .expected(year.to_string())
        .found(src.year.value.to_string());
    }
    let amount_unit = unit_of(ctx, &src.amount_unit).unwrap_or(AmountUnit::Wanyuan);
    let text_unit = match &src.text_unit {
        Some(u) => unit_of(ctx, u).unwrap_or(amount_unit),
        None => amount_unit,
    };
    for d in [&src.published, &src.approved].into_iter().flatten() {
        check_date(ctx, d);
    }
    let catalogue_edition = src.catalogue_edition.as_ref().and_then(|e| {
        // A broken built-in catalogue is reported by the check itself.
        let editions = crate::model::catalogue::Editions::builtin().ok()?;
        if editions.holds(e.value) {
            return Some(e.value);
        }
        let (first, last) = editions.range();
        let loc = ctx.loc(e);
        ctx.error(
            &rules::VALUE_ENUM,
            loc,
            format!("catalogue_edition 只能是 {first}–{last} 年中的一个版本"),
        )
        .found(e.value.to_string())
        .expected(format!("{first}–{last}"));
        None
    });
    let mut tables = Vec::new();
    let mut ids: BTreeMap<String, Loc> = BTreeMap::new();
    for t in src.tables {
        let id_loc = ctx.loc(&t.id);
        if let Some(first) = ids.get(&t.id.value) {
            let first = *first;
            ctx.error(
                &rules::TABLE_DUPLICATE,
                id_loc,
                format!("表编号 `{}` 重复", t.id.value),
            )
            .related(first, "第一次出现在这里");
            continue;
        }
        ids.insert(t.id.value.clone(), id_loc);
        tables.push(table(ctx, t, amount_unit));
    }
    let acks = src
        .acknowledge
        .into_iter()
        .map(|a| Ack {
            loc: ctx.loc(&a.rule),
            rule: a.rule.value,
            target: a.target.map(|t| t.value),
            reason: a.reason.value,
        })
        .collect();
    Some(Disclosure {
        kind,
        year,
        loc,
        template_loc: ctx.loc(&src.template),
        template: src.template.value,
        title: src.title.value,
        amount_unit,
        text_unit,
        published: src.published.map(|p| p.value),
        approved: src.approved.map(|p| p.value),
        source: src.source.map(|s| s.value),
        source_url: src.source_url.and_then(|u| check_url(ctx, u)),
        catalogue_edition,
        tables,
        acks,
        text,
    })
}

fn col_type(ctx: &mut Ctx, s: &Option<S>) -> ColType {
    let Some(s) = s else {
        return ColType::Amount;
    };
    match s.value.as_str() {
        "amount" => ColType::Amount,
        "text" => ColType::Text,
        "percent" => ColType::Percent,
        "integer" => ColType::Integer,
        _ => {
            let loc = ctx.loc(s);
            ctx.error(
                &rules::VALUE_ENUM,
                loc,
                "列类型只能是 amount / text / percent / integer".to_string(),
            )
            .found(s.value.clone());
            ColType::Text
        }
    }
}

fn terms(ctx: &Ctx, list: Vec<S>) -> Vec<Term> {
    list.into_iter()
        .map(|s| {
            let loc = ctx.loc(&s);
            let v = s.value.trim();
            match v.strip_prefix('-') {
                Some(rest) => Term {
                    negative: true,
                    name: rest.trim().to_string(),
                    loc,
                },
                None => Term {
                    negative: false,
                    name: v.to_string(),
                    loc,
                },
            }
        })
        .collect()
}

/// Parses one cell according to its column type.
fn cell(ctx: &mut Ctx, raw: &S, ty: ColType, table: &str, row: &str, col: &str) -> Cell {
    let loc = ctx.loc(raw);
    let v = raw.value.trim();
    let value = if v.is_empty() {
        Value::Blank
    } else if v == "?" {
        Value::Unknown
    } else {
        match ty {
            ColType::Text => Value::Text(raw.value.clone()),
            ColType::Amount | ColType::Percent | ColType::Integer => {
                let v = if ty == ColType::Percent {
                    v.strip_suffix('%').unwrap_or(v)
                } else {
                    v
                };
                match amount::parse(v) {
                    Ok(d) if ty == ColType::Integer && d.scale() > 0 => {
                        ctx.error(&rules::VALUE_AMOUNT, loc, "此列应为整数".to_string())
                            .table(table)
                            .row(row)
                            .column(col)
                            .found(v.to_string());
                        Value::Unknown
                    }
                    Ok(d) => Value::Amount(d),
                    Err(AmountError::TooManyDecimals(n)) => {
                        ctx.error(
                            &rules::VALUE_PRECISION,
                            loc,
                            format!("金额最多保留 2 位小数，这里有 {n} 位"),
                        )
                        .table(table)
                        .row(row)
                        .column(col)
                        .found(v.to_string());
                        Value::Unknown
                    }
                    Err(AmountError::TooLarge) => {
                        ctx.error(
                            &rules::VALUE_AMOUNT,
                            loc,
                            "金额超出可精确表示的范围".to_string(),
                        )
                        .table(table)
                        .row(row)
                        .column(col)
                        .found(v.to_string());
                        Value::Unknown
                    }
                    Err(AmountError::NotANumber) => {
                        ctx.error(
                            &rules::VALUE_AMOUNT,
                            loc,
                            "这里应填写金额（如 \"629.76\"），不是数字".to_string(),
                        )
                        .label("不是金额")
                        .table(table)
                        .row(row)
                        .column(col)
                        .found(raw.value.clone());
                        Value::Unknown
                    }
                }
            }
        }
    };
    Cell { value, loc }
}

/// Checks a classification or unit code's shape.
fn check_code(ctx: &mut Ctx, s: &S, table: &str) {
    let v = &s.value;
    let digits = !v.is_empty() && v.chars().all(|c| c.is_ascii_digit());
    let ok = digits
        && match v.as_bytes()[0] {
            b'2' => matches!(v.len(), 3 | 5 | 7),
            b'3' | b'5' => matches!(v.len(), 3 | 5),
            _ => false,
        };
    if !ok {
        let loc = ctx.loc(s);
        ctx.error(
            &rules::VALUE_CODE,
            loc,
            "科目编码格式不对：功能分类为 3/5/7 位数字（以 2 开头），经济分类为 3/5 位数字（以 3 或 5 开头），须写完整编码".to_string(),
        )
        .table(table)
        .found(v.clone());
    }
}

fn table(ctx: &mut Ctx, t: schema::TableSrc, doc_unit: AmountUnit) -> Table {
    let label = format!("{} {}", t.id.value, t.title.value);
    let unit = match &t.unit {
        Some(u) => unit_of(ctx, u).unwrap_or(doc_unit),
        None => doc_unit,
    };
    let status = match &t.status {
        None => Status::Present,
        Some(s) => match s.value.as_str() {
            "present" => Status::Present,
            "empty" => Status::Empty,
            "missing" => Status::Missing,
            _ => {
                let loc = ctx.loc(s);
                ctx.error(
                    &rules::VALUE_ENUM,
                    loc,
                    "表状态只能是 present（有数据）/ empty（空表）/ missing（原文无法辨认）"
                        .to_string(),
                )
                .found(s.value.clone());
                Status::Present
            }
        },
    };

    let mut columns: Vec<Column> = Vec::new();
    for c in t.columns {
        let loc = ctx.loc(&c.key);
        if columns.iter().any(|x| x.key == c.key.value) {
            ctx.error(
                &rules::TABLE_DUPLICATE,
                loc,
                format!("列 `{}` 重复", c.key.value),
            )
            .table(label.clone());
            continue;
        }
        let ty = col_type(ctx, &c.ty);
        let sum_of = terms(ctx, c.sum_of);
        columns.push(Column {
            key: c.key.value,
            name: c.name.value,
            ty,
            sum_of,
            loc,
        });
    }
    // Column identities must name columns of this table.
    for c in &columns {
        for term in &c.sum_of {
            if !columns.iter().any(|x| x.key == term.name) {
                ctx.error(
                    &rules::TABLE_REFERENCE,
                    term.loc,
                    format!("列 `{}` 的 sum_of 引用了不存在的列 `{}`", c.key, term.name),
                )
                .table(label.clone());
            }
        }
    }

    let fields = t
        .fields
        .into_iter()
        .map(|f| {
            let ty = match &f.ty {
                None => ColType::Text,
                some => col_type(ctx, some),
            };
            let name = f.name.value.clone();
            Field {
                key: f.key.map(|k| k.value),
                value: cell(ctx, &f.value, ty, &label, &name, &name),
                name: f.name.value,
            }
        })
        .collect();

    let mut rows: Vec<Row> = Vec::new();
    // One shared key per column for all the rows' cells.
    let mut keys: Vec<std::sync::Arc<str>> = Vec::new();
    let mut seen: BTreeMap<String, Loc> = BTreeMap::new();
    for r in t.rows {
        let row_loc = r
            .key
            .as_ref()
            .or(r.code.as_ref())
            .or(r.unit.as_ref())
            .or(r.name.as_ref())
            .map(|s| ctx.loc(s))
            .or_else(|| r.values.values().next().map(|s| ctx.loc(s)))
            .unwrap_or(Loc {
                file: ctx.file,
                line: 1,
                col: 1,
            });
        if let Some(code) = &r.code {
            check_code(ctx, code, &label);
        }
        if let Some(u) = &r.unit {
            check_digits(ctx, u, "单位代码");
        }
        let mut row = Row {
            key: r.key.map(|k| k.value),
            code: r.code.map(|c| c.value),
            unit: r.unit.map(|u| u.value),
            name_loc: r.name.as_ref().map(|n| ctx.loc(n)),
            name: r.name.map(|n| n.value),
            caption: columns
                .iter()
                .filter(|c| c.ty == ColType::Text)
                .find_map(|c| r.values.get(&c.key))
                .map(|v| v.value.trim().to_string())
                .filter(|v| !v.is_empty()),
            sum_of: terms(ctx, r.sum_of),
            cells: Cells::default(),
            loc: row_loc,
        };
        // A row is identified by its key, else its code (a unit line by its unit code).
        let identity = row
            .key
            .clone()
            .or_else(|| {
                row.code
                    .clone()
                    .map(|c| format!("{c}@{}", row.unit.clone().unwrap_or_default()))
            })
            .or_else(|| row.unit.clone());
        if let Some(id) = identity {
            if let Some(first) = seen.get(&id) {
                let first = *first;
                ctx.error(
                    &rules::TABLE_DUPLICATE,
                    row_loc,
                    format!("行 `{}` 在本表中重复出现", row.reference()),
                )
                .table(label.clone())
                .related(first, "第一次出现在这里");
            } else {
                seen.insert(id, row_loc);
            }
        }
        let row_label = row.label();
        for (key, raw) in &r.values {
            let Some(col) = columns.iter().find(|c| &c.key == key) else {
                let loc = ctx.loc(raw);
                let known: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
                ctx.error(
                    &rules::TABLE_REFERENCE,
                    loc,
                    format!("本表没有列 `{key}`（已定义的列：{}）", known.join(", ")),
                )
                .table(label.clone())
                .row(row_label.clone());
                continue;
            };
            let c = cell(ctx, raw, col.ty, &label, &row_label, &col.name);
            row.cells.insert(shared_key(&mut keys, &col.key), c);
        }
        row.cells.shrink_to_fit();
        rows.push(row);
    }
    // Row identities must name rows of this table (or a classification word).
    for row in &rows {
        for term in &row.sum_of {
            let word = matches!(
                term.name.as_str(),
                "functional" | "dept_economic" | "gov_economic" | "units"
            );
            let found = rows.iter().any(|r| {
                r.key.as_deref() == Some(&term.name)
                    || r.code.as_deref() == Some(&term.name)
                    || r.unit.as_deref() == Some(&term.name)
            });
            if !word && !found {
                ctx.error(
                    &rules::TABLE_REFERENCE,
                    term.loc,
                    format!(
                        "行 `{}` 的 sum_of 引用了本表不存在的行 `{}`",
                        row.reference(),
                        term.name
                    ),
                )
                .table(label.clone());
            }
        }
    }
    rows.shrink_to_fit();

    Table {
        loc: ctx.loc(&t.id),
        id: t.id.value,
        kind_loc: ctx.loc(&t.kind),
        kind: t.kind.value,
        number: t.number.map(|n| n.value),
        title: t.title.value,
        unit,
        status,
        reason: t.reason.map(|r| r.value),
        note: t.note,
        footnote: t.footnote.map(|f| Footnote {
            loc: ctx.loc(&f),
            text: f.value,
        }),
        fields,
        columns,
        rows,
    }
}

/// The shared copy of a column key in `keys`, made on first use.
fn shared_key(keys: &mut Vec<std::sync::Arc<str>>, key: &str) -> std::sync::Arc<str> {
    if let Some(k) = keys.iter().find(|k| &***k == key) {
        return k.clone();
    }
    let k: std::sync::Arc<str> = key.into();
    keys.push(k.clone());
    k
}
