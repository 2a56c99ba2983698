//! `verifyWebhook` and `createWebhookHandler` (server entry): the options and
//! the signature check are the core's (`crate::webhook`); `webhook.js` reads
//! the Request or `{ body, headers }`, parses the body with `JSON.parse` and
//! answers for the handler. Their types are in `pkg/server.d.ts`.

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::to_js;
use super::value::get;
use crate::error::Error;
use crate::webhook::{Reason, Verifier};

/// Default `maxBodyBytes` of the handler: 1 MiB (a run's JSON is a few KB).
const DEFAULT_MAX_BODY: f64 = 1_048_576.0;

#[wasm_bindgen(module = "/src/js/webhook.js")]
extern "C" {
    #[wasm_bindgen(js_name = verifyWith)]
    fn verify_with(core: WebhookCore, input: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = makeWebhookHandler)]
    fn make_webhook_handler(core: WebhookCore, on_event: &JsValue, max_body: f64) -> JsValue;
    #[wasm_bindgen(js_name = webhookError)]
    fn webhook_error(reason: &str, message: &str) -> JsValue;
}

/// The signature check for one API key, held by the adapter.
#[wasm_bindgen(skip_typescript)]
pub struct WebhookCore(Verifier);

#[wasm_bindgen]
impl WebhookCore {
    /// Checks one delivery; resolves to its timestamp (`undefined` when none
    /// was given and the freshness check is off), or throws a
    /// `WebhookVerificationError`.
    #[wasm_bindgen(skip_typescript)]
    pub fn check(
        &self,
        body: &[u8],
        signature: Option<String>,
        timestamp: Option<String>,
        now_ms: f64,
    ) -> Result<Option<f64>, JsValue> {
        self.0
            .verify(body, signature.as_deref(), timestamp.as_deref(), now_ms)
            .map_err(refusal)
    }

    /// The error for a body that passed the signature but is not a JSON object.
    #[wasm_bindgen(skip_typescript)]
    pub fn malformed(&self) -> JsValue {
        refusal(Reason::MalformedBody)
    }
}

fn refusal(reason: Reason) -> JsValue {
    webhook_error(reason.as_str(), reason.message())
}

/// `options` must be an object with only `known` keys.
fn known_keys(options: &JsValue, known: &[&str]) -> Result<(), Error> {
    if !options.is_object() {
        return Err(Error::invalid("options", "must be an object with apiKey"));
    }
    let obj: &Object = options.unchecked_ref();
    for key in Object::keys(obj).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            let mut field = String::from("options.");
            field.push_str(&key);
            return Err(Error::invalid(&field, "is not a known option"));
        }
    }
    Ok(())
}

/// A number option: `None` when absent, NaN when not a number (refused later).
fn number(options: &JsValue, key: &str) -> Option<f64> {
    let v = get(options, key);
    (!v.is_undefined()).then(|| v.as_f64().unwrap_or(f64::NAN))
}

fn verifier(options: &JsValue) -> Result<Verifier, Error> {
    Verifier::new(
        get(options, "apiKey").as_string().as_deref(),
        number(options, "toleranceSeconds"),
    )
}

/// The error classes (`errors.js`, shared with the client entry): the server
/// entry exports `WebhookVerificationError` from them.
#[wasm_bindgen(js_name = webhookErrorClasses, skip_typescript)]
pub fn webhook_error_classes() -> JsValue {
    super::errors::error_classes()
}

/// `verifyWebhook(input, { apiKey, toleranceSeconds? })`.
#[wasm_bindgen(js_name = verifyWebhook, skip_typescript)]
pub fn verify_webhook(input: JsValue, options: JsValue) -> Promise {
    let core =
        known_keys(&options, &["apiKey", "toleranceSeconds"]).and_then(|_| verifier(&options));
    match core {
        Ok(v) => verify_with(WebhookCore(v), &input),
        Err(e) => Promise::reject(&to_js(&e)),
    }
}

/// `createWebhookHandler({ apiKey, onEvent, toleranceSeconds?, maxBodyBytes? })`.
#[wasm_bindgen(js_name = createWebhookHandler, skip_typescript)]
pub fn create_webhook_handler(options: JsValue) -> Result<JsValue, JsValue> {
    let known = ["apiKey", "onEvent", "toleranceSeconds", "maxBodyBytes"];
    known_keys(&options, &known).map_err(|e| to_js(&e))?;
    let core = verifier(&options).map_err(|e| to_js(&e))?;
    let on_event = get(&options, "onEvent");
    if !on_event.is_function() {
        let e = Error::invalid(
            "options.onEvent",
            "must be a function (event) => void | Promise<void>",
        );
        return Err(to_js(&e));
    }
    let max_body = number(&options, "maxBodyBytes").unwrap_or(DEFAULT_MAX_BODY);
    if !(max_body >= 1.0 && max_body.is_finite()) {
        let e = Error::invalid("options.maxBodyBytes", "must be a number of bytes >= 1");
        return Err(to_js(&e));
    }
    Ok(make_webhook_handler(WebhookCore(core), &on_event, max_body))
}
