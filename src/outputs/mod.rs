//! One module per kind of output file beyond the pages: downloads, the data package,
//! feeds, comparisons and search.

pub mod compare;
pub mod datapackage;
pub mod downloads;
pub mod feeds;
pub mod findings;
pub mod search;
pub mod workbook;

/// Why an output file could not be made or handed on.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The writer the files are handed to failed (its own error: outputs do not know it).
    #[error("{0}")]
    Write(Box<dyn std::error::Error + Send + Sync>),
    /// A newer edit arrived while `serve` was building: the build stops.
    #[error("已取消（有新的修改）")]
    Cancelled,
    /// A template failed to render.
    #[error("渲染模板 {name} 失败：{message}")]
    Template { name: String, message: String },
    /// A file could not be made (JSON, a workbook, the compressed index, an amount out of
    /// range).
    #[error("{0}")]
    Make(String),
}
