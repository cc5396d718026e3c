//! Static search: a compact index written with the site, queried in the browser by
//! `static/search.js` (no server, no external tool).
//!
//! Documents, by kind (the kind order is the ranking order): units, disclosures,
//! classification items (a code and name, one document per code per disclosure, linking
//! to every table row that prints it), projects (project tables' rows and performance
//! tables' 项目名称), tables (name, column and row names) and explanation sections.
//! Within a kind, documents are sorted by what they are found by (items by code, projects
//! by name, sections by section), so the results of one query sit in few document files.
//!
//! Terms: Chinese text is cut into character bigrams (`医疗救助` → 医疗 疗救 救助), Latin
//! letters and digits into lowercase words; digits are indexed only in titles (years,
//! codes), and a classification code also under its 类 and 款 prefixes (`2101501` →
//! `210`, `21015`). Each posting says whether the term is *strong* for that document (in
//! its title, or the exact code) or not (body text, a code prefix).
//!
//! Files (under `search/`): `meta.json` (format version, number of segments) and, per
//! segment, a complete index of its units under `<n>/` (see [`site_files`]): `meta.json`
//! (kinds with their id ranges and chunk sizes, the shard count); `i/<k>.bin`, the
//! inverted index sharded by a hash of the term (FNV-1a 32 of its UTF-8 modulo the shard
//! count), one `term\tpostings` line per term with the postings (`id * 2 + strong`)
//! delta-encoded in base 36; `d/<kind>-<k>.bin`, the documents in chunks (JSON `[title,
//! context, url, text, [[label, url] …]]`, URLs relative to the site's base). Shards and
//! chunks are gzipped (fixed header, decoded in the browser with `DecompressionStream`; a
//! server that already decoded them is fine), which makes the index about a tenth of its
//! raw size. Segments let a build make again only the index of the segment of a changed
//! unit. Everything is built from sorted orders: byte-identical output.

use crate::model::templates::Templates;
use crate::model::{Disclosure, Site, Status, Table, Unit, Value};
use crate::outputs::OutputError;
use crate::views::{markdown, sections, summary};
use std::collections::BTreeMap;

mod index;
pub use index::{gzip, index_files, write_index};

/// Directory of the search page and index in the output.
pub const DIR: &str = "search";

/// Index format version, in `meta.json`.
const VERSION: u32 = 2;

/// Shards aim at this many bytes each.
const SHARD_TARGET: usize = 32 * 1024;

/// Table kinds whose named rows are projects.
const PROJECT_TABLES: &[&str] = &["project_expenditure", "special_funds"];

/// Document kinds in ranking order: (name shown, documents per chunk).
const KINDS: [(&str, usize); 6] = [
    ("单位", 64),
    ("公开文件", 64),
    ("科目", 64),
    ("项目", 32),
    ("公开表", 32),
    ("情况说明", 8),
];
const UNIT: usize = 0;
const DISCLOSURE: usize = 1;
const ITEM: usize = 2;
const PROJECT: usize = 3;
const TABLE: usize = 4;
const SECTION: usize = 5;

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub kind: usize,
    /// Sorting key within the kind.
    pub key: Vec<String>,
    pub title: String,
    pub context: String,
    /// Relative to the site's base (`hengshan-ybj/2023-budget/#T07-2101501`).
    pub url: String,
    /// Body text: matched for terms and shown around the match.
    pub text: String,
    /// Further places of the same thing (`表T05`, …).
    pub links: Vec<(String, String)>,
    /// Terms gathered by `index`, in any order and repeated; `pack` sorts them into
    /// one string (not a map of strings: a large site has millions of documents, and a
    /// string or a B-tree node per term was most of the build's memory).
    gathered: Vec<(String, bool)>,
}

/// Ends a strong term in `Entry::terms` (terms never hold control characters).
const STRONG: char = '\u{1}';
/// Ends a weak term in `Entry::terms`.
const WEAK: char = '\u{2}';

impl Doc {
    fn new(kind: usize, key: Vec<String>, title: String, context: String, url: String) -> Doc {
        Doc {
            kind,
            key,
            title,
            context,
            url,
            text: String::new(),
            links: Vec::new(),
            gathered: Vec::new(),
        }
    }
    /// Indexes `text` as strong (title) or weak (body) terms.
    fn index(&mut self, text: &str, strong: bool) {
        self.gathered
            .extend(tokens(text, strong).into_iter().map(|t| (t, strong)));
    }
    /// Indexes a classification code: itself (strong) and its 类 / 款 prefixes (weak).
    fn index_code(&mut self, code: &str) {
        let code = normalize(code);
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_digit()) {
            self.index(&code, true);
            return;
        }
        for len in [3, 5] {
            if code.len() > len {
                self.gathered.push((code[..len].to_string(), false));
            }
        }
        self.gathered.push((code, true));
    }
    /// The document ready for the index: its terms sorted, each once (strong if it was
    /// strong anywhere), and what a result shows as one JSON row.
    fn pack(self) -> Entry {
        let mut gathered = self.gathered;
        // Strong first among equal terms, so the first of each run decides.
        gathered.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        gathered.dedup_by(|later, first| later.0 == first.0);
        let mut terms = String::with_capacity(gathered.iter().map(|(t, _)| t.len() + 1).sum());
        for (t, strong) in gathered {
            terms.push_str(&t);
            terms.push(if strong { STRONG } else { WEAK });
        }
        let row = (self.title, self.context, self.url, self.text, self.links);
        Entry {
            kind: self.kind,
            key: self.key.join("\0"),
            // Serializing strings and pairs of strings cannot fail.
            row: serde_json::to_string(&row).unwrap_or_default(),
            terms,
        }
    }
}

/// A document as the index keeps it: a few strings rather than a struct of strings, as
/// a large site has millions of documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: usize,
    /// The sorting key's parts joined by NUL (which sorts as the parts would).
    key: String,
    /// `[title, context, url, text, links]` as JSON, as the result chunks hold it.
    row: String,
    /// The terms, sorted and unique, each followed by `STRONG` or `WEAK`.
    terms: String,
}

impl Entry {
    /// The entry as four strings (kind, key, row, terms), for [`crate::build::shares`].
    pub fn parts(&self) -> [&str; 4] {
        [KINDS[self.kind].0, &self.key, &self.row, &self.terms]
    }

    /// The entry [`Entry::parts`] gave, or `None` when they cannot be one.
    pub fn from_parts([kind, key, row, terms]: [&str; 4]) -> Option<Entry> {
        Some(Entry {
            kind: KINDS.iter().position(|(k, _)| *k == kind)?,
            key: key.to_string(),
            row: row.to_string(),
            terms: terms.to_string(),
        })
    }

    /// The document's terms in order, each with whether it is strong.
    pub fn terms(&self) -> impl Iterator<Item = (&str, bool)> {
        self.terms
            .split_inclusive([STRONG, WEAK])
            .map(|t| match t.strip_suffix(STRONG) {
                Some(t) => (t, true),
                None => (t.strip_suffix(WEAK).unwrap_or(t), false),
            })
    }
}

/// Folds full-width ASCII to half-width and Latin letters to lower case.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            };
            c.to_ascii_lowercase()
        })
        .collect()
}

/// Chinese characters (CJK unified ideographs and their extensions).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// The index terms of `text`: bigrams of each run of Chinese characters (a run of one
/// is not indexed), lowercase words of Latin letters and digits; with `digits`, also runs
/// of digits (two or more), else only words containing a letter.
pub fn tokens(text: &str, digits: bool) -> Vec<String> {
    let text = normalize(text);
    let mut out = Vec::new();
    let mut han: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_han = |han: &mut Vec<char>, out: &mut Vec<String>| {
        for w in han.windows(2) {
            out.push(w.iter().collect());
        }
        han.clear();
    };
    let flush_word = |word: &mut String, out: &mut Vec<String>| {
        let numeric = word.chars().all(|c| c.is_ascii_digit());
        if word.len() >= 2 && (!numeric || digits) {
            out.push(std::mem::take(word));
        }
        word.clear();
    };
    for c in text.chars() {
        if is_han(c) {
            flush_word(&mut word, &mut out);
            han.push(c);
        } else if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut out);
            word.push(c);
        } else {
            flush_han(&mut han, &mut out);
            flush_word(&mut word, &mut out);
        }
    }
    flush_han(&mut han, &mut out);
    flush_word(&mut word, &mut out);
    out
}

/// FNV-1a 32 of the term's UTF-8 (the browser computes the same).
pub fn shard_of(term: &str, shards: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in term.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards
}

/// FxHash (rustc's hasher): fast on short keys such as terms; the map it serves is
/// never iterated in an order that reaches the output.
#[derive(Default, Clone, Copy)]
struct BuildFx;

struct Fx(u64);

impl std::hash::BuildHasher for BuildFx {
    type Hasher = Fx;
    fn build_hasher(&self) -> Fx {
        Fx(0)
    }
}

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Appends `n` in base 36 (digits, then lower-case letters) to `out`.
fn push_base36(out: &mut String, mut n: u64) {
    const D: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = [0u8; 13];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = D[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

/// Plain text of sanitized HTML: tags dropped (and the `表T07` source links), the
/// entities pulldown-cmark and ammonia write decoded, whitespace collapsed.
pub fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with("<sup class=\"src\">") {
            rest = rest.find("</sup>").map_or("", |j| &rest[j + 6..]);
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |j| j + 1);
        let tag = &rest[..end];
        if tag.starts_with("<p")
            || tag.starts_with("<li")
            || tag.starts_with("<br")
            || tag.starts_with("<h")
            || tag.starts_with("<t")
        {
            out.push(' ');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page_url(u: &Unit, d: &Disclosure) -> String {
    format!("{}/{}-{}/", u.slug, d.year, d.kind.as_str())
}

fn year_key(d: &Disclosure) -> String {
    // Newest first within a unit.
    format!("{:05}-{}", 99999 - d.year.min(99999), d.kind.as_str())
}

/// Every document of the site, sorted (kind, key). Units are read in parallel; the
/// sort makes the order independent of it.
pub fn documents(site: &Site, templates: &Templates) -> Vec<Entry> {
    documents_with(&site.units, &|u| Ok(unit_docs(u, templates, &[]))).unwrap_or_default()
}

/// `documents`, with each unit's documents from `unit_docs` (which may remember them).
pub fn documents_with<U: Sync>(
    units: &[U],
    unit_docs: &(dyn Fn(&U) -> Result<Vec<Entry>, OutputError> + Sync),
) -> Result<Vec<Entry>, OutputError> {
    use rayon::prelude::*;
    let per_unit: Vec<Vec<Entry>> = units.par_iter().map(unit_docs).collect::<Result<_, _>>()?;
    let mut docs: Vec<Entry> = Vec::with_capacity(per_unit.iter().map(Vec::len).sum());
    for unit in per_unit {
        docs.extend(unit);
    }
    docs.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
    Ok(docs)
}

/// The documents of one unit: the unit, its disclosures, their classification items,
/// projects, tables and explanation sections.
/// `verdicts` are the disclosures' (`核对：…`, in their order), shown with them.
pub fn unit_docs(u: &Unit, templates: &Templates, verdicts: &[String]) -> Vec<Entry> {
    let mut docs = Vec::new();
    {
        let mut doc = Doc::new(
            UNIT,
            vec![u.name.clone(), u.slug.clone()],
            u.name.clone(),
            [u.region.as_str(), u.level.as_str(), u.unit_type.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · "),
            format!("{}/", u.slug),
        );
        doc.index(&u.name, true);
        if let Some(code) = &u.code {
            doc.index_code(code);
        }
        doc.index(&u.region, false);
        if let Some(p) = &u.parent {
            doc.index(p, false);
        }
        docs.push(doc);
        for (i, d) in u.disclosures.iter().enumerate() {
            disclosure_docs(u, d, templates, verdicts.get(i), &mut docs);
        }
    }
    docs.into_iter().map(Doc::pack).collect()
}

fn disclosure_docs(
    u: &Unit,
    d: &Disclosure,
    templates: &Templates,
    verdict: Option<&String>,
    docs: &mut Vec<Doc>,
) {
    let page = page_url(u, d);
    let label = format!("{}年{}", d.year, d.kind.label_zh());
    let place = format!("{} · {label}", u.name);
    let unit_key = [u.name.clone(), u.slug.clone(), year_key(d)];

    let mut doc = Doc::new(
        DISCLOSURE,
        unit_key.to_vec(),
        d.title.clone(),
        match verdict {
            Some(v) => format!("{place} · {v}"),
            None => place.clone(),
        },
        page.clone(),
    );
    doc.index(&d.title, true);
    doc.index(&u.name, true);
    doc.index(&label, true);
    docs.push(doc);

    // Classification items and projects, one document per code (or name) per disclosure.
    let mut items: BTreeMap<(String, String), Doc> = BTreeMap::new();
    let mut projects: BTreeMap<String, Doc> = BTreeMap::new();
    for t in d.tables.iter().filter(|t| t.status == Status::Present) {
        let anchors = crate::views::row_anchors(t);
        let tlabel = format!("表{}", t.id);
        let table_name = templates
            .kind_name(&t.kind)
            .filter(|_| t.kind != "other")
            .unwrap_or(&t.title)
            .to_string();
        // A project row or field of this table, into its project's document.
        let add_project =
            |projects: &mut BTreeMap<String, Doc>, name: &str, url: &str, text: &str| {
                project(
                    projects,
                    name,
                    url,
                    &tlabel,
                    text,
                    &place,
                    &table_name,
                    &unit_key,
                )
            };
        let mut row_names: Vec<&str> = Vec::new();
        for (r, anchor) in t.rows.iter().zip(&anchors) {
            let name = r.name.as_deref().unwrap_or("");
            let url = format!("{page}#{anchor}");
            let project_table = PROJECT_TABLES.contains(&t.kind.as_str());
            if let (Some(code), false) = (&r.code, project_table) {
                let doc = items
                    .entry((code.clone(), name.to_string()))
                    .or_insert_with(|| {
                        let mut doc = Doc::new(
                            ITEM,
                            [code.clone(), name.to_string()]
                                .into_iter()
                                .chain(unit_key.iter().cloned())
                                .collect(),
                            format!("{code} {name}"),
                            format!("{place} · {table_name}"),
                            url.clone(),
                        );
                        doc.index_code(code);
                        doc.index(name, true);
                        doc
                    });
                if doc.url != url {
                    doc.links.push((tlabel.clone(), url.clone()));
                }
            } else if project_table
                && !name.is_empty()
                && r.sum_of.is_empty()
                && r.unit.as_ref().is_none_or(|c| c.len() > 3)
                && name != u.name
            {
                let text = texts(r.cells.values().map(|c| &c.value));
                add_project(&mut projects, name, &url, &text);
            } else if !name.is_empty() && r.code.is_none() && r.unit.is_none() && name != u.name {
                row_names.push(name);
            }
        }
        // Performance tables name their project in a field.
        if let Some(f) = t
            .fields
            .iter()
            .find(|f| f.key.as_deref() == Some("project"))
            && let Value::Text(name) = &f.value.value
            && name != &u.name
        {
            let text = texts(
                t.fields
                    .iter()
                    .filter(|f| f.key.as_deref() != Some("project"))
                    .map(|f| &f.value.value),
            );
            let url = format!("{page}#{}", crate::views::anchor_of(&t.id));
            add_project(&mut projects, name, &url, &text);
        }
        docs.push(table_doc(
            t,
            &table_name,
            &row_names,
            &page,
            &place,
            &unit_key,
        ));
    }
    docs.extend(items.into_values());
    docs.extend(projects.into_values());
    section_docs(u, d, &page, &place, &unit_key, docs);
}

/// The text values among `values`, joined by spaces (a project's description).
fn texts<'a>(values: impl Iterator<Item = &'a Value>) -> String {
    values
        .filter_map(|v| match v {
            Value::Text(s) => Some(s.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[allow(clippy::too_many_arguments)]
fn project(
    projects: &mut BTreeMap<String, Doc>,
    name: &str,
    url: &str,
    tlabel: &str,
    text: &str,
    place: &str,
    table_name: &str,
    unit_key: &[String; 3],
) {
    let doc = projects.entry(name.to_string()).or_insert_with(|| {
        let mut doc = Doc::new(
            PROJECT,
            std::iter::once(name.to_string())
                .chain(unit_key.iter().cloned())
                .collect(),
            name.to_string(),
            format!("{place} · {table_name}"),
            url.to_string(),
        );
        doc.index(name, true);
        doc
    });
    if doc.url != url {
        doc.links.push((tlabel.to_string(), url.to_string()));
    }
    if !text.is_empty() {
        if !doc.text.is_empty() {
            doc.text.push(' ');
        }
        doc.text.push_str(text);
        doc.index(text, false);
    }
}

fn table_doc(
    t: &Table,
    table_name: &str,
    row_names: &[&str],
    page: &str,
    place: &str,
    unit_key: &[String; 3],
) -> Doc {
    let title = match &t.number {
        Some(n) => format!("{n} {table_name}"),
        None => table_name.to_string(),
    };
    let mut doc = Doc::new(
        TABLE,
        [table_name.to_string()]
            .into_iter()
            .chain(unit_key.iter().cloned())
            .chain(std::iter::once(t.id.clone()))
            .collect(),
        title,
        place.to_string(),
        format!("{page}#{}", crate::views::anchor_of(&t.id)),
    );
    doc.index(table_name, true);
    if t.title != table_name {
        doc.index(&t.title, true);
    }
    let mut parts: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for c in &t.columns {
        let leaf = c.name.rsplit('/').next().unwrap_or(&c.name).trim();
        if seen.insert(leaf.to_string()) {
            parts.push(leaf.to_string());
        }
    }
    for n in row_names {
        if seen.insert((*n).to_string()) {
            parts.push((*n).to_string());
        }
    }
    doc.text = parts.join("、");
    let text = doc.text.clone();
    doc.index(&text, false);
    doc
}

fn section_docs(
    u: &Unit,
    d: &Disclosure,
    page: &str,
    place: &str,
    unit_key: &[String; 3],
    docs: &mut Vec<Doc>,
) {
    // The generated paragraphs without the chart-based ones (a subset of the page's
    // sections, so every link resolves).
    let generated = summary::by_section(u, d, &[]);
    let md = d
        .text
        .as_ref()
        .map(|t| markdown::substitute_figures(d, &t.markdown))
        .unwrap_or_default();
    let (overview, rest) = markdown::split_overview(&md);
    let explanation = sections::explanation(rest, &generated);
    let mut push = |order: usize, id: &str, title: &str, text: String| {
        if text.is_empty() {
            return;
        }
        let mut doc = Doc::new(
            SECTION,
            [format!("{order:03}")]
                .into_iter()
                .chain(unit_key.iter().cloned())
                .chain(std::iter::once(id.to_string()))
                .collect(),
            title.to_string(),
            format!("{place} · 情况说明"),
            format!("{page}#{id}"),
        );
        doc.index(title, true);
        doc.index(&text, false);
        doc.text = text;
        docs.push(doc);
    };
    push(
        0,
        "part-overview",
        "部门概况",
        html_text(&markdown::render(overview).html),
    );
    push(
        1,
        "part-explanation",
        "情况说明",
        html_text(&explanation.preamble),
    );
    for s in &explanation.sections {
        let order = sections::STANDARD
            .iter()
            .position(|(id, _, _)| *id == s.id)
            .map_or(sections::STANDARD.len() + 2, |i| i + 2);
        let title = if s.title.is_empty() {
            s.toc_title.trim_start_matches(&s.number).to_string()
        } else {
            s.title.clone()
        };
        let mut text: String = s.generated.iter().map(|g| html_text(g) + " ").collect();
        text.push_str(&html_text(&s.html));
        push(order, &s.id, &title, text.trim().to_string());
    }
}

/// How many segments the index of `units` units is cut into: the smallest power of two
/// that leaves at most `per_segment` units (`search_segment_units`) in a segment on
/// average. A power of two, so that a growing site keeps its segments until it doubles.
pub fn segment_count(units: usize, per_segment: usize) -> usize {
    units
        .div_ceil(per_segment.max(1))
        .max(1)
        .next_power_of_two()
}

/// The segment of unit `slug` among `segments`: FNV-1a 32 of its folder name, so a unit
/// stays in its segment when others come and go.
pub fn segment_of(slug: &str, segments: usize) -> usize {
    shard_of(slug, u32::try_from(segments).unwrap_or(u32::MAX)) as usize
}

/// The folder of segment `n`.
pub fn segment_dir(n: usize) -> String {
    format!("{DIR}/{n}")
}

/// A unit as the search index needs it.
pub trait Indexed: Sync {
    /// Its folder name (which segment it is in).
    fn slug(&self) -> &str;
    /// What its documents are made from (`Renderer::unit_key`), if known: a segment
    /// whose units all have the key they had in the previous build is carried over.
    fn key(&self) -> Option<String>;
    /// Its documents.
    fn docs(&self) -> Result<Vec<Entry>, OutputError>;
}

/// Where the search page and index go.
pub trait Out: Sync {
    /// One file.
    fn put(&self, rel: String, bytes: Vec<u8>) -> Result<(), OutputError>;
    /// Carries the files under `folder` over from the previous output when they were
    /// made under `key`; false when they must be made.
    fn reuse(&self, folder: &str, key: &str) -> Result<bool, OutputError>;
    /// Notes that the files under `folder` were made under `key`.
    fn made(&self, folder: &str, key: String) -> Result<(), OutputError>;
}

/// The key of a segment: its place among how many, and its units with their keys (in
/// folder order); none when a unit's key is unknown.
fn segment_key(segments: usize, n: usize, units: &[&dyn Indexed]) -> Option<String> {
    let mut text = format!("{segments} {n}");
    for u in units {
        text.push('\n');
        text.push_str(u.slug());
        text.push(' ');
        text.push_str(&u.key()?);
    }
    let h = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
    Some(format!("search-{segments}-{n}-{h:016x}-{}", text.len()))
}

/// The search page and its index: `search/meta.json` (format version and number of
/// segments) and the index of each segment's units under `search/<n>/`
/// ([`write_index`]). A segment whose units are as they were in the previous build is
/// carried over (`out.reuse`): a change to one unit makes one segment again.
pub fn site_files(
    tera: &tera::Tera,
    ctx: &tera::Context,
    units: &[&dyn Indexed],
    per_segment: usize,
    out: &dyn Out,
) -> Result<(), OutputError> {
    use rayon::prelude::*;
    let page = tera
        .render("search.html", ctx)
        .map_err(|e| OutputError::Template {
            name: "search.html".to_string(),
            message: e.to_string(),
        })?;
    out.put(format!("{DIR}/index.html"), page.into_bytes())?;
    let segments = segment_count(units.len(), per_segment);
    let mut members: Vec<Vec<&dyn Indexed>> = vec![Vec::new(); segments];
    for u in units {
        members[segment_of(u.slug(), segments)].push(*u);
    }
    let meta = serde_json::json!({ "version": VERSION, "segments": segments });
    out.put(
        format!("{DIR}/meta.json"),
        serde_json::to_string(&meta)
            .map_err(|e| OutputError::Make(e.to_string()))?
            .into_bytes(),
    )?;
    members.par_iter().enumerate().try_for_each(|(n, units)| {
        let dir = segment_dir(n);
        let key = segment_key(segments, n, units);
        if let Some(key) = &key
            && out.reuse(&dir, key)?
        {
            return Ok(());
        }
        let docs = documents_with(units, &|u| u.docs())?;
        write_index(&dir, &docs, &|rel, bytes| out.put(rel, bytes))?;
        match key {
            Some(key) => out.made(&dir, key),
            None => Ok(()),
        }
    })
}

#[cfg(test)]
mod tests;
