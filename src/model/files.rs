//! The source files as read: their paths and texts, kept for diagnostics and for the
//! locations in the model.

use std::path::PathBuf;

/// Index of a file in `Files`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A source file as read: its path and text (kept for diagnostics).
pub struct SourceFile {
    pub path: PathBuf,
    /// The path as shown to people: relative to where gongkai was pointed.
    pub display: String,
    pub text: String,
}

#[derive(Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    pub fn add(&mut self, path: PathBuf, display: String, text: String) -> FileId {
        self.files.push(SourceFile {
            path,
            display,
            text,
        });
        FileId((self.files.len() - 1) as u32)
    }
    /// Moves the files of `other` after these; returns the id the first one gets.
    pub fn append(&mut self, mut other: Files) -> u32 {
        let first = self.files.len() as u32;
        self.files.append(&mut other.files);
        first
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    /// Frees the text of a file nothing will point into (a kept unit's, see `source::Kept`).
    pub(crate) fn drop_text(&mut self, id: FileId) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            f.text = String::new();
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}
