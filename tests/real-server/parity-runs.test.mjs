// Parity of the run-record, task-shortcut, upload, TOTP and profile routes: the same requests
// against the real open-source Skyvern server (1.0.56, no LLM, no stored credential) and the
// emulator, compared by parity-harness.mjs. What the real server cannot do here is asserted as
// it answers: a login needs a stored credential (none exists, so only its 4xx are checked), and
// TOTP text other than a bare code needs an LLM (502).
import assert from "node:assert/strict";
import { parityTests, validation } from "./parity-harness.mjs";
import { UNKNOWN_RUN, TERMINAL_RUN_STATUSES, send, pollUntil, startLocalPage } from "./targets.mjs";

let page;
const UNKNOWN_ARTIFACT = "a_000000000000000000";
const UNKNOWN_PROFILE = "bp_000000000000000000";
const terminal = (t, id) =>
  pollUntil(t, `/v1/runs/${id}`, (j) => TERMINAL_RUN_STATUSES.has(j.status), { timeoutMs: 180_000, intervalMs: 1000 });
const listed = (key) => (res, s) => {
  assert.ok(Array.isArray(res.json), "a JSON array");
  assert.ok(res.json.some((x) => x.run_id === s.ids[key]), `the list has the ${key} run`);
};
const upload = (parts) => ({
  method: "POST",
  path: "/v1/upload_file",
  contentType: "multipart/form-data; boundary=contract",
  raw: parts.map((p) => `--contract\r\n${p}\r\n`).join("") + "--contract--\r\n",
});

const runs = [
  {
    name: "a task for the run records",
    req: () => ({ method: "POST", path: "/v1/run/tasks", json: { prompt: "[fail] Read the heading", url: page.url } }),
    expect: { status: 200, body: { status: "created", run_type: "task_v1" } },
    then: async (s, res) => {
      s.ids.run = res.json?.run_id;
      await terminal(s.t, s.ids.run);
    },
  },
  { name: "list runs", req: { path: "/v1/runs" }, expect: { status: 200 }, check: listed("run") },
  {
    name: "list runs: one page of one failed task_v1",
    req: { path: "/v1/runs?page=1&page_size=1&status=failed&run_type=task_v1" },
    expect: { status: 200 },
    check: (res) => {
      assert.equal(res.json.length, 1);
      assert.deepEqual([res.json[0].status, res.json[0].task_run_type], ["failed", "task_v1"]);
    },
  },
  { name: "list runs: search by run id", req: (ids) => ({ path: `/v1/runs?search_key=${ids.run}` }), expect: { status: 200 }, check: listed("run") },
  {
    name: "list runs: page 0",
    req: { path: "/v1/runs?page=0" },
    expect: { status: 422, body: validation("greater_than_equal", ["query", "page"], "Input should be greater than or equal to 1", "0", { ge: 1 }) },
  },
  {
    name: "list runs: a 2-character search_key",
    req: { path: "/v1/runs?search_key=ab" },
    expect: { status: 422, body: validation("string_too_short", ["query", "search_key"], "String should have at least 3 characters", "ab", { min_length: 3 }) },
  },
  {
    name: "list runs: an unknown status",
    req: { path: "/v1/runs?status=failed&status=bogus" },
    expect: { status: 422 },
    check: (res) => assert.deepEqual([res.json.detail[0].type, res.json.detail[0].loc], ["enum", ["query", "status", 1]]),
  },
  {
    name: "bulk cancel: unknown and finished runs fail",
    req: (ids) => ({ method: "POST", path: "/v1/runs/cancel", json: { run_ids: [UNKNOWN_RUN, ids.run] } }),
    expect: { status: 200, body: { cancelled: [] } },
    check: (res, s) => assert.deepEqual(res.json.failed, [UNKNOWN_RUN, s.ids.run]),
  },
  {
    name: "bulk cancel: a task just started",
    prepare: async (s) => {
      const res = await send(s.t, { method: "POST", path: "/v1/run/tasks", json: { prompt: "[fail] [duration=20s] Wait", url: page.url } });
      s.ids.fresh = res.json.run_id;
    },
    req: (ids) => ({ method: "POST", path: "/v1/runs/cancel", json: { run_ids: [ids.fresh] } }),
    expect: { status: 200, body: { failed: [] } },
    check: (res, s) => assert.deepEqual(res.json.cancelled, [s.ids.fresh]),
  },
  {
    name: "the bulk-cancelled task",
    prepare: (s) => terminal(s.t, s.ids.fresh),
    req: (ids) => ({ path: `/v1/runs/${ids.fresh}` }),
    expect: { status: 200, body: { status: "canceled" } },
  },
  {
    name: "bulk cancel without run_ids",
    req: { method: "POST", path: "/v1/runs/cancel", json: {} },
    expect: { status: 422, body: validation("missing", ["body", "run_ids"], "Field required", {}) },
  },
  {
    name: "timeline of a task v1",
    req: (ids) => ({ path: `/v1/runs/${ids.run}/timeline` }),
    expect: { status: 400, body: { detail: "Timeline not available for run type task_v1" } },
  },
  {
    name: "timeline of an unknown run",
    req: { path: `/v1/runs/${UNKNOWN_RUN}/timeline` },
    expect: { status: 404, body: { detail: `Run not found ${UNKNOWN_RUN}` } },
  },
  {
    name: "artifacts of the task",
    req: (ids) => ({ path: `/v1/runs/${ids.run}/artifacts` }),
    expect: { status: 200 },
    check: (res) => assert.ok(Array.isArray(res.json) && res.json.length > 0, "the failed task has artifacts"),
    then: async (s, res) => {
      // A screenshot has bytes once listed; a log artifact of the real server may still
      // be empty while its file is being written.
      const list = Array.isArray(res.json) ? res.json : [];
      const shot = list.find((a) => String(a.artifact_type).startsWith("screenshot"));
      s.ids.artifact = (shot ?? list[0])?.artifact_id;
    },
  },
  { name: "artifacts of an unknown run", req: { path: `/v1/runs/${UNKNOWN_RUN}/artifacts` }, expect: { status: 200, body: {} }, check: (res) => assert.deepEqual(res.json, []) },
  {
    name: "artifacts with an unknown artifact_type",
    req: (ids) => ({ path: `/v1/runs/${ids.run}/artifacts?artifact_type=bogus` }),
    expect: { status: 422 },
    check: (res) => assert.deepEqual([res.json.detail[0].type, res.json.detail[0].loc], ["enum", ["query", "artifact_type", 0]]),
  },
  {
    name: "content of the task's first screenshot",
    req: (ids) => ({ path: `/v1/artifacts/${ids.artifact}/content` }),
    expect: { status: 200 },
    headers: ["content-disposition"],
    check: (res) => assert.ok(res.text.length > 0, "bytes"),
  },
  {
    name: "content of an unknown artifact",
    req: { path: `/v1/artifacts/${UNKNOWN_ARTIFACT}/content` },
    expect: { status: 404, body: { detail: `Artifact not found ${UNKNOWN_ARTIFACT}` } },
  },
  {
    name: "retry the webhook of a run without webhook_url",
    req: (ids) => ({ method: "POST", path: `/v1/runs/${ids.run}/retry_webhook` }),
    expect: { status: 400, body: { detail: "No webhook URL configured for the run." } },
  },
  {
    name: "retry the webhook of an unknown run",
    req: { method: "POST", path: `/v1/runs/${UNKNOWN_RUN}/retry_webhook` },
    expect: { status: 404, body: { detail: `Run ${UNKNOWN_RUN} not found` } },
  },
  {
    name: "a task with webhook_url, still going",
    req: () => ({
      method: "POST",
      path: "/v1/run/tasks",
      json: { prompt: "[duration=30s] Read the heading", url: page.url, webhook_url: "http://127.0.0.1:9/hook" },
    }),
    expect: { status: 200, body: { status: "created", run_type: "task_v1" } },
    then: async (s, res) => {
      s.ids.going = res.json?.run_id;
      await pollUntil(s.t, `/v1/runs/${s.ids.going}`, (j) => j.status === "running", { timeoutMs: 60_000, intervalMs: 100 });
    },
  },
  {
    name: "retry the webhook of a run that has not ended",
    req: (ids) => ({ method: "POST", path: `/v1/runs/${ids.going}/retry_webhook` }),
    expect: { status: 400 },
    check: (res, s) =>
      assert.equal(res.json?.detail, `Run ${s.ids.going} has not reached a terminal state (status=running).`),
  },
];

const shortcuts = [
  {
    name: "download files",
    req: () => ({ method: "POST", path: "/v1/run/tasks/download_files", json: { navigation_goal: "[fail] Download the report", url: page.url } }),
    expect: { status: 200, body: { status: "created", run_type: "workflow_run" } },
    check: (res) => assert.equal(res.json.run_request.title, "File Download"),
    then: async (s, res) => {
      s.ids.download = res.json?.run_id;
      await terminal(s.t, s.ids.download);
    },
  },
  {
    name: "timeline of the download run",
    req: (ids) => ({ path: `/v1/runs/${ids.download}/timeline` }),
    expect: { status: 200 },
    check: (res) => {
      assert.equal(res.json.length, 1);
      assert.deepEqual([res.json[0].type, res.json[0].block.block_type], ["block", "file_download"]);
    },
  },
  { name: "list runs has the download run", req: { path: "/v1/runs?run_type=workflow_run" }, expect: { status: 200 }, check: listed("download") },
  {
    name: "download files without navigation_goal",
    req: { method: "POST", path: "/v1/run/tasks/download_files", json: {} },
    expect: { status: 422, body: validation("missing", ["body", "navigation_goal"], "Field required", {}) },
  },
  {
    name: "login without credential_type",
    req: { method: "POST", path: "/v1/run/tasks/login", json: {} },
    expect: { status: 422, body: validation("missing", ["body", "credential_type"], "Field required", {}) },
  },
  {
    name: "login with an unknown credential_type",
    req: { method: "POST", path: "/v1/run/tasks/login", json: { credential_type: "bogus" } },
    expect: { status: 422 },
    check: (res) => assert.deepEqual(res.json.detail[0].loc, ["body", "credential_type"]),
  },
  {
    name: "login with a Skyvern credential but no credential_id",
    req: { method: "POST", path: "/v1/run/tasks/login", json: { credential_type: "skyvern" } },
    expect: { status: 400, body: { detail: "credential_id is required to login with Skyvern credential" } },
  },
  {
    name: "login with an unknown credential",
    req: { method: "POST", path: "/v1/run/tasks/login", json: { credential_type: "skyvern", credential_id: "cred_000000000000000000" } },
    expect: { status: 404, body: { detail: "Credential cred_000000000000000000 not found" } },
  },
  {
    name: "upload a file",
    req: upload(['Content-Disposition: form-data; name="file"; filename="note.txt"\r\nContent-Type: text/plain\r\n\r\nhello upload']),
    expect: { status: 200, body: { expires_at: null } },
    check: (res) => {
      assert.match(res.json.s3_uri, /^file:\/\/.*\/file_\d+_note\.txt$/);
      assert.equal(res.json.presigned_url, res.json.s3_uri);
      assert.match(res.json.file_id, /^file_\d+$/);
    },
  },
  {
    name: "upload without a file part",
    req: upload(['Content-Disposition: form-data; name="other"\r\n\r\nx']),
    expect: { status: 422, body: validation("missing", ["body", "file"], "Field required", null) },
  },
  {
    name: "send a TOTP code",
    req: { method: "POST", path: "/v1/credentials/totp", json: { totp_identifier: "user@example.test", content: "123456" } },
    expect: { status: 200, body: { code: "123456", otp_type: "totp", totp_identifier: "user@example.test" } },
  },
  {
    name: "send a TOTP message (needs an LLM)",
    req: { method: "POST", path: "/v1/credentials/totp", json: { totp_identifier: "user@example.test", content: "Your code is in here" } },
    expect: { status: 502, body: { detail: "OTP extraction is temporarily unavailable. Please retry in a few minutes." } },
  },
  {
    name: "send a TOTP code without fields",
    req: { method: "POST", path: "/v1/credentials/totp", json: {} },
    expect: { status: 422 },
    check: (res) => assert.deepEqual(res.json.detail.map((d) => d.loc), [["body", "totp_identifier"], ["body", "content"]]),
  },
];

const name = `parity-runs-${Date.now()}`;
const profiles = [
  {
    name: "create a blank profile",
    req: (ids) => ({ method: "POST", path: "/v1/browser_profiles", json: { name: `${name}-${ids.side}` } }),
    prepare: async (s) => {
      s.ids.side = s.t.name;
    },
    expect: { status: 200 },
    then: async (s, res) => {
      s.ids.profile = res.json?.browser_profile_id;
    },
  },
  {
    name: "update the profile",
    req: (ids) => ({ method: "PATCH", path: `/v1/browser_profiles/${ids.profile}`, json: { name: `${name}-${ids.side}-2`, description: "updated" } }),
    expect: { status: 200, body: { description: "updated" } },
    check: (res, s) => assert.equal(res.json.name, `${name}-${s.ids.side}-2`),
  },
  {
    name: "list profiles: search by the new name",
    req: (ids) => ({ path: `/v1/browser_profiles?search_key=${name}-${ids.side}-2&page=1&page_size=5` }),
    expect: { status: 200 },
    check: (res, s) => assert.deepEqual(res.json.map((p) => p.browser_profile_id), [s.ids.profile]),
  },
  { name: "list profiles: page 0", req: { path: "/v1/browser_profiles?page=0" }, expect: { status: 422 } },
  {
    name: "update an unknown profile",
    req: { method: "PATCH", path: `/v1/browser_profiles/${UNKNOWN_PROFILE}`, json: { name: "x" } },
    expect: { status: 404 },
    check: (res) => assert.match(res.json.detail, new RegExp(`^Browser profile ${UNKNOWN_PROFILE} not found for organization o_\\d+$`)),
  },
  {
    name: "update a profile with an empty name",
    req: (ids) => ({ method: "PATCH", path: `/v1/browser_profiles/${ids.profile}`, json: { name: "" } }),
    expect: { status: 422, body: validation("string_too_short", ["body", "name"], "String should have at least 1 character", "", { min_length: 1 }) },
  },
  {
    name: "delete the updated profile",
    req: (ids) => ({ method: "DELETE", path: `/v1/browser_profiles/${ids.profile}` }),
    expect: { status: 204 },
  },
];

parityTests([...runs, ...shortcuts, ...profiles], {
  title: "Run records, task shortcuts, uploads, TOTP and profile updates",
  setup: async () => {
    page = await startLocalPage();
  },
  teardown: () => page?.close(),
});
