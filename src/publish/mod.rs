//! Atomic, incremental publishing of a rendered site.
//!
//! Rendered files stream in from the threads rendering units ([`Writer::put`]); each is
//! written at once into a temporary directory beside the output (so memory holds only
//! the files in flight), which is then swapped with the output in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux). The previous output is never written to: a
//! build that fails or is killed at any point leaves it intact and complete.
//!
//! `serve` updates its private preview directory in place instead ([`Mode::InPlace`]):
//! only the files of the units that changed are rendered, each written by a rename, and
//! the rest of the previous output is kept. A large file (4 MB or more) is on the disk
//! before it is renamed into place, so that the next edit's few small files do not wait
//! while the file system writes it out (ext4's `auto_da_alloc` does so at a rename over
//! an existing file).
//!
//! Incremental: the output carries a manifest ([`MANIFEST`]) naming, for each file, a
//! hash of its content and the sources it was built from. A file whose bytes equal the
//! previous output's is hard-linked from it (falling back to a copy that keeps the
//! modification time) instead of being written, so its mtime and inode stay and `rsync`
//! or an object-store sync uploads only what changed. Outputs of removed sources simply
//! are not in the new directory. `clean` writes every file anew.
//!
//! The standby: after a swap, the previous output is not removed but kept beside the
//! output (`.<name>.standby`, with its manifest). Its unchanged files are links of the
//! new output's, so the next build takes it as its directory and brings it up to date
//! with what changed in the last two builds only (a changed file written anew after the
//! standby's is removed — never written into, as it may be a link of the published
//! one, nor renamed over it, which would make the file system write it out at once; a
//! file that no longer exists removed), instead of linking a large site's two hundred
//! thousand files into a new directory and removing the old one. Which files are
//! already right it knows from the standby's manifest and the output's: a file with the
//! same hash in both is the same file (an unchanged file is always linked, never
//! written again), and it is still there when the times of its folders are those
//! recorded when it was published (no file added, removed or renamed in them since: a
//! file deleted by hand is noticed), else when one `stat` finds it. The manifest is
//! removed from the standby as it is taken, so one left half-updated by a killed build
//! is never trusted again.

mod dirs;
mod manifest;
#[cfg(test)]
mod tests;
mod writer;

pub use dirs::{MARKER, beside, check_output, parent_and_name, shares_path};
pub use manifest::{Entry, MANIFEST, Manifest, hash, hashed_len, read_manifest};
pub use writer::{ABORT_HOOK, Mode, Outcome, Stats, Writer, write_in_place};

/// Why publishing failed. The output as published before is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A file or folder operation failed: what was being done (`无法写入`), on which path.
    #[error("{what} {}：{source}", path.display())]
    Io {
        what: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The output path cannot be published to (it is the site itself, a file, a folder of
    /// something else), or two files were given one path.
    #[error("{0}")]
    Refused(String),
    /// A newer edit arrived while `serve` was building ([`Writer::cancelled_by`]).
    #[error("已取消（有新的修改）")]
    Cancelled,
    /// A failure inside the writer (a lock poisoned by a panicking thread, a manifest
    /// that cannot be serialized).
    #[error("{0}")]
    Failed(String),
}

impl PublishError {
    pub(crate) fn io(what: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        PublishError::Io {
            what,
            path: path.to_path_buf(),
            source,
        }
    }
}
