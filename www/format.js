// Presentation helpers: readable errors, timestamps and statuses.

/** Turns any value into short readable text (never "[object Object]"). */
export function toText(value, max = 600) {
  let text;
  if (value === null || value === undefined) text = "";
  else if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") text = String(value);
  else if (value instanceof Error) text = value.message || value.name;
  else {
    try {
      text = JSON.stringify(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  text = text.trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The server's `detail` in readable form, from any body shape Skyvern sends. */
export function detailOf(body) {
  if (body === null || body === undefined || body === "") return "";
  if (typeof body === "string") {
    const trimmed = body.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return detailOf(JSON.parse(trimmed));
      } catch {
        // not JSON after all: fall through to the text
      }
    }
    // HTML error pages: keep the text, drop the tags.
    return toText(trimmed.replace(/<[^>]*>/g, " ").replace(/\s+/g, " "));
  }
  if (typeof body !== "object") return toText(body);
  const detail = "detail" in body ? body.detail : "error" in body ? body.error : body;
  if (typeof detail === "string") return toText(detail);
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        if (item && typeof item === "object") {
          const loc = Array.isArray(item.loc) ? item.loc.join(".") : "";
          const msg = toText(item.msg ?? item.message ?? item);
          return loc ? `${loc}: ${msg}` : msg;
        }
        return toText(item);
      })
      .join("; ");
  }
  return toText(detail);
}

/** Everything worth showing about a rejection from the client. */
export function describeError(err) {
  const isObject = err !== null && typeof err === "object";
  const name =
    (isObject && typeof err.name === "string" && err.name) ||
    (isObject && err.constructor && err.constructor.name !== "Object" && err.constructor.name) ||
    "Error";
  const statusCode = isObject && typeof err.statusCode === "number" ? err.statusCode : undefined;
  const message = isObject && typeof err.message === "string" ? err.message.trim() : toText(err);
  const detail = isObject && "body" in err ? detailOf(err.body) : "";
  const retryable = isObject && typeof err.retryable === "boolean" ? err.retryable : undefined;
  return {
    name,
    statusCode,
    message: message || "Unknown error",
    // Only show the detail separately when the message does not already carry it.
    detail: detail && !message.includes(detail) ? detail : "",
    retryable,
  };
}

/** Fills `box` with a readable error (or hides it when `err` is null). */
export function showError(box, err, context) {
  box.replaceChildren();
  if (err === null || err === undefined) {
    box.hidden = true;
    return;
  }
  const info = describeError(err);
  const head = el("p", "error-head");
  head.append(el("strong", "error-name", info.name));
  if (info.statusCode !== undefined) head.append(el("span", "pill pill-error", `HTTP ${info.statusCode}`));
  if (info.retryable) head.append(el("span", "pill", "retryable"));
  if (context) head.append(el("span", "error-context", context));
  box.append(head, el("p", "error-message", info.message));
  if (info.detail) {
    const p = el("p", "error-detail");
    p.append(el("span", "muted", "Detail: "), document.createTextNode(info.detail));
    box.append(p);
  }
  box.hidden = false;
}

/** Creates an element with a class and optional text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Skyvern sends naive UTC timestamps; treat a time without an offset as UTC. */
export function parseTime(value) {
  if (typeof value !== "string" || value === "") return null;
  const hasOffset = /(?:Z|[+-]\d\d:?\d\d)$/i.test(value);
  const date = new Date(hasOffset ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** A short local time ("14:03:27"), with the date when it is not today. */
export function formatTime(value) {
  const date = parseTime(value);
  if (!date) return "—";
  const today = new Date();
  return date.toDateString() === today.toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

/** The badge colour family for a session or run status. */
export function statusTone(status) {
  switch (status) {
    case "running":
      return "active";
    case "created":
    case "queued":
    case "retry":
    case "paused":
      return "pending";
    case "completed":
      return "done";
    case "failed":
    case "terminated":
    case "timed_out":
    case "timeout":
      return "bad";
    case "canceled":
      return "neutral";
    default:
      return "neutral";
  }
}

export function statusLabel(status) {
  return typeof status === "string" && status ? status.replace(/_/g, " ") : "unknown";
}

export const TERMINAL_RUN = new Set(["completed", "failed", "terminated", "canceled", "timed_out"]);
export const ENDED_SESSION = new Set(["completed", "failed", "timeout"]);

/** Fills `box` with a plain message about the form (no error class or status). */
export function showMessage(box, text) {
  box.replaceChildren(el("p", "error-message", text));
  box.hidden = false;
}
