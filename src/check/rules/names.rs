//! `narrative.name`: a classification line the text names with its level
//! (`卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）`) must carry a name that the
//! tables or the catalogue give a line of that level.

use super::{Context, Doc};
use crate::model::diagnostic::{Diagnostic, Loc, Rule, Severity};

pub const NARRATIVE_NAME: Rule = Rule {
    id: "narrative.name",
    severity: Severity::Warning,
    module: "names",
    summary: "A classification name the text gives with its level (`（类）`, `（款）`, `（项）`) that no table nor the catalogue gives a line of that level.",
    doc: "The name is the run of Chinese characters before the level mark; it passes when it ends with the name of a line of that level printed in one of the disclosure's tables or listed in the catalogue: a functional line (3, 5 or 7 digits), or an economic one (3 or 5 digits: `工资福利支出（类）`, `办公费（款）`, as Jiangsu's texts name them). A name that is a line of another level (`医疗保障经办事务（款）`, a 项) says so.",
};

/// Classification names by level (3, 5, 7 digits), from the tables and the catalogue.
fn known(cx: &Context, doc: &Doc) -> [Vec<(String, String)>; 3] {
    let mut out: [Vec<(String, String)>; 3] = Default::default();
    let mut add = |code: &str, name: &str| {
        let slot = match code.len() {
            3 => 0,
            5 => 1,
            7 => 2,
            _ => return,
        };
        // Functional lines (2…), and economic ones (3…, 5…: 类 and 款 only), which
        // Jiangsu's texts name with the same marks (`工资福利支出（类）`, `办公费（款）`).
        if !code.starts_with(['2', '3', '5']) || (code.len() == 7 && !code.starts_with('2')) {
            return;
        }
        let n: String = name.chars().filter(|c| is_han(*c)).collect();
        if !n.is_empty() && !out[slot].iter().any(|(m, _)| *m == n) {
            out[slot].push((n, code.to_string()));
        }
    };
    for t in &doc.disclosure.tables {
        for r in &t.rows {
            if let (Some(c), Some(n)) = (&r.code, &r.name) {
                add(c, n);
            }
        }
    }
    for (c, n) in cx.catalogue_of(doc.disclosure).entries() {
        add(c, n);
    }
    out
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Where the name before a level mark starts in `before`: back over Chinese characters,
/// `、`, and bracketed words that are not a level mark (`（室）`, `（境）`).
fn name_start(before: &str) -> usize {
    let chars: Vec<(usize, char)> = before.char_indices().collect();
    let mut k = chars.len();
    let mut start = before.len();
    while k > 0 {
        let (j, c) = chars[k - 1];
        if is_han(c) || (c == '、' && k < chars.len()) {
            start = j;
            k -= 1;
            continue;
        }
        // A bracketed word of one or two characters inside the name.
        if matches!(c, '）' | ')') && start < before.len() {
            let open = (2..=3).filter(|n| k > *n).find(|n| {
                matches!(chars[k - 1 - n].1, '（' | '(')
                    && chars[k - n..k - 1].iter().all(|(_, x)| is_han(*x))
            });
            if let Some(n) = open {
                let inner: String = chars[k - n..k - 1].iter().map(|(_, x)| x).collect();
                if !matches!(inner.as_str(), "类" | "款" | "项") {
                    start = chars[k - 1 - n].0;
                    k -= n + 1;
                    continue;
                }
            }
        }
        break;
    }
    start
}

pub fn check(cx: &Context, doc: &Doc, diags: &mut Vec<Diagnostic>) {
    let Some(text) = &doc.disclosure.text else {
        return;
    };
    let md = &text.markdown;
    if !["类）", "类)", "款）", "款)", "项）", "项)"]
        .iter()
        .any(|m| md.contains(m))
    {
        return;
    }
    let known = known(cx, doc);
    let mut line = 1u32;
    let mut line_start = 0usize;
    let mut reported = std::collections::BTreeSet::new();
    for (i, c) in md.char_indices() {
        if c == '\n' {
            line += 1;
            line_start = i + 1;
            continue;
        }
        if c != '（' && c != '(' {
            continue;
        }
        let rest = &md[i + c.len_utf8()..];
        let (slot, word) = match rest.chars().next() {
            Some('类') => (0, "类"),
            Some('款') => (1, "款"),
            Some('项') => (2, "项"),
            _ => continue,
        };
        if !rest['类'.len_utf8()..].starts_with(['）', ')']) {
            continue;
        }
        // The name: the Chinese characters right before the mark, with the enumeration
        // marks and bracketed words a name may hold (`公诉、审判…`, `党委办公厅（室）…`).
        let before = &md[line_start..i];
        let start = name_start(before);
        let printed = &before[start..];
        let name: String = printed.chars().filter(|c| is_han(*c)).collect();
        if name.chars().count() < 2 {
            continue;
        }
        // Texts name a line by its name without the trailing 支出 (`一般公共服务（类）`),
        // with one it does not have (`对个人和家庭的补助支出（类）`), or set the mark inside
        // that word (`一般公共服务（类）支出`): the same line.
        let whole = format!("{name}支出");
        let bare = name.strip_suffix("支出").unwrap_or(&name);
        let is_known = |n: &str| name.ends_with(n) || whole.ends_with(n) || bare.ends_with(n);
        let shown = printed.trim_start_matches(['、', '（', '(']);
        if known[slot].iter().any(|(n, _)| is_known(n)) {
            continue;
        }
        if !reported.insert((shown.to_string(), slot)) {
            continue;
        }
        let other = known
            .iter()
            .enumerate()
            .filter(|(s, _)| *s != slot)
            .find_map(|(s, names)| {
                names
                    .iter()
                    .find(|(n, _)| name.ends_with(n.as_str()))
                    .map(|(n, code)| (s, n, code))
            });
        let message = match other {
            Some((s, n, code)) => format!(
                "文中「{shown}（{word}）」：{code} {n} 是{}级科目，不是{word}级",
                ["类", "款", "项"][s]
            ),
            None => {
                format!("文中「{shown}（{word}）」：表中和科目目录中都没有这个{word}级科目名称")
            }
        };
        let col = md[line_start..line_start + start + (printed.len() - shown.len())]
            .chars()
            .count() as u32
            + 1;
        diags.push(
            Diagnostic::new(&NARRATIVE_NAME, message)
                .at(Loc {
                    file: text.file,
                    line,
                    col,
                })
                .found(format!("{shown}（{word}）"))
                .target(format!("text/name/{shown}（{word}）")),
        );
    }
}
