// Node.js entry (condition `node`): reads the .wasm next to this file and
// instantiates it synchronously, so `import` is all a caller needs.
import { readFileSync } from "node:fs";
import { initSync } from "./skyvern_wasm.js";
import { installApi } from "./skyvern.js";

initSync({ module: readFileSync(new URL("./skyvern_wasm_bg.wasm", import.meta.url)) });
installApi();

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
  createProxyHandler,
  mountLiveView,
} from "./skyvern.js";
