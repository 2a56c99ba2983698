// The webhook API's types: verifyWebhook, createWebhookHandler, WebhookEvent, and a
// WebhookSource for waitForRun; compiled with `tsc --strict --noEmit` (tests/types/tsconfig.json).
import { SkyvernClient, SkyvernError } from "../../pkg/index.js";
import type { Run, RunStatus, WebhookSource } from "../../pkg/index.js";
import { createWebhookHandler, verifyWebhook, WebhookVerificationError } from "../../pkg/server.js";
import type {
  VerifyWebhookOptions,
  WebhookDelivery,
  WebhookEvent,
  WebhookHandlerOptions,
  WebhookRefusal,
} from "../../pkg/server.js";

/** Every refusal has a name; a new reason or a plain `string` breaks the `never` below. */
function explain(reason: WebhookVerificationError["reason"]): string {
  switch (reason) {
    case "missing_signature":
      return "no x-skyvern-signature";
    case "bad_signature":
      return "not signed with this key, or the body changed";
    case "stale":
      return "x-skyvern-timestamp is too old";
    case "malformed_body":
      return "not a JSON object";
    default: {
      const unknown: never = reason;
      return unknown;
    }
  }
}

export async function receive(body: Uint8Array<ArrayBuffer>, signature: string, stamp: string, apiKey: string): Promise<RunStatus | null> {
  const options: VerifyWebhookOptions = { apiKey, toleranceSeconds: 600 };
  // Node's `http` hands a header as a string or, repeated, as a string array.
  const delivery: WebhookDelivery = { body, headers: { "x-skyvern-signature": [signature], "x-skyvern-timestamp": stamp } };
  try {
    const event: WebhookEvent = await verifyWebhook(delivery, options);
    const status: RunStatus = event.status;
    const runId: string = event.run_id;
    const at: number | null = event.timestamp;
    const run: Run = event;
    void [runId, at, run];
    // @ts-expect-error the status is a string union, not a number
    const wrongStatus: number = event.status;
    // @ts-expect-error the timestamp is null when none was sent and the freshness check is off
    const wrongStamp: number = event.timestamp;
    void [wrongStatus, wrongStamp];
    await verifyWebhook({ body: new TextDecoder().decode(body), headers: new Headers() }, { apiKey });
    await verifyWebhook({ body: body.buffer, headers: { "x-skyvern-signature": signature } }, { apiKey, toleranceSeconds: Infinity });
    await verifyWebhook(new Request("https://edge.example/webhooks/skyvern", { method: "POST", body }), { apiKey });
    return status;
  } catch (e) {
    if (e instanceof WebhookVerificationError) {
      const reason: WebhookRefusal = e.reason;
      const code: "webhook_verification_failed" = e.code;
      const base: SkyvernError = e;
      // @ts-expect-error `reason` is the union of the four refusals
      if (e.reason === "expired") return null;
      console.log(explain(reason), code, base.message);
      return null;
    }
    throw e;
  }
}

export function misuse(body: Uint8Array, apiKey: string): void {
  // @ts-expect-error the body is text or bytes
  void verifyWebhook({ body: 42, headers: {} }, { apiKey });
  // @ts-expect-error the key is required
  void verifyWebhook({ body, headers: {} }, {});
  // @ts-expect-error `input` is a Request or { body, headers }
  void verifyWebhook("raw body", { apiKey });
  // @ts-expect-error onEvent is required
  createWebhookHandler({ apiKey });
  // @ts-expect-error onEvent receives the event, not a string
  createWebhookHandler({ apiKey, onEvent: (event: string) => void event });
}

/** A Worker route; `onEvent` may return nothing or a promise. */
export function route(apiKey: string, queue: { send(run: WebhookEvent): Promise<void> }): (request: Request) => Promise<Response> {
  const options: WebhookHandlerOptions = {
    apiKey,
    maxBodyBytes: 64 * 1024,
    onEvent: (event: WebhookEvent, request: Request) => {
      const status: RunStatus = event.status;
      void [status, request.url];
      return queue.send(event);
    },
  };
  createWebhookHandler({ apiKey, onEvent: (event) => console.log(event.run_id, event.status) });
  return createWebhookHandler(options);
}

/** Waiting by push from a subscribe function, a BroadcastChannel or an async iterable. */
export async function wait(client: SkyvernClient, runId: string, events: AsyncIterable<WebhookEvent>): Promise<Run> {
  const listeners = new Set<(event: WebhookEvent) => void>();
  const subscribe: WebhookSource = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const channel = new BroadcastChannel("skyvern-runs");
  const fromChannel: WebhookSource = (listener) => {
    const onMessage = (m: MessageEvent<WebhookEvent>) => listener(m.data);
    channel.addEventListener("message", onMessage);
    return () => channel.removeEventListener("message", onMessage);
  };
  const asyncOff: WebhookSource<WebhookEvent> = async () => () => undefined;
  const done: Run = await client.waitForRun(runId, { webhooks: subscribe, timeout: 600, onStatus: (r: Run) => void r.status });
  await client.waitForRun(runId, { webhooks: fromChannel, pollIntervalMs: 60_000 });
  await client.waitForRun(runId, { webhooks: events });
  await client.waitForRun(runId, { webhooks: asyncOff });
  // @ts-expect-error a URL is not an event source
  await client.waitForRun(runId, { webhooks: "wss://edge.example/runs" });
  // @ts-expect-error webhooks are for runs only
  await client.waitForBrowserSession("pbs_1", { webhooks: subscribe });
  return done;
}
