//! A small spanned YAML tree on top of yaml-rust2's event parser: every node knows the byte
//! range it came from, so findings and embedded NATS configs point into the YAML file.
//!
//! Aliases are resolved by copying the anchored node; `<<` merge keys are honoured by [`YNode::get`].

use crate::span::{FileId, Span};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    /// `|` block scalar.
    Literal,
    /// `>` block scalar.
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub enum YKind {
    Map(Vec<(YNode, YNode)>),
    Seq(Vec<YNode>),
    Scalar(String, Style),
}

/// One YAML node and its source range (for scalars: the value's text; for collections: from their start).
#[derive(Debug, Clone, PartialEq)]
pub struct YNode {
    pub kind: YKind,
    pub span: Span,
}

impl YNode {
    /// The value of `key` in a mapping (last one wins), looking through `<<` merge keys.
    pub fn get(&self, key: &str) -> Option<&YNode> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Key node and value of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&YNode, &YNode)> {
        let YKind::Map(entries) = &self.kind else {
            return None;
        };
        if let Some((k, v)) = entries.iter().rev().find(|(k, _)| k.as_str() == Some(key)) {
            return Some((k, v));
        }
        for (k, v) in entries.iter().rev() {
            if k.as_str() == Some("<<") {
                match &v.kind {
                    YKind::Map(_) => {
                        if let Some(found) = v.entry(key) {
                            return Some(found);
                        }
                    }
                    YKind::Seq(items) => {
                        for it in items {
                            if let Some(found) = it.entry(key) {
                                return Some(found);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        None
    }

    /// Follows a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<&YNode> {
        let mut cur = self;
        for k in keys {
            cur = cur.get(k)?;
        }
        Some(cur)
    }

    /// The scalar text (any scalar style); `None` for collections and for YAML null (`~`, `null`, empty).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            YKind::Scalar(s, Style::Plain) if s.is_empty() || s == "~" || s == "null" || s == "Null" || s == "NULL" => {
                None
            }
            YKind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> &[YNode] {
        match &self.kind {
            YKind::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn as_map(&self) -> &[(YNode, YNode)] {
        match &self.kind {
            YKind::Map(m) => m,
            _ => &[],
        }
    }

    /// Map entries with merge keys flattened (explicit keys win over merged ones).
    pub fn entries(&self) -> Vec<(&YNode, &YNode)> {
        let mut out: Vec<(&YNode, &YNode)> = Vec::new();
        let mut merged: Vec<(&YNode, &YNode)> = Vec::new();
        for (k, v) in self.as_map() {
            if k.as_str() == Some("<<") {
                let sources: Vec<&YNode> = match &v.kind {
                    YKind::Seq(items) => items.iter().collect(),
                    _ => vec![v],
                };
                for s in sources {
                    merged.extend(s.entries());
                }
            } else {
                out.retain(|(ok, _)| ok.as_str() != k.as_str());
                out.push((k, v));
            }
        }
        for (k, v) in merged {
            if !out.iter().any(|(ok, _)| ok.as_str() == k.as_str()) {
                out.push((k, v));
            }
        }
        out
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, YKind::Map(_))
    }

    /// Scalar as an integer (plain or quoted digits).
    pub fn as_i64(&self) -> Option<i64> {
        self.as_str().and_then(|s| s.trim().parse().ok())
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.trim() {
            "true" | "True" | "TRUE" | "yes" | "on" => Some(true),
            "false" | "False" | "FALSE" | "no" | "off" => Some(false),
            _ => None,
        }
    }
}

/// A YAML syntax error: where and what.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub span: Span,
    pub message: String,
}

impl YamlError {
    /// The finding for a YAML file that does not parse (every YAML reader reports it this way).
    pub fn diagnostic(&self) -> crate::diagnostic::Diagnostic {
        crate::diagnostic::Diagnostic::new(
            &crate::nats::findings::SYNTAX_ERROR,
            self.span,
            format!("invalid YAML: {}", self.message),
        )
        .with_label("the YAML parser stops here")
    }
}

/// [`parse`], with a syntax error reported into `diagnostics`.
pub fn parse_reporting(text: &str, file: FileId, diagnostics: &mut Vec<crate::diagnostic::Diagnostic>) -> Vec<YNode> {
    let (docs, err) = parse(text, file);
    diagnostics.extend(err.map(|e| e.diagnostic()));
    docs
}

/// Parses every document of `text`. Documents before a syntax error are kept.
pub fn parse(text: &str, file: FileId) -> (Vec<YNode>, Option<YamlError>) {
    let offsets = CharOffsets::new(text);
    let mut b = Builder { text, file, offsets: &offsets, stack: Vec::new(), docs: Vec::new(), anchors: Vec::new() };
    let mut parser = Parser::new_from_str(text);
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.load(&mut b, true)));
    let err = match res {
        Ok(Ok(())) => None,
        Ok(Err(e)) => {
            let off = offsets.byte(e.marker().index());
            Some(YamlError { span: Span::new(file, off, off), message: e.info().to_string() })
        }
        Err(_) => {
            Some(YamlError { span: Span::point(file, 0), message: "the YAML parser gave up on this file".into() })
        }
    };
    (b.docs, err)
}

/// Char index → byte offset (yaml-rust2 markers count chars).
struct CharOffsets {
    /// `None` when the text is ASCII (identity).
    table: Option<Vec<u32>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            CharOffsets { table: None, len: text.len() }
        } else {
            let mut t: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            t.push(text.len() as u32);
            CharOffsets { table: Some(t), len: text.len() }
        }
    }
    fn byte(&self, ch: usize) -> usize {
        match &self.table {
            None => ch.min(self.len),
            Some(t) => t.get(ch).copied().map(|b| b as usize).unwrap_or(self.len),
        }
    }
}

enum Frame {
    Map(Vec<(YNode, YNode)>, Option<YNode>, usize, usize),
    Seq(Vec<YNode>, usize, usize),
}

struct Builder<'a> {
    text: &'a str,
    file: FileId,
    offsets: &'a CharOffsets,
    stack: Vec<Frame>,
    docs: Vec<YNode>,
    anchors: Vec<(usize, YNode)>,
}

impl Builder<'_> {
    fn push_node(&mut self, node: YNode, anchor: usize) {
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq(items, _, _)) => items.push(node),
            Some(Frame::Map(entries, pending, _, _)) => match pending.take() {
                None => *pending = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }

    fn scalar_span(&self, start: usize, value: &str, style: TScalarStyle) -> Span {
        let rest = &self.text[start.min(self.text.len())..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let len = match style {
            TScalarStyle::Plain if rest.starts_with(value) => value.len(),
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                // The opening quote may be missing (the marker can point at other text), so step
                // over one whole character, never into the middle of one.
                let first = rest.chars().next();
                let q = first.unwrap_or('"');
                let from = first.map_or(0, char::len_utf8).min(line_end);
                rest[from..line_end].find(q).map(|i| i + from + q.len_utf8()).unwrap_or(line_end)
            }
            TScalarStyle::Literal | TScalarStyle::Folded => {
                block_lines(self.text, start).last().map(|(s, l)| s + l - start).unwrap_or(line_end)
            }
            _ => line_end,
        };
        Span::new(self.file, start, start + len)
    }
}

/// The lines of a block scalar whose content starts at byte `start` (yaml-rust2 marks the first
/// content character): `(line start + indentation, content length without newline)` per line,
/// blank lines included.
fn block_lines(text: &str, start: usize) -> Vec<(usize, usize)> {
    let start = start.min(text.len());
    let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let indent = start - line_start;
    if !text[line_start..start].bytes().all(|b| b == b' ') || indent == 0 {
        let end = text[start..].find('\n').map(|i| start + i).unwrap_or(text.len());
        return vec![(start, end - start)];
    }
    let mut out = Vec::new();
    let mut pos = line_start;
    let mut pending_blank = Vec::new();
    for line in text[line_start..].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ind = body.len() - body.trim_start_matches(' ').len();
        if body.trim().is_empty() {
            pending_blank.push((pos + ind.min(indent), 0));
        } else if ind < indent {
            break;
        } else {
            out.append(&mut pending_blank);
            out.push((pos + indent, body.len() - indent));
        }
        pos += line.len();
    }
    out
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let start = self.offsets.byte(mark.index());
        match ev {
            Event::Scalar(value, style, anchor, _) => {
                let span = self.scalar_span(start, &value, style);
                let st = match style {
                    TScalarStyle::Plain => Style::Plain,
                    TScalarStyle::Literal => Style::Literal,
                    TScalarStyle::Folded => Style::Folded,
                    _ => Style::Quoted,
                };
                self.push_node(YNode { kind: YKind::Scalar(value, st), span }, anchor);
            }
            Event::Alias(id) => {
                let node = self.anchors.iter().rev().find(|(a, _)| *a == id).map(|(_, n)| n.clone());
                let node = node.unwrap_or(YNode {
                    kind: YKind::Scalar(String::new(), Style::Plain),
                    span: Span::point(self.file, start),
                });
                self.push_node(node, 0);
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(Vec::new(), start, anchor)),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map(Vec::new(), None, start, anchor)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let (kind, s, anchor) = match frame {
                        Frame::Seq(items, s, a) => (YKind::Seq(items), s, a),
                        Frame::Map(entries, _, s, a) => (YKind::Map(entries), s, a),
                    };
                    let end = start.max(s);
                    self.push_node(YNode { kind, span: Span::new(self.file, s, end) }, anchor);
                }
            }
            _ => {}
        }
    }
}

/// For a scalar node, the offset pieces mapping its value text back into the YAML file
/// (see [`crate::source::Embedding`]). Exact for literal block scalars and single-line scalars.
pub fn embedding_pieces(text: &str, node: &YNode) -> Vec<(u32, u32)> {
    let YKind::Scalar(value, style) = &node.kind else {
        return vec![(0, node.span.start)];
    };
    let start = node.span.start as usize;
    match style {
        Style::Literal | Style::Folded => {
            let mut pieces = Vec::new();
            let mut emb = 0usize;
            for (pos, len) in block_lines(text, start) {
                if emb > value.len() {
                    break;
                }
                pieces.push((emb as u32, pos as u32));
                emb += len + 1;
            }
            if pieces.is_empty() {
                pieces.push((0, node.span.start));
            }
            pieces
        }
        Style::Quoted => vec![(0, node.span.start + 1)],
        Style::Plain => vec![(0, node.span.start)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_scalars_and_block_embedding() {
        let text = "a: 1\nb:\n  c: \"x y\"\n---\nkind: ConfigMap\ndata:\n  nats.conf: |\n    port: 4222\n\n    jetstream {}\n  other: v\n";
        let (docs, err) = parse(text, FileId(0));
        assert!(err.is_none());
        assert_eq!(docs.len(), 2);
        let c = docs[0].path(&["b", "c"]).unwrap();
        assert_eq!(&text[c.span.range()], "\"x y\"");
        assert_eq!(c.as_str(), Some("x y"));
        let conf = docs[1].path(&["data", "nats.conf"]).unwrap();
        let YKind::Scalar(v, Style::Literal) = &conf.kind else { panic!() };
        assert_eq!(v, "port: 4222\n\njetstream {}\n");
        let pieces = embedding_pieces(text, conf);
        // every piece maps embedded text to the same text in the file
        for (e, p) in &pieces {
            let line = v[*e as usize..].lines().next().unwrap_or("");
            assert!(text[*p as usize..].starts_with(line), "{line:?}");
        }
        let j = v.find("jetstream").unwrap() as u32;
        let (eo, po) = pieces.iter().rev().find(|(e, _)| *e <= j).unwrap();
        assert_eq!(&text[(po + j - eo) as usize..][..9], "jetstream");
    }

    #[test]
    fn merge_keys_and_errors() {
        let text = "x: &d\n  A: 1\ny:\n  <<: *d\n  B: 2\n";
        let (docs, _) = parse(text, FileId(0));
        assert_eq!(docs[0].path(&["y", "A"]).unwrap().as_str(), Some("1"));
        let (_, err) = parse("a: [1, 2\nb: c: d\n", FileId(0));
        assert!(err.is_some());
        let (docs, _) = parse("é: ü\nk: v\n", FileId(0));
        let v = docs[0].get("k").unwrap();
        assert_eq!(&"é: ü\nk: v\n"[v.span.range()], "v");
    }
}
