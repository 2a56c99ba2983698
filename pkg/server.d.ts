// Types of the server entry, `skyvern-wasm/server` (server-node.js,
// server-workerd.js, server-web.js): the edge proxy that keeps the API key on
// the server, and the webhook check. A web page never loads this entry or its
// .wasm. Its errors are the classes `skyvern-wasm` exports (`instanceof SkyvernError` holds).
import type { Run, SkyvernError, SkyvernErrorOptions } from "./skyvern_wasm.js";

export type {
  ProxyOperation,
  ProxyOptions,
  ProxyHandler,
  ProxyUpgradeRequest,
  ProxyUpgradeSocket,
} from "./skyvern_server.js";
export { createProxyHandler } from "./skyvern_server.js";

/** A run's webhook, verified: the run as Skyvern sent it (its wire fields,
 * `run_id`, `status`, `failure_reason`, … and, for tasks, `task_id`) plus the
 * delivery's `timestamp` (Unix seconds; `null` when none was sent and the
 * freshness check is off). */
export type WebhookEvent = Run & { timestamp: number | null };

/** Why a delivery was refused. */
export type WebhookRefusal = "missing_signature" | "bad_signature" | "stale" | "malformed_body";

export interface VerifyWebhookOptions {
  /** The Skyvern API key the webhooks are signed with (in a Worker: a secret binding). Required. */
  apiKey: string;
  /** How far `x-skyvern-timestamp` may be from now, in seconds. Default 300;
   * `0` or `Infinity` turns the freshness check off. */
  toleranceSeconds?: number;
}

/** A delivery read by a `node:http` server (or anything that is not a Fetch `Request`). */
export interface WebhookDelivery {
  /** The raw body, exactly as received. */
  body: string | Uint8Array | ArrayBuffer;
  headers: Headers | Record<string, string | string[] | undefined>;
}

/** Checks a Skyvern webhook: the `x-skyvern-signature` HMAC-SHA-256 over the raw
 * body (constant-time), the `x-skyvern-timestamp` within `toleranceSeconds`, and
 * a JSON object body. Rejects with `WebhookVerificationError` (its `reason` says
 * which check failed); bad options reject with a `SkyvernError` (`invalid_argument`). */
export declare function verifyWebhook(
  input: Request | WebhookDelivery,
  options: VerifyWebhookOptions,
): Promise<WebhookEvent>;

export interface WebhookHandlerOptions extends VerifyWebhookOptions {
  /** Called with each verified event; the handler answers 204 once it resolves,
   * 500 (so Skyvern retries) when it throws. */
  onEvent: (event: WebhookEvent, request: Request) => void | Promise<void>;
  /** Largest body accepted; larger is a 413. Default 1 MiB. */
  maxBodyBytes?: number;
}

/** A `fetch`-style handler for a webhook route: `POST` only (405 otherwise);
 * 401 for a missing or wrong signature or a stale timestamp, 400 for a body that
 * is not a JSON object, 413 for one over `maxBodyBytes`, 204 after `onEvent`
 * resolved, 500 when it threw. Throws a `SkyvernError` for bad options. */
export declare function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response>;

/** The rejection of `verifyWebhook`. Its message never holds the key or the expected signature. */
export declare class WebhookVerificationError extends SkyvernError {
  constructor(message: string, options?: SkyvernErrorOptions & { reason?: WebhookRefusal });
  readonly reason: WebhookRefusal;
  readonly code: "webhook_verification_failed";
}
