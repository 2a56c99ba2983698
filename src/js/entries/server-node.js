// Server entry, Node.js (`skyvern-wasm/server`, condition `node`): reads its own
// .wasm next to this file and instantiates it synchronously. A web page never
// loads this module or its .wasm.
import { readFileSync } from "node:fs";
import {
  initSync,
  createProxyHandler as create,
  verifyWebhook,
  createWebhookHandler,
  webhookErrorClasses,
} from "./skyvern_server.js";
import { withUpgrade } from "./node-proxy.js";

initSync({ module: readFileSync(new URL("./skyvern_server_bg.wasm", import.meta.url)) });

/** createProxyHandler, plus `handler.upgrade(req, socket, head)` for the
 * live-view sockets of node:http servers (see server.d.ts). */
export const createProxyHandler = (options) => withUpgrade(create(options));
export { verifyWebhook, createWebhookHandler };
export const { WebhookVerificationError } = webhookErrorClasses();
