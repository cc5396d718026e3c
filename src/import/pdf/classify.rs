//! What a printed line or cell looks like: a table title, a table number, an amount, a
//! code, a head line (`单位：万元`), a note. Pure text tests, no positions.

/// `1,276.70`, `-3.5`, `0.00`, `1276.7`: digits with a decimal point or thousands
/// separators. Whole numbers are left out on purpose: `201` is a code as often as a figure.
pub(crate) fn is_amount(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix('-').unwrap_or(t);
    let mut digits = 0;
    let mut marks = 0;
    let mut dots = 0;
    for c in t.chars() {
        match c {
            '0'..='9' => digits += 1,
            ',' => marks += 1,
            '.' => {
                dots += 1;
                marks += 1;
            }
            _ => return false,
        }
    }
    digits > 0 && marks > 0 && dots <= 1 && !t.starts_with([',', '.'])
}

/// A classification or unit code: 3 to 12 digits (`201`, `2010101`, `239001`).
pub(crate) fn is_code(text: &str) -> bool {
    let t = text.trim();
    (3..=12).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit())
}

/// Text with spaces taken out, for matching.
pub(crate) fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A table number on its own (`公开01表`, `公开 01 表`, `表1`, `附表3`, `表一`).
pub(crate) fn table_number(text: &str) -> Option<String> {
    let t = squeeze(text);
    let t = t.trim_end_matches(['：', ':']);
    let rest = t
        .strip_prefix("公开表")
        .or_else(|| t.strip_prefix("公开").and_then(|r| r.strip_suffix('表')))
        .or_else(|| t.strip_prefix("附表"))
        .or_else(|| t.strip_prefix('表'))?;
    let numeric = !rest.is_empty()
        && rest.chars().count() <= 4
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十-—.".contains(c));
    numeric.then(|| t.to_string())
}

/// Splits `公开 01 表：收支预算总表` into number and title; a title alone gives no number.
/// Returns None unless the title reads like a budget table's title.
pub(crate) fn table_title(text: &str) -> Option<(Option<String>, String)> {
    let t = squeeze(text);
    if t.chars().count() > 48 {
        return None;
    }
    let (number, title) = match t.find('表') {
        Some(i) if table_number(&t[..i + '表'.len_utf8()]).is_some() => {
            let n = &t[..i + '表'.len_utf8()];
            let title = t[n.len()..].trim_start_matches(['：', ':', '、', '.']);
            (Some(n.to_string()), title.to_string())
        }
        _ => (None, t.clone()),
    };
    // Table-of-contents enumerations (`一、`, `1.`) are not part of a title.
    let title = strip_enumeration(&title);
    let core = title
        .trim_end_matches(['）', ')'])
        .rsplit_once(['（', '('])
        .map_or(title.as_str(), |(head, _)| head);
    let is_title = core.ends_with('表')
        && ["预算", "决算", "经费", "收支", "支出", "收入", "采购"]
            .iter()
            .any(|k| core.contains(k))
        && !title.contains(['。', '，', '；']);
    is_title.then(|| (number, title.to_string()))
}

fn strip_enumeration(text: &str) -> String {
    let t = text.trim_start_matches(|c: char| "（(".contains(c));
    if let Some((head, rest)) = t.split_once(['、', '．', '.'])
        && !head.is_empty()
        && head.chars().count() <= 3
        && head
            .chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    {
        return rest.to_string();
    }
    text.to_string()
}

/// A line printed between a table's title and its header: the unit of amounts, the
/// department's name, the year.
pub(crate) fn is_head_text(text: &str) -> bool {
    let t = squeeze(text);
    const STARTS: [&str; 10] = [
        "部门",
        "单位",
        "金额单位",
        "编制单位",
        "预算单位",
        "填报单位",
        "编报单位",
        "公开部门",
        "预算年度",
        "年度",
    ];
    (STARTS.iter().any(|s| t.starts_with(s)) && t.contains(['：', ':']))
        || t.contains("单位：")
        || t.contains("单位:")
}

/// A note under a table or in place of its body.
pub(crate) fn is_note(text: &str) -> bool {
    let t = squeeze(text);
    let starts = [
        "注：",
        "注:",
        "注1",
        "注2",
        "注释",
        "说明：",
        "说明:",
        "备注：",
    ];
    starts.iter().any(|s| t.starts_with(s))
        || t == "注"
        || t.contains("此表为空")
        || t.contains("本表为空")
        || t.contains("无该项目")
        || ((t.starts_with("本单位无") || t.starts_with("本部门无")) && t.chars().count() > 5)
}

/// A line where prose starts again after a table (`第三部分 …情况说明`).
pub(crate) fn is_part_heading(text: &str) -> bool {
    let t = squeeze(text);
    t.starts_with('第') && t.chars().take(6).any(|c| c == '部') && t.contains("部分")
}

/// A heading of prose: Chinese enumeration or a part, and short.
pub(crate) fn is_heading(text: &str) -> bool {
    let t = squeeze(text);
    let short = t.chars().count() <= 36 && !t.ends_with(['。', '；', '，', '：']);
    if !short {
        return false;
    }
    if is_part_heading(&t) {
        return true;
    }
    let mut chars = t.chars();
    let first = chars.next();
    match first {
        Some('（' | '(') => t.split_once(['）', ')']).is_some_and(|(h, _)| {
            h.chars()
                .skip(1)
                .all(|c| "一二三四五六七八九十".contains(c))
        }),
        Some(c) if "一二三四五六七八九十".contains(c) => t
            .split_once('、')
            .is_some_and(|(h, _)| h.chars().all(|c| "一二三四五六七八九十".contains(c))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_codes() {
        assert!(is_amount("1,276.70"));
        assert!(is_amount("1276.7"));
        assert!(is_amount("0.00"));
        assert!(is_amount("-3.50"));
        assert!(!is_amount("201"));
        assert!(!is_amount("一、"));
        assert!(!is_amount("."));
        assert!(is_code("2010101"));
        assert!(!is_code("20"));
    }

    #[test]
    fn titles_with_and_without_numbers() {
        assert_eq!(table_number("公开01表").as_deref(), Some("公开01表"));
        assert_eq!(table_number("公开 01 表").as_deref(), Some("公开01表"));
        assert_eq!(table_number("公开单位"), None);
        assert_eq!(table_number("公开表一").as_deref(), Some("公开表一"));
        assert_eq!(
            table_title("公开 01 表：收支预算总表"),
            Some((Some("公开01表".into()), "收支预算总表".into()))
        );
        assert_eq!(
            table_title("财政拨款支出预算表（功能科目）"),
            Some((None, "财政拨款支出预算表（功能科目）".into()))
        );
        assert_eq!(
            table_title("一、收支预算总表"),
            Some((None, "收支预算总表".into()))
        );
        assert_eq!(table_title("收支预算总表情况说明"), None);
        assert_eq!(table_title("部门：江苏省政协办公厅"), None);
    }

    #[test]
    fn head_lines_notes_headings() {
        assert!(is_head_text("单位：万元"));
        assert!(is_head_text("部门：江苏省政协办公厅"));
        assert!(!is_head_text("部门预算"));
        assert!(is_note("注：本部门无该项目"));
        assert!(is_note("此表为空"));
        assert!(is_note("本单位无政府性基金预算收支，此表为空"));
        assert!(!is_note("本单位"));
        assert!(is_heading("一、收入支出预算总体情况"));
        assert!(is_heading("（一）机构设置"));
        assert!(is_heading("第三部分 2018年度部门预算情况说明"));
        assert!(!is_heading("一般公共预算支出"));
    }
}
