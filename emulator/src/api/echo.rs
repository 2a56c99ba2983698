//! A run request echoed back as the real server echoes it in `run_request`:
//! each field checked lightly, given or defaulted.

use serde_json::{json, Map, Value};

use super::validate::{self, Errors};

/// Echoed fields of a run request: the given value or the default, with light checks.
pub(super) struct Echo<'a> {
    pub(super) obj: &'a Map<String, Value>,
    pub(super) errs: Errors,
    pub(super) out: Map<String, Value>,
}

impl<'a> Echo<'a> {
    /// An empty echo of the request object `obj`.
    pub(super) fn new(obj: &'a Map<String, Value>) -> Echo<'a> {
        Echo {
            obj,
            errs: Errors::new(),
            out: Map::new(),
        }
    }

    pub(super) fn pass(&mut self, k: &str, default: Value) {
        let v = self.obj.get(k).cloned().unwrap_or(default);
        self.out.insert(k.into(), v);
    }
    pub(super) fn string(&mut self, k: &str) {
        let v = match self.obj.get(k) {
            None => Value::Null,
            Some(v) => validate::string(&mut self.errs, k, v, true)
                .flatten()
                .map(Value::String)
                .unwrap_or(Value::Null),
        };
        self.out.insert(k.into(), v);
    }
    pub(super) fn url(&mut self, k: &str) {
        let v = match self.obj.get(k) {
            None => Value::Null,
            Some(v) => match validate::url(&mut self.errs, k, v) {
                Some(Some(u)) => Value::String(u),
                _ => Value::Null,
            },
        };
        self.out.insert(k.into(), v);
    }
    pub(super) fn int(&mut self, k: &str, min: Option<i64>, max: Option<i64>) {
        let v = match self.obj.get(k) {
            None => Value::Null,
            Some(v) => match validate::int(&mut self.errs, k, v) {
                Some(Some(n)) => {
                    let lo = min.is_none_or(|m| validate::ge(&mut self.errs, k, n, m, v));
                    let hi = match max {
                        Some(m) if n > m => {
                            self.errs.push(
                                "less_than_equal",
                                k,
                                &format!("Input should be less than or equal to {m}"),
                                v,
                                Some(json!({ "le": m })),
                            );
                            false
                        }
                        _ => true,
                    };
                    if lo && hi {
                        json!(n)
                    } else {
                        Value::Null
                    }
                }
                _ => Value::Null,
            },
        };
        self.out.insert(k.into(), v);
    }
    pub(super) fn boolean(&mut self, k: &str, default: Value) {
        let nullable = default.is_null();
        let v = match self.obj.get(k) {
            None => default,
            Some(v) => match validate::boolean(&mut self.errs, k, v, nullable) {
                Some(Some(b)) => json!(b),
                _ => Value::Null,
            },
        };
        self.out.insert(k.into(), v);
    }
    pub(super) fn masked(&mut self, k: &str) {
        let v = match self.obj.get(k) {
            Some(Value::Object(m)) => {
                Value::Object(m.iter().map(|(n, _)| (n.clone(), json!("****"))).collect())
            }
            Some(other) => other.clone(),
            None => Value::Null,
        };
        self.out.insert(k.into(), v);
    }
}
