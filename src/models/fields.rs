//! Field types that check their value while serde reads it, so a model that
//! deserialized is a valid request. Their `expecting` text is the message a
//! wrong value gets: `must be an integer ≥ 5 (got "abc")`.

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess};
use serde::de::{IgnoredAny, Unexpected, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Number, Value};

use crate::codec::within;

/// The largest integer JavaScript holds exactly.
pub const MAX_SAFE: i64 = 9_007_199_254_740_991;
/// The smallest integer JavaScript holds exactly (a field with no minimum).
pub const MIN_SAFE: i64 = -MAX_SAFE;
/// How deep caller-given JSON may nest (a circular object stops here).
const MAX_INPUT_DEPTH: u32 = 64;
/// How deep a response body may nest (as `serde_json` allows).
const MAX_BODY_DEPTH: u32 = 128;

/// A number as JavaScript writes it (`3`, `60.5`, `NaN`, `Infinity`).
pub fn number_text(n: f64) -> String {
    match n {
        n if n.is_nan() => "NaN".into(),
        n if n.is_infinite() && n > 0.0 => "Infinity".into(),
        n if n.is_infinite() => "-Infinity".into(),
        n => crate::codec::number(n),
    }
}

fn out_of_range<E: de::Error>(n: f64, expected: &dyn de::Expected) -> E {
    E::invalid_value(Unexpected::Other(&number_text(n)), expected)
}

/// A string with at least one non-space character.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct NonEmpty(pub String);

impl<'de> Deserialize<'de> for NonEmpty {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = NonEmpty;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-empty string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<NonEmpty, E> {
                if s.trim().is_empty() {
                    return Err(E::invalid_value(Unexpected::Str(s), &self));
                }
                Ok(NonEmpty(s.to_string()))
            }
        }
        d.deserialize_string(Text)
    }
}

/// An integer from `MIN` to `MAX` (`MAX_SAFE`: no upper bound).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Int<const MIN: i64, const MAX: i64>(pub i64);

/// Reads an integer within bounds. The bounds are values, not type parameters: one
/// reader (and one serde-wasm-bindgen instance of it) serves every `Int<MIN, MAX>`.
struct IntVisitor {
    min: i64,
    max: i64,
}

impl Visitor<'_> for IntVisitor {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (min, max) = (self.min, self.max);
        if max >= MAX_SAFE && min <= MIN_SAFE {
            f.write_str("an integer")
        } else if max >= MAX_SAFE {
            write!(f, "an integer ≥ {min}")
        } else {
            write!(f, "an integer from {min} to {max}")
        }
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<i64, E> {
        if (self.min..=self.max).contains(&n) {
            Ok(n)
        } else {
            Err(out_of_range(n as f64, &self))
        }
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<i64, E> {
        match i64::try_from(n) {
            Ok(n) => self.visit_i64(n),
            Err(_) => Err(out_of_range(n as f64, &self)),
        }
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<i64, E> {
        if n.fract() == 0.0 && n >= self.min as f64 && n <= self.max as f64 {
            Ok(n as i64)
        } else {
            Err(out_of_range(n, &self))
        }
    }
}

impl<'de, const MIN: i64, const MAX: i64> Deserialize<'de> for Int<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // As a number (not `any`): a BigInt is refused, as `JSON.stringify` would.
        d.deserialize_f64(IntVisitor { min: MIN, max: MAX })
            .map(Int)
    }
}

/// A number greater than 0 and at most `MAX` (seconds, milliseconds).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Positive<const MAX: u64>(pub f64);

/// Reads a number greater than 0 and at most `max` (one reader for every `Positive<MAX>`).
struct PositiveVisitor {
    max: u64,
}

impl Visitor<'_> for PositiveVisitor {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a number greater than 0 and at most {}", self.max)
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<f64, E> {
        self.visit_f64(n as f64)
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<f64, E> {
        self.visit_f64(n as f64)
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<f64, E> {
        if n > 0.0 && n <= self.max as f64 {
            Ok(n)
        } else {
            Err(out_of_range(n, &self))
        }
    }
}

impl<'de, const MAX: u64> Deserialize<'de> for Positive<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_f64(PositiveVisitor { max: MAX })
            .map(Positive)
    }
}

/// An object whose members are strings, in the caller's order. `null` and
/// `undefined` members are left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StrMap(pub Vec<(String, String)>);

impl Serialize for StrMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for StrMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = StrMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrMap, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value::<Option<String>>();
                    if let Some(value) = value.map_err(|e| within(&key, e))? {
                        out.retain(|(k, _)| *k != key);
                        out.push((key, value));
                    }
                }
                Ok(StrMap(out))
            }
        }
        d.deserialize_any(Members)
    }
}

/// An array of strings.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct StrList(pub Vec<String>);

impl<'de> Deserialize<'de> for StrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items;
        impl<'de> Visitor<'de> for Items {
            type Value = StrList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrList, A::Error> {
                let mut out = Vec::new();
                loop {
                    let index = format!("[{}]", out.len());
                    match seq.next_element::<String>() {
                        Ok(Some(item)) => out.push(item),
                        Ok(None) => return Ok(StrList(out)),
                        Err(e) => return Err(within(&index, e)),
                    }
                }
            }
        }
        d.deserialize_any(Items)
    }
}

/// Any JSON value the caller gives (a schema, parameters): only values JSON can
/// carry, nested at most 64 deep, key order kept.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Json(pub Value);

/// A JSON object the caller gives (`model`, `parameters`, `browser_settings`).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct JsonObject(pub Map<String, Value>);

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        JsonSeed::new(MAX_INPUT_DEPTH).deserialize(d).map(Json)
    }
}

/// A response body as a JSON value, nested at most 128 deep, so a hostile body
/// cannot exhaust the stack.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Received(pub Value);

impl<'de> Deserialize<'de> for Received {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        JsonSeed::new(MAX_BODY_DEPTH).deserialize(d).map(Received)
    }
}

impl<'de> Deserialize<'de> for JsonObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = JsonSeed::new(MAX_INPUT_DEPTH).deserialize(d)?;
        match value {
            Value::Object(members) => Ok(JsonObject(members)),
            other => Err(de::Error::invalid_type(unexpected(&other), &"an object")),
        }
    }
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("a number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

#[derive(Clone, Copy)]
struct JsonSeed {
    depth: u32,
    max: u32,
}

impl<'de> DeserializeSeed<'de> for JsonSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonSeed {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("cannot be sent as JSON (got {})", number_text(n))))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.nested::<A::Error>()?;
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(inner) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(Value::Array(items)),
                Err(e) => return Err(within(&format!("[{}]", items.len()), e)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.nested::<A::Error>()?;
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(inner).map_err(|e| within(&key, e))?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

impl JsonSeed {
    fn new(max: u32) -> JsonSeed {
        JsonSeed { depth: 0, max }
    }

    fn nested<E: de::Error>(self) -> Result<JsonSeed, E> {
        if self.depth >= self.max {
            return Err(E::custom("is nested too deeply (or circular)"));
        }
        Ok(JsonSeed {
            depth: self.depth + 1,
            max: self.max,
        })
    }
}

/// For `skip_serializing_if`: a client-side option (`waitForCompletion`,
/// `onStatus`, …) that is read from the request but never sent.
pub fn client_side<T>(_: &T) -> bool {
    true
}

/// A client-side option checked by the JavaScript layer (a callback, an
/// `AbortSignal`): accepted here whatever it is, never sent.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Local;

impl Serialize for Local {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for Local {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_ignored_any(IgnoredAny).map(|_| Local)
    }
}
