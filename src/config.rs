//! Site configuration: `gongkai.toml` at the site root.
//!
//! ```toml
//! title = "医疗保障部门预决算公开"
//! base_url = "https://example.gov.cn/yjsgk/"   # deploying under a sub-path works
//! output_dir = "public"
//! ```

use serde::Deserialize;
use std::path::Path;

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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "部门预决算公开".into(),
            base_url: "/".into(),
            output_dir: "public".into(),
            description: None,
        }
    }
}

impl Config {
    /// Reads `gongkai.toml` in `site_root`; the defaults when there is none.
    pub fn load(site_root: &Path) -> Result<Config, String> {
        let path = site_root.join(FILE_NAME);
        if !path.is_file() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
        Config::parse(&text).map_err(|e| format!("{}：{e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let c: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if c.title.trim().is_empty() {
            return Err("title 不能为空".into());
        }
        if c.output_dir.trim().is_empty() {
            return Err("output_dir 不能为空".into());
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

    /// `base_url` with a trailing slash, for absolute URLs (sitemap); `None` when it
    /// names no host.
    pub fn absolute_base(&self) -> Option<String> {
        let url = self.base_url.trim();
        if !url.contains("://") {
            return None;
        }
        let scheme_end = url.find("://").map_or(0, |i| i + 3);
        let host_end = url[scheme_end..]
            .find('/')
            .map_or(url.len(), |j| scheme_end + j);
        Some(format!("{}{}", &url[..host_end], self.base_path()))
    }
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
    }

    #[test]
    fn parses_and_rejects_unknown_keys() {
        let c = Config::parse("title = \"医保\"\nbase_url = \"/x/\"\n").unwrap();
        assert_eq!(c.title, "医保");
        assert_eq!(c.output_dir, "public");
        assert!(Config::parse("titel = \"x\"").is_err());
    }
}
