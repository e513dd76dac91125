//! JSON of a parsed config, serialised straight from the value tree (no intermediate
//! `serde_json::Value`): what `latticelint parse --json` prints.
//!
//! Maps print each key once, at its first position, with its last assigned value (the reference
//! parser's Go map, in source order). Strings are escaped like Go's `encoding/json` does for the
//! characters that matter to a line-oriented reader: U+2028 and U+2029 become `\u2028`/`\u2029`.

use super::value::{Entry, Map, Value, ValueKind};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::collections::HashMap;
use std::io::{self, Write};

/// Serialises a map as the reference parser's oracle prints it.
pub struct JsonMap<'a>(pub &'a Map);

/// Serialises a value as the reference parser's oracle prints it.
pub struct JsonValue<'a>(pub &'a Value);

/// Maps with more entries than this find duplicate keys through a hash map instead of a scan.
const SCAN_LIMIT: usize = 16;

/// For each key at its first position in `entries`: that index and the index of its last entry.
fn key_order(entries: &[Entry]) -> Vec<(usize, usize)> {
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(entries.len());
    if entries.len() <= SCAN_LIMIT {
        for (i, e) in entries.iter().enumerate() {
            match order.iter_mut().find(|(first, _)| entries[*first].key == e.key) {
                Some(slot) => slot.1 = i,
                None => order.push((i, i)),
            }
        }
    } else {
        let mut slot_of: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            match slot_of.get(e.key.as_str()) {
                Some(&slot) => order[slot].1 = i,
                None => {
                    slot_of.insert(&e.key, order.len());
                    order.push((i, i));
                }
            }
        }
    }
    order
}

impl Serialize for JsonMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let entries = &self.0.entries;
        let order = key_order(entries);
        let mut m = s.serialize_map(Some(order.len()))?;
        for (first, last) in order {
            m.serialize_entry(&entries[first].key, &JsonValue(&entries[last].value))?;
        }
        m.end()
    }
}

/// Entries of a map serialised per parallel step of [`write_map_parallel`] (bounds the buffered output).
const PARALLEL_BATCH: usize = 256;

/// Writes `map` exactly as [`write`] writes a [`JsonMap`], its entries serialised on all cores
/// (rayon), a batch at a time, into buffers written in order: for the big top-level map of a large file.
pub fn write_map_parallel<W: Write>(w: &mut W, map: &Map) -> io::Result<()> {
    use rayon::prelude::*;
    let entries = &map.entries;
    let order = key_order(entries);
    w.write_all(b"{")?;
    for (b, batch) in order.chunks(PARALLEL_BATCH).enumerate() {
        let parts: Vec<io::Result<Vec<u8>>> = batch
            .par_iter()
            .map(|&(first, last)| {
                let mut buf = Vec::new();
                write(&mut buf, entries[first].key.as_str())?;
                buf.push(b':');
                write(&mut buf, &JsonValue(&entries[last].value))?;
                Ok(buf)
            })
            .collect();
        for (i, part) in parts.into_iter().enumerate() {
            if b > 0 || i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(&part?)?;
        }
    }
    w.write_all(b"}")
}

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0.kind {
            ValueKind::Map(m) => JsonMap(m).serialize(s),
            ValueKind::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(&JsonValue(v))?;
                }
                seq.end()
            }
            ValueKind::String(t) | ValueKind::DateTime(t) => s.serialize_str(t),
            ValueKind::Integer(i) => s.serialize_i64(*i),
            // serde_json writes non-finite floats as `null`
            ValueKind::Float(f) => s.serialize_f64(*f),
            ValueKind::Bool(b) => s.serialize_bool(*b),
        }
    }
}

/// serde_json's compact output, with U+2028 and U+2029 escaped inside strings (as Go does).
#[derive(Default)]
pub struct GoFormatter;

impl serde_json::ser::Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut rest = fragment;
        // Both separators are encoded E2 80 A8 / E2 80 A9: look for the lead byte only.
        while let Some(i) = memchr::memchr(0xE2, rest.as_bytes()) {
            let tail = &rest.as_bytes()[i..];
            let escape = match tail {
                [0xE2, 0x80, 0xA8, ..] => Some(&b"\\u2028"[..]),
                [0xE2, 0x80, 0xA9, ..] => Some(&b"\\u2029"[..]),
                _ => None,
            };
            match escape {
                Some(e) => {
                    w.write_all(&rest.as_bytes()[..i])?;
                    w.write_all(e)?;
                    rest = &rest[i + 3..];
                }
                None => {
                    // another 3-byte character: keep it and continue after it
                    let n = i + 3;
                    w.write_all(&rest.as_bytes()[..n])?;
                    rest = &rest[n..];
                }
            }
        }
        w.write_all(rest.as_bytes())
    }
}

/// Writes `value` as one compact JSON document to `w` (Go-style escapes, see [`GoFormatter`]).
pub fn write<W: Write, T: Serialize + ?Sized>(w: &mut W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, GoFormatter);
    value.serialize(&mut ser).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(s: &str) -> String {
        let mut out = Vec::new();
        write(&mut out, s).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_line_separators_like_go() {
        assert_eq!(go("a\u{2028}b\u{2029}c"), r#""a\u2028b\u2029c""#);
        assert_eq!(go("\u{2000}x\u{2028}"), "\"\u{2000}x\\u2028\"");
        assert_eq!(go("é\"\n\u{1}"), r#""é\"\n\u0001""#);
    }

    #[test]
    fn parallel_map_writes_the_same_bytes() {
        let mut text = String::new();
        for i in 0..700 {
            text.push_str(&format!("k{} {{ a: {i}, b: [1, \"x\u{2028}\"], a: 2.5 }}\n", i % 300));
        }
        let db = crate::source::SourceDb::new(".");
        let parsed = crate::nats::parse_str(&db, "big.conf", &text, &crate::nats::ParseOptions::default());
        assert!(parsed.ok && parsed.root.entries.len() == 700);
        let mut serial = Vec::new();
        write(&mut serial, &JsonMap(&parsed.root)).unwrap();
        let mut parallel = Vec::new();
        write_map_parallel(&mut parallel, &parsed.root).unwrap();
        assert_eq!(String::from_utf8(parallel).unwrap(), String::from_utf8(serial).unwrap());
    }
}
