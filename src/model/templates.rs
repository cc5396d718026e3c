//! Table kinds and templates (`data/templates.yaml`): which tables a disclosure's
//! standard set must contain, and the standard name of each kind.

use crate::model::DataError;
use serde::Deserialize;
use std::collections::BTreeMap;

const TEMPLATES_YAML: &str = include_str!("../../data/templates.yaml");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub kind: String,
    pub required: Vec<String>,
    /// The explanation items (section ids) the template's text must contain.
    pub sections: Vec<SectionRequirement>,
    /// Kinds some units of the template publish beyond the required set: used only to
    /// place them in the page order (`after` a required kind), never by the
    /// completeness rule.
    #[serde(default)]
    pub optional: Vec<Optional>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Optional {
    pub kind: String,
    /// The required kind it follows in the standard order.
    pub after: String,
}

/// A required explanation item: its section id, and the first year the template
/// required it (templates gain items over the years).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum SectionRequirement {
    Always(String),
    From { id: String, from: u32 },
}

impl SectionRequirement {
    pub fn id(&self) -> &str {
        match self {
            SectionRequirement::Always(id) | SectionRequirement::From { id, .. } => id,
        }
    }

    /// Whether a disclosure of `year` must contain the item.
    pub fn applies_to(&self, year: u32) -> bool {
        match self {
            SectionRequirement::Always(_) => true,
            SectionRequirement::From { from, .. } => year >= *from,
        }
    }
}

impl Template {
    /// The section ids a disclosure of `year` must contain, in the template's order.
    pub fn required_sections(&self, year: u32) -> impl Iterator<Item = &str> {
        self.sections
            .iter()
            .filter(move |s| s.applies_to(year))
            .map(SectionRequirement::id)
    }

    /// The standard order of the template's tables on a page: the required kinds, each
    /// followed by the optional kinds placed after it.
    pub fn page_order(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for k in &self.required {
            out.push(k.as_str());
            out.extend(
                self.optional
                    .iter()
                    .filter(|o| o.after == *k)
                    .map(|o| o.kind.as_str()),
            );
        }
        out
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// Kind id → standard table name.
    pub kinds: BTreeMap<String, String>,
    /// Section id → the explanation item it is, for the sections templates require.
    pub sections: BTreeMap<String, String>,
    pub templates: BTreeMap<String, Template>,
    /// Kind id → other printed titles of that kind (for `gongkai import`, which must
    /// recognize a table whatever the year's template called it).
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
}

impl Templates {
    /// The templates compiled into gongkai (parsed once per process: they cannot change).
    pub fn builtin() -> Result<Templates, DataError> {
        static PARSED: std::sync::OnceLock<Result<Templates, DataError>> =
            std::sync::OnceLock::new();
        PARSED.get_or_init(Templates::parse_builtin).clone()
    }

    fn parse_builtin() -> Result<Templates, DataError> {
        let t: Templates = serde_saphyr::from_str(TEMPLATES_YAML)
            .map_err(|e| DataError(format!("data/templates.yaml 无法解析：{e}")))?;
        for (id, tpl) in &t.templates {
            for k in &tpl.required {
                if !t.kinds.contains_key(k) {
                    return Err(DataError(format!(
                        "data/templates.yaml：模板 {id} 引用了未定义的表类型 {k}"
                    )));
                }
            }
            for sec in &tpl.sections {
                if !t.sections.contains_key(sec.id()) {
                    return Err(DataError(format!(
                        "data/templates.yaml：模板 {id} 要求了未定义的说明事项 {}",
                        sec.id()
                    )));
                }
            }
            for o in &tpl.optional {
                if !t.kinds.contains_key(&o.kind) {
                    return Err(DataError(format!(
                        "data/templates.yaml：模板 {id} 引用了未定义的表类型 {}",
                        o.kind
                    )));
                }
                if !tpl.required.contains(&o.after) {
                    return Err(DataError(format!(
                        "data/templates.yaml：模板 {id} 的可选表 {} 应排在必需表之后，{} 不是必需表",
                        o.kind, o.after
                    )));
                }
                if tpl.required.contains(&o.kind) {
                    return Err(DataError(format!(
                        "data/templates.yaml：模板 {id} 的表类型 {} 既是必需表又是可选表",
                        o.kind
                    )));
                }
            }
        }
        for k in t.aliases.keys() {
            if !t.kinds.contains_key(k) {
                return Err(DataError(format!(
                    "data/templates.yaml：别名（aliases）引用了未定义的表类型 {k}"
                )));
            }
        }
        Ok(t)
    }

    /// Every title a kind is known by: its standard name, then its aliases.
    pub fn titles_of<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a str> + 'a {
        let name = self.kinds.get(kind).map(String::as_str);
        let aliases = self
            .aliases
            .get(kind)
            .into_iter()
            .flatten()
            .map(String::as_str);
        name.into_iter().chain(aliases)
    }

    pub fn kind_name(&self, kind: &str) -> Option<&str> {
        self.kinds.get(kind).map(String::as_str)
    }

    /// What the explanation item `id` is (“三公”经费情况说明 …).
    pub fn section_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.sections.get(id).map_or(id, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn builtin_templates_load() {
        let t = super::Templates::builtin().unwrap();
        assert!(t.templates.contains_key("hunan-budget"));
        assert_eq!(
            t.kind_name("three_public"),
            Some("一般公共预算“三公”经费支出表")
        );
        let order = t.templates["hunan-budget"].page_order();
        let at = order.iter().position(|k| *k == "general_basic").unwrap();
        assert_eq!(order[at - 1], "general_expenditure");
        assert_eq!(t.templates["jiangsu-budget"].required.len(), 12);
        assert_eq!(t.templates["shanghai-final"].required.len(), 9);
        assert!(
            t.titles_of("general_expenditure")
                .any(|a| a == "一般公共预算支出预算表")
        );
        assert!(
            !t.templates["hunan-budget"]
                .required
                .contains(&"general_basic".to_string())
        );
    }
}
