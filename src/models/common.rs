//! Types several requests share: resource ids and proxy locations.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Unexpected, Visitor};
use serde::Serialize;

use super::fields::NonEmpty;
use crate::codec::within;

/// The longest id accepted (Skyvern's ids are about 20 characters).
pub const MAX_ID_LEN: usize = 256;

/// A resource id used as a path segment. Skyvern's ids (`pbs_…`, `tsk_…`,
/// `wr_…`, `bp_…`) are ASCII letters, digits and `_`; anything that could not
/// be one (empty, whitespace, `/ ? # %`, non-ASCII, `.`/`..`, very long) is
/// refused before a request is built.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Id(pub String);

const ID_RULE: &str = "an id of ASCII letters, digits, `_`, `-` and `.` (at most 256 characters)";

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string id")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Id, E> {
                Err(E::custom("is required"))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Id, E> {
                if s.trim().is_empty() {
                    return Err(E::custom("must be a non-empty id"));
                }
                let fits = s.len() <= MAX_ID_LEN
                    && s != "."
                    && s != ".."
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
                if !fits {
                    return Err(E::invalid_value(Unexpected::Str(s), &ID_RULE));
                }
                Ok(Id(s.to_string()))
            }
        }
        d.deserialize_any(IdVisitor)
    }
}

/// Where the browser's traffic exits: a named location (`"RESIDENTIAL"`,
/// `"US-CA"`, …, or one the server added later), a geographic target, or a
/// custom proxy URL (self-hosted servers only).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ProxyLocation {
    /// A named location.
    Name(NonEmpty),
    /// A country, optionally narrowed to a subdivision and a city.
    Geo(GeoTarget),
    /// A custom proxy.
    Custom {
        /// `http://user:pass@host:port`.
        url: NonEmpty,
    },
}

/// A geographic proxy target.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoTarget {
    /// ISO 3166-1 alpha-2 country code, e.g. "US".
    pub country: Option<NonEmpty>,
    /// ISO 3166-2 subdivision, e.g. "CA".
    pub subdivision: Option<String>,
    /// A city name.
    pub city: Option<String>,
    /// Use an ISP proxy.
    #[serde(rename = "isISP")]
    pub is_isp: Option<bool>,
    /// A custom proxy's URL (then no other field).
    pub url: Option<NonEmpty>,
}

impl<'de> Deserialize<'de> for ProxyLocation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Proxy;
        impl<'de> Visitor<'de> for Proxy {
            type Value = ProxyLocation;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a proxy location string, a {country, subdivision?, city?} object or a {url} object",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ProxyLocation, E> {
                if s.trim().is_empty() {
                    return Err(E::invalid_value(Unexpected::Str(s), &self));
                }
                Ok(ProxyLocation::Name(NonEmpty(s.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ProxyLocation, A::Error> {
                let geo = GeoTarget::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (&geo.country, geo.url.clone()) {
                    (None, Some(url)) => Ok(ProxyLocation::Custom { url }),
                    (None, None) => Err(within("country", de::Error::custom("is required"))),
                    (Some(_), _) => Ok(ProxyLocation::Geo(geo)),
                }
            }
        }
        d.deserialize_any(Proxy)
    }
}
