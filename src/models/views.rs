//! What the client reads from response bodies: the top-level shape and a few
//! fields, read without building the rest. In the wasm, serde-wasm-bindgen
//! reads only these members of the object `JSON.parse` made; the whole body
//! reaches the caller untouched.

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess};
use serde::de::{SeqAccess, Visitor};

/// The top level of a success body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `null`.
    Null,
    /// An array.
    Array,
    /// An object; `true` when the member asked for is a string.
    Object(bool),
    /// A string, number or boolean (its description).
    Scalar(&'static str),
}

/// Reads a body's [`Shape`], checking the member `key` (if any) is a string.
#[derive(Clone, Copy)]
pub struct ShapeOf {
    /// The member to check, as a one-field list (serde reads only that member).
    pub key: Option<&'static [&'static str]>,
}

impl<'de> DeserializeSeed<'de> for ShapeOf {
    type Value = Shape;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        match self.key {
            Some(fields) => d.deserialize_struct("Body", fields, self),
            None => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for ShapeOf {
    type Value = Shape;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Shape, E> {
        Ok(Shape::Null)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Scalar("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Scalar("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Scalar("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Scalar("a number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Scalar("a string"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Shape, A::Error> {
        drain_seq(seq).map(|()| Shape::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let wanted = self.key.and_then(|k| k.first().copied());
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if Some(key.as_str()) == wanted {
                found = map.next_value::<Text>()?.0.is_some();
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Shape::Object(found))
    }
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A member that should be a string; anything else reads as `None`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text(pub Option<String>);

/// A member that should be `true`; anything else reads as `false`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Flag(pub bool);

/// Whether a member is present and not `null`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Present(pub bool);

/// What a member turned out to be, for [`Text`], [`Flag`] and [`Present`].
enum Seen {
    Null,
    Str(String),
    Bool(bool),
    Other,
}

struct SeenVisitor;

impl<'de> Visitor<'de> for SeenVisitor {
    type Value = Seen;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Seen, E> {
        Ok(Seen::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Seen, E> {
        Ok(Seen::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Seen, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Seen, E> {
        Ok(Seen::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Seen, E> {
        Ok(Seen::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Seen, E> {
        Ok(Seen::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Seen, E> {
        Ok(Seen::Other)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Seen, E> {
        Ok(Seen::Str(s.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Seen, A::Error> {
        drain_seq(seq).map(|()| Seen::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Seen, A::Error> {
        drain_map(map).map(|()| Seen::Other)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match d.deserialize_any(SeenVisitor)? {
            Seen::Str(s) => Text(Some(s)),
            _ => Text(None),
        })
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Flag(matches!(
            d.deserialize_any(SeenVisitor)?,
            Seen::Bool(true)
        )))
    }
}

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Present(!matches!(
            d.deserialize_any(SeenVisitor)?,
            Seen::Null
        )))
    }
}

/// The members of a polled session or run that decide whether a wait is over.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct Polled {
    /// The status (`running`, `completed`, …).
    pub status: Text,
    /// A run's id (`wr_…` for a workflow run).
    pub run_id: Text,
    /// A run's type (`workflow_run`, …).
    pub run_type: Text,
    /// A session's id.
    pub browser_session_id: Text,
    /// A workflow run that failed but will be retried.
    pub retry_pending: Flag,
    /// A session's start time.
    pub started_at: Present,
    /// A session's end time.
    pub completed_at: Present,
}
