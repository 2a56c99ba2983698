// Types for every entry of the package (node.js, workerd.js, web.js): all
// entries export the same API. Request, response and option interfaces are
// re-exported as types; the values are the client, the session handle, the
// error classes and the live view. The edge proxy is `skyvern-wasm/server`
// (server.d.ts).
export type * from "./skyvern_wasm.js";
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
} from "./skyvern_wasm.js";
