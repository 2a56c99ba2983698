//! Query-string values: list filters (`status`, `run_type`, `artifact_type`)
//! and `requestOptions.queryParams`. A list becomes its key repeated
//! (`?status=failed&status=canceled`), as FastAPI reads one.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::fields::number_text;

/// One value or a list of values, each a non-empty string (enum values the
/// package may not know yet are passed on).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Values;
        impl<'de> Visitor<'de> for Values {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-empty string or an array of them")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<OneOrMany, E> {
                if s.trim().is_empty() {
                    return Err(E::invalid_value(de::Unexpected::Str(s), &self));
                }
                Ok(OneOrMany(vec![s.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<super::fields::NonEmpty>()? {
                    out.push(s.0);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(Values)
    }
}

/// `requestOptions.queryParams`: each value a string, number or boolean, or an
/// array of them (repeated keys); `null` and `undefined` leave the key out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryParams(pub Vec<(String, String)>);

/// One query value as text, or several.
struct QueryValue(Vec<String>);

impl<'de> Deserialize<'de> for QueryValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = QueryValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean, or an array of them")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<QueryValue, E> {
                Ok(QueryValue(vec![s.to_string()]))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<QueryValue, E> {
                Ok(QueryValue(vec![b.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<QueryValue, E> {
                Ok(QueryValue(vec![n.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<QueryValue, E> {
                Ok(QueryValue(vec![n.to_string()]))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<QueryValue, E> {
                if !n.is_finite() {
                    return Err(E::invalid_value(
                        de::Unexpected::Other(&number_text(n)),
                        &self,
                    ));
                }
                Ok(QueryValue(vec![number_text(n)]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<QueryValue, E> {
                Ok(QueryValue(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<QueryValue, E> {
                Ok(QueryValue(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<QueryValue, A::Error> {
                let mut out = Vec::new();
                while let Some(QueryValue(mut v)) = seq.next_element::<QueryValue>()? {
                    out.append(&mut v);
                }
                Ok(QueryValue(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for QueryParams {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = QueryParams;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of query parameters")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<QueryParams, A::Error> {
                let mut out = Vec::new();
                while let Some((k, QueryValue(values))) = map.next_entry::<String, QueryValue>()? {
                    out.extend(values.into_iter().map(|v| (k.clone(), v)));
                }
                Ok(QueryParams(out))
            }
        }
        d.deserialize_map(Members)
    }
}

/// Query pairs from optional typed parameters, in the spec's order.
#[derive(Default)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    /// Adds `key=value` when the value is given.
    pub fn one(&mut self, key: &str, value: Option<impl ToString>) -> &mut Query {
        if let Some(v) = value {
            self.0.push((key.to_string(), v.to_string()));
        }
        self
    }

    /// Adds `key=v` for each value of a list.
    pub fn many(&mut self, key: &str, values: Option<&OneOrMany>) -> &mut Query {
        for v in values.map(|v| v.0.as_slice()).unwrap_or_default() {
            self.0.push((key.to_string(), v.clone()));
        }
        self
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn query_params_flatten_lists_and_drop_nulls() {
        let v = serde_json::json!({"a": "x", "n": 2, "b": true, "l": ["p", 3], "z": null});
        let q: QueryParams = serde_json::from_value(v).unwrap_or_default();
        let pairs: Vec<(&str, &str)> = q.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("a", "x"),
                ("n", "2"),
                ("b", "true"),
                ("l", "p"),
                ("l", "3")
            ]
        );
        assert!(serde_json::from_value::<QueryParams>(serde_json::json!({"o": {"x": 1}})).is_err());
    }

    #[test]
    fn one_or_many() {
        let one: OneOrMany =
            serde_json::from_value(serde_json::json!("failed")).unwrap_or_default();
        assert_eq!(one.0, ["failed"]);
        let many: OneOrMany =
            serde_json::from_value(serde_json::json!(["failed", "canceled"])).unwrap_or_default();
        assert_eq!(many.0, ["failed", "canceled"]);
        assert!(serde_json::from_value::<OneOrMany>(serde_json::json!(5)).is_err());
        assert!(serde_json::from_value::<OneOrMany>(serde_json::json!([""])).is_err());
    }
}
