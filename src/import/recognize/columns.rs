//! Header cells → columns: which printed columns hold codes, names, amounts or text;
//! the standard key of each amount column; `sum_of` from the header nesting; and the
//! sides of a table printed side by side (收入 | 支出).

use crate::import::draft::ColumnDraft;
use crate::import::printed::{HeaderCell, PrintedTable};
use crate::model::amount;

/// What a printed column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Code,
    Name,
    Amount,
    /// Percentages (`95.50%`, 完成率): figures, but never summed with amounts.
    Percent,
    Text,
}

/// One printed column, understood.
#[derive(Clone, Debug)]
pub struct Col {
    pub role: Role,
    /// The header path joined with `/` (`基本支出/人员经费`), or `第N列` without a header.
    pub name: String,
    /// The standard (or made-up) key, for amount and text columns.
    pub key: String,
    pub sum_of: Vec<String>,
}

/// A run of columns that forms one side of a table printed side by side; a plain table
/// is one segment over all its columns.
#[derive(Clone, Debug)]
pub struct Segment {
    pub first: usize,
    pub last: usize,
    /// The header text above the whole side (`收入`, `支出`), if any.
    pub side: String,
}

/// Text with whitespace and quotes removed, for comparing header words.
pub fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !"“”\"'‘’".contains(*c))
        .collect()
}

/// The header cells over column `j`, top first.
fn path(table: &PrintedTable, j: usize) -> Vec<&HeaderCell> {
    let mut out: Vec<&HeaderCell> = Vec::new();
    for c in table
        .header
        .iter()
        .filter_map(|row| row.iter().find(|c| c.first <= j && j <= c.last))
        .filter(|c| !squeeze(&c.text).is_empty())
    {
        // A tall cell that a reader repeats on every header row it spans is one cell.
        if out.last().is_some_and(|p| **p == *c) {
            continue;
        }
        out.push(c);
    }
    out
}

fn is_code_header(t: &str) -> bool {
    t.contains("编码") || t.contains("代码") || matches!(t, "类" | "款" | "项" | "科目编号")
}

fn is_name_header(t: &str) -> bool {
    t.contains("名称") || matches!(t, "项目" | "科目" | "单位" | "收入项目" | "支出项目")
}

/// The standard key of a header word (docs/sources.md, "Standard keys").
fn word_key(t: &str) -> Option<&'static str> {
    let t = t.trim_start_matches("其中：").trim_start_matches("其中:");
    let exact: &[(&str, &str)] = &[
        ("合计", "total"),
        ("总计", "total"),
        ("本年收入合计", "total"),
        ("本年支出合计", "total"),
        ("收入合计", "total"),
        ("支出合计", "total"),
        ("基本支出", "basic"),
        ("项目支出", "project"),
        ("人员经费", "personnel"),
        ("公用经费", "public"),
        ("工资福利支出", "wages"),
        ("对个人和家庭的补助", "family"),
        ("商品和服务支出", "goods"),
        ("资本性支出", "capital"),
        ("上缴上级支出", "upper"),
        ("经营支出", "business"),
        ("事业单位经营支出", "business"),
        ("对附属单位补助支出", "subsidiary"),
        ("经费拨款", "general_funding"),
        ("一般债券", "general_bonds"),
        ("外国政府和国际组织贷款", "general_foreign_loans"),
        ("外国政府和国际组织捐赠", "general_foreign_grants"),
        ("外国政府和国际组织赠款", "general_foreign_grants"),
        ("上级补助收入", "upper_unit"),
        ("上级单位补助收入", "upper_unit"),
        ("上级财政补助收入", "upper_fiscal"),
        ("事业收入", "business_income"),
        ("经营收入", "operating_income"),
        ("事业单位经营收入", "operating_income"),
        ("附属单位上缴收入", "subsidiary_remit"),
        ("其他收入", "other_income"),
        ("财政拨款", "fiscal"),
        ("财政拨款收入", "fiscal"),
        ("财政拨款小计", "fiscal"),
        ("本年收入", "income"),
        ("本年支出", "expenditure"),
        ("上年结转", "carryover"),
        ("上年结转结余", "carryover"),
        ("上年结转和结余", "carryover"),
        ("年初结转和结余", "start_balance"),
        ("年末结转和结余", "end_balance"),
        ("因公出国（境）费", "abroad"),
        ("因公出国(境)费", "abroad"),
        ("公务用车购置及运行维护费", "vehicle"),
        ("公务用车购置及运行费", "vehicle"),
        ("公务用车购置费", "vehicle_purchase"),
        ("购置费", "vehicle_purchase"),
        ("公务用车运行维护费", "vehicle_running"),
        ("运行维护费", "vehicle_running"),
        ("公务用车运行费", "vehicle_running"),
        ("公务接待费", "reception"),
        ("会议费", "meeting"),
        ("培训费", "training"),
        ("三公经费", "three_public"),
        ("财政拨款三公经费", "three_public"),
        ("单位预留机动经费", "reserve"),
        ("结转下年资金", "carry_forward"),
        ("预算数", "budget"),
        ("年初预算", "budget"),
        ("年初预算数", "budget"),
        ("决算数", "actual"),
        ("完成率", "rate"),
        ("金额", "amount"),
        // The indicator columns of performance-target tables (text).
        ("一级指标", "level1"),
        ("二级指标", "level2"),
        ("三级指标", "level3"),
        ("指标值", "value"),
        ("指标值内容", "value_content"),
        ("度量单位", "measure"),
        ("计量单位", "measure"),
        ("指标值类型", "value_type"),
        ("评（扣）分标准", "scoring"),
        ("评分标准", "scoring"),
        ("备注", "remark"),
    ];
    if let Some((_, k)) = exact.iter().find(|(w, _)| *w == t) {
        return Some(k);
    }
    // `“三公”经费合计`, `本年收入合计`: a total, whatever it totals.
    if t.ends_with("合计") || t.ends_with("总计") {
        return Some("total");
    }
    // Words that carry their meaning inside longer printed headers.
    let within: &[(&str, &str)] = &[
        ("非税收入", "general_nontax"),
        ("一般公共预算", "general"),
        ("政府性基金", "fund"),
        ("国有资本经营", "state_capital"),
        ("社会保险基金", "social_insurance"),
        ("财政专户", "special_account"),
        ("机关运行经费", "amount"),
    ];
    within.iter().find(|(w, _)| t.contains(w)).map(|(_, k)| *k)
}

fn is_total_word(t: &str) -> bool {
    matches!(t, "小计" | "合计" | "总计") || word_key(t) == Some("total")
}

/// Understands the columns of `table`, `n` columns wide: the header names them, the
/// body tells text and percentage columns from amount columns.
pub fn columns(table: &PrintedTable, n: usize) -> (Vec<Col>, Vec<Segment>) {
    let mut cols = Vec::with_capacity(n);
    for j in 0..n {
        let p = path(table, j);
        let words: Vec<String> = p.iter().map(|c| squeeze(&c.text)).collect();
        let name = if words.is_empty() {
            format!("第{}列", j + 1)
        } else {
            // As printed, only the line breaks and spaces of the layout removed.
            p.iter()
                .map(|c| {
                    c.text
                        .chars()
                        .filter(|ch| !ch.is_whitespace())
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join("/")
        };
        let leaf = words.last().cloned().unwrap_or_default();
        let text_word = matches!(
            word_key(&leaf),
            Some(
                "level1"
                    | "level2"
                    | "level3"
                    | "value"
                    | "value_content"
                    | "measure"
                    | "value_type"
                    | "scoring"
                    | "remark"
            )
        );
        let role = if text_word || matches!(leaf.as_str(), "行次" | "栏次" | "序号" | "编号")
        {
            // Row numbers are printed figures of no amount, indicators are words: text,
            // never summed.
            Role::Text
        } else if words.iter().any(|w| is_code_header(w)) {
            Role::Code
        } else if is_name_header(&leaf) || words.iter().any(|w| is_name_header(w) && p.len() == 1) {
            Role::Name
        } else if column_is_percent(table, j, &leaf) {
            Role::Percent
        } else if column_is_text(table, j) {
            Role::Text
        } else {
            Role::Amount
        };
        cols.push(Col {
            role,
            name,
            key: String::new(),
            sum_of: Vec::new(),
        });
    }
    let segments = segments(table, &cols);
    for s in &segments {
        name_keys(table, &mut cols, s);
        nest_sums(table, &mut cols, s);
    }
    (cols, segments)
}

/// A column is text when most of its non-blank body cells are not amounts (the
/// procurement table's 采购物品名称, a performance table's indicators).
fn column_is_text(table: &PrintedTable, j: usize) -> bool {
    let mut text = 0;
    let mut figures = 0;
    for r in &table.rows {
        let c = r.cells.get(j).map(|s| s.trim()).unwrap_or("");
        // A dash says nothing about the column: tables print it for zero (or for
        // nothing) in figure columns too.
        if c.is_empty() || c.chars().all(|ch| "-—–－―/／".contains(ch)) {
            continue;
        }
        if amount::parse(c).is_ok() {
            figures += 1;
        } else {
            text += 1;
        }
    }
    text > figures
}

/// A percentage column: headed 完成率 / 占比 / 比重 / 增长率 / `%`, or with most of its
/// non-blank cells printed `12.50%`.
fn column_is_percent(table: &PrintedTable, j: usize, leaf: &str) -> bool {
    if ["率", "占比", "比重", "%", "％"]
        .iter()
        .any(|w| leaf.contains(w))
    {
        return true;
    }
    let cells: Vec<&str> = table
        .rows
        .iter()
        .filter_map(|r| r.cells.get(j).map(|s| s.trim()))
        .filter(|c| !c.is_empty())
        .collect();
    let percent = cells.iter().filter(|c| percent_value(c).is_some()).count();
    !cells.is_empty() && percent * 2 > cells.len()
}

/// The number of a printed percentage (`12.50%` → `12.50`), if it is one.
pub fn percent_value(cell: &str) -> Option<&str> {
    let v = cell.trim();
    let v = v.strip_suffix('%').or_else(|| v.strip_suffix('％'))?;
    amount::parse(v).is_ok().then_some(v)
}

/// Sides of a table printed side by side: a new side starts at a code or name column
/// that follows an amount column.
fn segments(table: &PrintedTable, cols: &[Col]) -> Vec<Segment> {
    let mut starts = vec![0];
    for j in 1..cols.len() {
        let label = matches!(cols[j].role, Role::Code | Role::Name);
        if label && cols[j - 1].role == Role::Amount {
            starts.push(j);
        }
    }
    let mut out = Vec::new();
    for (i, &first) in starts.iter().enumerate() {
        let last = starts
            .get(i + 1)
            .map(|s| s - 1)
            .unwrap_or(cols.len().saturating_sub(1));
        // The side's name: a top header cell covering the whole side.
        let side = table
            .header
            .first()
            .and_then(|row| row.iter().find(|c| c.first <= first && last <= c.last))
            .map(|c| squeeze(&c.text))
            .unwrap_or_default();
        out.push(Segment { first, last, side });
    }
    out
}

/// Keys for the amount and text columns of a segment: the standard key of the nearest
/// header word that has one (a 小计 under 基本支出 is `basic`), `amount` for a side's
/// single figure column, `c<N>` otherwise; unique within the table.
fn name_keys(table: &PrintedTable, cols: &mut [Col], s: &Segment) {
    let figures: Vec<usize> = (s.first..=s.last)
        .filter(|&j| cols[j].role == Role::Amount)
        .collect();
    let leaves: Vec<Option<&str>> = figures
        .iter()
        .map(|&f| {
            path(table, f)
                .last()
                .and_then(|c| word_key(&squeeze(&c.text)))
        })
        .collect();
    let paired = leaves.contains(&Some("budget")) && leaves.contains(&Some("actual"));
    for j in s.first..=s.last {
        if !matches!(cols[j].role, Role::Amount | Role::Percent | Role::Text) {
            continue;
        }
        let cells = path(table, j);
        let words: Vec<String> = cells.iter().map(|c| squeeze(&c.text)).collect();
        let mut key: Option<String> = None;
        for (depth, w) in words.iter().enumerate().rev() {
            if is_total_word(w) && depth > 0 {
                // A 小计 is the total of what is above it (基本支出/小计 is `basic`); a
                // 合计 under a cell over all the figures (支出/合计, 本年支出/小计) is
                // the table's (or the side's) total.
                let over_all = figures
                    .iter()
                    .all(|&f| cells[depth - 1].first <= f && f <= cells[depth - 1].last);
                let above = words[..depth].iter().rev().find_map(|p| word_key(p));
                key = Some(match above {
                    Some(k) if !over_all => k.to_string(),
                    _ => "total".to_string(),
                });
                break;
            }
            if let Some(k) = word_key(w) {
                // 预算数 / 决算数 under a component (上海 三公): the component's budget,
                // where the table prints both; a lone 决算数 is the component's figure.
                if matches!(k, "budget" | "actual" | "rate") && depth > 0 {
                    let parent = words[..depth].iter().rev().find_map(|p| word_key(p));
                    if let Some(p) = parent.filter(|p| !matches!(*p, "budget" | "actual")) {
                        key = Some(if paired {
                            format!("{p}_{k}")
                        } else {
                            p.to_string()
                        });
                        break;
                    }
                }
                // A fund under 上级财政补助收入 / 上年结转 is that source's part of it
                // (`upper_fiscal_general`, `carryover_fund`), as the seeds name them.
                let fund = matches!(
                    k,
                    "general" | "fund" | "state_capital" | "social_insurance" | "special_account"
                );
                let source = words[..depth]
                    .iter()
                    .rev()
                    .find_map(|p| word_key(p))
                    .filter(|p| matches!(*p, "upper_fiscal" | "carryover"));
                key = Some(match source {
                    Some(src) if fund => format!("{src}_{k}"),
                    _ => k.to_string(),
                });
                break;
            }
        }
        if figures.len() == 1 && cols[j].role == Role::Amount {
            let coded = (s.first..=s.last).any(|i| cols[i].role == Role::Code);
            // A lone 基本支出 column over classified lines (省法院's 一般公共预算基本支出表)
            // is their whole figure too.
            let single = matches!(key.as_deref(), None | Some("amount" | "budget" | "actual"))
                || (coded && key.as_deref() == Some("basic"));
            if single {
                // The one figure of a classified line is the line's total (so that the
                // cross-table rules on `total` apply); of a labelled list, its amount.
                key = Some(if coded { "total" } else { "amount" }.to_string());
            }
        }
        let base = key.unwrap_or_else(|| format!("c{}", j + 1));
        let mut unique = base.clone();
        let mut n = 2;
        while (s.first..=s.last).any(|i| i != j && cols[i].key == unique) {
            unique = format!("{base}_{n}");
            n += 1;
        }
        cols[j].key = unique;
    }
    // 本年收入 is `income` beside 本年支出 (the fund tables of final accounts: 年初 +
    // 收入 − 支出 = 年末), `current` (本年收入小计) in a budget's income table.
    let has_expenditure = (s.first..=s.last).any(|j| cols[j].key == "expenditure");
    if !has_expenditure {
        for c in cols[s.first..=s.last]
            .iter_mut()
            .filter(|c| c.key == "income")
        {
            c.key = "current".to_string();
        }
    }
}

/// `sum_of` from the nesting: under a wide header cell, the child printed as 小计 /
/// 合计 is the sum of its siblings (each sibling's own subtotal when it is wide itself).
/// At the top of a segment, a first figure column printed as 合计 / 总计 is the sum of
/// the other top-level groups. `其中` columns are parts, not addends. Nothing is
/// declared when a sibling has no column that stands for it.
fn nest_sums(table: &PrintedTable, cols: &mut [Col], s: &Segment) {
    let amount_cols: Vec<usize> = (s.first..=s.last)
        .filter(|&j| cols[j].role == Role::Amount)
        .collect();
    if amount_cols.len() < 2 {
        return;
    }
    // Groups: (depth, first, last) of every header cell over amount columns, plus the
    // whole segment as the root.
    let mut groups: Vec<(usize, usize, usize)> =
        vec![(0, amount_cols[0], *amount_cols.last().unwrap_or(&0))];
    for (depth, row) in table.header.iter().enumerate() {
        for c in row {
            if c.last > c.first
                && amount_cols.contains(&c.first)
                && amount_cols.contains(&c.last)
                && !squeeze(&c.text).is_empty()
            {
                groups.push((depth + 1, c.first, c.last));
            }
        }
    }
    for &(depth, first, last) in &groups {
        let children = children(table, depth, first, last);
        if children.len() < 2 {
            continue;
        }
        let total = children
            .iter()
            .position(|(t, a, b)| a == b && is_total_word(t));
        let Some(total) = total else {
            // 上海 三公: 合计 over 预算数 | 决算数, each component likewise.
            if let Some(wide) = children
                .iter()
                .position(|(t, a, b)| a < b && is_total_word(t))
                && (depth > 0 || children[wide].1 == first)
            {
                paired_sums(table, cols, &children, wide);
            }
            continue;
        };
        // At the root, only a first column.
        if depth == 0 && children[total].1 != first {
            continue;
        }
        let mut parts = Vec::new();
        let mut ok = true;
        for (i, (t, a, b)) in children.iter().enumerate() {
            if i == total || t.starts_with("其中") {
                continue;
            }
            match group_parts(table, *a, *b, 0) {
                Some(reps) if reps.iter().all(|r| cols[*r].role == Role::Amount) => {
                    parts.extend(reps.iter().map(|r| cols[*r].key.clone()));
                }
                _ => ok = false,
            }
        }
        if ok && !parts.is_empty() {
            let at = children[total].1;
            if cols[at].sum_of.is_empty() {
                cols[at].sum_of = parts;
            }
        }
    }
}

/// The leaf header text of column `j`.
fn leaf(table: &PrintedTable, j: usize) -> String {
    path(table, j)
        .last()
        .map(|c| squeeze(&c.text))
        .unwrap_or_default()
}

/// A total printed over several columns (合计 / 预算数 | 决算数): each of its columns is
/// the sum of the siblings' columns with the same leaf (each sibling's own 小计 group
/// when it has one). Nothing is declared unless every sibling has every leaf.
fn paired_sums(
    table: &PrintedTable,
    cols: &mut [Col],
    children: &[(String, usize, usize)],
    wide: usize,
) {
    let (_, ta, tb) = children[wide];
    let leaves: Vec<String> = (ta..=tb).map(|j| leaf(table, j)).collect();
    let distinct: std::collections::BTreeSet<&String> = leaves.iter().collect();
    if distinct.len() != leaves.len() || leaves.iter().any(String::is_empty) {
        return;
    }
    let mut parts: Vec<Vec<String>> = vec![Vec::new(); leaves.len()];
    for (i, (t, a, b)) in children.iter().enumerate() {
        if i == wide || t.starts_with("其中") {
            continue;
        }
        let Some(span) = matching_span(table, *a, *b, &leaves) else {
            return;
        };
        for (k, j) in span.into_iter().enumerate() {
            if cols[j].role != Role::Amount {
                return;
            }
            parts[k].push(cols[j].key.clone());
        }
    }
    for (k, p) in parts.into_iter().enumerate() {
        if !p.is_empty() && cols[ta + k].sum_of.is_empty() {
            cols[ta + k].sum_of = p;
        }
    }
}

/// The columns inside `a..=b` whose leaves are `leaves`, in that order: the span itself,
/// or a 小计 / 合计 cell inside it over such columns.
fn matching_span(
    table: &PrintedTable,
    a: usize,
    b: usize,
    leaves: &[String],
) -> Option<Vec<usize>> {
    let fits = |x: usize, y: usize| {
        y + 1 - x == leaves.len() && (x..=y).zip(leaves).all(|(j, l)| leaf(table, j) == *l)
    };
    if fits(a, b) {
        return Some((a..=b).collect());
    }
    table
        .header
        .iter()
        .flatten()
        .find(|c| {
            c.first >= a && c.last <= b && is_total_word(&squeeze(&c.text)) && fits(c.first, c.last)
        })
        .map(|c| (c.first..=c.last).collect())
}

/// The header cells directly below the group at `depth` over `first..=last` (depth 0:
/// the top row), as (text, first, last): for each column, the highest cell inside the
/// group that is not the group itself.
fn children(
    table: &PrintedTable,
    depth: usize,
    first: usize,
    last: usize,
) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    let mut j = first;
    while j <= last {
        let below = table
            .header
            .iter()
            .skip(depth)
            .filter_map(|row| row.iter().find(|c| c.first <= j && j <= c.last))
            // Cells wider than the group (a side's 支出 over its name column) or the
            // group itself are above its children.
            .filter(|c| c.first >= first && c.last <= last && (c.first, c.last) != (first, last))
            .find(|c| !squeeze(&c.text).is_empty());
        match below {
            Some(c) => {
                out.push((squeeze(&c.text), c.first, c.last));
                j = c.last + 1;
            }
            _ => {
                out.push((String::new(), j, j));
                j += 1;
            }
        }
    }
    out
}

/// The columns that stand for the group over `a..=b` in a sum: its 小计 column, or,
/// when it prints none, its parts (人员经费 over 工资福利支出 | 对个人和家庭的补助 is
/// those two). `None` when a part has nothing standing for it.
fn group_parts(table: &PrintedTable, a: usize, b: usize, depth: usize) -> Option<Vec<usize>> {
    if a == b {
        return Some(vec![a]);
    }
    if let Some(total) = subtotal_of(table, a, b) {
        return Some(vec![total]);
    }
    let row = table
        .header
        .iter()
        .position(|r| r.iter().any(|c| c.first == a && c.last == b))?;
    let parts = children(table, row + 1, a, b);
    if parts.len() < 2 || depth > 4 {
        return None;
    }
    let mut out = Vec::new();
    for (t, ca, cb) in parts {
        if t.starts_with("其中") {
            continue;
        }
        out.extend(group_parts(table, ca, cb, depth + 1)?);
    }
    Some(out)
}

/// The column printed as 小计 / 合计 inside `first..=last`, if any.
fn subtotal_of(table: &PrintedTable, first: usize, last: usize) -> Option<usize> {
    (first..=last).find(|&j| {
        path(table, j)
            .last()
            .is_some_and(|c| c.first == c.last && is_total_word(&squeeze(&c.text)))
    })
}

/// The drafts of the amount and text columns, without repeats (sides share keys).
pub fn drafts(cols: &[Col]) -> Vec<ColumnDraft> {
    let mut out: Vec<ColumnDraft> = Vec::new();
    for c in cols {
        if !matches!(c.role, Role::Amount | Role::Percent | Role::Text)
            || out.iter().any(|d| d.key == c.key)
        {
            continue;
        }
        out.push(ColumnDraft {
            key: c.key.clone(),
            name: c.name.clone(),
            ty: match c.role {
                Role::Text => Some("text".to_string()),
                Role::Percent => Some("percent".to_string()),
                _ => None,
            },
            sum_of: c.sum_of.clone(),
        });
    }
    out
}
