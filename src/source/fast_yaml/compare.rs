//! The fast path against serde-saphyr, on one text: the check behind the fast path's
//! invariant (see [`super`]), shared by its tests and the `yaml_differential` fuzz target.
//! Not part of gongkai's interface: public only so that the fuzz crate can call it.

use super::parse;
use crate::source::saphyr_options;
use crate::source::schema::{DisclosureSrc, S, UnitSrc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt::{self, Debug};

/// A type using every shape the schema uses, nested: random documents are read into it.
// Fields are read through `Debug` only.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    #[serde(default)]
    a: Option<S>,
    #[serde(default)]
    b: Option<S>,
    #[serde(default)]
    l: Vec<S>,
    #[serde(default)]
    m: BTreeMap<String, S>,
    #[serde(default)]
    n: Option<Spanned<u32>>,
    #[serde(default)]
    s: Option<S>,
    #[serde(default)]
    p: Vec<Probe>,
}

/// How the two parsers disagree on a text read as `type_name`.
#[derive(Debug)]
pub enum Disagreement {
    /// The fast path accepted a text that serde-saphyr refuses.
    Refused {
        type_name: &'static str,
        saphyr: String,
    },
    /// Both accepted it, with different values (their `Debug`, character spans left out).
    Differ {
        type_name: &'static str,
        fast: String,
        saphyr: String,
    },
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Disagreement::Refused { type_name, saphyr } => write!(
                f,
                "the fast path accepted as {type_name} what serde-saphyr refuses ({saphyr})"
            ),
            Disagreement::Differ {
                type_name,
                fast,
                saphyr,
            } => {
                // Only the neighbourhood of the first difference: the values can be long.
                let at = fast
                    .char_indices()
                    .zip(saphyr.chars())
                    .find(|((_, a), b)| a != b)
                    .map_or(fast.len().min(saphyr.len()), |((i, _), _)| i);
                let from = floor(fast, at.saturating_sub(200));
                write!(
                    f,
                    "the parsers read {type_name} differently\n  fast: …{}\nsaphyr: …{}",
                    &fast[from..ceil(fast, (at + 200).min(fast.len()))],
                    &saphyr[floor(saphyr, from)..ceil(saphyr, (at + 200).min(saphyr.len()))],
                )
            }
        }
    }
}

impl std::error::Error for Disagreement {}

/// Reads `text` as `T` with both parsers. `Ok(true)`: the fast path accepted it and
/// serde-saphyr read the same; `Ok(false)`: the fast path deferred to serde-saphyr (which
/// then gives whatever it gives: no disagreement possible).
pub fn compare<T: DeserializeOwned + Debug>(text: &str) -> Result<bool, Disagreement> {
    let type_name = std::any::type_name::<T>();
    let Some(fast) = parse::<T>(text) else {
        return Ok(false);
    };
    let saphyr = serde_saphyr::from_str_with_options::<T>(text, saphyr_options()).map_err(|e| {
        Disagreement::Refused {
            type_name,
            saphyr: e.to_string(),
        }
    })?;
    // `Debug` shows every field, and every `Spanned`'s line and column; the character
    // span inside `Location` is the one thing the fast path does not fill in.
    let (fast, saphyr) = (
        strip_spans(&format!("{fast:?}")),
        strip_spans(&format!("{saphyr:?}")),
    );
    if fast == saphyr {
        Ok(true)
    } else {
        Err(Disagreement::Differ {
            type_name,
            fast,
            saphyr,
        })
    }
}

/// [`compare`] as every type a source file is read into, and as [`Probe`]: whether the
/// fast path accepted the text as any of them.
pub fn compare_all(text: &str) -> Result<bool, Disagreement> {
    let unit = compare::<UnitSrc>(text)?;
    let disclosure = compare::<DisclosureSrc>(text)?;
    let probe = compare::<Probe>(text)?;
    Ok(unit || disclosure || probe)
}

/// `Location`'s `Debug` without its character span (the fast path does not fill it in).
fn strip_spans(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(", span: Span {") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        // A span's `Debug` holds numbers only: its first `}` closes it.
        let Some(end) = after.find('}') else {
            rest = after;
            break;
        };
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The nearest char boundary of `s` at or before `i`.
pub(super) fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The nearest char boundary of `s` at or after `i`.
fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}
