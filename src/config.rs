//! Site configuration: `gongkai.toml` at the site root.
//!
//! ```toml
//! title = "医疗保障部门预决算公开"
//! base_url = "https://example.gov.cn/yjsgk/"   # deploying under a sub-path works
//! output_dir = "public"
//! ```

use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "gongkai.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The site's title, shown on every page.
    pub title: String,
    /// Where the site is served: `https://host/sub/path/`, or just a path (`/sub/path/`).
    pub base_url: String,
    /// Output directory, relative to the site root (overridden by `--out`).
    pub output_dir: String,
    /// An optional line under the title on the home page.
    pub description: Option<String>,
    /// The tagging entity of feed ids (`tag:` URIs, RFC 4151) when `base_url` names no
    /// host: a domain or e-mail address the publisher controls and a date it did,
    /// `ybj.example.gov.cn,2024`.
    pub feed_authority: Option<String>,
    /// Units per segment of the search index, on average (default 256): a change to one
    /// unit makes its segment's index again, and a query fetches one file per term from
    /// each segment. Fewer per segment: faster rebuilds, more requests per query.
    pub search_segment_units: usize,
    /// 主办单位: who runs the site, shown in the footer of every page.
    pub organizer: Option<String>,
    /// How to reach the organizer (telephone, address, e-mail), shown in the footer.
    pub contact: Option<String>,
    /// 备案号 (ICP filing number), shown in the footer.
    pub icp: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "部门预决算公开".into(),
            base_url: "/".into(),
            output_dir: "public".into(),
            description: None,
            feed_authority: None,
            search_segment_units: 256,
            organizer: None,
            contact: None,
            icp: None,
        }
    }
}

/// Why `gongkai.toml` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("无法读取 {}：{source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A value that the format does not allow; `path` once the file is known.
    #[error("{}{message}", path.as_ref().map(|p| format!("{}：", p.display())).unwrap_or_default())]
    Invalid {
        path: Option<PathBuf>,
        message: String,
    },
}

impl ConfigError {
    fn invalid(message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: None,
            message: message.into(),
        }
    }
}

impl Config {
    /// Reads `gongkai.toml` in `site_root`; the defaults when there is none.
    pub fn load(site_root: &Path) -> Result<Config, ConfigError> {
        let path = site_root.join(FILE_NAME);
        if !path.is_file() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        Config::parse(&text).map_err(|e| match e {
            ConfigError::Invalid {
                path: None,
                message,
            } => ConfigError::Invalid {
                path: Some(path.clone()),
                message,
            },
            e => e,
        })
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let c: Config = toml::from_str(text).map_err(|e| ConfigError::invalid(e.to_string()))?;
        if c.title.trim().is_empty() {
            return Err(ConfigError::invalid("title 不能为空"));
        }
        if c.output_dir.trim().is_empty() {
            return Err(ConfigError::invalid("output_dir 不能为空"));
        }
        if c.search_segment_units == 0 {
            return Err(ConfigError::invalid("search_segment_units 应为正整数"));
        }
        for (key, value) in [
            ("organizer", &c.organizer),
            ("contact", &c.contact),
            ("icp", &c.icp),
        ] {
            if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
                return Err(ConfigError::invalid(format!(
                    "{key} 不能为空字符串（不需要时请删去这一行）"
                )));
            }
        }
        if let Some(a) = &c.feed_authority
            && !valid_tag_authority(a)
        {
            return Err(ConfigError::invalid(format!(
                "feed_authority 应写作“域名或电子邮箱,日期”，如 ybj.example.gov.cn,2024，而不是 `{a}`"
            )));
        }
        Ok(c)
    }

    /// The path part of `base_url`, always starting and ending with `/`:
    /// `https://host/yjsgk` → `/yjsgk/`. Internal links start with it.
    pub fn base_path(&self) -> String {
        let url = self.base_url.trim();
        let path = match url.find("://") {
            Some(i) => {
                let rest = &url[i + 3..];
                rest.find('/').map_or("", |j| &rest[j..])
            }
            None => url,
        };
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            "/".into()
        } else {
            format!("/{trimmed}/")
        }
    }

    /// `base_url` with a trailing slash, for absolute URLs (sitemap, robots, feed ids);
    /// `None` unless it is an `http://` or `https://` address with a host.
    pub fn absolute_base(&self) -> Option<String> {
        let url = self.base_url.trim();
        let (scheme, rest) = url.split_once("://")?;
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return None;
        }
        let host = rest.split('/').next().unwrap_or("");
        if host.is_empty() || host.contains(char::is_whitespace) {
            return None;
        }
        Some(format!("{scheme}://{host}{}", self.base_path()))
    }
}

/// The default tagging entity of feed ids when `base_url` names no host and
/// `feed_authority` is not set (`.invalid` is a reserved name: it belongs to nobody).
pub const DEFAULT_FEED_AUTHORITY: &str = "gongkai.invalid,2026";

/// `taggingEntity` of RFC 4151: a DNS name or an e-mail address, a comma, and a date
/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub fn valid_tag_authority(s: &str) -> bool {
    let Some((name, date)) = s.split_once(',') else {
        return false;
    };
    let dns = |n: &str| {
        !n.is_empty()
            && n.split('.').all(|label| {
                !label.is_empty()
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
    };
    let name_ok = match name.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!$&'*+-=?^_`{|}~.".contains(c))
                && dns(domain)
        }
        None => dns(name),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let date_ok = match parts.as_slice() {
        [y] => y.len() == 4,
        [y, m] => y.len() == 4 && m.len() == 2 && (1..=12).contains(&m.parse().unwrap_or(0)),
        [y, m, d] => {
            y.len() == 4
                && m.len() == 2
                && d.len() == 2
                && (1..=12).contains(&m.parse().unwrap_or(0))
                && (1..=31).contains(&d.parse().unwrap_or(0))
        }
        _ => false,
    } && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    name_ok && date_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        let mut c = Config::default();
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.absolute_base(), None);
        c.base_url = "https://example.gov.cn/yjsgk".into();
        assert_eq!(c.base_path(), "/yjsgk/");
        assert_eq!(
            c.absolute_base().as_deref(),
            Some("https://example.gov.cn/yjsgk/")
        );
        c.base_url = "https://example.gov.cn".into();
        assert_eq!(c.base_path(), "/");
        assert_eq!(
            c.absolute_base().as_deref(),
            Some("https://example.gov.cn/")
        );
        c.base_url = "/a/b/".into();
        assert_eq!(c.base_path(), "/a/b/");
        assert_eq!(c.absolute_base(), None);
        for no_host in ["https:///a/", "ftp://example.gov.cn/", "example.gov.cn/a/"] {
            c.base_url = no_host.into();
            assert_eq!(c.absolute_base(), None, "{no_host}");
        }
        c.base_url = "http://example.gov.cn:8080/a".into();
        assert_eq!(
            c.absolute_base().as_deref(),
            Some("http://example.gov.cn:8080/a/")
        );
    }

    #[test]
    fn parses_and_rejects_unknown_keys() {
        let c = Config::parse("title = \"医保\"\nbase_url = \"/x/\"\n").unwrap();
        assert_eq!(c.title, "医保");
        assert_eq!(c.output_dir, "public");
        assert!(Config::parse("titel = \"x\"").is_err());
        let c = Config::parse(
            "organizer = \"某某市医疗保障局\"\ncontact = \"0734-1234567\"\nicp = \"湘ICP备00000000号\"\n",
        )
        .unwrap();
        assert_eq!(c.organizer.as_deref(), Some("某某市医疗保障局"));
        assert_eq!(c.contact.as_deref(), Some("0734-1234567"));
        assert_eq!(c.icp.as_deref(), Some("湘ICP备00000000号"));
        let e = Config::parse("icp = \" \"").unwrap_err().to_string();
        assert!(e.contains("icp 不能为空"), "{e}");
    }

    #[test]
    fn feed_authority_is_a_tagging_entity() {
        for ok in [
            "ybj.example.gov.cn,2024",
            "a@example.org,2024-05",
            "x.cn,2024-05-01",
        ] {
            assert!(valid_tag_authority(ok), "{ok}");
            assert!(Config::parse(&format!("feed_authority = \"{ok}\"")).is_ok());
        }
        for bad in [
            "example.gov.cn",
            "example.gov.cn,24",
            "exa mple.cn,2024",
            ",2024",
            "a..b,2024",
            "x.cn,2024-13",
            "x.cn:2024",
        ] {
            assert!(!valid_tag_authority(bad), "{bad}");
            assert!(Config::parse(&format!("feed_authority = \"{bad}\"")).is_err());
        }
        assert!(valid_tag_authority(DEFAULT_FEED_AUTHORITY));
    }
}
