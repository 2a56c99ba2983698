// The client's public API, shared by every runtime entry (node.js, workerd.js, web.js).
//
// The error classes live in the wasm module's JS snippet and are handed out by
// `errorClasses()`, which needs an instantiated module. Each runtime entry
// instantiates the module in its own way and then calls `installApi()`, which
// fills in the bindings below before any importer of the entry runs.
import {
  SkyvernClient,
  BrowserSessionHandle,
  errorClasses,
  liveView,
  liveClassify,
  liveRetry,
  liveFit,
  liveToViewport,
  liveKey,
} from "./skyvern_wasm.js";
import { clientOf, installSessionRuns } from "./session-runs.js";
import { installPushWait } from "./push-wait.js";

export { SkyvernClient, BrowserSessionHandle };

export let SkyvernError;
export let BadRequestError;
export let ForbiddenError;
export let NotFoundError;
export let ConflictError;
export let GoneError;
export let UnprocessableEntityError;
export let TooManyRequestsError;
export let InternalServerError;
export let SkyvernTimeoutError;
export let SkyvernConnectionError;
/** Shows a session's live browser in an element (browser only; see index.d.ts). */
export let mountLiveView;

let installed = false;

/** Binds the error classes, makes handles work with `await using` and lets
 * `waitForRun` take `webhooks` (push-wait.js). Idempotent. */
export function installApi() {
  if (installed) return;
  ({
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
  } = errorClasses());
  const live = liveView()(
    {
      classify: liveClassify,
      retry: liveRetry,
      fit: liveFit,
      toViewport: liveToViewport,
      key: liveKey,
    },
    clientOf,
  );
  mountLiveView = live.mountLiveView;
  installSessionRuns(SkyvernClient, BrowserSessionHandle, live.handOff, SkyvernError);
  const dispose = Symbol.asyncDispose;
  if (dispose !== undefined && !Object.prototype.hasOwnProperty.call(BrowserSessionHandle.prototype, dispose)) {
    Object.defineProperty(BrowserSessionHandle.prototype, dispose, {
      value: function asyncDispose() {
        return this.close();
      },
      writable: true,
      configurable: true,
    });
  }
  installPushWait(SkyvernClient.prototype, SkyvernError);
  installed = true;
}
