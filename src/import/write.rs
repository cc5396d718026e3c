//! Drafts → source text (the YAML and Markdown of docs/sources.md, deterministic: the
//! same draft gives the same bytes), and the unit folder laid out atomically: files are
//! written into a temporary folder beside the target and renamed into place, so that a
//! failure leaves the content folder as it was.

use super::draft::{DisclosureDraft, Draft, RowDraft, TableDraft, UnitDraft};
use super::error::ImportError;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A YAML double-quoted scalar: always quoted, so that no printed text (`"是"`, `0.90`,
/// `#`, `: `) changes type or meaning.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A literal block scalar at `indent`, or a quoted scalar when the text does not fit
/// one (blank lines, leading spaces).
fn block(out: &mut String, key: &str, lines: &[String], indent: &str) {
    let lines: Vec<String> = lines
        .iter()
        .flat_map(|l| l.lines().map(|x| x.trim().replace('\t', " ")))
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "{indent}{key}: |");
    for l in lines {
        let _ = writeln!(out, "{indent}  {l}");
    }
}

pub fn unit_yaml(u: &UnitDraft) -> String {
    let mut out = String::new();
    if !u.inferred.is_empty() {
        let _ = writeln!(
            out,
            "# Imported by gongkai import. {} were inferred from the unit's name: check them.",
            u.inferred.join(", ")
        );
    }
    let _ = writeln!(out, "name: {}", quote(&u.name));
    let _ = writeln!(out, "region: {}", quote(&u.region));
    let _ = writeln!(out, "level: {}", quote(&u.level));
    let _ = writeln!(out, "unit_type: {}", quote(&u.unit_type));
    out
}

pub fn disclosure_yaml(d: &DisclosureDraft) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "kind: {}", d.kind);
    let _ = writeln!(out, "year: {}", d.year);
    let _ = writeln!(out, "template: {}", quote(&d.template));
    let _ = writeln!(out, "title: {}", quote(&d.title));
    let _ = writeln!(out, "amount_unit: {}", quote(&d.amount_unit));
    if let Some(t) = &d.text_unit {
        let _ = writeln!(out, "text_unit: {}", quote(t));
    }
    let _ = writeln!(out, "source: {}", quote(&d.source));
    block(&mut out, "note", &d.note, "");
    if d.tables.is_empty() {
        let _ = writeln!(out, "tables: []");
    } else {
        let _ = writeln!(out, "tables:");
    }
    for (i, t) in d.tables.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        table_yaml(&mut out, t);
    }
    out
}

fn flow_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn table_yaml(out: &mut String, t: &TableDraft) {
    let _ = writeln!(out, "  - id: {}", t.id);
    if let Some(n) = &t.number {
        let _ = writeln!(out, "    number: {}", quote(n));
    }
    let _ = writeln!(out, "    kind: {}", t.kind);
    let _ = writeln!(out, "    title: {}", quote(&t.title));
    if let Some(u) = &t.unit {
        let _ = writeln!(out, "    unit: {}", quote(u));
    }
    if let Some(s) = &t.status {
        let _ = writeln!(out, "    status: {s}");
    }
    if let Some(r) = &t.reason {
        let _ = writeln!(out, "    reason: {}", quote(r));
    }
    block(out, "note", &t.note, "    ");
    if !t.columns.is_empty() {
        let _ = writeln!(out, "    columns:");
    }
    for c in &t.columns {
        let mut line = format!("      - {{key: {}, name: {}", quote(&c.key), quote(&c.name));
        if let Some(ty) = &c.ty {
            let _ = write!(line, ", type: {ty}");
        }
        if !c.sum_of.is_empty() {
            let _ = write!(line, ", sum_of: {}", flow_list(&c.sum_of));
        }
        line.push('}');
        let _ = writeln!(out, "{line}");
    }
    if !t.rows.is_empty() {
        let _ = writeln!(out, "    rows:");
    }
    for r in &t.rows {
        let _ = writeln!(out, "      - {}", row_yaml(r));
    }
}

fn row_yaml(r: &RowDraft) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &r.key {
        parts.push(format!("key: {}", quote(k)));
    }
    if let Some(c) = &r.code {
        parts.push(format!("code: {}", quote(c)));
    }
    if let Some(u) = &r.unit {
        parts.push(format!("unit: {}", quote(u)));
    }
    if let Some(n) = &r.name {
        parts.push(format!("name: {}", quote(n)));
    }
    if !r.sum_of.is_empty() {
        parts.push(format!("sum_of: {}", flow_list(&r.sum_of)));
    }
    let values: Vec<String> = r
        .values
        .iter()
        .map(|(k, v)| format!("{}: {}", quote(k), quote(v)))
        .collect();
    parts.push(format!("values: {{{}}}", values.join(", ")));
    format!("{{{}}}", parts.join(", "))
}

/// The files of a draft: (file name, text).
pub fn render(d: &Draft) -> Vec<(String, String)> {
    let stem = format!("{}-{}", d.disclosure.year, d.disclosure.kind);
    let md = if d.markdown.ends_with('\n') {
        d.markdown.clone()
    } else {
        format!("{}\n", d.markdown)
    };
    vec![
        ("unit.yaml".to_string(), unit_yaml(&d.unit)),
        (format!("{stem}.yaml"), disclosure_yaml(&d.disclosure)),
        (format!("{stem}.md"), md),
    ]
}

/// What `write` did.
#[derive(Debug)]
pub struct Written {
    pub dir: PathBuf,
    /// The files written (full paths).
    pub files: Vec<PathBuf>,
    /// The unit folder existed and its `unit.yaml` was kept as it was.
    pub kept_unit: bool,
}

fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

fn io_err(path: &Path, e: std::io::Error) -> ImportError {
    ImportError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// The `name:` of an existing `unit.yaml` (a plain or double-quoted scalar).
fn existing_name(unit_yaml: &Path) -> Option<String> {
    let text = std::fs::read_to_string(unit_yaml).ok()?;
    let line = text.lines().find(|l| l.starts_with("name:"))?;
    let v = line["name:".len()..].split(" #").next()?.trim();
    Some(v.trim_matches('"').trim_matches('\'').to_string())
}

/// Writes the draft into `content/<slug>/`. A new unit's folder appears whole or not at
/// all; a new year is added beside the unit's other years (its `unit.yaml` kept); an
/// existing year, or a folder holding another unit, is replaced only with `force`.
pub fn write(content: &Path, d: &Draft, force: bool) -> Result<Written, ImportError> {
    if !valid_slug(&d.slug) {
        return Err(ImportError::NotRecognized {
            what: format!("单位目录名“{}”只能由小写字母、数字和连字符组成", d.slug),
        });
    }
    std::fs::create_dir_all(content).map_err(|e| io_err(content, e))?;
    let target = content.join(&d.slug);
    let files = render(d);
    let stamp = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|t| t.as_nanos())
            .unwrap_or(0)
    );
    // A folder left by an import that was killed would be loaded as a unit: gone first.
    let prefix = format!(".{}.import-", d.slug);
    if let Ok(entries) = std::fs::read_dir(content) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let temp = content.join(format!("{prefix}{stamp}"));
    let result = if target.exists() {
        add_year(&target, &temp, &files, d, force)
    } else {
        new_unit(&target, &temp, &files)
    };
    // The temporary folder is gone whatever happened.
    let _ = std::fs::remove_dir_all(&temp);
    result
}

fn write_all(dir: &Path, files: &[(String, String)]) -> Result<(), ImportError> {
    std::fs::create_dir(dir).map_err(|e| io_err(dir, e))?;
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| io_err(&p, e))?;
    }
    Ok(())
}

fn new_unit(
    target: &Path,
    temp: &Path,
    files: &[(String, String)],
) -> Result<Written, ImportError> {
    write_all(temp, files)?;
    std::fs::rename(temp, target).map_err(|e| io_err(target, e))?;
    Ok(Written {
        dir: target.to_path_buf(),
        files: files.iter().map(|(n, _)| target.join(n)).collect(),
        kept_unit: false,
    })
}

fn add_year(
    target: &Path,
    temp: &Path,
    files: &[(String, String)],
    d: &Draft,
    force: bool,
) -> Result<Written, ImportError> {
    if !target.is_dir() {
        return Err(ImportError::Exists {
            path: target.to_path_buf(),
        });
    }
    let unit_file = target.join("unit.yaml");
    let has_unit = unit_file.is_file();
    if has_unit
        && !force
        && let Some(name) = existing_name(&unit_file).filter(|n| *n != d.unit.name)
    {
        return Err(ImportError::OtherUnit {
            path: target.to_path_buf(),
            name,
        });
    }
    // The year's files; unit.yaml only where the folder has none.
    let moving: Vec<&(String, String)> = files
        .iter()
        .filter(|(n, _)| n != "unit.yaml" || !has_unit)
        .collect();
    if !force && let Some((n, _)) = moving.iter().find(|(n, _)| target.join(n).exists()) {
        return Err(ImportError::Exists {
            path: target.join(n),
        });
    }
    let owned: Vec<(String, String)> = moving.iter().map(|f| (*f).clone()).collect();
    write_all(temp, &owned)?;
    // Old files are moved aside first, so that a failure can put them back.
    let backup = temp.join(".old");
    std::fs::create_dir(&backup).map_err(|e| io_err(&backup, e))?;
    let mut moved_old: Vec<&str> = Vec::new();
    let mut moved_new: Vec<&str> = Vec::new();
    let mut failure = None;
    for (n, _) in &owned {
        let dest = target.join(n);
        if dest.exists() {
            if let Err(e) = std::fs::rename(&dest, backup.join(n)) {
                failure = Some(io_err(&dest, e));
                break;
            }
            moved_old.push(n);
        }
        if let Err(e) = std::fs::rename(temp.join(n), &dest) {
            failure = Some(io_err(&dest, e));
            break;
        }
        moved_new.push(n);
    }
    if let Some(e) = failure {
        for n in moved_new {
            let _ = std::fs::remove_file(target.join(n));
        }
        for n in moved_old {
            let _ = std::fs::rename(backup.join(n), target.join(n));
        }
        return Err(e);
    }
    Ok(Written {
        dir: target.to_path_buf(),
        files: owned.iter().map(|(n, _)| target.join(n)).collect(),
        kept_unit: has_unit,
    })
}
