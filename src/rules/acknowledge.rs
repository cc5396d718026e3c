//! `ack.unused`, and marking acknowledged diagnostics: a source may accept a published
//! error with a reason, so that it is listed but does not fail the check.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Site;

/// Marks every diagnostic a disclosure acknowledges; reports acknowledgements that match none.
pub fn apply(site: &Site, diags: &mut Vec<Diagnostic>) {
    let mut unused = Vec::new();
    for unit in &site.units {
        for d in &unit.disclosures {
            let mut files = vec![d.loc.file];
            if let Some(t) = &d.text {
                files.push(t.file);
            }
            for ack in &d.acks {
                let mut matched = false;
                for diag in diags.iter_mut() {
                    let in_doc = diag.loc.is_some_and(|l| files.contains(&l.file));
                    let target_ok = match (&ack.target, &diag.target) {
                        (None, _) => true,
                        (Some(a), Some(t)) => a == t,
                        (Some(_), None) => false,
                    };
                    if in_doc
                        && diag.rule == ack.rule
                        && target_ok
                        && diag.severity != Severity::Notice
                    {
                        diag.acknowledged = Some(ack.reason.clone());
                        matched = true;
                    }
                }
                if !matched {
                    unused.push(
                        Diagnostic::new(
                            "ack.unused",
                            Severity::Warning,
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
