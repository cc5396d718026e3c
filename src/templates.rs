//! Table kinds and templates (`data/templates.yaml`): which tables a disclosure's
//! standard set must contain, and the standard name of each kind.

use serde::Deserialize;
use std::collections::BTreeMap;

const TEMPLATES_YAML: &str = include_str!("../data/templates.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub kind: String,
    pub required: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// Kind id → standard table name.
    pub kinds: BTreeMap<String, String>,
    pub templates: BTreeMap<String, Template>,
}

impl Templates {
    /// The templates compiled into gongkai.
    pub fn builtin() -> Result<Templates, String> {
        let t: Templates = serde_saphyr::from_str(TEMPLATES_YAML)
            .map_err(|e| format!("data/templates.yaml 无法解析：{e}"))?;
        for (id, tpl) in &t.templates {
            for k in &tpl.required {
                if !t.kinds.contains_key(k) {
                    return Err(format!(
                        "data/templates.yaml：模板 {id} 引用了未定义的表类型 {k}"
                    ));
                }
            }
        }
        Ok(t)
    }
    pub fn kind_name(&self, kind: &str) -> Option<&str> {
        self.kinds.get(kind).map(String::as_str)
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
    }
}
