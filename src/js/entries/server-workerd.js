// Server entry, Cloudflare Workers (`skyvern-wasm/server`, conditions `workerd`,
// `worker`): the .wasm is imported as a precompiled module and instantiated
// synchronously, as Workers require.
import wasmModule from "./skyvern_server_bg.wasm";
import {
  initSync,
  createProxyHandler,
  verifyWebhook,
  createWebhookHandler,
  webhookErrorClasses,
} from "./skyvern_server.js";

initSync({ module: wasmModule });

export { createProxyHandler, verifyWebhook, createWebhookHandler };
export const { WebhookVerificationError } = webhookErrorClasses();
