// TypeScript declarations that are not generated from the Rust models: the
// value types with room for future values, the error classes and the method
// signatures. The request, option and response types are generated from
// `src/models/` by tsify. Included by `src/js/types.rs`.
/** Known values, plus room for values added by the server later. */
export type OpenString<T extends string> = T | (string & {});

export type ProxyLocationName = OpenString<
  | "RESIDENTIAL" | "US-CA" | "US-NY" | "US-TX" | "US-FL" | "US-WA"
  | "RESIDENTIAL_ES" | "RESIDENTIAL_IE" | "RESIDENTIAL_GB" | "RESIDENTIAL_IN" | "RESIDENTIAL_JP"
  | "RESIDENTIAL_FR" | "RESIDENTIAL_DE" | "RESIDENTIAL_NZ" | "RESIDENTIAL_ZA" | "RESIDENTIAL_AR"
  | "RESIDENTIAL_AU" | "RESIDENTIAL_BR" | "RESIDENTIAL_TR" | "RESIDENTIAL_CA" | "RESIDENTIAL_MX"
  | "RESIDENTIAL_IT" | "RESIDENTIAL_NL" | "RESIDENTIAL_PH" | "RESIDENTIAL_KR" | "RESIDENTIAL_SA"
  | "RESIDENTIAL_ISP" | "NONE">;
/** A geographic proxy target. */
export interface GeoTarget {
  /** ISO 3166-1 alpha-2 country code, e.g. "US". */
  country: string;
  subdivision?: string | null;
  city?: string | null;
  isISP?: boolean | null;
}
/** A custom proxy (self-hosted servers only). */
export interface CustomProxy { url: string }
export type ProxyLocation = ProxyLocationName | GeoTarget | CustomProxy;
export type Extension = OpenString<"ad-blocker" | "captcha-solver">;
export type PersistentBrowserType = OpenString<"msedge" | "chrome" | "stealth-chromium">;
export type BrowserSessionStatus = OpenString<"created" | "running" | "failed" | "completed" | "timeout" | "retry">;
export type RunStatus = OpenString<"created" | "queued" | "running" | "paused" | "timed_out" | "failed" | "terminated" | "completed" | "canceled">;
export type RunEngine = OpenString<"skyvern-1.0" | "skyvern-2.0" | "skyvern-3.0" | "openai-cua" | "anthropic-cua" | "ui-tars" | "yutori-navigator">;
export type RunType = OpenString<"task_v1" | "task_v2" | "task_v3" | "workflow_run" | "openai_cua" | "anthropic_cua" | "ui_tars" | "yutori_navigator">;
export type RunWith = OpenString<"agent" | "code">;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface WaitOptions<T> {
  /** Seconds to wait (runs: 1800; sessions: 300). */
  timeout?: number;
  /** Fixed poll interval; by default polling starts at 250 ms and backs off to 5 s. */
  pollIntervalMs?: number;
  /** Called with the polled object whenever its status changes. */
  onStatus?: (value: T) => void;
  abortSignal?: AbortSignal;
}

export interface BrowserSettings { timezone_id?: string | null; [key: string]: JsonValue | undefined }


// The response types (BrowserSession, TaskRun, WorkflowRun, Artifact, …) are generated from
// src/models/responses/.
export type Run = TaskRun | WorkflowRun;

export type ArtifactType = OpenString<
  | "recording" | "audio" | "session_replay" | "browser_console_log" | "skyvern_log" | "skyvern_log_raw"
  | "screenshot" | "screenshot_llm" | "screenshot_action" | "screenshot_final" | "llm_prompt"
  | "llm_request" | "llm_response" | "llm_response_parsed" | "llm_response_rendered"
  | "visible_elements_id_css_map" | "visible_elements_id_frame_map" | "visible_elements_tree"
  | "visible_elements_tree_trimmed" | "visible_elements_tree_in_prompt" | "hashed_href_map"
  | "visible_elements_id_xpath_map" | "html" | "html_scrape" | "html_action" | "trace" | "har"
  | "script_file" | "pdf" | "step_archive" | "task_archive" | "download">;

/** A file for `uploadFile`: a `Blob` or `File`, bytes, or bytes with a name and type. */
export type Uploadable =
  | Blob
  | ArrayBuffer
  | Uint8Array
  | { data: Blob | ArrayBuffer | Uint8Array; filename?: string; contentType?: string };

/** `error.code`: stable, unlike messages. */
export type SkyvernErrorCode = OpenString<
  | "invalid_argument" | "browser_api_key" | "bad_request" | "forbidden" | "not_found" | "conflict"
  | "gone" | "unprocessable_entity" | "too_many_requests" | "server_error" | "http_error"
  | "invalid_response" | "unexpected_response" | "attempt_timeout" | "wait_timeout"
  | "session_ended" | "connection_error" | "aborted" | "navigation_failed"
>;
export interface SkyvernErrorOptions {
  code?: SkyvernErrorCode;
  statusCode?: number;
  body?: unknown;
  retryable?: boolean;
  cause?: unknown;
  headers?: Record<string, string>;
}
/** Base class of every error the client rejects with (except aborts, which reject with the signal's reason). */
export declare class SkyvernError extends Error {
  constructor(message: string, options?: SkyvernErrorOptions);
  /** HTTP status, when there was a response. */
  readonly statusCode: number | undefined;
  /** The response body: parsed JSON, or the text. */
  readonly body: unknown;
  /** Whether repeating the request may succeed. */
  readonly retryable: boolean;
  /** A stable code to branch on; undefined for an error built without one. */
  readonly code: SkyvernErrorCode | undefined;
  /** An error response's headers (lower-case names), as far as the runtime may read them (CORS limits what a page sees). */
  readonly headers: Record<string, string> | undefined;
}
/** 400 */
export declare class BadRequestError extends SkyvernError {}
/** 403: missing or invalid API key. */
export declare class ForbiddenError extends SkyvernError {}
/** 404 */
export declare class NotFoundError extends SkyvernError {}
/** 409: e.g. the session has ended. */
export declare class ConflictError extends SkyvernError {}
/** 410: the session is closed or expired. */
export declare class GoneError extends SkyvernError {}
/** 422: validation failed on the server. */
export declare class UnprocessableEntityError extends SkyvernError {}
/** 429 */
export declare class TooManyRequestsError extends SkyvernError {}
/** ≥ 500 */
export declare class InternalServerError extends SkyvernError {}
/** An attempt or a wait ran out of time. */
export declare class SkyvernTimeoutError extends SkyvernError {
  constructor(message: string, options?: SkyvernErrorOptions & { lastSeen?: unknown });
  /** The last object a timed-out wait saw. */
  readonly lastSeen: unknown;
}
/** No response arrived (network error; in a browser possibly CORS). */
export declare class SkyvernConnectionError extends SkyvernError {}

export interface ErrorClasses {
  SkyvernError: typeof SkyvernError;
  BadRequestError: typeof BadRequestError;
  ForbiddenError: typeof ForbiddenError;
  NotFoundError: typeof NotFoundError;
  ConflictError: typeof ConflictError;
  GoneError: typeof GoneError;
  UnprocessableEntityError: typeof UnprocessableEntityError;
  TooManyRequestsError: typeof TooManyRequestsError;
  InternalServerError: typeof InternalServerError;
  SkyvernTimeoutError: typeof SkyvernTimeoutError;
  SkyvernConnectionError: typeof SkyvernConnectionError;
}

/** Where verified webhook events come from (`verifyWebhook` in `skyvern-wasm/server`):
 * an async iterable (read by one wait only, and closed when it ends), or a subscribe
 * function that calls `listener` with each event and returns how to unsubscribe
 * (fits a Node `EventEmitter`, a `BroadcastChannel`, a Durable Object). */
export type WebhookSource<T = Run> =
  | AsyncIterable<T>
  | ((listener: (event: T) => void) => (() => void) | Promise<() => void> | void);

export interface WaitForRunOptions extends WaitOptions<Run> {
  /** Resolve as soon as this run's terminal webhook event arrives (matched by
   * `run_id`, `task_id` or `workflow_run_id`); polling slows to every 30 s as a
   * safety net (unless `pollIntervalMs` is given). */
  webhooks?: WebhookSource<Run>;
}

export interface SkyvernClient {
  /** Creates a browser session (`POST /v1/browser_sessions`). Never retried unless the server said nothing was created. */
  createBrowserSession(request?: CreateBrowserSessionRequest, requestOptions?: RequestOptions): Promise<BrowserSession>;
  /** Gets a browser session. */
  getBrowserSession(browserSessionId: string, requestOptions?: RequestOptions): Promise<BrowserSession>;
  /** Lists the active browser sessions. */
  getBrowserSessions(requestOptions?: RequestOptions): Promise<BrowserSession[]>;
  /** Closes a browser session (idempotent). */
  closeBrowserSession(browserSessionId: string, requestOptions?: RequestOptions): Promise<CloseBrowserSessionResponse>;
  /** Turns profile generation on or off for a session. */
  updateBrowserSession(browserSessionId: string, request: UpdateBrowserSessionRequest, requestOptions?: RequestOptions): Promise<BrowserSession>;
  /** Extends a session's lifetime. A 202 (not confirmed) resolves with the body and its `warning`; read the session back with `getBrowserSession`. */
  extendBrowserSession(browserSessionId: string, request: ExtendBrowserSessionRequest, requestOptions?: RequestOptions): Promise<BrowserSession>;
  /** Resolves with the session once it is running; rejects if it ends first or the wait times out (`SkyvernTimeoutError` with `lastSeen`). */
  waitForBrowserSession(browserSessionId: string, options?: WaitOptions<BrowserSession>, requestOptions?: RequestOptions): Promise<BrowserSession>;
  /** Runs a task (`POST /v1/run/tasks`); with `waitForCompletion` resolves with the run in a terminal status.
   * `"x-user-agent"` is sent as a header; `{ body: {...}, "x-user-agent": … }` is accepted too.
   * A run with a `browser_session_id` is sent at once, not queued behind the session's other runs
   * (the server may answer that the session is occupied): to send runs one at a time, use the
   * session's handle (`openBrowserSession`, then `handle.runTask`). */
  runTask(request: RunTaskRequest | { body: RunTaskRequest; "x-user-agent"?: string }, requestOptions?: RequestOptions): Promise<TaskRun>;
  /** Runs a workflow (`POST /v1/run/agents`), with the same wait options as `runTask`. `"x-max-steps-override"`
   * and `"x-user-agent"` are sent as headers, `template` as `?template=`; the `{ body, … }` form is accepted too. */
  runWorkflow(
    request: RunWorkflowRequest | { body: RunWorkflowRequest; "x-user-agent"?: string; "x-max-steps-override"?: number; template?: boolean },
    requestOptions?: RequestOptions,
  ): Promise<WorkflowRun>;
  /** Gets a run (task or workflow). */
  getRun(runId: string, requestOptions?: RequestOptions): Promise<Run>;
  /** Cancels a run. Cancelling a task run that is already canceled or finished answers 400 (`BadRequestError`), as Skyvern does. */
  cancelRun(runId: string, requestOptions?: RequestOptions): Promise<unknown>;
  /** Polls a run until its status is terminal (`paused` is not). A timeout rejects with `SkyvernTimeoutError` carrying `lastSeen` and does not cancel the run. With `webhooks`, resolves as soon as the run's webhook event arrives. */
  waitForRun(runId: string, options?: WaitForRunOptions, requestOptions?: RequestOptions): Promise<Run>;
  /** Lists runs, newest first (`GET /v1/runs`); `status` and `run_type` may be lists. */
  getRunsV2(request?: GetRunsV2Request, requestOptions?: RequestOptions): Promise<RunListItem[]>;
  /** The same as `getRunsV2`. */
  getRuns(request?: GetRunsV2Request, requestOptions?: RequestOptions): Promise<RunListItem[]>;
  /** Cancels up to 100 runs (`POST /v1/runs/cancel`). Never repeated after a timeout. */
  bulkCancelRuns(request: BulkCancelRunsRequest, requestOptions?: RequestOptions): Promise<BulkCancelRunsResponse>;
  /** A run's timeline: its blocks (with their actions) and thoughts (`GET /v1/runs/{run_id}/timeline`). */
  getRunTimeline(runId: string, requestOptions?: RequestOptions): Promise<RunTimelineEntry[]>;
  /** A run's artifacts (`GET /v1/runs/{run_id}/artifacts`), e.g. `{ artifact_type: "screenshot_final" }`. */
  getRunArtifacts(runId: string, request?: GetRunArtifactsRequest, requestOptions?: RequestOptions): Promise<Artifact[]>;
  /** An artifact's content (`GET /v1/artifacts/{artifact_id}/content`): parsed JSON for a JSON
   * content type, a string for `text/*`, otherwise a `Blob` of the response's type. */
  getArtifactContent(artifactId: string, requestOptions?: RequestOptions): Promise<JsonValue | string | Blob>;
  /** Sends a finished run's webhook again, to its `webhook_url` or the one given (`POST /v1/runs/{run_id}/retry_webhook`). */
  retryRunWebhook(runId: string, request?: RetryRunWebhookRequest, requestOptions?: RequestOptions): Promise<RunWebhookReplayResponse>;
  /** Starts a login run with a stored credential (`POST /v1/run/tasks/login`); same wait options and
   * one-run-per-session rule as `runTask`. Never repeated after a timeout. */
  login(request: LoginRequest | { body: LoginRequest; "x-user-agent"?: string }, requestOptions?: RequestOptions): Promise<WorkflowRun>;
  /** Starts a run that navigates and downloads files (`POST /v1/run/tasks/download_files`); same wait
   * options as `runTask`. Never repeated after a timeout. */
  downloadFiles(request: DownloadFilesRequest | { body: DownloadFilesRequest; "x-user-agent"?: string }, requestOptions?: RequestOptions): Promise<WorkflowRun>;
  /** Uploads a file (`POST /v1/upload_file`, `multipart/form-data`, part `file`). Never repeated after a timeout. */
  uploadFile(request: UploadFileRequest, requestOptions?: RequestOptions): Promise<UploadFileResponse>;
  /** Hands Skyvern a TOTP code, or the email or SMS holding it (`POST /v1/credentials/totp`). Never repeated after a timeout. */
  sendTotpCode(request: TotpCodeCreate, requestOptions?: RequestOptions): Promise<TotpCode>;
  /** Creates a browser profile. */
  createBrowserProfile(request: CreateBrowserProfileRequest, requestOptions?: RequestOptions): Promise<BrowserProfile>;
  /** Lists browser profiles (`GET /v1/browser_profiles`), with paging and search. */
  listBrowserProfiles(request?: ListBrowserProfilesRequest, requestOptions?: RequestOptions): Promise<BrowserProfile[]>;
  /** Lists browser profiles (the first page).
   * @deprecated Use `listBrowserProfiles`, which also takes paging and search. */
  getBrowserProfiles(requestOptions?: RequestOptions): Promise<BrowserProfile[]>;
  /** Gets a browser profile. */
  getBrowserProfile(profileId: string, requestOptions?: RequestOptions): Promise<BrowserProfile>;
  /** Renames a browser profile or changes its proxy identity (`PATCH /v1/browser_profiles/{profile_id}`). */
  updateBrowserProfile(profileId: string, request: UpdateBrowserProfileRequest, requestOptions?: RequestOptions): Promise<BrowserProfile>;
  /** Deletes a browser profile. */
  deleteBrowserProfile(profileId: string, requestOptions?: RequestOptions): Promise<void>;
  /** Creates a session, waits until it is ready (unless `waitUntilReady: false`) and resolves with a handle; `await using` closes it. If the wait fails the session is closed before the Promise rejects. */
  openBrowserSession(request?: CreateBrowserSessionRequest, options?: OpenBrowserSessionOptions): Promise<BrowserSessionHandle>;
  /** Creates a session, waits until it is ready, runs `callback` and always closes the session; resolves with the callback's value. */
  withBrowserSession<T>(
    request: CreateBrowserSessionRequest | undefined,
    callback: (session: BrowserSession) => T | PromiseLike<T>,
    options?: OpenBrowserSessionOptions,
  ): Promise<T>;
}

export interface BrowserSessionHandle {
  /** The session id (`pbs_…`). */
  readonly id: string;
  /** The last session object seen (updated by `refresh()`). */
  readonly session: BrowserSession;
  /** Fetches the session again and updates `.session`. */
  refresh(requestOptions?: RequestOptions): Promise<BrowserSession>;
  /** Runs a task in this session (`browser_session_id` is filled in). Runs sent through a
   * handle go one at a time: each is sent once the previous one is terminal, and its
   * `abortSignal` takes it out of the queue before it is sent. */
  runTask(request: Omit<RunTaskRequest, 'browser_session_id'>, requestOptions?: RequestOptions): Promise<TaskRun>;
  /** Closes the session. Calling it again returns the same Promise. */
  close(): Promise<void>;
  /** Closes the session (`await using`). */
  [Symbol.asyncDispose](): Promise<void>;
}
