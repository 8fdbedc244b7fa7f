//! Serde adapters used by generated models.

/// Distinguishes an absent field from an explicit `null` for optional, nullable fields.
///
/// Use on `Option<Option<T>>` together with `#[serde(default, skip_serializing_if =
/// "Option::is_none")]`: absent is `None`, `null` is `Some(None)`, a value is
/// `Some(Some(v))`. This matters for updates, where "leave unchanged" (absent) and
/// "clear" (`null`) differ.
#[doc(hidden)]
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `Some(None)` as `null` and `Some(Some(v))` as `v`; `None` is expected to be
    /// skipped by `skip_serializing_if` and is written as `null` if it is not.
    pub fn serialize<T, S>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
    where
        T: Serialize,
        S: Serializer,
    {
        match value {
            Some(Some(inner)) => inner.serialize(serializer),
            Some(None) | None => serializer.serialize_none(),
        }
    }

    /// Only called when the field is present (absence falls back to `default`), so any
    /// present value, including `null`, becomes `Some(_)`.
    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::runtime::double_option"
        )]
        folder_id: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_round_trip() {
        let cases = [
            (json!({}), None),
            (json!({ "folder_id": null }), Some(None)),
            (json!({ "folder_id": "f1" }), Some(Some("f1".to_owned()))),
        ];
        for (wire, folder_id) in cases {
            let decoded: Patch = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(decoded, Patch { folder_id });
            assert_eq!(serde_json::to_value(&decoded).unwrap(), wire);
        }
    }

    #[test]
    fn wrong_type_is_still_an_error() {
        assert!(serde_json::from_value::<Patch>(json!({ "folder_id": 3 })).is_err());
    }
}
