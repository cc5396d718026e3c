//! `findings.csv`: every finding of every disclosure of the site (`views::findings`), one
//! row each, and its resource in `datapackage.json`.
//!
//! Made from the units' listings (which carry their disclosures' findings), like the
//! home page. Amounts are plain decimals as the check computed them, in the unit of the
//! `unit` column; a name, date or count the check compared is left as text.

use crate::model::amount;
use crate::views::findings::Finding;
use crate::views::listing::UnitListing;
use serde_json::json;

/// The file's path in the output (and its name in the data package).
pub const PATH: &str = "findings.csv";

/// The columns, in order: (name, Frictionless type, description).
const FIELDS: [(&str, &str, &str); 16] = [
    ("unit", "string", "单位目录名（网址中的单位标识）"),
    ("year", "integer", "年度"),
    ("kind", "string", "budget 为部门预算，final 为部门决算"),
    (
        "number",
        "integer",
        "本公开文件核对结果中的编号（页面上的 ※ 编号）",
    ),
    ("rule", "string", "检查规则的标识（见 docs/rules.md）"),
    (
        "class",
        "string",
        "error 错误，rounding 尾数差异，unchecked 无法核对，missing 缺表",
    ),
    ("table", "string", "所在的表"),
    ("row", "string", "所在的行"),
    ("column", "string", "所在的栏"),
    ("published", "string", "公开的数字（或名称、日期）"),
    ("expected", "string", "按其他数字核对所得"),
    ("difference", "number", "公开数减核对所得"),
    (
        "amount_unit",
        "string",
        "published、expected、difference 的金额单位",
    ),
    ("acknowledged", "boolean", "录入时已对照原文确认原文如此"),
    ("reason", "string", "确认的说明"),
    ("message", "string", "核对结果的说明"),
];

/// `1,868.74万元` → (`1868.74`, `万元`); anything else as it is, with no unit.
fn plain(s: &str) -> (String, &'static str) {
    let t = s.trim();
    for unit in ["万元", "元"] {
        if let Some(num) = t.strip_suffix(unit)
            && let Ok(v) = amount::parse(num.trim())
        {
            return (v.to_string(), unit);
        }
    }
    (t.to_string(), "")
}

fn row(u: &UnitListing, year: u32, kind: &str, f: &Finding) -> Vec<String> {
    let (published, pu) = plain(f.published.as_deref().unwrap_or(""));
    let (expected, eu) = plain(f.expected.as_deref().unwrap_or(""));
    let (difference, du) = plain(f.difference.as_deref().unwrap_or(""));
    let unit = [pu, eu, du]
        .into_iter()
        .find(|u| !u.is_empty())
        .unwrap_or("");
    vec![
        u.slug.clone(),
        year.to_string(),
        kind.to_string(),
        f.number.to_string(),
        f.rule.clone(),
        f.class.as_str().to_string(),
        f.table.clone().unwrap_or_default(),
        f.row.clone().unwrap_or_default(),
        f.column.clone().unwrap_or_default(),
        published,
        expected,
        if du.is_empty() {
            String::new()
        } else {
            difference
        },
        unit.to_string(),
        f.acknowledged.to_string(),
        f.reason.clone().unwrap_or_default(),
        f.text.clone(),
    ]
}

/// The CSV (UTF-8 with a byte-order mark, CRLF lines, one header row), units in folder
/// order, each unit's disclosures oldest first.
pub fn csv(units: &[UnitListing]) -> Vec<u8> {
    let mut units: Vec<&UnitListing> = units.iter().collect();
    units.sort_by(|a, b| a.slug.cmp(&b.slug));
    let mut s = String::from("\u{feff}");
    let line = |s: &mut String, values: &[String]| {
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            super::downloads::csv_field(s, v);
        }
        s.push_str("\r\n");
    };
    let header: Vec<String> = FIELDS.iter().map(|(n, _, _)| n.to_string()).collect();
    line(&mut s, &header);
    for u in units {
        let mut ds: Vec<_> = u.disclosures.iter().collect();
        ds.sort_by_key(|d| (d.year, d.kind));
        for d in ds {
            for f in &d.findings.findings {
                line(&mut s, &row(u, d.year, d.kind.as_str(), f));
            }
        }
    }
    s.into_bytes()
}

/// The resource of `findings.csv` in `datapackage.json` (compact JSON, its schema inline).
pub fn resource() -> String {
    let fields: Vec<serde_json::Value> = FIELDS
        .iter()
        .map(|(name, ty, description)| {
            let mut f = json!({"name": name, "type": ty, "description": description});
            match *name {
                "class" => {
                    f["constraints"] = json!({"required": true,
                        "enum": ["error", "rounding", "unchecked", "missing"]})
                }
                "kind" => f["constraints"] = json!({"required": true, "enum": ["budget", "final"]}),
                "acknowledged" => {
                    f["trueValues"] = json!(["true"]);
                    f["falseValues"] = json!(["false"]);
                }
                "unit" | "year" | "number" | "rule" | "message" => {
                    f["constraints"] = json!({"required": true})
                }
                _ => {}
            }
            f
        })
        .collect();
    let r = json!({
        "name": "findings",
        "path": PATH,
        "title": "核对结果",
        "description": "gongkai 核对每份公开文件所得的结果，每条一行：公开表中的合计关系、表与表之间应当相等的数字、情况说明中的数字、应公开而未公开的表。与各公开文件页面的“核对结果”一节和 data.json 的 findings 相同。",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "profile": "tabular-data-resource",
        "schema": {
            "fields": fields,
            "missingValues": [""],
            "primaryKey": ["unit", "year", "kind", "number"],
        },
    });
    // Serializing a `Value` cannot fail.
    serde_json::to_string(&r).unwrap_or_default()
}
