//! YAML text -> `serde_json::Value`, taking what `serde_yaml::Value` cannot hold.
//!
//! Public specs contain integers beyond 64 bits in `minimum`/`maximum` (serde_yaml's own
//! `Value` refuses them), integer mapping keys (`200:`), anchors, aliases and `<<` merge
//! keys. A visitor straight into JSON values handles all of them in one pass.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses YAML into a JSON value.
pub fn from_str(text: &str) -> Result<Value, serde_yaml::Error> {
    serde_yaml::from_str::<Json>(text).map(|j| j.0)
}

struct Json(Value);

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

/// A float for numbers JSON cannot hold: infinities become the largest finite `f64`, which
/// keeps a `maximum: 1e400` meaning "no practical bound".
fn float(f: f64) -> Value {
    Number::from_f64(f.clamp(f64::MIN, f64::MAX)).map_or(Value::Null, Value::Number)
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        if v.is_nan() {
            return Err(E::custom("`.nan` is not a number JSON can represent"));
        }
        Ok(float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(JsonVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merged: Vec<Value> = Vec::new();
        while let Some(Json(key)) = access.next_key()? {
            let Json(value) = access.next_value()?;
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
}
