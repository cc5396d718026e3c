//! The editions of the catalogue (`data/catalogue/editions.yaml`), derived from the base.
//!
//! Each held edition is the base edition carried through the dated amendments between
//! them (forward for a later edition; undone, newest first, for an earlier one), less
//! the codes whose name in that edition is not confirmed, plus the names attested for
//! that edition alone (printed in the corpus, for codes the base does not carry that
//! far). Every step is checked: an amendment must find the code as it says (a rename
//! its old name, a removal its name, an addition no code), an attested name may not
//! contradict a derived one, and every 款 / 项 has its parent. A broken file is a
//! `DataError`, never a silently different catalogue.

use super::{Catalogue, Class, Entry, parent};
use crate::model::{DataError, Disclosure};
use serde::Deserialize;
use std::collections::BTreeMap;

const EDITIONS_YAML: &str = include_str!("../../../data/catalogue/editions.yaml");
const EDITIONS_FILE: &str = "data/catalogue/editions.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EditionsSrc {
    base: u32,
    first: u32,
    last: u32,
    #[serde(default)]
    amendments: Vec<AmendmentSrc>,
    #[serde(default)]
    unconfirmed: Vec<UnconfirmedSrc>,
    #[serde(default)]
    attested: Vec<AttestedSrc>,
}

/// The changes an edition made to the one before it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmendmentSrc {
    edition: u32,
    /// When it took effect (`YYYY-MM-DD`).
    date: String,
    /// The document that made it.
    source: String,
    /// Classifications that did not exist before this edition (`gov_economic`).
    #[serde(default)]
    introduced: Vec<String>,
    #[serde(default)]
    added: Vec<Entry>,
    #[serde(default)]
    renamed: Vec<Rename>,
    #[serde(default)]
    removed: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rename {
    code: String,
    from: String,
    to: String,
}

/// Codes left out of some editions: their name there is not confirmed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnconfirmedSrc {
    /// `2019` or `2017-2018`.
    editions: String,
    reason: String,
    #[serde(default)]
    codes: Vec<String>,
    /// Every code below these (longer and starting with them), not the code itself.
    #[serde(default)]
    under: Vec<String>,
}

/// Names known for some editions only (`evidence` says how).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttestedSrc {
    editions: String,
    evidence: String,
    entries: Vec<Entry>,
}

/// One dated amendment, as `gongkai` reports it in documentation.
#[derive(Clone, Debug)]
pub struct Amendment {
    pub edition: u32,
    pub date: String,
    pub source: String,
    pub added: usize,
    pub renamed: usize,
    pub removed: usize,
}

/// Every edition held, from `first` to `last`.
pub struct Editions {
    base: u32,
    by_year: BTreeMap<u32, Catalogue>,
    amendments: Vec<Amendment>,
}

impl Editions {
    /// The editions compiled into gongkai (derived once per process).
    pub fn builtin() -> Result<&'static Editions, DataError> {
        static PARSED: std::sync::OnceLock<Result<Editions, DataError>> =
            std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| Editions::derive(Catalogue::parse_base()?, EDITIONS_YAML))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The base edition, as written out in full.
    pub fn base(&self) -> &Catalogue {
        &self.by_year[&self.base]
    }

    /// The edition of `year`: the edition of that year when it is held, otherwise the
    /// nearest one held (the first for earlier years, the last for later ones).
    pub fn for_year(&self, year: u32) -> &Catalogue {
        let (first, last) = self.range();
        &self.by_year[&year.clamp(first, last)]
    }

    /// The edition a disclosure is checked against: its `catalogue_edition:` when it
    /// names one, otherwise its year's.
    pub fn for_disclosure(&self, d: &Disclosure) -> &Catalogue {
        self.for_year(d.catalogue_edition.unwrap_or(d.year))
    }

    /// The first and the last edition held.
    pub fn range(&self) -> (u32, u32) {
        let first = *self.by_year.keys().next().expect("at least the base");
        let last = *self.by_year.keys().next_back().expect("at least the base");
        (first, last)
    }

    pub fn holds(&self, year: u32) -> bool {
        self.by_year.contains_key(&year)
    }

    /// Every edition held, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Catalogue)> {
        self.by_year.iter().map(|(y, c)| (*y, c))
    }

    /// The dated amendments, in order.
    pub fn amendments(&self) -> &[Amendment] {
        &self.amendments
    }

    fn derive(base: Catalogue, yaml: &str) -> Result<Editions, DataError> {
        let err = |m: String| DataError(format!("{EDITIONS_FILE}：{m}"));
        let src: EditionsSrc =
            serde_saphyr::from_str(yaml).map_err(|e| err(format!("无法解析：{e}")))?;
        if base.edition != src.base.to_string() {
            return Err(err(format!(
                "base 为 {}，但基础版本文件是 {} 年版",
                src.base, base.edition
            )));
        }
        if !(src.first <= src.base && src.base <= src.last) {
            return Err(err(format!(
                "版本范围 {}–{} 不含基础版本 {}",
                src.first, src.last, src.base
            )));
        }
        let mut by_amendment: BTreeMap<u32, Vec<&AmendmentSrc>> = BTreeMap::new();
        for a in &src.amendments {
            if a.edition <= src.first || a.edition > src.last {
                return Err(err(format!(
                    "{} 年版的修订不在 {}–{} 之间（首个版本没有“上一版”）",
                    a.edition,
                    src.first + 1,
                    src.last
                )));
            }
            if crate::model::parse_date(&a.date).is_none() {
                return Err(err(format!(
                    "{} 年版修订的日期 `{}` 无效",
                    a.edition, a.date
                )));
            }
            by_amendment.entry(a.edition).or_default().push(a);
        }
        // The full editions: the base carried through the amendments.
        let mut full: BTreeMap<u32, Catalogue> = BTreeMap::new();
        full.insert(src.base, base);
        for y in src.base + 1..=src.last {
            let mut c = full[&(y - 1)].clone();
            for a in by_amendment.get(&y).into_iter().flatten() {
                apply(&mut c, a).map_err(|m| err(format!("{y} 年版修订：{m}")))?;
            }
            c.edition = y.to_string();
            full.insert(y, c);
        }
        for y in (src.first..src.base).rev() {
            let mut c = full[&(y + 1)].clone();
            for a in by_amendment.get(&(y + 1)).into_iter().flatten().rev() {
                undo(&mut c, a).map_err(|m| err(format!("撤回 {} 年版修订：{m}", y + 1)))?;
            }
            c.edition = y.to_string();
            full.insert(y, c);
        }
        // Each held edition: less what is unconfirmed there, plus what is attested there.
        let mut unconfirmed = Vec::new();
        for u in &src.unconfirmed {
            let range = years(&u.editions).map_err(&err)?;
            if u.reason.trim().is_empty() || (u.codes.is_empty() && u.under.is_empty()) {
                return Err(err(format!(
                    "未确认条目（{}）须写明 reason 和 codes 或 under",
                    u.editions
                )));
            }
            unconfirmed.push((range, u));
        }
        let mut attested = Vec::new();
        for a in &src.attested {
            let range = years(&a.editions).map_err(&err)?;
            if a.evidence.trim().is_empty() {
                return Err(err(format!("佐证条目（{}）须写明 evidence", a.editions)));
            }
            attested.push((range, a));
        }
        let mut by_year = BTreeMap::new();
        for (y, mut c) in full {
            if y < src.first {
                continue;
            }
            for ((from, to), u) in &unconfirmed {
                if (*from..=*to).contains(&y) {
                    c.names.retain(|code, _| {
                        !u.codes.contains(code)
                            && !u
                                .under
                                .iter()
                                .any(|p| code.len() > p.len() && code.starts_with(p.as_str()))
                    });
                }
            }
            c.gov_of_dept.retain(|code, _| c.names.contains_key(code));
            for ((from, to), a) in &attested {
                if !(*from..=*to).contains(&y) {
                    continue;
                }
                for e in &a.entries {
                    match c.names.get(&e.code) {
                        Some(n) if *n != e.name => {
                            return Err(err(format!(
                                "{y} 年版中编码 {} 已是「{n}」，佐证条目写的是「{}」",
                                e.code, e.name
                            )));
                        }
                        _ => {
                            c.names.insert(e.code.clone(), e.name.clone());
                        }
                    }
                    if let Some(g) = &e.gov {
                        c.gov_of_dept.insert(e.code.clone(), g.clone());
                    }
                }
            }
            for code in c.names.keys() {
                if let Some(p) = parent(code)
                    && !c.names.contains_key(p)
                {
                    return Err(err(format!("{y} 年版中编码 {code} 没有上级 {p}")));
                }
            }
            by_year.insert(y, c);
        }
        let amendments = src
            .amendments
            .iter()
            .map(|a| Amendment {
                edition: a.edition,
                date: a.date.clone(),
                source: a.source.clone(),
                added: a.added.len(),
                renamed: a.renamed.len(),
                removed: a.removed.len(),
            })
            .collect();
        Ok(Editions {
            base: src.base,
            by_year,
            amendments,
        })
    }
}

/// `2019` → (2019, 2019); `2017-2018` → (2017, 2018).
fn years(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("版本范围 `{s}` 应写作 YYYY 或 YYYY-YYYY");
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: u32 = a.trim().parse().map_err(|_| bad())?;
    let b: u32 = b.trim().parse().map_err(|_| bad())?;
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

fn class_of_word(word: &str) -> Result<Class, String> {
    [Class::Functional, Class::DeptEconomic, Class::GovEconomic]
        .into_iter()
        .find(|c| c.word() == word)
        .ok_or_else(|| format!("未知的分类 `{word}`"))
}

/// Carries an edition forward through an amendment.
fn apply(c: &mut Catalogue, a: &AmendmentSrc) -> Result<(), String> {
    for w in &a.introduced {
        let class = class_of_word(w)?;
        if !c.names.keys().any(|k| Class::of(k) == Some(class)) {
            return Err(format!("引入的分类 {w} 在基础版本中没有任何编码"));
        }
    }
    for e in &a.removed {
        match c.names.remove(&e.code) {
            Some(n) if n == e.name => {
                c.gov_of_dept.remove(&e.code);
            }
            Some(n) => return Err(format!("删除的 {} 名为「{n}」而非「{}」", e.code, e.name)),
            None => return Err(format!("删除的 {} 不在上一版中", e.code)),
        }
    }
    for r in &a.renamed {
        match c.names.get_mut(&r.code) {
            Some(n) if *n == r.from => *n = r.to.clone(),
            Some(n) => return Err(format!("更名的 {} 原名为「{n}」而非「{}」", r.code, r.from)),
            None => return Err(format!("更名的 {} 不在上一版中", r.code)),
        }
    }
    for e in &a.added {
        if c.names.insert(e.code.clone(), e.name.clone()).is_some() {
            return Err(format!("新增的 {} 已在上一版中", e.code));
        }
        if let Some(g) = &e.gov {
            c.gov_of_dept.insert(e.code.clone(), g.clone());
        }
    }
    Ok(())
}

/// Takes an edition back to the one before an amendment.
fn undo(c: &mut Catalogue, a: &AmendmentSrc) -> Result<(), String> {
    for e in &a.added {
        match c.names.remove(&e.code) {
            Some(n) if n == e.name => {
                c.gov_of_dept.remove(&e.code);
            }
            Some(n) => return Err(format!("新增的 {} 名为「{n}」而非「{}」", e.code, e.name)),
            None => return Err(format!("新增的 {} 不在该版中", e.code)),
        }
    }
    for r in &a.renamed {
        match c.names.get_mut(&r.code) {
            Some(n) if *n == r.to => *n = r.from.clone(),
            Some(n) => return Err(format!("更名的 {} 现名为「{n}」而非「{}」", r.code, r.to)),
            None => return Err(format!("更名的 {} 不在该版中", r.code)),
        }
    }
    for e in &a.removed {
        if c.names.insert(e.code.clone(), e.name.clone()).is_some() {
            return Err(format!("删除的 {} 仍在该版中", e.code));
        }
        if let Some(g) = &e.gov {
            c.gov_of_dept.insert(e.code.clone(), g.clone());
        }
    }
    for w in &a.introduced {
        let class = class_of_word(w)?;
        c.names.retain(|k, _| Class::of(k) != Some(class));
        if class == Class::GovEconomic {
            c.gov_of_dept.clear();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Catalogue {
        let mut names = BTreeMap::new();
        for (c, n) in [
            ("220", "自然资源海洋气象等支出"),
            ("22001", "自然资源事务"),
            ("301", "工资福利支出"),
            ("30113", "住房公积金"),
            ("501", "机关工资福利支出"),
        ] {
            names.insert(c.to_string(), n.to_string());
        }
        let mut gov_of_dept = BTreeMap::new();
        gov_of_dept.insert("30113".to_string(), "50103".to_string());
        Catalogue {
            edition: "2023".into(),
            names,
            gov_of_dept,
        }
    }

    const YAML: &str = r#"
base: 2023
first: 2017
last: 2025
amendments:
  - edition: 2019
    date: "2019-01-01"
    source: test
    renamed:
      - {code: "220", from: 国土海洋气象等支出, to: 自然资源海洋气象等支出}
      - {code: "22001", from: 国土资源事务, to: 自然资源事务}
  - edition: 2018
    date: "2018-01-01"
    source: test
    introduced: [gov_economic]
    added:
      - {code: "30113", name: 住房公积金, gov: "50103"}
  - edition: 2025
    date: "2025-01-01"
    source: test
    removed:
      - {code: "22001", name: 自然资源事务}
unconfirmed:
  - {editions: "2017", reason: test, under: ["301"]}
attested:
  - editions: "2017"
    evidence: test
    entries:
      - {code: "30104", name: 其他社会保障缴费}
"#;

    #[test]
    fn derives_each_edition_through_the_amendments() {
        let e = Editions::derive(base(), YAML).unwrap();
        assert_eq!(e.range(), (2017, 2025));
        assert_eq!(e.for_year(2018).name("220"), Some("国土海洋气象等支出"));
        assert_eq!(e.for_year(2019).name("22001"), Some("自然资源事务"));
        assert_eq!(e.for_year(2024).name("22001"), Some("自然资源事务"));
        assert_eq!(e.for_year(2025).name("22001"), None);
        // Clamped to the nearest edition held.
        assert_eq!(e.for_year(2030).edition, "2025");
        assert_eq!(e.for_year(2001).edition, "2017");
        // Before 2018: no government economic classification, no 30113.
        assert_eq!(e.for_year(2017).name("501"), None);
        assert_eq!(e.for_year(2018).name("501"), Some("机关工资福利支出"));
        assert_eq!(e.for_year(2017).name("30113"), None);
        assert_eq!(e.for_year(2018).gov_of("30113"), Some("50103"));
        // Unconfirmed below 3, not 3's own 类 line; attested for 2017 only.
        assert_eq!(e.for_year(2017).name("301"), Some("工资福利支出"));
        assert_eq!(e.for_year(2017).name("30104"), Some("其他社会保障缴费"));
        assert_eq!(e.for_year(2018).name("30104"), None);
    }

    #[test]
    fn an_amendment_that_does_not_fit_is_an_error() {
        for (from, to) in [
            ("to: 自然资源海洋气象等支出", "to: 自然资源海洋等支出"),
            (
                "{code: \"30113\", name: 住房公积金",
                "{code: \"30113\", name: 公积金",
            ),
            ("name: 自然资源事务}", "name: 自然资源}"),
            ("date: \"2018-01-01\"", "date: \"2018-02-30\""),
            // An attested name may not contradict a derived one.
            (
                "{code: \"30104\", name: 其他社会保障缴费}",
                "{code: \"301\", name: 工资}",
            ),
        ] {
            let yaml = YAML.replacen(from, to, 1);
            assert_ne!(yaml, YAML, "{from}");
            let e = Editions::derive(base(), &yaml);
            assert!(e.is_err(), "{from} → {to} was accepted");
        }
    }

    #[test]
    fn a_code_without_its_parent_is_an_error() {
        let yaml = YAML.replace("under: [\"301\"]", "codes: [\"220\"]");
        let e = Editions::derive(base(), &yaml)
            .err()
            .expect("22001 has no 220");
        assert!(e.0.contains("22001"), "{}", e.0);
    }

    #[test]
    fn the_builtin_editions_derive() {
        let e = Editions::builtin().unwrap();
        assert!(e.holds(2017) && e.holds(2026));
        assert_eq!(e.base().edition, "2023");
    }
}
