//! The classification catalogue (`data/catalogue/`): official codes and names of the
//! functional and the two economic classifications, and the mapping between the latter,
//! per edition of 政府收支分类科目. One edition is written out in full (the base,
//! `2023.yaml`); `editions.yaml` derives the others from it (see [`Editions`]).

use crate::model::DataError;
use serde::Deserialize;
use std::collections::BTreeMap;

const BASE_YAML: &str = include_str!("../../data/catalogue/2023.yaml");
const BASE_FILE: &str = "data/catalogue/2023.yaml";

mod editions;
pub use editions::Editions;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    code: String,
    name: String,
    #[serde(default)]
    gov: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueSrc {
    edition: String,
    functional: Vec<Entry>,
    dept_economic: Vec<Entry>,
    gov_economic: Vec<Entry>,
}

/// Which classification a code belongs to, from its first digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Functional,
    DeptEconomic,
    GovEconomic,
}

impl Class {
    pub fn of(code: &str) -> Option<Class> {
        match code.as_bytes().first()? {
            b'2' => Some(Class::Functional),
            b'3' => Some(Class::DeptEconomic),
            b'5' => Some(Class::GovEconomic),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Class::Functional => "支出功能分类",
            Class::DeptEconomic => "部门预算支出经济分类",
            Class::GovEconomic => "政府预算支出经济分类",
        }
    }
    pub fn word(self) -> &'static str {
        match self {
            Class::Functional => "functional",
            Class::DeptEconomic => "dept_economic",
            Class::GovEconomic => "gov_economic",
        }
    }
}

/// The level of a code within its classification.
pub fn level_zh(code: &str) -> &'static str {
    match code.len() {
        3 => "类",
        5 => "款",
        7 => "项",
        _ => "",
    }
}

/// The parent code (款 of a 项, 类 of a 款), if any.
pub fn parent(code: &str) -> Option<&str> {
    match code.len() {
        5 => Some(&code[..3]),
        7 => Some(&code[..5]),
        _ => None,
    }
}

#[derive(Clone)]
pub struct Catalogue {
    pub edition: String,
    names: BTreeMap<String, String>,
    gov_of_dept: BTreeMap<String, String>,
}

impl Catalogue {
    /// The base edition compiled into gongkai (`data/catalogue/2023.yaml`), for what needs
    /// names without a document's year (the importer, the charts). A check uses the
    /// document's edition: [`Editions::for_disclosure`].
    pub fn builtin() -> Result<Catalogue, DataError> {
        Ok(Editions::builtin()?.base().clone())
    }

    fn parse_base() -> Result<Catalogue, DataError> {
        let src: CatalogueSrc = serde_saphyr::from_str(BASE_YAML)
            .map_err(|e| DataError(format!("{BASE_FILE} 无法解析：{e}")))?;
        let mut names = BTreeMap::new();
        let mut gov_of_dept = BTreeMap::new();
        for e in src
            .functional
            .iter()
            .chain(&src.dept_economic)
            .chain(&src.gov_economic)
        {
            if names.insert(e.code.clone(), e.name.clone()).is_some() {
                return Err(DataError(format!("{BASE_FILE}：编码 {} 重复", e.code)));
            }
            if let Some(g) = &e.gov {
                gov_of_dept.insert(e.code.clone(), g.clone());
            }
        }
        Ok(Catalogue {
            edition: src.edition,
            names,
            gov_of_dept,
        })
    }
    /// The official name of `code`, if the catalogue has it.
    pub fn name(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }
    /// Every code and its official name, in code order (for `gongkai import`, which
    /// finds the code of a line printed with its name only, and the names in the text).
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names.iter().map(|(c, n)| (c.as_str(), n.as_str()))
    }
    /// The government economic 款 a department economic 款 maps to.
    pub fn gov_of(&self, dept_code: &str) -> Option<&str> {
        self.gov_of_dept.get(dept_code).map(String::as_str)
    }
    /// Whether the catalogue lists `code`.
    pub fn contains(&self, code: &str) -> bool {
        self.names.contains_key(code)
    }
    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}
