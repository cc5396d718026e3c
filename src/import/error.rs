//! Why an import stopped. Each message is for a finance officer: which file, what is
//! wrong, what to do. An import that fails writes nothing (`gongkai import` exits 2).

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum ImportError {
    /// The file cannot be read from the disk.
    Read { file: PathBuf, reason: String },
    /// The file is not a PDF or workbook that gongkai can read (named `.pdf` but is not
    /// one, truncated, corrupt, an unsupported extension).
    NotReadable { file: PathBuf, reason: String },
    /// The PDF is encrypted.
    Encrypted { file: PathBuf },
    /// The PDF has no text layer (a scan).
    NoText { file: PathBuf },
    /// Over a limit (pages, size, cells, expanded bytes of a workbook).
    TooLarge { file: PathBuf, what: String },
    /// The PDF library panicked on this file.
    ReaderFailed { file: PathBuf, reason: String },
    /// The files were read, but what they are cannot be told (no year, no unit name, no
    /// table): nothing is guessed.
    NotRecognized { what: String },
    /// The target exists and `--force` was not given.
    Exists { path: PathBuf },
    /// The unit folder holds another unit (its `unit.yaml` names `name`).
    OtherUnit { path: PathBuf, name: String },
    /// Writing the sources failed (nothing was left half-written).
    Write { path: PathBuf, reason: String },
    /// gongkai's own data files are broken (a bug, not the input's fault).
    Internal { reason: String },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Read { file, reason } => {
                write!(f, "{}：无法读取文件（{reason}）", file.display())
            }
            ImportError::NotReadable { file, reason } => {
                write!(
                    f,
                    "{}：不是可读取的 PDF 或 Excel 文件（{reason}）",
                    file.display()
                )
            }
            ImportError::Encrypted { file } => write!(
                f,
                "{}：此 PDF 已加密，无法读取其中的文字；请提供未加密的文件",
                file.display()
            ),
            ImportError::NoText { file } => write!(
                f,
                "{}：此文件没有文字层，需要先做文字识别（OCR）",
                file.display()
            ),
            ImportError::TooLarge { file, what } => {
                write!(f, "{}：文件超出导入限制（{what}）", file.display())
            }
            ImportError::ReaderFailed { file, reason } => write!(
                f,
                "{}：读取文件时出错，文件可能已损坏（{reason}）",
                file.display()
            ),
            ImportError::NotRecognized { what } => write!(f, "无法识别：{what}"),
            ImportError::Exists { path } => write!(
                f,
                "{} 已存在，未覆盖；确认要替换时请加 --force",
                path.display()
            ),
            ImportError::OtherUnit { path, name } => write!(
                f,
                "{} 是另一个单位（{name}）的目录，未写入；请用 --unit 指定别的目录名，或加 --force 写入此目录",
                path.display()
            ),
            ImportError::Write { path, reason } => {
                write!(
                    f,
                    "{}：写入失败（{reason}），未留下写了一半的文件",
                    path.display()
                )
            }
            ImportError::Internal { reason } => write!(f, "内部错误：{reason}"),
        }
    }
}

impl std::error::Error for ImportError {}
