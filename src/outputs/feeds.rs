//! Atom feeds (RFC 4287) of the published disclosures: `feed.xml` for the site and
//! `<unit>/feed.xml` for each unit, entries newest first by the publication date the
//! sources record (`published:`).
//!
//! - A disclosure without a `published` date is not in any feed: a feed reader shows an
//!   entry as new by its date, and the clock is never a source. The unit page says how
//!   many of its disclosures are left out.
//! - Dates are Beijing dates: `2023-02-20` is `2023-02-20T00:00:00+08:00`.
//! - A feed's `updated` is its newest entry's. A feed would have no entry (no
//!   disclosure it covers has a date) is not written and no page links it: Atom requires
//!   a date, and neither the clock nor a placeholder such as the epoch is one.
//! - Ids are the absolute URLs of the pages (and of the feeds) when `base_url` names a
//!   host; otherwise `tag:` URIs (RFC 4151) of `feed_authority` (or
//!   [`DEFAULT_FEED_AUTHORITY`]) and the page's path under the base, so moving the site
//!   to another sub-path keeps them.
//! - Every text is escaped for XML, and characters XML 1.0 cannot carry are replaced by
//!   U+FFFD. The output is a pure function of the sources and the configuration.

use crate::config::{Config, DEFAULT_FEED_AUTHORITY};
use crate::model::{Unit, parse_date};
use crate::outputs::OutputError;
use crate::views::SiteInfo;
use crate::views::listing::{DisclosureListing, UnitListing};

/// The file name of every feed.
pub const FEED: &str = "feed.xml";

/// Output path of a unit's feed.
pub fn unit_feed_path(slug: &str) -> String {
    format!("{slug}/{FEED}")
}

/// How feed ids and links are made from the configuration.
struct Ids {
    /// `https://host/sub/` when `base_url` names a host.
    absolute: Option<String>,
    /// The base path every link starts with.
    base: String,
    /// `tag:authority:` when there is no host.
    tag: String,
}

impl Ids {
    fn new(config: &Config, info: &SiteInfo) -> Ids {
        let authority = config
            .feed_authority
            .as_deref()
            .unwrap_or(DEFAULT_FEED_AUTHORITY);
        Ids {
            absolute: config.absolute_base(),
            base: info.base.clone(),
            tag: format!("tag:{authority}:"),
        }
    }
    /// The link to `path` (an output path; `index.html` dropped).
    fn href(&self, path: &str) -> String {
        let p = path.strip_suffix("index.html").unwrap_or(path);
        match &self.absolute {
            Some(a) => format!("{a}{}", encode_path(p)),
            None => format!("{}{}", self.base, encode_path(p)),
        }
    }
    /// The permanent id of the thing at `path`.
    fn id(&self, path: &str) -> String {
        let p = path.strip_suffix("index.html").unwrap_or(path);
        match &self.absolute {
            Some(a) => format!("{a}{}", encode_path(p)),
            None => format!("{}{}", self.tag, encode_path(p)),
        }
    }
}

/// Percent-encodes what may not stand in a URI path (unit folder names are free text).
pub fn encode_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes text for XML content and attribute values; characters XML 1.0 does not
/// allow become U+FFFD.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `2023-02-20` → `2023-02-20T00:00:00+08:00`; an error for anything that is not a
/// calendar date.
pub fn atom_date(date: &str) -> Result<String, OutputError> {
    match parse_date(date) {
        Some(_) => Ok(format!("{date}T00:00:00+08:00")),
        None => Err(OutputError::Make(format!(
            "公开日期 `{date}` 不是有效日期（应写作 YYYY-MM-DD）"
        ))),
    }
}

/// One disclosure in a feed.
struct Item<'a> {
    unit: &'a UnitListing,
    disclosure: &'a DisclosureListing,
    /// `YYYY-MM-DD`, as the source records it.
    date: &'a str,
}

/// The dated disclosures of `units`, newest first: by publication date, then year, final
/// accounts before budgets (as on the unit page), then unit folder.
fn items<'a>(units: &[&'a UnitListing]) -> Vec<Item<'a>> {
    let mut out: Vec<Item> = units
        .iter()
        .flat_map(|u| {
            u.newest_first().into_iter().filter_map(move |d| {
                d.published.as_deref().map(|date| Item {
                    unit: u,
                    disclosure: d,
                    date,
                })
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.date
            .cmp(a.date)
            .then(b.disclosure.year.cmp(&a.disclosure.year))
            .then(b.disclosure.kind.cmp(&a.disclosure.kind))
            .then(a.unit.slug.cmp(&b.unit.slug))
    });
    out
}

struct FeedHead<'a> {
    path: String,
    title: String,
    subtitle: String,
    alternate: String,
    author: &'a str,
}

/// The feed of `items`; `None` when there are none (see the module's notes).
fn feed(ids: &Ids, head: &FeedHead, items: &[Item]) -> Result<Option<Vec<u8>>, OutputError> {
    let mut x = String::new();
    let Some(newest) = items.first() else {
        return Ok(None);
    };
    let updated = atom_date(newest.date).map_err(|e| {
        OutputError::Make(format!(
            "{}/{}：{e}",
            newest.unit.slug, newest.disclosure.year
        ))
    })?;
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    x.push_str(&format!("<id>{}</id>\n", escape_xml(&ids.id(&head.path))));
    x.push_str(&format!("<title>{}</title>\n", escape_xml(&head.title)));
    x.push_str(&format!(
        "<subtitle>{}</subtitle>\n",
        escape_xml(&head.subtitle)
    ));
    x.push_str(&format!("<updated>{updated}</updated>\n"));
    x.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape_xml(&ids.href(&head.path))
    ));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape_xml(&ids.href(&head.alternate))
    ));
    x.push_str(&format!(
        "<author><name>{}</name></author>\n",
        escape_xml(head.author)
    ));
    x.push_str("<generator>gongkai</generator>\n");
    for i in items {
        let (u, d) = (i.unit, i.disclosure);
        let date = atom_date(i.date).map_err(|e| {
            OutputError::Make(format!(
                "content/{}/{}-{}.yaml：{e}",
                u.slug,
                d.year,
                d.kind.as_str()
            ))
        })?;
        let page = &d.path;
        x.push_str("<entry>\n");
        x.push_str(&format!("<id>{}</id>\n", escape_xml(&ids.id(page))));
        x.push_str(&format!("<title>{}</title>\n", escape_xml(&d.title)));
        x.push_str(&format!("<published>{date}</published>\n"));
        x.push_str(&format!("<updated>{date}</updated>\n"));
        x.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape_xml(&ids.href(page))
        ));
        x.push_str(&format!(
            "<author><name>{}</name></author>\n",
            escape_xml(&u.summary.name)
        ));
        x.push_str(&format!(
            "<category term=\"{}\" label=\"{}\"/>\n",
            d.kind.as_str(),
            d.kind.label_zh()
        ));
        x.push_str(&format!(
            "<summary type=\"text\">{}</summary>\n",
            escape_xml(&d.summary)
        ));
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    Ok(Some(x.into_bytes()))
}

/// Whether any of `units` has a dated disclosure: the site's feed exists.
pub fn any_dated(units: &[UnitListing]) -> bool {
    units
        .iter()
        .any(|u| u.disclosures.iter().any(|d| d.published.is_some()))
}

/// The site's feed: every unit's dated disclosures; none without a dated disclosure.
pub fn site_feed(
    config: &Config,
    info: &SiteInfo,
    units: &[UnitListing],
) -> Result<Option<(String, Vec<u8>)>, OutputError> {
    let ids = Ids::new(config, info);
    let all: Vec<&UnitListing> = units.iter().collect();
    Ok(feed(
        &ids,
        &FeedHead {
            path: FEED.into(),
            title: format!("{}：新公开的部门预算和决算", info.title),
            subtitle:
                "各单位新公开的部门预算和部门决算，按原文公开日期排列；未注明公开日期的不列入。"
                    .into(),
            alternate: "index.html".into(),
            author: &info.title,
        },
        &items(&all),
    )?
    .map(|bytes| (FEED.to_string(), bytes)))
}

/// A unit's feed; none when no disclosure of the unit has a date.
pub fn unit_feed(
    config: &Config,
    info: &SiteInfo,
    u: &UnitListing,
) -> Result<Option<(String, Vec<u8>)>, OutputError> {
    let ids = Ids::new(config, info);
    Ok(feed(
        &ids,
        &FeedHead {
            path: unit_feed_path(&u.slug),
            title: format!("{}：新公开的部门预算和决算", u.summary.name),
            subtitle: format!(
                "{}新公开的部门预算和部门决算，按原文公开日期排列；未注明公开日期的不列入。",
                u.summary.name
            ),
            alternate: u.path(),
            author: &u.summary.name,
        },
        &items(&[u]),
    )?
    .map(|bytes| (unit_feed_path(&u.slug), bytes)))
}

/// A unit's feed, for its page: the link and how many disclosures it leaves out.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FeedLink {
    /// `None` when the unit has no feed (no dated disclosure).
    pub url: Option<String>,
    /// Disclosures without a publication date (not in the feed).
    pub undated: usize,
}

pub fn unit_feed_link(base: &str, u: &Unit) -> FeedLink {
    let undated = u
        .disclosures
        .iter()
        .filter(|d| d.published.is_none())
        .count();
    FeedLink {
        url: (undated < u.disclosures.len()).then(|| format!("{base}{}", unit_feed_path(&u.slug))),
        undated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(
            atom_date("2024-02-29").unwrap(),
            "2024-02-29T00:00:00+08:00"
        );
        for bad in [
            "2023-02-29",
            "2023-04-31",
            "2023-13-01",
            "2023-00-10",
            "2023-1-10",
            "2023/01/10",
            "+023-01-10",
            "0000-01-01",
        ] {
            assert!(atom_date(bad).is_err(), "{bad}");
        }
        assert!(atom_date("1900-02-29").is_err());
        assert!(atom_date("2000-02-29").is_ok());
    }

    #[test]
    fn escaping_keeps_xml_well_formed() {
        assert_eq!(
            escape_xml("a<b>&\"c'\u{1}\u{FFFF}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}\u{FFFD}"
        );
        assert_eq!(
            encode_path("衡山/2023-budget/"),
            "%E8%A1%A1%E5%B1%B1/2023-budget/"
        );
    }
}
