//! `ack.unused`, and marking acknowledged diagnostics: a source may accept a published
//! error with a reason, so that it is listed but does not fail the check.

use crate::model::Site;
use crate::model::diagnostic::Rule;
use crate::model::diagnostic::{Diagnostic, Severity};

pub const ACK_UNUSED: Rule = Rule {
    id: "ack.unused",
    severity: Severity::Warning,
    module: "acknowledge",
    summary: "An acknowledgement that matches no diagnostic.",
    doc: "Remove it, or correct its rule or target.",
};

/// Marks every diagnostic a disclosure acknowledges; reports acknowledgements that match none.
pub fn apply(site: &Site, diags: &mut Vec<Diagnostic>) {
    let mut unused = Vec::new();
    // Diagnostics by file, so that each acknowledgement looks only at its disclosure's.
    let mut by_file: std::collections::HashMap<crate::model::files::FileId, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, d) in diags.iter().enumerate() {
        if let Some(l) = d.loc {
            by_file.entry(l.file).or_default().push(i);
        }
    }
    for unit in &site.units {
        for d in &unit.disclosures {
            let mut files = vec![d.loc.file];
            if let Some(t) = &d.text {
                files.push(t.file);
            }
            for ack in &d.acks {
                let mut matched = false;
                let indices = files.iter().filter_map(|f| by_file.get(f)).flatten();
                for &i in indices {
                    let diag = &mut diags[i];
                    let names = |rule: &str, target: &Option<String>| {
                        rule == ack.rule
                            && match (&ack.target, target) {
                                (None, _) => true,
                                (Some(a), Some(t)) => a == t,
                                (Some(_), None) => false,
                            }
                    };
                    // A merged finding is acknowledged through any rule that saw it.
                    let named = names(diag.rule, &diag.target)
                        || diag.also.iter().any(|a| names(a.rule, &a.target));
                    if named && diag.severity != Severity::Notice {
                        diag.acknowledged = Some(ack.reason.clone());
                        matched = true;
                    }
                }
                if !matched {
                    unused.push(
                        Diagnostic::new(
                            &ACK_UNUSED,
                            format!(
                                "这条确认没有对应的检查结果（规则 {}{}），请删除或改正",
                                ack.rule,
                                ack.target
                                    .as_deref()
                                    .map(|t| format!("，位置标识 {t}"))
                                    .unwrap_or_default()
                            ),
                        )
                        .at(ack.loc),
                    );
                }
            }
        }
    }
    diags.extend(unused);
}
