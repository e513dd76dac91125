//! The spanned value tree a NATS config parses into, after includes and variables are resolved.
//!
//! Maps keep every entry in source order (duplicates included, so rules can report them);
//! lookups follow the reference parser: the last assignment of a key wins.

use crate::span::Span;

/// A parsed value and the span of the text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    /// The value's own text (for a variable reference: the `$NAME` text at the use site).
    pub span: Span,
    /// Set when the value was produced by a `$NAME` reference: the span of the definition
    /// (a config key's value), or `None` when it came from the environment. Boxed: few values
    /// come from variables, and every value carries this field.
    pub via_variable: Option<Box<VariableOrigin>>,
}

/// Where a variable's value came from.
#[derive(Debug, Clone, PartialEq)]
pub struct VariableOrigin {
    pub name: String,
    /// Span of the `$NAME` reference.
    pub reference: Span,
    /// Span of the defining value in a config, `None` for the process environment.
    pub definition: Option<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Map(Map),
    Array(Vec<Value>),
    String(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    /// A datetime, as an RFC 3339 UTC string (`2016-05-04T18:53:41Z`).
    DateTime(String),
}

/// One `key: value` of a map.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key exactly as written (the reference parser never unescapes or lower-cases keys).
    pub key: String,
    pub key_span: Span,
    pub value: Value,
    /// The key was referenced as `$key` by a later value; nats-server then exempts it from unknown-field errors.
    pub used_as_variable: bool,
    /// Span of the `include` directive when the entry came from an included file. Boxed: few
    /// entries come from includes, and a plain `Option<Span>` made every entry 8 bytes bigger.
    pub included_from: Option<Box<Span>>,
}

/// An ordered map. Duplicate keys are kept; [`Map::get`] returns the last (the one nats-server uses).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map {
    pub entries: Vec<Entry>,
}

impl Map {
    /// The value nats-server uses for `key` (exact case): the last entry with that key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    /// The last entry with exactly this key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    /// The last entry whose key matches any of `names` case-insensitively (how nats-server matches most keys).
    pub fn entry_ci(&self, names: &[&str]) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| names.iter().any(|n| e.key.eq_ignore_ascii_case(n)))
    }

    /// Value of [`Map::entry_ci`].
    pub fn get_ci(&self, names: &[&str]) -> Option<&Value> {
        self.entry_ci(names).map(|e| &e.value)
    }

    /// Entries with duplicates removed, keeping each key's last assignment, in order of first appearance.
    pub fn effective(&self) -> Vec<&Entry> {
        let mut out: Vec<&Entry> = Vec::with_capacity(self.entries.len());
        for e in &self.entries {
            if let Some(slot) = out.iter_mut().find(|x| x.key == e.key) {
                *slot = e;
            } else {
                out.push(e);
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

impl Value {
    pub fn new(kind: ValueKind, span: Span) -> Self {
        Value { kind, span, via_variable: None }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.kind {
            ValueKind::Integer(i) => Some(i),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            ValueKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            ValueKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::Array(a) => Some(a),
            _ => None,
        }
    }

    /// A short name of the value's type, as used in messages: `string`, `integer`, `map`...
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ValueKind::Map(_) => "map",
            ValueKind::Array(_) => "array",
            ValueKind::String(_) => "string",
            ValueKind::Integer(_) => "integer",
            ValueKind::Float(_) => "float",
            ValueKind::Bool(_) => "boolean",
            ValueKind::DateTime(_) => "datetime",
        }
    }

    /// Plain JSON as the reference parser's oracle prints it (maps: last assignment wins).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            ValueKind::Map(m) => map_to_json(m),
            ValueKind::Array(a) => J::Array(a.iter().map(Value::to_json).collect()),
            ValueKind::String(s) => J::String(s.clone()),
            ValueKind::Integer(i) => J::from(*i),
            ValueKind::Float(f) => serde_json::Number::from_f64(*f).map(J::Number).unwrap_or(J::Null),
            ValueKind::Bool(b) => J::Bool(*b),
            ValueKind::DateTime(d) => J::String(d.clone()),
        }
    }
}

/// Plain JSON object of a map (last assignment of each key wins).
pub fn map_to_json(m: &Map) -> serde_json::Value {
    let mut obj = serde_json::Map::new();
    for e in &m.entries {
        obj.insert(e.key.clone(), e.value.to_json());
    }
    serde_json::Value::Object(obj)
}

#[cfg(test)]
mod size_tests {
    use super::*;

    /// A big config's tree is mostly entries: keep them from growing back unnoticed.
    #[test]
    fn entries_and_values_stay_small() {
        assert!(std::mem::size_of::<Value>() <= 56, "Value is {} bytes", std::mem::size_of::<Value>());
        assert!(std::mem::size_of::<Entry>() <= 104, "Entry is {} bytes", std::mem::size_of::<Entry>());
    }
}
