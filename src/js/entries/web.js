// Web entry (conditions `browser`, `import`, `default`): fetches and
// instantiates the .wasm next to this file with a top-level await. Vite and
// webpack 5 recognise the `new URL(..., import.meta.url)` pattern and emit the
// .wasm as an asset; after Rollup or esbuild, and in a page without a bundler,
// it is loaded from the directory of the module that holds this code.
import init from "./skyvern_wasm.js";
import { installApi } from "./skyvern.js";

await init({ module_or_path: new URL("./skyvern_wasm_bg.wasm", import.meta.url) });
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
