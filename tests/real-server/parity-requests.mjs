// The parity scenarios that need no running session: authentication, validation of the create
// body, unknown ids and routes, and the create bodies the server accepts (each session is closed
// straight away). The scenario fields are described in parity-harness.mjs; parity.test.mjs runs
// these first, then one session through its life.
import assert from "node:assert/strict";
import { remember, validation } from "./parity-harness.mjs";
import { UNKNOWN_SESSION, UNKNOWN_RUN, send } from "./targets.mjs";

const CAPPED_WARNING =
  "Requested timeout of 241 minutes exceeds the maximum of 240 minutes (4 hours); this session was capped at 240 minutes. A running session can be extended up to 360 minutes (6 hours) with the extend endpoint. Longer browser durations are available on our enterprise plan, please contact sales@skyvern.com";

export const sessionPath = (id) => `/v1/browser_sessions/${id}`;
const ge5 = (input) =>
  validation("greater_than_equal", ["body", "timeout"], "Input should be greater than or equal to 5", input, { ge: 5 });

async function createAndClose(state, res) {
  const id = remember(state, res);
  if (id) await send(state.t, { method: "POST", path: `${sessionPath(id)}/close` });
}

const AUTH_SCENARIOS = [
  // Health
  { name: "heartbeat without a key", req: { path: "/api/v1/heartbeat", auth: "missing" }, expect: { status: 200 } },

  // Authentication
  {
    name: "create without x-api-key",
    req: { method: "POST", path: "/v1/browser_sessions", auth: "missing", json: { timeout: 60 } },
    expect: { status: 403, body: { detail: "Invalid credentials" } },
  },
  {
    name: "list without x-api-key",
    req: { path: "/v1/browser_sessions", auth: "missing" },
    expect: { status: 403, body: { detail: "Invalid credentials" } },
  },
  {
    name: "get without x-api-key",
    req: { path: sessionPath(UNKNOWN_SESSION), auth: "missing" },
    expect: { status: 403, body: { detail: "Invalid credentials" } },
  },
  {
    name: "close without x-api-key",
    req: { method: "POST", path: `${sessionPath(UNKNOWN_SESSION)}/close`, auth: "missing" },
    expect: { status: 403, body: { detail: "Invalid credentials" } },
  },
  {
    name: "get run without x-api-key",
    req: { path: `/v1/runs/${UNKNOWN_RUN}`, auth: "missing" },
    expect: { status: 403, body: { detail: "Invalid credentials" } },
  },
  {
    name: "empty x-api-key",
    req: { path: "/v1/browser_sessions", auth: "empty" },
    expect: { status: 403, body: { detail: "Invalid credentials" } },
  },
  {
    name: "wrong x-api-key (list)",
    req: { path: "/v1/browser_sessions", auth: "wrong" },
    expect: { status: 403, body: { detail: "Could not validate credentials" } },
  },
  {
    name: "wrong x-api-key (create)",
    req: { method: "POST", path: "/v1/browser_sessions", auth: "wrong", json: {} },
    expect: { status: 403, body: { detail: "Could not validate credentials" } },
  },
  {
    name: "wrong x-api-key (run)",
    req: { path: `/v1/runs/${UNKNOWN_RUN}`, auth: "wrong" },
    expect: { status: 403, body: { detail: "Could not validate credentials" } },
  },
  {
    name: "JWT-shaped key with a bad signature",
    req: { path: "/v1/browser_sessions", auth: "badjwt" },
    expect: { status: 403, body: { detail: "Could not validate credentials" } },
  },
  {
    name: "Authorization: Bearer instead of x-api-key",
    req: { path: "/v1/browser_sessions", auth: "bearer" },
    expect: { status: 403, body: { detail: "Invalid authentication method" } },
  },
  {
    name: "malformed JSON without a key (parsed before auth)",
    req: { method: "POST", path: "/v1/browser_sessions", auth: "missing", raw: '{"timeout": 60' },
    expect: { status: 422 },
  },
  {
    name: "invalid timeout without a key (auth before validation)",
    req: { method: "POST", path: "/v1/browser_sessions", auth: "missing", json: { timeout: 4 } },
    expect: { status: 403, body: { detail: "Invalid credentials" } },
  },
];

const CREATE_BODY_SCENARIOS = [
  // Validation of the create body
  ...[4, 0, -1, true].map((v) => ({
    name: `create timeout ${JSON.stringify(v)}`,
    req: { method: "POST", path: "/v1/browser_sessions", json: { timeout: v } },
    expect: { status: 422, body: ge5(v) },
  })),
  {
    name: "create timeout 60.5",
    req: { method: "POST", path: "/v1/browser_sessions", raw: '{"timeout": 60.5}' },
    expect: {
      status: 422,
      body: validation("int_from_float", ["body", "timeout"], "Input should be a valid integer, got a number with a fractional part", 60.5),
    },
  },
  {
    name: 'create timeout "abc"',
    req: { method: "POST", path: "/v1/browser_sessions", json: { timeout: "abc" } },
    expect: {
      status: 422,
      body: validation("int_parsing", ["body", "timeout"], "Input should be a valid integer, unable to parse string as an integer", "abc"),
    },
  },
  {
    name: "create with malformed JSON",
    req: { method: "POST", path: "/v1/browser_sessions", raw: '{"timeout": 60' },
    expect: {
      status: 422,
      body: validation("json_invalid", ["body", 14], "JSON decode error", {}, { error: "Expecting ',' delimiter" }),
    },
  },
  {
    name: "create with a JSON array body",
    req: { method: "POST", path: "/v1/browser_sessions", raw: "[]" },
    expect: {
      status: 422,
      body: validation("model_attributes_type", ["body"], "Input should be a valid dictionary or object to extract fields from", []),
    },
  },
  {
    name: "create with content-type text/plain",
    req: { method: "POST", path: "/v1/browser_sessions", raw: '{"timeout": 60}', contentType: "text/plain" },
    expect: {
      status: 422,
      body: validation("model_attributes_type", ["body"], "Input should be a valid dictionary or object to extract fields from", '{"timeout": 60}'),
    },
  },
  {
    name: "create with an invalid url (400, not 422)",
    req: { method: "POST", path: "/v1/browser_sessions", json: { url: "not a url" } },
    expect: {
      status: 400,
      body: { detail: "Invalid url: malformed. Use an HTTP or HTTPS URL with at most 2083 characters." },
    },
  },
  {
    name: "create with an ftp:// url",
    req: { method: "POST", path: "/v1/browser_sessions", json: { url: "ftp://example.test/" } },
    expect: {
      status: 400,
      body: { detail: "Invalid url: unsupported scheme. Use an HTTP or HTTPS URL with at most 2083 characters." },
    },
  },
  {
    name: "create with an unknown browser_type",
    req: { method: "POST", path: "/v1/browser_sessions", json: { browser_type: "firefox" } },
    expect: {
      status: 422,
      body: validation("enum", ["body", "browser_type"], "Input should be 'msedge', 'chrome' or 'stealth-chromium'", "firefox", {
        expected: "'msedge', 'chrome' or 'stealth-chromium'",
      }),
    },
  },
  {
    name: "create with an unknown extension",
    req: { method: "POST", path: "/v1/browser_sessions", json: { extensions: ["bogus"] } },
    expect: {
      status: 422,
      body: validation("enum", ["body", "extensions", 0], "Input should be 'ad-blocker' or 'captcha-solver'", "bogus", {
        expected: "'ad-blocker' or 'captcha-solver'",
      }),
    },
  },
  {
    name: "create with a UTC offset as timezone_id",
    req: { method: "POST", path: "/v1/browser_sessions", json: { browser_settings: { timezone_id: "+02:00" } } },
    expect: { status: 422 },
  },
];

/** Validation of task and profile requests; `pageUrl()` is the local test page's address. */
function taskAndProfileValidation(pageUrl) {
  return [
    {
      name: "run without a prompt",
      req: () => ({ method: "POST", path: "/v1/run/tasks", json: { url: pageUrl() } }),
      expect: { status: 422 },
      check: (res) => assert.deepEqual(res.json, validation("missing", ["body", "prompt"], "Field required", { url: pageUrl() })),
    },
    {
      name: "run with an invalid url",
      req: { method: "POST", path: "/v1/run/tasks", json: { prompt: "[fail] x", url: "not a url" } },
      expect: {
        status: 400,
        body: { detail: "Invalid url: malformed. Use an HTTP or HTTPS URL with at most 2083 characters." },
      },
    },
    {
      name: "create profile with an empty name",
      req: { method: "POST", path: "/v1/browser_profiles", json: { name: "" } },
      expect: { status: 422 },
    },
    {
      name: "create with a browser_profile_id not starting with bp_",
      req: { method: "POST", path: "/v1/browser_sessions", json: { browser_profile_id: "profile-1" } },
      expect: { status: 422 },
    },
    {
      name: "create with an unknown browser_profile_id",
      req: { method: "POST", path: "/v1/browser_sessions", json: { browser_profile_id: "bp_000000000000000000" } },
      expect: { status: 404, body: { detail: "Browser profile bp_000000000000000000 not found" } },
    },
  ];
}

function unknownThingScenarios(pageUrl) {
  return [
    // Unknown things
    {
      name: "get unknown session",
      req: { path: sessionPath(UNKNOWN_SESSION) },
      expect: { status: 404, body: { detail: `Browser session ${UNKNOWN_SESSION} not found` } },
    },
    {
      name: "get session id without the pbs_ format",
      req: { path: sessionPath("not-a-session") },
      expect: { status: 404, body: { detail: "Browser session not-a-session not found" } },
    },
    {
      name: "close unknown session",
      req: { method: "POST", path: `${sessionPath(UNKNOWN_SESSION)}/close` },
      expect: { status: 404, body: { detail: `Browser session ${UNKNOWN_SESSION} not found` } },
    },
    {
      name: "get unknown run",
      req: { path: `/v1/runs/${UNKNOWN_RUN}` },
      expect: { status: 404, body: { detail: `Task run not found ${UNKNOWN_RUN}` } },
    },
    {
      name: "legacy /api/v1 prefix",
      req: { path: `/api${sessionPath(UNKNOWN_SESSION)}` },
      expect: { status: 404, body: { detail: "Not Found" } },
    },
    { name: "/v1/heartbeat does not exist", req: { path: "/v1/heartbeat", auth: "missing" }, expect: { status: 404 } },
    {
      name: "run in an unknown session",
      req: () => ({
        method: "POST",
        path: "/v1/run/tasks",
        json: { prompt: "[fail] Read the heading", url: pageUrl(), browser_session_id: UNKNOWN_SESSION },
      }),
      expect: { status: 404, body: { detail: `Browser session ${UNKNOWN_SESSION} does not exist or is not live.` } },
    },
  ];
}

function acceptedCreateScenarios(pageUrl) {
  return [
    // Accepted create bodies (each session is closed straight away)
    ...[
      ["create with {}", { json: {} }, { timeout: 60 }],
      ["create without a body", {}, { timeout: 60 }],
      ["create timeout null", { json: { timeout: null } }, { timeout: null }],
      ['create timeout "60" (lax coercion)', { json: { timeout: "60" } }, { timeout: 60 }],
      ["create timeout 60.0 (lax coercion)", { raw: '{"timeout": 60.0}' }, { timeout: 60 }],
      ["create timeout 241 (capped with a warning)", { json: { timeout: 241 } }, { timeout: 240, warning: CAPPED_WARNING }],
      [
        "create timeout 100000 (capped)",
        { json: { timeout: 100000 } },
        { timeout: 240, warning: CAPPED_WARNING.replace("241", "100000") },
      ],
      ["create with an unknown field (ignored)", { json: { timeout: 60, bogus: 1 } }, { timeout: 60 }],
      ["create with a start url", () => ({ json: { url: pageUrl() } }), {}],
      ["create with extensions", { json: { extensions: ["ad-blocker", "captcha-solver"] } }, { extensions: ["ad-blocker", "captcha-solver"] }],
      ["create with browser_type", { json: { browser_type: "chrome" } }, { browser_type: "chrome" }],
      ["create with proxy_location NONE", { json: { proxy_location: "NONE" } }, {}],
      ["create with a GeoTarget proxy_location", { json: { proxy_location: { country: "US", subdivision: "CA" } } }, {}],
      [
        "create with proxy_session_id",
        { json: { proxy_location: "RESIDENTIAL_ISP", proxy_session_id: "contract-test" } },
        {},
      ],
      [
        "create with browser_settings",
        { json: { browser_settings: { timezone_id: "America/New_York" } } },
        { browser_settings: { timezone_id: "America/New_York" } },
      ],
      ["create with needs_live_view", { json: { needs_live_view: true } }, {}],
      ["create with generate_browser_profile", { json: { generate_browser_profile: true } }, { generate_browser_profile: true }],
    ].map(([name, body, fields]) => ({
      name,
      req: () => ({ method: "POST", path: "/v1/browser_sessions", ...(typeof body === "function" ? body() : body) }),
      expect: { status: 200, body: { status: "created", warning: null, ...fields } },
      then: createAndClose,
    })),
  ];
}

/** The scenarios, in order; `pageUrl()` is the address of the local test page, known once the suite set up. */
export function requestScenarios(pageUrl) {
  return [
    ...AUTH_SCENARIOS,
    ...CREATE_BODY_SCENARIOS,
    ...taskAndProfileValidation(pageUrl),
    ...unknownThingScenarios(pageUrl),
    ...acceptedCreateScenarios(pageUrl),
  ];
}
