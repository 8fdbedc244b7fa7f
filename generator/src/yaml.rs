//! YAML text -> `serde_json::Value`, taking what `serde_yaml::Value` cannot hold.
//!
//! Public specs contain integers beyond 64 bits in `minimum`/`maximum` (serde_yaml's own
//! `Value` refuses them), integer mapping keys (`200:`), anchors, aliases and `<<` merge
//! keys. A visitor straight into JSON values handles all of them in one pass.
//!
//! Aliases copy their anchored node wherever they occur: 500 aliases of a 1 MB string make
//! 500 MB of values. serde_yaml limits the number of events an alias may replay, not their
//! size, so the visitor counts the bytes of what it builds and stops at [`max_expanded`].

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why YAML text gives no value.
#[derive(Debug)]
pub enum YamlError {
    /// Not YAML (or YAML that JSON cannot represent).
    Syntax(serde_yaml::Error),
    /// The values that the aliases expand to exceed `limit` bytes; `line` is where the
    /// count ran out (the anchored node being copied, when it is an alias's copy).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// 1-based line, when known.
        line: Option<usize>,
    },
}

/// Bytes of scalar text (and one per node) a document may expand to: 64 MiB, or twice the
/// text's length when that is more. A document without aliases costs about its own length
/// (a scalar its bytes plus one, a mapping or list one), so it never reaches twice that;
/// past 64 MiB, aliases can at most double a document. The largest real-world spec of the corpus has 2.7 MB of text.
pub fn max_expanded(text: &str) -> usize {
    (64 << 20usize).max(text.len().saturating_mul(2))
}

/// Parses YAML into a JSON value.
pub fn from_str(text: &str) -> Result<Value, YamlError> {
    let limit = max_expanded(text);
    let left = Cell::new(limit);
    let exceeded = Cell::new(false);
    let budget = Budget {
        left: &left,
        exceeded: &exceeded,
    };
    match budget.deserialize(serde_yaml::Deserializer::from_str(text)) {
        Ok(value) => Ok(value),
        Err(e) if exceeded.get() => Err(YamlError::TooLarge {
            limit,
            line: e.location().map(|l| l.line()),
        }),
        Err(e) => Err(YamlError::Syntax(e)),
    }
}

/// The bytes the values built so far may still take; shared by every level of the visit.
#[derive(Clone, Copy)]
struct Budget<'a> {
    left: &'a Cell<usize>,
    exceeded: &'a Cell<bool>,
}

impl Budget<'_> {
    fn spend<E: de::Error>(self, bytes: usize) -> Result<(), E> {
        let cost = bytes.saturating_add(1);
        match self.left.get().checked_sub(cost) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom(
                    "the document expands to too many bytes through YAML aliases",
                ))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Budget<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(JsonVisitor(self))
    }
}

/// A float for numbers JSON cannot hold: infinities become the largest finite `f64`, which
/// keeps a `maximum: 1e400` meaning "no practical bound".
fn float(f: f64) -> Value {
    Number::from_f64(f.clamp(f64::MIN, f64::MAX)).map_or(Value::Null, Value::Number)
}

struct JsonVisitor<'a>(Budget<'a>);

impl<'de> Visitor<'de> for JsonVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.spend(0)?;
        if v.is_nan() {
            return Err(E::custom("`.nan` is not a number JSON can represent"));
        }
        Ok(float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        // Checked before the copy is made: the copy is what could not fit.
        self.0.spend(v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.spend(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.0.spend(0)?;
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.spend(0)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.0)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        self.0.spend(0)?;
        let mut map = Map::new();
        let mut merged: Vec<Value> = Vec::new();
        while let Some(key) = access.next_key_seed(self.0)? {
            let value = access.next_value_seed(self.0)?;
            let key = match key {
                Value::String(s) => s,
                Value::Null => "null".to_owned(),
                Value::Bool(_) | Value::Number(_) => key.to_string(),
                other => {
                    return Err(de::Error::custom(format!(
                        "mapping key {other} is not a string"
                    )));
                }
            };
            if key == "<<" {
                // YAML merge key: its mapping(s) supply entries the mapping itself lacks.
                match value {
                    Value::Array(list) => merged.extend(list),
                    other => merged.push(other),
                }
                continue;
            }
            // YAML forbids duplicate keys; silently keeping one would hide a mistake.
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate mapping key `{key}`")));
            }
            map.insert(key, value);
        }
        for source in merged {
            if let Value::Object(entries) = source {
                for (k, v) in entries {
                    map.entry(k).or_insert(v);
                }
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_what_serde_yaml_value_refuses() {
        let v = from_str("a: 340282366920938463463374607431768211455\nb: -170141183460469231731687303715884105728\nc: 1.0e+400\n200: ok\n").unwrap();
        assert!(v["a"].as_f64().unwrap() > 3.0e38);
        assert!(v["b"].as_f64().unwrap() < -1.0e38);
        // serde_yaml reads an out-of-range float as a string; `parse` turns such bounds back
        // into numbers (see the `parser_edge_cases` fixture).
        assert_eq!(v["c"], "1.0e+400");
        assert_eq!(v["200"], "ok");
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let v = from_str("base: &b {x: 1, y: 2}\ncopy: *b\nmerged:\n  <<: *b\n  y: 3\n").unwrap();
        assert_eq!(v["copy"], serde_json::json!({"x": 1, "y": 2}));
        assert_eq!(v["merged"], serde_json::json!({"y": 3, "x": 1}));
    }

    #[test]
    fn aliases_expanding_past_the_limit_are_refused_at_a_line() {
        // 1 MiB anchored once, then aliased 100 times: 100 MiB of values from 1 MiB of text.
        let big = "x".repeat(1 << 20);
        let mut text = format!("a: &big {big}\nlist:\n");
        for _ in 0..100 {
            text.push_str("  - *big\n");
        }
        match from_str(&text) {
            Err(YamlError::TooLarge { limit, line }) => {
                assert_eq!(limit, 64 << 20);
                // The line of the anchored scalar that the aliases copy.
                assert_eq!(line, Some(1));
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
        // The same text with 60 aliases stays under 64 MiB and is read.
        let small: String = text
            .lines()
            .take(2 + 60)
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            from_str(&small).unwrap()["list"].as_array().map(Vec::len),
            Some(60)
        );
    }

    #[test]
    fn a_large_document_without_aliases_is_never_too_large() {
        // Past 64 MiB of text, the limit is twice the text: plain scalars cannot reach it.
        let text = format!("a: {}\nb: {}\n", "x".repeat(40 << 20), "y".repeat(40 << 20));
        assert!(max_expanded(&text) > 64 << 20);
        let v = from_str(&text).unwrap();
        assert_eq!(v["b"].as_str().map(str::len), Some(40 << 20));
    }
}
