// Body-shape comparison for the parity suite: field names and JSON types, recursively.
// Ids and timestamps are compared by pattern, a few contract fields by value.

const ID_PREFIXES = ["pbs", "tsk_v2", "tsk", "wr", "bp", "o"];
const NAIVE_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/;

/** The kind of a JSON value: a type name, refined for ids, timestamps and URLs. */
export function kindOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (typeof value !== "string") return typeof value;
  for (const prefix of ID_PREFIXES) {
    if (value.startsWith(`${prefix}_`)) {
      return new RegExp(`^${prefix}_\\d{18}$`).test(value) ? `id ${prefix}_<18 digits>` : `id ${prefix}_ (other format)`;
    }
  }
  if (NAIVE_TIMESTAMP.test(value)) return "timestamp (naive, microseconds)";
  if (/^\d{4}-\d\d-\d\dT/.test(value)) return "timestamp (other format)";
  const scheme = /^(wss?|https?|file):\/\//.exec(value);
  if (scheme) return `url ${scheme[1]}`;
  return "string";
}

/** Fields whose values are part of the contract: compared exactly (ids normalised). */
export const VALUE_FIELDS = new Set([
  "detail",
  "message",
  "status",
  "timeout",
  "warning",
  "type",
  "loc",
  "msg",
  "input",
  "ctx",
  "run_type",
  "source",
  "stream_transport",
  "runnable_type",
  "generate_browser_profile",
  "vnc_streaming_supported",
  "engine",
  "proxy_location",
  "recording_archived",
  "extensions",
  "browser_type",
  "browser_settings",
]);

/** Value fields compared as a whole even when they are arrays or objects. */
const WHOLE_VALUE_FIELDS = new Set(["loc", "input", "ctx", "proxy_location", "extensions", "browser_settings"]);

/** Replaces ids (and CDP browser UUIDs) by placeholders so values can be compared. */
export function normalise(value) {
  if (typeof value === "string") {
    return value
      .replace(/\b(pbs|tsk_v2|tsk|wr|bp|o)_\d+/g, "$1_<id>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>");
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

function show(value) {
  const text = JSON.stringify(value);
  return text === undefined ? "undefined" : text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/**
 * Differences between two JSON values, as `{kind, path, real, emulator}` with kind one of
 * `type`, `missing` (in the real response only), `extra` (in the emulator's only), `value`.
 * Arrays are compared element-wise on their first element (an empty array matches any array).
 */
export function diffBodies(real, emu, path = "$", key = null, out = []) {
  const kr = kindOf(real);
  const ke = kindOf(emu);
  const whole = WHOLE_VALUE_FIELDS.has(key) || !(kr === "object" || kr === "array");
  if (key !== null && VALUE_FIELDS.has(key) && whole) {
    const nr = JSON.stringify(normalise(real));
    const ne = JSON.stringify(normalise(emu));
    if (nr !== ne) out.push({ kind: "value", path, real: show(real), emulator: show(emu) });
    if (kr !== ke || kr !== "object") return out;
  }
  if (kr !== ke) {
    out.push({ kind: "type", path, real: kr, emulator: ke });
    return out;
  }
  if (kr === "object") {
    for (const k of Object.keys(real)) {
      if (!(k in emu)) out.push({ kind: "missing", path: `${path}.${k}`, real: kindOf(real[k]), emulator: "absent" });
      else diffBodies(real[k], emu[k], `${path}.${k}`, k, out);
    }
    for (const k of Object.keys(emu)) {
      if (!(k in real)) out.push({ kind: "extra", path: `${path}.${k}`, real: "absent", emulator: kindOf(emu[k]) });
    }
  } else if (kr === "array" && key === "detail") {
    // Validation errors: every item matters.
    if (real.length !== emu.length) {
      out.push({ kind: "value", path: `${path}.length`, real: real.length, emulator: emu.length });
    }
    for (let i = 0; i < Math.min(real.length, emu.length); i++) diffBodies(real[i], emu[i], `${path}[${i}]`, null, out);
  } else if (kr === "array" && real.length > 0 && emu.length > 0) {
    diffBodies(real[0], emu[0], `${path}[]`, null, out);
  }
  return out;
}
