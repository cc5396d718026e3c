//! Where the files of a disclosure live in the output: the views link to them, the
//! outputs write them there.

use crate::model::{Disclosure, Table, Unit};

/// The JSON of a whole disclosure, beside its page.
pub const DATA_JSON: &str = "data.json";

/// The workbook of a whole disclosure (a sheet per table), beside its page.
pub const WORKBOOK: &str = "data.xlsx";

/// The folder of a disclosure's page and downloads: `<unit>/<year>-<kind>/`.
pub fn disclosure_dir(u: &Unit, d: &Disclosure) -> String {
    format!("{}/{}-{}/", u.slug, d.year, d.kind.as_str())
}

/// A table has downloads when it has columns (an empty table then gives its header).
pub fn has_download(t: &Table) -> bool {
    !t.columns.is_empty()
}

/// The file name stem of a table's downloads: its id, reduced to `[A-Za-z0-9_-]`.
pub fn file_stem(t: &Table) -> String {
    t.id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Fills in the download links of the page's tables (matched by table id).
pub fn add_links(base: &str, u: &Unit, d: &Disclosure, tables: &mut [super::TableView]) {
    let dir = disclosure_dir(u, d);
    for view in tables.iter_mut().filter(|v| !v.id.is_empty()) {
        let Some(t) = d.tables.iter().find(|t| t.id == view.id) else {
            continue;
        };
        if !has_download(t) {
            continue;
        }
        let stem = file_stem(t);
        let named = format!("{} {}", t.id, view.name);
        // The table's sheet is in the disclosure's workbook, linked above the tables.
        view.downloads = vec![super::DownloadLink {
            url: format!("{base}{dir}{stem}.csv"),
            text: "下载 CSV".into(),
            label: format!("下载 CSV：{named}"),
        }];
    }
}
