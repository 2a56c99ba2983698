// Types of the server entry, `skyvern-wasm/server` (server-node.js,
// server-workerd.js, server-web.js): the edge proxy that keeps the API key on
// the server. A web page never loads this entry or its .wasm. Its errors are
// the classes `skyvern-wasm` exports (`instanceof SkyvernError` holds).
export type {
  ProxyOperation,
  ProxyOptions,
  ProxyHandler,
  ProxyUpgradeRequest,
  ProxyUpgradeSocket,
} from "./skyvern_server.js";
export { createProxyHandler } from "./skyvern_server.js";
