//! A table's kind from its printed title, and the template from the kinds found.

use crate::model::templates::Templates;

/// The title reduced to what names the table: no number (`公开07表`, `表7`, `一、`), no
/// leading year (`2019年`, `2019年度`), no trailing bracket (`（功能科目）`), no quotes,
/// spaces or `部门` prefix differences. Titles vary in exactly these ways across years.
pub fn clean_title(title: &str) -> String {
    strip_brackets(normalized(title))
}

/// The title without number, year, quotes and spaces, with one spelling of brackets and
/// dashes (`(` → `（`, `--` → `——`), brackets kept: Hunan's six basic-expenditure
/// tables differ only in them.
fn normalized(title: &str) -> String {
    // A single `-` stays (it numbers tables: `公开01-1表`); doubled, it is a dash.
    let title = title.replace("--", "——").replace("－－", "——");
    let mut s: String = title
        .chars()
        .filter(|c| !c.is_whitespace() && !"“”\"'‘’「」".contains(*c))
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            '–' | '―' => '—',
            c => c,
        })
        .collect();
    while s.contains("———") {
        s = s.replace("———", "——");
    }
    s = strip_number(&s).to_string();
    // A leading year: `2019年`, `2019年度`.
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() == 4 {
        let rest = &s[4..];
        let rest = rest
            .strip_prefix("年度")
            .or_else(|| rest.strip_prefix('年'))
            .unwrap_or(rest);
        s = rest.to_string();
    }
    s
}

fn strip_brackets(mut s: String) -> String {
    // A trailing bracket (one level) says how, not what: `（功能科目）`, `(经济分类)`.
    loop {
        let trimmed = s.trim_end();
        let close = trimmed.ends_with('）') || trimmed.ends_with(')');
        if !close {
            break;
        }
        match trimmed.rfind(['（', '(']) {
            Some(at) if at > 0 => s = trimmed[..at].to_string(),
            _ => break,
        }
    }
    s
}

/// A table number printed at the start of the title (`公开07表 一般…`, `表7：…`), split
/// off: (number, the rest as printed). `None` when the title starts otherwise.
pub fn split_number(title: &str) -> Option<(String, String)> {
    let t = title.trim();
    for prefix in ["部门公开表", "公开", "附表", "表"] {
        let Some(after) = t.strip_prefix(prefix) else {
            continue;
        };
        let digits: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '-')
            .collect();
        if digits.is_empty() {
            continue;
        }
        let mut rest = &after[digits.len()..];
        let mut number = format!("{prefix}{digits}");
        if let Some(r) = rest.strip_prefix('表') {
            number.push('表');
            rest = r;
        }
        let rest = rest.trim_start_matches([' ', '：', ':', '、', '　']).trim();
        if rest.is_empty() {
            return None;
        }
        return Some((number, rest.to_string()));
    }
    None
}

/// The title without a leading table number: `公开07表`, `部门公开表07`, `表7`, `附表7`,
/// `一、`, `7.`, `（七）`.
fn strip_number(s: &str) -> &str {
    let mut rest = s;
    for prefix in ["部门公开表", "公开表", "公开", "附表", "表"] {
        if let Some(after) = rest.strip_prefix(prefix) {
            let n = after
                .char_indices()
                .take_while(|(_, c)| c.is_ascii_digit() || *c == '-' || *c == '.')
                .last()
                .map(|(i, c)| i + c.len_utf8())
                .unwrap_or(0);
            if n > 0 {
                rest = &after[n..];
                rest = rest.strip_prefix('表').unwrap_or(rest);
                break;
            }
        }
    }
    strip_ordinal(rest)
}

/// The text after a leading ordinal: `一、`, `十一、`, `（七）`, `(1)`, `7.`, `7、`. The
/// numerals of an ordinal are only those before its separator (`（一）一般…` keeps
/// `一般…`).
pub fn strip_ordinal(s: &str) -> &str {
    let numeral = |c: char| "一二三四五六七八九十0123456789".contains(c);
    if let Some(inner) = s.strip_prefix('（').or_else(|| s.strip_prefix('(')) {
        let digits = inner.chars().take_while(|c| numeral(*c)).count();
        let after: String = inner.chars().skip(digits).take(1).collect();
        if digits > 0 && (after == "）" || after == ")") {
            let at = inner
                .char_indices()
                .nth(digits + 1)
                .map(|(i, _)| i)
                .unwrap_or(inner.len());
            return &inner[at..];
        }
        return s;
    }
    let digits: usize = s
        .chars()
        .take_while(|c| numeral(*c))
        .map(char::len_utf8)
        .sum();
    if digits > 0 {
        let after = &s[digits..];
        for sep in ['、', '.', '．', ':', '：'] {
            if let Some(a) = after.strip_prefix(sep) {
                return a;
            }
        }
    }
    s
}

/// Kinds a disclosure of `disclosure_kind` can hold: those its templates require or
/// list as optional, and those no template names.
fn eligible_kind(templates: &Templates, kind: &str, disclosure_kind: &str) -> bool {
    let named = |t: &crate::model::templates::Template| {
        t.required.iter().any(|k| k == kind) || t.optional.iter().any(|o| o.kind == kind)
    };
    kind != "other"
        && (templates
            .templates
            .values()
            .any(|t| t.kind == disclosure_kind && named(t))
            || !templates.templates.values().any(named))
}

/// The kind of a printed title. Two passes, each taking the longest title (standard name
/// or alias) that the printed one equals or ends with, an exact match first: with the
/// brackets kept (Hunan's 按政府 / 按部门预算经济分类 pairs differ only in them), then
/// without a trailing bracket (`（功能科目）`). A title that two kinds share in a pass
/// (once brackets are gone, 支出预算分类汇总表 names two) decides nothing. Only kinds of
/// `disclosure_kind`'s templates (or used by none) compete, so that 收入决算表 in a
/// budget is not taken for a final-accounts table. `None`: no kind fits.
pub fn kind_of(templates: &Templates, title: &str, disclosure_kind: &str) -> Option<String> {
    let kinds: Vec<&String> = templates
        .kinds
        .keys()
        .filter(|k| eligible_kind(templates, k, disclosure_kind))
        .collect();
    for clean in [normalized as fn(&str) -> String, clean_title] {
        let printed = clean(title);
        if printed.is_empty() {
            return None;
        }
        // Cleaned alias → the kinds that have it.
        let mut aliases: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
        for kind in &kinds {
            for alias in templates.titles_of(kind) {
                let alias = clean(alias);
                if alias.is_empty() {
                    continue;
                }
                let owners = aliases.entry(alias).or_default();
                if !owners.contains(&kind.as_str()) {
                    owners.push(kind.as_str());
                }
            }
        }
        let best = aliases
            .iter()
            .filter(|(alias, _)| printed.ends_with(alias.as_str()))
            .max_by_key(|(alias, _)| (printed == **alias, alias.chars().count()));
        match best {
            Some((_, owners)) if owners.len() == 1 => return Some(owners[0].to_string()),
            Some(_) => return None,
            None => {}
        }
    }
    None
}

/// A kind told by header words alone, for a table whose title says nothing known (the
/// reader lost it, or a template's own wording): only tables whose columns cannot be
/// anything else.
pub fn kind_by_header(words: &str, disclosure_kind: &str) -> Option<&'static str> {
    let final_ = disclosure_kind == "final";
    if words.contains("因公出国") {
        return Some(match (final_, words.contains("会议费")) {
            (true, _) => "final_three_public",
            (false, true) => "three_public_meetings",
            (false, false) => "three_public",
        });
    }
    if words.contains("采购品目") || words.contains("采购组织形式") {
        return (!final_).then_some("procurement");
    }
    if words.contains("机关运行经费") {
        return (!final_).then_some("running_costs");
    }
    None
}

/// The template of `disclosure_kind` whose required set the found kinds cover best: most
/// found, then fewest required left unfound, then most tables in the template's own
/// order (Shanghai's final accounts are the national set with 三公 seventh), then the
/// name, for a stable choice.
pub fn template_for(templates: &Templates, disclosure_kind: &str, found: &[String]) -> String {
    type Score = (usize, std::cmp::Reverse<usize>, usize);
    let mut best: Option<(Score, &str)> = None;
    for (id, t) in &templates.templates {
        if t.kind != disclosure_kind {
            continue;
        }
        let hit = t.required.iter().filter(|k| found.contains(k)).count();
        let left = t.required.len() - hit;
        // Found tables of the set, in printed order, that stand where the template has them.
        let printed: Vec<&String> = found.iter().filter(|k| t.required.contains(k)).collect();
        let in_place = printed
            .iter()
            .zip(&t.required)
            .filter(|(a, b)| **a == *b)
            .count();
        let score = (hit, std::cmp::Reverse(left), in_place);
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, id.as_str()));
        }
    }
    match best {
        Some((_, id)) => id.to_string(),
        None if disclosure_kind == "final" => "national-final".to_string(),
        None => "national-budget".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_cleaned_of_numbers_years_and_brackets() {
        assert_eq!(
            clean_title("公开07表 一般公共预算支出预算表（功能科目）"),
            "一般公共预算支出预算表"
        );
        assert_eq!(clean_title("2019年政府采购预算表"), "政府采购预算表");
        assert_eq!(clean_title("一、收支预算总表"), "收支预算总表");
        assert_eq!(
            clean_title("“三公”经费、会议费、培训费支出预算表"),
            "三公经费、会议费、培训费支出预算表"
        );
        assert_eq!(clean_title("部门公开表07"), "");
    }

    #[test]
    fn ordinals() {
        assert_eq!(strip_ordinal("（一）一般公共预算拨款"), "一般公共预算拨款");
        assert_eq!(strip_ordinal("(1)一般公共预算拨款"), "一般公共预算拨款");
        assert_eq!(strip_ordinal("十一、城乡社区支出"), "城乡社区支出");
        assert_eq!(
            strip_ordinal("1.一般公共预算"),
            "1.一般公共预算".split_at(2).1
        );
        assert_eq!(strip_ordinal("一般公共预算"), "一般公共预算");
        assert_eq!(strip_ordinal("（其他）"), "（其他）");
    }

    #[test]
    fn numbers_split_from_titles() {
        let s = split_number;
        assert_eq!(
            s("公开07表 一般公共预算支出预算表"),
            Some(("公开07表".to_string(), "一般公共预算支出预算表".to_string()))
        );
        assert_eq!(
            s("表7：收入决算表"),
            Some(("表7".to_string(), "收入决算表".to_string()))
        );
        assert_eq!(s("公开07表"), None);
        assert_eq!(s("收支预算总表"), None);
        assert_eq!(s("表格说明"), None);
    }

    #[test]
    fn kinds_from_varying_titles() {
        let t = Templates::builtin().unwrap();
        let k = |title: &str, kind: &str| kind_of(&t, title, kind);
        assert_eq!(
            k("一般公共预算支出预算表（功能科目）", "budget").as_deref(),
            Some("general_expenditure")
        );
        assert_eq!(
            k("一般公共预算支出表", "budget").as_deref(),
            Some("general_expenditure")
        );
        assert_eq!(
            k("一般公共预算基本支出预算表（经济科目）", "budget").as_deref(),
            Some("general_basic")
        );
        assert_eq!(
            k("财政拨款基本支出预算表（经济科目）", "budget").as_deref(),
            Some("fiscal_basic")
        );
        assert_eq!(
            k("财政拨款政府性基金支出预算表", "budget").as_deref(),
            Some("fund_expenditure")
        );
        assert_eq!(
            k("2019年政府采购预算表", "budget").as_deref(),
            Some("procurement")
        );
        assert_eq!(k("收入决算表", "final").as_deref(), Some("final_income"));
        assert_eq!(
            k("国有资本经营预算财政拨款收入支出决算表", "final").as_deref(),
            Some("final_state_capital")
        );
        assert_eq!(k("某某情况统计表", "budget"), None);
    }
}
