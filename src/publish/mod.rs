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
pub use writer::{ABORT_HOOK, CANCELLED, Mode, Outcome, Stats, Writer, write_in_place};
