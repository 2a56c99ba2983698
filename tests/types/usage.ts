// Exercises every method and option of the public API; compiled with `tsc --strict --noEmit`.
import {
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
} from "../../pkg/index.js";
import type {
  BrowserSession,
  BrowserProfile,
  CreateBrowserSessionRequest,
  RequestOptions,
  Run,
  RunStatus,
  RunTaskRequest,
  RunWorkflowRequest,
  SkyvernClientOptions,
  TaskRun,
  WorkflowRun,
  ProxyLocation,
  SkyvernErrorCode,
} from "../../pkg/index.js";

const options: SkyvernClientOptions = {
  apiKey: "sk-test",
  baseUrl: "http://127.0.0.1:8000",
  environment: "local",
  timeoutInSeconds: 30,
  maxRetries: 3,
  headers: { "x-team": "qa" },
  dangerouslyAllowBrowser: false,
};
const client = new SkyvernClient(options);
new SkyvernClient();
new SkyvernClient({ environment: "cloud" });
new SkyvernClient({ environment: "https://proxy.example/skyvern" });

const controller = new AbortController();
const ro: RequestOptions = {
  timeoutInSeconds: 10,
  maxRetries: 0,
  abortSignal: controller.signal,
  headers: { "x-test-id": "t" },
};

const proxies: ProxyLocation[] = [
  "RESIDENTIAL",
  "RESIDENTIAL_GB",
  "SOME_FUTURE_LOCATION",
  { country: "US", subdivision: "CA", city: "San Francisco" },
  { url: "http://user:pass@proxy.local:3128" },
];

async function everything(): Promise<void> {
  const createReq: CreateBrowserSessionRequest = {
    timeout: 60,
    proxy_location: proxies[3] ?? null,
    proxy_session_id: null,
    extensions: ["ad-blocker", "captcha-solver"],
    browser_type: "msedge",
    browser_profile_id: "bp_1",
    generate_browser_profile: true,
    url: "https://example.com",
    browser_settings: { timezone_id: "America/New_York" },
  };
  const session: BrowserSession = await client.createBrowserSession(createReq, ro);
  await client.createBrowserSession();
  const id: string = session.browser_session_id;
  const started: string | null | undefined = session.started_at;
  const extra: unknown = session["some_new_field"];
  void started;
  void extra;
  // Generated response fields are typed, not `any`.
  // @ts-expect-error app_url is a string or null
  const wrongUrl: number = session.app_url;
  // @ts-expect-error the timeline's entries are typed too
  const wrongChildren: number = (await client.getRunTimeline("wr_1"))[0].children;
  void wrongUrl;
  void wrongChildren;

  const fetched: BrowserSession = await client.getBrowserSession(id);
  const list: BrowserSession[] = await client.getBrowserSessions(ro);
  await client.getBrowserSessions();
  const updated: BrowserSession = await client.updateBrowserSession(id, { generate_browser_profile: false }, ro);
  const extended: BrowserSession = await client.extendBrowserSession(id, { additional_minutes: 30 });
  const warning: string | null | undefined = extended.warning;
  const ready: BrowserSession = await client.waitForBrowserSession(id, {
    timeout: 120,
    pollIntervalMs: 500,
    onStatus: (s: BrowserSession) => console.log(s.status),
    abortSignal: controller.signal,
  }, ro);
  await client.waitForBrowserSession(id);
  void [fetched, list, updated, warning, ready];

  const taskReq: RunTaskRequest = {
    prompt: "Find the heading",
    url: "https://example.com",
    browser_session_id: id,
    engine: "skyvern-2.0",
    title: "t",
    proxy_location: "RESIDENTIAL",
    data_extraction_schema: { type: "object", properties: { heading: { type: "string" } } },
    error_code_mapping: { NOT_FOUND: "page missing" },
    max_steps: 10,
    webhook_url: "https://hooks.example/run",
    totp_identifier: "me@example.com",
    totp_url: "https://totp.example",
    model: { name: "gpt" },
    extra_http_headers: { "accept-language": "en" },
    cdp_connect_headers: { authorization: "Bearer x" },
    include_action_history_in_verification: true,
    max_screenshot_scrolls: 3,
    browser_address: null,
    run_with: "agent",
    browser_profile_id: null,
    waitForCompletion: true,
    timeout: 600,
    pollIntervalMs: 1000,
    onStatus: (run: TaskRun) => console.log(run.status, run.step_count),
  };
  const task: TaskRun = await client.runTask(taskReq, ro);
  const status: RunStatus = task.status;
  if (status === "completed" || status === "some_future_status") console.log(task.output);

  const wfReq: RunWorkflowRequest = {
    workflow_id: "wpid_123",
    parameters: { email: "a@b.com", count: 2, nested: { ok: true } },
    browser_session_id: id,
    proxy_location: { country: "GB" },
    max_elapsed_time_minutes: 60,
    run_metadata: { source: "ci" },
    waitForCompletion: false,
    onStatus: (run: WorkflowRun) => console.log(run.retry_pending),
  };
  const wf: WorkflowRun = await client.runWorkflow(wfReq);
  await client.runWorkflow({ agent_id: "wpid_1" }, ro);

  const run: Run = await client.getRun(wf.run_id, ro);
  const cancelled: unknown = await client.cancelRun(run.run_id);
  const finished: Run = await client.waitForRun(run.run_id, {
    timeout: 1800,
    pollIntervalMs: 2000,
    onStatus: (r: Run) => console.log(r.status),
    abortSignal: controller.signal,
  }, ro);
  await client.waitForRun(run.run_id);
  void [cancelled, finished];

  const profile: BrowserProfile = await client.createBrowserProfile({
    name: "logged-in",
    browser_session_id: id,
    workflow_run_id: null,
    description: "profile",
  }, ro);
  const profiles: BrowserProfile[] = await client.getBrowserProfiles();
  const one: BrowserProfile = await client.getBrowserProfile(profile.browser_profile_id, ro);
  const deleted: void = await client.deleteBrowserProfile(one.browser_profile_id);
  void [profiles, deleted];

  await client.closeBrowserSession(id, ro);

  // Sessions with automatic cleanup.
  const title: string = await client.withBrowserSession({ timeout: 15 }, async (s: BrowserSession) => {
    const r = await client.runTask({ prompt: "Read the title", browser_session_id: s.browser_session_id, waitForCompletion: true });
    return String(r.output);
  }, { waitUntilReady: true, timeout: 60, pollIntervalMs: 250, abortSignal: controller.signal, timeoutInSeconds: 20, maxRetries: 1, headers: { "x-a": "b" } });
  const n: number = await client.withBrowserSession(undefined, () => 42);
  void [title, n];

  {
    await using handle = await client.openBrowserSession({ timeout: 10 }, { waitUntilReady: true });
    const h: BrowserSessionHandle = handle;
    const hid: string = h.id;
    const last: BrowserSession = h.session;
    const again: BrowserSession = await h.refresh(ro);
    const inSession: TaskRun = await h.runTask({ prompt: "click", waitForCompletion: true }, ro);
    void [hid, last, again, inSession];
  }
  const manual = await client.openBrowserSession();
  await manual.close();
}

function handle(e: unknown): string {
  if (e instanceof SkyvernTimeoutError) return `timeout; last seen ${JSON.stringify(e.lastSeen)}`;
  if (e instanceof BadRequestError || e instanceof ForbiddenError || e instanceof NotFoundError) return e.message;
  if (e instanceof ConflictError || e instanceof GoneError || e instanceof UnprocessableEntityError) return e.name;
  if (e instanceof TooManyRequestsError || e instanceof InternalServerError) return String(e.retryable);
  if (e instanceof SkyvernConnectionError) return e.message;
  if (e instanceof SkyvernError) {
    const status: number | undefined = e.statusCode;
    const body: unknown = e.body;
    const retryable: boolean = e.retryable;
    const code: SkyvernErrorCode | undefined = e.code;
    if (code === "not_found" || code === "attempt_timeout") return code;
    return `${status} ${String(body)} ${retryable} ${code}`;
  }
  return "other";
}

void everything().catch(handle);
