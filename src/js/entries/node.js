// Node.js entry (condition `node`): reads the .wasm next to this file and
// instantiates it synchronously, so `import` is all a caller needs. Requests
// go over node:http (see node-http.js).
import { readFileSync } from "node:fs";
import { initSync, setTransport } from "./skyvern_wasm.js";
import { nodeSend } from "./node-http.js";
import { installApi, createProxyHandler as create } from "./skyvern.js";
import { withUpgrade } from "./node-proxy.js";

initSync({ module: readFileSync(new URL("./skyvern_wasm_bg.wasm", import.meta.url)) });
installApi();
setTransport(nodeSend);

export {
  SkyvernClient,
  BrowserSessionHandle,
  SkyvernError,
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  GoneError,
  UnprocessableEntityError,
  TooManyRequestsError,
  InternalServerError,
  SkyvernTimeoutError,
  SkyvernConnectionError,
  mountLiveView,
} from "./skyvern.js";

/** createProxyHandler, plus `handler.upgrade(req, socket, head)` for the
 * live-view sockets of node:http servers (see index.d.ts). */
export const createProxyHandler = (options) => withUpgrade(create(options));
