//! A fast path for reading source files: a small parser for the subset of YAML that
//! sources are written in, and a serde `Deserializer` over what it parsed.
//!
//! [`parse`] returns `None` as soon as the text uses anything outside the subset, or
//! anything goes wrong (a syntax error, a serde error such as an unknown, missing or
//! duplicate field, a type mismatch, too deep a nesting, too many nodes). The caller
//! ([`super::parse_yaml`]) then parses the text again with serde-saphyr, so every error
//! message and every diagnostic stays that library's.
//!
//! **The invariant:** whenever `parse` returns `Some(v)`, serde-saphyr (with the options of
//! `parse_yaml`) returns `Ok(v2)` with `v == v2`, including the `line()` and `column()` of
//! every `Spanned` (`referenced` and `defined`; the character-based `span` inside
//! `Location` is not filled in, nothing reads it). It only has to be right on the
//! documents it accepts: when in doubt, it bails. The tests compare both parsers on the
//! seeds, the fixtures, the hostile-input corpus and random documents.
//!
//! The subset:
//! - one document whose root is a block mapping at column 1; no `---`, `...` or `%` lines;
//! - block mappings and block sequences by indentation (spaces only), `- key: v` items
//!   whose mapping continues on the following lines; a value on the following lines must
//!   be indented more than its key (or dash);
//! - keys: plain, ASCII, starting with a letter or `_`, then letters, digits, `_` or `-`;
//!   or quoted on one line; followed by `: ` (or `:` at the end of the line); no duplicates;
//! - flow mappings and flow sequences opened and closed on one line, nested;
//! - scalars on one line: plain (not null-like; no `: `, and in flow context no `:`
//!   before a flow indicator), single-quoted, double-quoted with the escapes `\\ \" \/ \n \t \uXXXX \xXX`;
//! - literal and folded block scalars `|`, `|-`, `|+`, `>`, `>-`, `>+` with auto-detected
//!   indentation (no leading empty lines, no whitespace-only line longer than the
//!   indentation; folded: no more-indented line, no line ending with a space);
//! - comments after whitespace or at the start of a line.
//!
//! Everything else bails: tabs, carriage returns, control characters, byte-order marks,
//! anchors, aliases, tags, complex keys, explicit indentation indicators,
//! multi-line plain or quoted scalars, multi-line flow collections, null values, plain
//! scalars that start with an indicator (`-`, `?`, `:`, `,`, `[`, `]`, `{`, `}`, `#`,
//! `&`, `*`, `!`, `|`, `>`, `'`, `"`, `%`, `@`, backtick), nesting deeper than
//! [`MAX_DEPTH`], more than [`MAX_NODES`] nodes.
//!
//! Scalar typing follows serde-saphyr: a plain scalar read as a string is its text (it is
//! never null-like here); an unsigned integer is read only from plain ASCII digits without
//! a leading zero; a `Spanned` is only built around a scalar.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Deepest nesting of collections accepted (serde-saphyr's own limit is 64).
pub const MAX_DEPTH: usize = 32;
/// Most nodes (collections, keys and scalars) accepted (serde-saphyr's limit is 250,000).
pub const MAX_NODES: usize = 200_000;
/// Longest key accepted, in bytes (YAML limits implicit keys to 1024 characters).
const MAX_KEY_LEN: usize = 128;
/// Most entries in one mapping (duplicate keys are looked for one by one).
const MAX_MAP_LEN: usize = 512;

/// Parses `text` into `T` if it is inside the subset and deserializes without error.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    let root = Parser::new(text)?.document()?;
    T::deserialize(NodeDe(&root)).ok()
}

// ---------------------------------------------------------------------------------------
// The tree

struct Node<'a> {
    kind: Kind<'a>,
    /// 1-based line and character column of a scalar (0 for collections: never read).
    line: u32,
    col: u32,
}

enum Kind<'a> {
    /// A plain scalar, never null-like.
    Plain(&'a str),
    /// A quoted or literal block scalar: always a string.
    Str(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Node<'a> {
    fn collection(kind: Kind<'a>) -> Self {
        Node {
            kind,
            line: 0,
            col: 0,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The parser

struct Line<'a> {
    /// The line without its line break.
    text: &'a str,
    /// Leading spaces.
    indent: usize,
    /// Only spaces, or a comment.
    blank: bool,
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    /// The next line not consumed yet.
    pos: usize,
    /// Whether the text ends with a line break.
    terminated: bool,
    nodes: usize,
}

/// Whether every character may appear in the subset: no control character but the line
/// feed (so no tab and no carriage return), no C1 control (so no NEL), no line or paragraph
/// separator, no byte-order mark, no U+FFFE or U+FFFF.
fn characters_ok(text: &str) -> bool {
    let b = text.as_bytes();
    // Continuation bytes never equal the lead bytes tested below, so a byte-wise walk is
    // exact; a lead byte is always followed by its continuation bytes in a `str`.
    for (i, &c) in b.iter().enumerate() {
        let bad = match c {
            b'\n' => false,
            0..=0x1f | 0x7f => true,
            0xc2 => (0x80..=0x9f).contains(&b[i + 1]),
            0xe2 => b[i + 1] == 0x80 && matches!(b[i + 2], 0xa8 | 0xa9),
            0xef => {
                (b[i + 1] == 0xbb && b[i + 2] == 0xbf) || (b[i + 1] == 0xbf && b[i + 2] >= 0xbe)
            }
            _ => false,
        };
        if bad {
            return false;
        }
    }
    true
}

fn skip_spaces(text: &str, mut i: usize) -> usize {
    let b = text.as_bytes();
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// Whether what follows `i` is nothing, or spaces then optionally a comment.
fn rest_is_comment(text: &str, i: usize) -> bool {
    let j = skip_spaces(text, i);
    j == text.len() || (j > i && text.as_bytes()[j] == b'#')
}

/// Whether a block sequence entry (`-` then a space or the end of the line) starts at `i`.
fn is_dash(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    b.get(i) == Some(&b'-') && matches!(b.get(i + 1), None | Some(b' '))
}

/// Characters that cannot start a plain scalar (or that this parser does not take there).
fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
    )
}

fn is_nullish(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// The key starting at `i` and the offset just past its `:` (which must be followed by a
/// space or the end of the line): plain (ASCII, a letter or `_` then letters, digits, `_`
/// or `-`) or quoted.
fn key_at(text: &str, i: usize) -> Option<(Cow<'_, str>, usize)> {
    let b = text.as_bytes();
    let (key, j) = match *b.get(i)? {
        b'"' => double_quoted(text, i)?,
        b'\'' => single_quoted(text, i)?,
        c if c.is_ascii_alphabetic() || c == b'_' => {
            let mut j = i + 1;
            while b
                .get(j)
                .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
            {
                j += 1;
            }
            let key = &text[i..j];
            if is_nullish(key) {
                return None;
            }
            (Cow::Borrowed(key), j)
        }
        _ => return None,
    };
    if j - i > MAX_KEY_LEN || b.get(j) != Some(&b':') || !matches!(b.get(j + 1), None | Some(b' '))
    {
        return None;
    }
    Some((key, j + 1))
}

/// The single-quoted scalar whose quote is at `off`, and the offset past its closing quote.
fn single_quoted(text: &str, off: usize) -> Option<(Cow<'_, str>, usize)> {
    let b = text.as_bytes();
    let mut s = Cow::Borrowed("");
    let mut from = off + 1;
    let mut i = from;
    loop {
        match b.get(i)? {
            b'\'' if b.get(i + 1) == Some(&b'\'') => {
                s.to_mut().push_str(&text[from..=i]);
                i += 2;
                from = i;
            }
            b'\'' => break,
            _ => i += 1,
        }
    }
    if from == off + 1 {
        s = Cow::Borrowed(&text[from..i]);
    } else {
        s.to_mut().push_str(&text[from..i]);
    }
    Some((s, i + 1))
}

/// The double-quoted scalar whose quote is at `off`, and the offset past its closing quote.
fn double_quoted(text: &str, off: usize) -> Option<(Cow<'_, str>, usize)> {
    let b = text.as_bytes();
    let mut s = Cow::Borrowed("");
    let mut from = off + 1;
    let mut i = from;
    loop {
        match b.get(i)? {
            b'"' => break,
            b'\\' => {
                let out = s.to_mut();
                out.push_str(&text[from..i]);
                let (c, len) = match b.get(i + 1)? {
                    b'\\' => ('\\', 2),
                    b'"' => ('"', 2),
                    b'/' => ('/', 2),
                    b'n' => ('\n', 2),
                    b't' => ('\t', 2),
                    b'x' => (hex_char(text.get(i + 2..i + 4)?)?, 4),
                    b'u' => (hex_char(text.get(i + 2..i + 6)?)?, 6),
                    _ => return None,
                };
                out.push(c);
                i += len;
                from = i;
            }
            _ => i += 1,
        }
    }
    if from == off + 1 {
        s = Cow::Borrowed(&text[from..i]);
    } else {
        s.to_mut().push_str(&text[from..i]);
    }
    Some((s, i + 1))
}

/// The 1-based character column of byte offset `i`.
fn column(text: &str, i: usize) -> u32 {
    let prefix = &text[..i];
    let n = if prefix.is_ascii() {
        prefix.len()
    } else {
        prefix.chars().count()
    };
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

enum Chomp {
    Clip,
    Strip,
    Keep,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Option<Self> {
        if !characters_ok(text) {
            return None;
        }
        let terminated = text.ends_with('\n');
        let body = text.strip_suffix('\n').unwrap_or(text);
        let mut lines = Vec::with_capacity(body.len() / 40 + 1);
        for l in body.split('\n') {
            let indent = l.len() - l.trim_start_matches(' ').len();
            let rest = &l[indent..];
            if indent == 0
                && (rest.starts_with("---") || rest.starts_with("...") || rest.starts_with('%'))
            {
                return None;
            }
            lines.push(Line {
                text: l,
                indent,
                blank: rest.is_empty() || rest.starts_with('#'),
            });
        }
        if u32::try_from(lines.len()).is_err() {
            return None;
        }
        Some(Parser {
            lines,
            pos: 0,
            terminated,
            nodes: 0,
        })
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES).then_some(())
    }

    fn skip_blank(&mut self) {
        while self.lines.get(self.pos).is_some_and(|l| l.blank) {
            self.pos += 1;
        }
    }

    fn document(mut self) -> Option<Node<'a>> {
        self.skip_blank();
        let first = self.lines.get(self.pos)?;
        if first.indent != 0 || is_dash(first.text, 0) {
            return None;
        }
        let root = self.map(0, 0, 0)?;
        self.skip_blank();
        (self.pos == self.lines.len()).then_some(root)
    }

    /// A block mapping at indentation `m` starting on the current line, its first key at
    /// byte `first` (`m` but for a mapping that starts after a `- `).
    fn map(&mut self, m: usize, depth: usize, first: usize) -> Option<Node<'a>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.count()?;
        let mut entries: Vec<(Cow<'a, str>, Node<'a>)> = Vec::new();
        let mut off = first;
        loop {
            let li = self.pos;
            let text = self.lines[li].text;
            let (key, after) = key_at(text, off)?;
            if entries.len() >= MAX_MAP_LEN || entries.iter().any(|(k, _)| *k == key) {
                return None;
            }
            self.count()?;
            let value = self.value(li, after, m, depth + 1)?;
            entries.push((key, value));
            self.skip_blank();
            let Some(next) = self.lines.get(self.pos) else {
                break;
            };
            if next.indent < m {
                break;
            }
            if next.indent > m || is_dash(next.text, m) {
                return None;
            }
            off = m;
        }
        Some(Node::collection(Kind::Map(entries)))
    }

    /// A block sequence at indentation `n` starting on the current line.
    fn seq(&mut self, n: usize, depth: usize) -> Option<Node<'a>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.count()?;
        let mut items = Vec::new();
        loop {
            let li = self.pos;
            let text = self.lines[li].text;
            let off = skip_spaces(text, n + 1);
            // `is_dash` holds: a `#` here follows a space, so it starts a comment.
            let item = if off == text.len() || text.as_bytes()[off] == b'#' {
                self.pos = li + 1;
                self.block(n, depth + 1)?
            } else if is_dash(text, off) {
                return None;
            } else if key_at(text, off).is_some() {
                self.map(off, depth + 1, off)?
            } else {
                self.value(li, off, n, depth + 1)?
            };
            items.push(item);
            self.skip_blank();
            let Some(next) = self.lines.get(self.pos) else {
                break;
            };
            if next.indent < n {
                break;
            }
            if next.indent > n || !is_dash(next.text, n) {
                return None;
            }
        }
        Some(Node::collection(Kind::Seq(items)))
    }

    /// A node on the lines after the current one, indented more than `n`.
    fn block(&mut self, n: usize, depth: usize) -> Option<Node<'a>> {
        self.skip_blank();
        let line = self.lines.get(self.pos)?;
        if line.indent <= n {
            return None; // a null value, or a sequence not indented under its key
        }
        let m = line.indent;
        if is_dash(line.text, m) {
            self.seq(m, depth)
        } else {
            self.map(m, depth, m)
        }
    }

    /// The value after `key:` or `- ` at byte `off` of line `li`, in a collection at
    /// indentation `n`. Consumes its lines.
    fn value(&mut self, li: usize, off: usize, n: usize, depth: usize) -> Option<Node<'a>> {
        let text = self.lines[li].text;
        let off = skip_spaces(text, off);
        let Some(&c) = text.as_bytes().get(off) else {
            self.pos = li + 1;
            return self.block(n, depth);
        };
        match c {
            b'#' => {
                self.pos = li + 1;
                self.block(n, depth)
            }
            b'|' | b'>' => self.block_scalar(li, off, n),
            b'[' | b'{' | b'"' | b'\'' => {
                let (node, end) = self.flow(li, off, depth)?;
                if !rest_is_comment(text, end) {
                    return None;
                }
                self.pos = li + 1;
                Some(node)
            }
            c if is_indicator(c) => None,
            _ => {
                let end = text[off..].find(" #").map_or(text.len(), |e| off + e);
                let s = text[off..end].trim_end_matches(' ');
                if s.contains(": ") || s.ends_with(':') || is_nullish(s) {
                    return None;
                }
                self.count()?;
                self.pos = li + 1;
                Some(Node {
                    kind: Kind::Plain(s),
                    line: li as u32 + 1,
                    col: column(text, off),
                })
            }
        }
    }

    /// A block scalar (literal `|` or folded `>`) whose indicator is at byte `off` of line
    /// `li`, in a collection at indentation `n`.
    fn block_scalar(&mut self, li: usize, off: usize, n: usize) -> Option<Node<'a>> {
        let text = self.lines[li].text;
        let b = text.as_bytes();
        let folded = b[off] == b'>';
        let mut i = off + 1;
        let chomp = match b.get(i) {
            Some(b'-') => Chomp::Strip,
            Some(b'+') => Chomp::Keep,
            _ => Chomp::Clip,
        };
        if !matches!(chomp, Chomp::Clip) {
            i += 1;
        }
        match b.get(i) {
            None => {}
            Some(b' ') if rest_is_comment(text, i) => {}
            _ => return None, // an indentation indicator, or text after the header
        }
        self.count()?;
        let mut out = String::new();
        let mut k = 0; // the content's indentation, once known
        let mut pending = 0usize; // empty lines since the last content line
        let mut j = li + 1;
        while let Some(l) = self.lines.get(j) {
            if l.indent == l.text.len() {
                if k == 0 || l.indent > k {
                    return None; // leading empty lines, or spaces kept as content
                }
                pending += 1;
                j += 1;
                continue;
            }
            if k == 0 {
                if l.indent <= n {
                    return None; // an empty scalar
                }
                k = l.indent;
            } else if l.indent < k {
                if l.indent > n {
                    return None;
                }
                break;
            } else if folded && l.indent > k {
                return None; // a more-indented line: its line breaks are not folded
            }
            if folded && l.text.ends_with(' ') {
                return None;
            }
            // Leading empty lines bail, so only the first content line is on line li + 1.
            if j > li + 1 {
                if folded && pending == 0 {
                    out.push(' ');
                } else if folded {
                    out.extend(std::iter::repeat_n('\n', pending));
                } else {
                    out.extend(std::iter::repeat_n('\n', pending + 1));
                }
            }
            pending = 0;
            out.push_str(&l.text[k..]);
            j += 1;
        }
        if k == 0 || (j == self.lines.len() && !self.terminated) {
            return None;
        }
        match chomp {
            Chomp::Clip => out.push('\n'),
            Chomp::Strip => {}
            Chomp::Keep => out.extend(std::iter::repeat_n('\n', pending + 1)),
        }
        self.pos = j;
        // serde-saphyr places a block scalar at its first content line (no leading empty
        // lines here), after the indentation.
        Some(Node {
            kind: Kind::Str(Cow::Owned(out)),
            line: li as u32 + 2,
            col: u32::try_from(k + 1).ok()?,
        })
    }

    /// A node in flow style starting at byte `off` of line `li`, ending on that line;
    /// returns the node and the offset just past it.
    fn flow(&mut self, li: usize, off: usize, depth: usize) -> Option<(Node<'a>, usize)> {
        let text = self.lines[li].text;
        let b = text.as_bytes();
        let scalar = |kind, this: &mut Self| {
            this.count()?;
            Some(Node {
                kind,
                line: li as u32 + 1,
                col: column(text, off),
            })
        };
        match *b.get(off)? {
            b'[' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.count()?;
                let mut items = Vec::new();
                let mut i = skip_spaces(text, off + 1);
                if b.get(i) == Some(&b']') {
                    return Some((Node::collection(Kind::Seq(items)), i + 1));
                }
                loop {
                    let (node, e) = self.flow(li, i, depth + 1)?;
                    items.push(node);
                    i = skip_spaces(text, e);
                    match b.get(i)? {
                        b',' => i = skip_spaces(text, i + 1),
                        b']' => return Some((Node::collection(Kind::Seq(items)), i + 1)),
                        _ => return None,
                    }
                }
            }
            b'{' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.count()?;
                let mut entries: Vec<(Cow<'a, str>, Node<'a>)> = Vec::new();
                let mut i = skip_spaces(text, off + 1);
                if b.get(i) == Some(&b'}') {
                    return Some((Node::collection(Kind::Map(entries)), i + 1));
                }
                loop {
                    let (key, after) = key_at(text, i)?;
                    if b.get(after) != Some(&b' ')
                        || entries.len() >= MAX_MAP_LEN
                        || entries.iter().any(|(k, _)| *k == key)
                    {
                        return None;
                    }
                    self.count()?;
                    let (node, e) = self.flow(li, skip_spaces(text, after), depth + 1)?;
                    entries.push((key, node));
                    i = skip_spaces(text, e);
                    match b.get(i)? {
                        b',' => i = skip_spaces(text, i + 1),
                        b'}' => return Some((Node::collection(Kind::Map(entries)), i + 1)),
                        _ => return None,
                    }
                }
            }
            b'\'' => {
                let (s, end) = single_quoted(text, off)?;
                Some((scalar(Kind::Str(s), self)?, end))
            }
            b'"' => {
                let (s, end) = double_quoted(text, off)?;
                Some((scalar(Kind::Str(s), self)?, end))
            }
            c if is_indicator(c) => None,
            _ => {
                // A plain scalar in flow context: up to a flow indicator. The line must go
                // on (the collection is not closed yet); a `: ` or a comment bails.
                let mut i = off;
                loop {
                    match b.get(i)? {
                        b',' | b'[' | b']' | b'{' | b'}' => break,
                        // A `:` not followed by a space or flow indicator is text.
                        b':' if matches!(
                            b.get(i + 1),
                            None | Some(b' ' | b',' | b'[' | b']' | b'{' | b'}')
                        ) =>
                        {
                            return None;
                        }
                        b'#' if b[i - 1] == b' ' => return None,
                        _ => i += 1,
                    }
                }
                let s = text[off..i].trim_end_matches(' ');
                if is_nullish(s) {
                    return None;
                }
                Some((scalar(Kind::Plain(s), self)?, i))
            }
        }
    }
}

/// The character of a `\x` or `\u` escape: exactly hexadecimal digits, a Unicode scalar.
fn hex_char(digits: &str) -> Option<char> {
    if !digits.bytes().all(|d| d.is_ascii_hexdigit()) {
        return None;
    }
    char::from_u32(u32::from_str_radix(digits, 16).ok()?)
}

// ---------------------------------------------------------------------------------------
// The deserializer

/// Any failure: the caller falls back to serde-saphyr, which says what is wrong.
#[derive(Debug)]
struct Bail;

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("outside the fast YAML subset")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Bail
    }
}

/// serde-saphyr's name for the newtype that `Spanned<T>` asks for.
const SPANNED_NEWTYPE: &str = "__yaml_spanned";
/// The first key of the map serde-saphyr answers `Spanned<T>` with.
const SPANNED_MARKER: &str = "__serde_saphyr_private_spanned";

struct NodeDe<'n, 'a>(&'n Node<'a>);

macro_rules! bail {
    ($($name:ident)*) => {
        $(fn $name<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Bail> {
            Err(Bail)
        })*
    };
}

macro_rules! unsigned {
    ($($name:ident $ty:ty => $visit:ident)*) => {
        $(fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
            visitor.$visit(self.unsigned()?.try_into().map_err(|_| Bail)?)
        })*
    };
}

impl NodeDe<'_, '_> {
    fn text(&self) -> Result<&str, Bail> {
        match &self.0.kind {
            Kind::Plain(s) => Ok(s),
            Kind::Str(s) => Ok(s),
            _ => Err(Bail),
        }
    }

    /// A plain run of ASCII digits without a leading zero.
    fn unsigned(&self) -> Result<u64, Bail> {
        match self.0.kind {
            Kind::Plain(s)
                if s.len() <= 19
                    && s.bytes().all(|c| c.is_ascii_digit())
                    && !s.starts_with('0') =>
            {
                s.parse().map_err(|_| Bail)
            }
            _ => Err(Bail),
        }
    }
}

impl<'de> de::Deserializer<'de> for NodeDe<'_, '_> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match &self.0.kind {
            Kind::Map(entries) => visitor.visit_map(MapAcc {
                entries: entries.iter(),
                value: None,
            }),
            Kind::Seq(items) => visitor.visit_seq(SeqAcc(items.iter())),
            Kind::Str(s) => visitor.visit_str(s),
            // A plain scalar's type depends on the target: unknown here.
            Kind::Plain(_) => Err(Bail),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_str(self.text()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_str(self.text()?)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_str(self.text()?)
    }

    unsigned! {
        deserialize_u8 u8 => visit_u8
        deserialize_u16 u16 => visit_u16
        deserialize_u32 u32 => visit_u32
        deserialize_u64 u64 => visit_u64
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        // Null-like plain scalars and empty values never reach the tree.
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        if name != SPANNED_NEWTYPE {
            return visitor.visit_newtype_struct(self);
        }
        match self.0.kind {
            Kind::Plain(_) | Kind::Str(_) => visitor.visit_newtype_struct(SpannedDe(self.0)),
            _ => Err(Bail),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match &self.0.kind {
            Kind::Seq(items) => visitor.visit_seq(SeqAcc(items.iter())),
            _ => Err(Bail),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match &self.0.kind {
            Kind::Map(entries) => visitor.visit_map(MapAcc {
                entries: entries.iter(),
                value: None,
            }),
            _ => Err(Bail),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_map(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_unit()
    }

    bail! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_bytes deserialize_byte_buf deserialize_unit
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Bail> {
        Err(Bail)
    }
}

struct SeqAcc<'n, 'a>(std::slice::Iter<'n, Node<'a>>);

impl<'de> de::SeqAccess<'de> for SeqAcc<'_, '_> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Bail> {
        self.0
            .next()
            .map(|n| seed.deserialize(NodeDe(n)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct MapAcc<'n, 'a> {
    entries: std::slice::Iter<'n, (Cow<'a, str>, Node<'a>)>,
    value: Option<&'n Node<'a>>,
}

impl<'de> de::MapAccess<'de> for MapAcc<'_, '_> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Bail> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        let key: de::value::StrDeserializer<'_, Bail> = key.as_ref().into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Bail> {
        seed.deserialize(NodeDe(self.value.take().ok_or(Bail)?))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// What serde-saphyr gives `Spanned<T>`: a map of the marker, the value and its two
/// locations (the same, without aliases).
struct SpannedDe<'n, 'a>(&'n Node<'a>);

impl<'de> de::Deserializer<'de> for SpannedDe<'_, '_> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_map(SpannedAcc {
            node: self.0,
            state: 0,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

struct SpannedAcc<'n, 'a> {
    node: &'n Node<'a>,
    state: u8,
}

impl<'de> de::MapAccess<'de> for SpannedAcc<'_, '_> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Bail> {
        let key = match self.state {
            0 => SPANNED_MARKER,
            1 => "value",
            2 => "referenced",
            3 => "defined",
            _ => return Ok(None),
        };
        self.state += 1;
        let key: de::value::StrDeserializer<'_, Bail> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Bail> {
        match self.state {
            1 => seed.deserialize(de::value::BoolDeserializer::<Bail>::new(true)),
            2 => seed.deserialize(NodeDe(self.node)),
            3 | 4 => {
                let fields = [("line", self.node.line), ("column", self.node.col)];
                seed.deserialize(de::value::MapDeserializer::<_, Bail>::new(
                    fields.into_iter(),
                ))
            }
            _ => Err(Bail),
        }
    }
}

#[doc(hidden)]
pub mod compare;
#[cfg(test)]
mod tests;
