// Node.js entry (condition `node`): reads the .wasm next to this file and
// instantiates it synchronously, so `import` is all a caller needs. Requests
// go over node:http (see node-http.js).
import { readFileSync } from "node:fs";
import { initSync, setTransport } from "./skyvern_wasm.js";
import { nodeSend } from "./node-http.js";
import { installApi } from "./skyvern.js";

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
