// Server entry for other runtimes (`skyvern-wasm/server`, condition `default`:
// Deno, service workers): fetches and instantiates its .wasm with a top-level await.
import init, {
  createProxyHandler,
  verifyWebhook,
  createWebhookHandler,
  webhookErrorClasses,
} from "./skyvern_server.js";

await init({ module_or_path: new URL("./skyvern_server_bg.wasm", import.meta.url) });

export { createProxyHandler, verifyWebhook, createWebhookHandler };
export const { WebhookVerificationError } = webhookErrorClasses();
