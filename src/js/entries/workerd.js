// Cloudflare Workers entry (conditions `workerd`, `worker`): Workers refuse to
// compile Wasm from bytes at run time, so the .wasm is imported as a module
// (a precompiled `WebAssembly.Module`) and instantiated synchronously.
import wasmModule from "./skyvern_wasm_bg.wasm";
import { initSync } from "./skyvern_wasm.js";
import { installApi } from "./skyvern.js";

initSync({ module: wasmModule });
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
  mountLiveView,
} from "./skyvern.js";
