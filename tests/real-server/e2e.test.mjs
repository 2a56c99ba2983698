// End-to-end through the built npm package (pkg/node.js) against a real Skyvern:
//   - the open-source server run.sh starts (SKYVERN_REAL_URL + SKYVERN_REAL_API_KEY), and/or
//   - any Skyvern, e.g. Cloud (SKYVERN_BASE_URL + SKYVERN_API_KEY).
// Sessions hold a real browser: every session a test opens is closed in `after`, even on failure.
// Without an LLM the open-source server fails every task, so runs are followed to their terminal
// status and the lifecycle and failure fields are checked, not success.
// The package, the targets and the shared assertions are in e2e-helpers.mjs.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { UNKNOWN_SESSION, TERMINAL_RUN_STATUSES, startLocalPage } from "./targets.mjs";
import { pkg, pkgSkip, targets, rank, TIMESTAMP, rejectsWith, createShapes } from "./e2e-helpers.mjs";

if (targets.length === 0) {
  test("end-to-end against a real Skyvern", {
    skip: "not configured: set SKYVERN_BASE_URL and SKYVERN_API_KEY (e.g. Skyvern Cloud), or run tests/real-server/run.sh",
  }, () => {});
}

for (const target of targets) {
  if (pkgSkip) {
    test(`end-to-end against the ${target.label}`, { skip: pkgSkip }, () => {});
    continue;
  }
  describe(target.label, () => {
    /** Every session id created here; closed in `after`. */
    const opened = new Set();
    let client;
    let page;
    let taskUrl;
    let main; // the session most tests share
    let run; // the task run in it
    let profile;

    async function create(request) {
      const s = await client.createBrowserSession(request);
      opened.add(s.browser_session_id);
      return s;
    }

    before(async () => {
      client = new pkg.SkyvernClient({ baseUrl: target.url, apiKey: target.key, timeoutInSeconds: 60 });
      if (target.local) {
        page = await startLocalPage();
        taskUrl = page.url;
      } else {
        taskUrl = process.env.SKYVERN_E2E_TASK_URL ?? "https://example.com/";
      }
    });

    after(async () => {
      for (const id of opened) {
        try {
          await client.closeBrowserSession(id, { maxRetries: 2 });
        } catch {
          // Already gone; run.sh also closes what is left on the server it started.
        }
      }
      if (profile) await client.deleteBrowserProfile(profile.browser_profile_id).catch(() => {});
      await page?.close();
    });

    // ------------------------------------------------------------ create: option shapes

    if (target.local) {
      const shapes = createShapes(() => page.url);
      for (const [name, request, echoed] of shapes) {
        test(`create with ${name}: the browser starts, then close`, async () => {
          const req = typeof request === "function" ? request() : request;
          const s = req === undefined ? await client.createBrowserSession() : await create(req);
          opened.add(s.browser_session_id);
          assert.match(s.browser_session_id, /^pbs_\d+$/);
          assert.equal(s.status, "created");
          for (const [k, v] of Object.entries(echoed)) assert.deepEqual(s[k], v, `${k} is echoed`);
          const ready = await client.waitForBrowserSession(s.browser_session_id, { timeout: 90, pollIntervalMs: 500 });
          assert.equal(ready.status, "running");
          assert.match(ready.browser_address, /^wss?:\/\//);
          const closed = await client.closeBrowserSession(s.browser_session_id);
          assert.equal(closed.message, "Browser session closed");
          opened.delete(s.browser_session_id);
        });
      }

      test("create with timeout 241: capped at 240 with a warning", async () => {
        const s = await create({ timeout: 241 });
        assert.equal(s.timeout, 240);
        assert.match(s.warning, /exceeds the maximum of 240 minutes/);
        await client.closeBrowserSession(s.browser_session_id);
        opened.delete(s.browser_session_id);
      });
    }

    // ------------------------------------------------------------ one session through its life

    test("create a session", async () => {
      main = await create({ timeout: 15, ...(target.local ? { url: page.url } : {}) });
      assert.match(main.browser_session_id, /^pbs_/);
      assert.ok(["created", "running"].includes(main.status), `status ${main.status}`);
      assert.equal(main.timeout, 15);
      assert.match(main.created_at, TIMESTAMP);
      if (target.local) {
        assert.equal(main.browser_address, null, "no browser yet");
        assert.equal(main.started_at, null);
      }
    });

    test("waitForBrowserSession: running, with a CDP address", async () => {
      const seen = [];
      const s = await client.waitForBrowserSession(main.browser_session_id, {
        timeout: 120,
        pollIntervalMs: 500,
        onStatus: (x) => seen.push(x.status),
      });
      assert.equal(s.status, "running");
      assert.match(s.started_at, TIMESTAMP);
      assert.match(s.browser_address, /^wss?:\/\/[^/]+\/devtools\/browser\//);
      assert.equal(seen.at(-1), "running");
      if (target.local) {
        // A real browser answers on the CDP port.
        const version = new URL(s.browser_address);
        version.protocol = "http:";
        version.pathname = "/json/version";
        const info = await (await fetch(version, { signal: AbortSignal.timeout(10_000) })).json();
        assert.match(info.Browser, /Chrome\//);
        assert.equal(info.webSocketDebuggerUrl, s.browser_address);
      }
      main = s;
    });

    test("getBrowserSession", async () => {
      const s = await client.getBrowserSession(main.browser_session_id);
      assert.equal(s.browser_session_id, main.browser_session_id);
      assert.equal(s.status, "running");
      assert.equal(s.browser_address, main.browser_address);
      if (target.local) assert.equal(s.stream_transport, "cdp");
    });

    test("getBrowserSessions lists it", async () => {
      const list = await client.getBrowserSessions();
      assert.ok(Array.isArray(list));
      assert.ok(list.some((s) => s.browser_session_id === main.browser_session_id));
    });

    test("extendBrowserSession adds minutes", async () => {
      const s = await client.extendBrowserSession(main.browser_session_id, { additional_minutes: 5 });
      assert.equal(s.timeout, 20);
    });

    test("updateBrowserSession turns profile generation on", async () => {
      const s = await client.updateBrowserSession(main.browser_session_id, { generate_browser_profile: true });
      assert.equal(s.generate_browser_profile, true);
    });

    // ------------------------------------------------------------ a task in the session

    test("runTask in the session, then waitForRun to a terminal status", async () => {
      const prompt = "[fail] Read the heading of the page";
      run = await client.runTask({ prompt, url: taskUrl, browser_session_id: main.browser_session_id });
      assert.match(run.run_id, /^tsk_/);
      assert.equal(run.run_type, "task_v1");
      assert.ok(rank(run.status) >= 0 && rank(run.status) < 3, `a fresh run is not terminal: ${run.status}`);
      assert.equal(run.run_request.prompt, prompt);
      assert.equal(run.run_request.browser_session_id, main.browser_session_id);

      const seen = [run.status];
      const done = await client.waitForRun(run.run_id, { timeout: 240, onStatus: (r) => seen.push(r.status) });
      assert.equal(done.run_id, run.run_id);
      assert.ok(TERMINAL_RUN_STATUSES.has(done.status), `terminal: ${done.status}`);
      // Statuses only move forward.
      for (let i = 1; i < seen.length; i++) {
        assert.ok(rank(seen[i]) >= rank(seen[i - 1]), `status order: ${seen.join(" → ")}`);
      }
      assert.match(done.created_at, TIMESTAMP);
      assert.match(done.finished_at, TIMESTAMP);
      if (done.started_at) assert.ok(done.started_at <= done.finished_at, "started before finished");
      if (target.noLlm) {
        assert.equal(done.status, "failed", "without an LLM the task fails");
        assert.equal(typeof done.failure_reason, "string");
        assert.ok(done.failure_reason.length > 0);
        assert.ok(Array.isArray(done.errors) && done.errors.length > 0, "errors are listed");
        for (const e of done.errors) assert.equal(typeof e.error_code, "string");
        assert.ok(done.step_count >= 1, `steps ran: ${done.step_count}`);
        assert.match(done.started_at, TIMESTAMP);
      } else if (done.status === "failed") {
        assert.equal(typeof done.failure_reason, "string");
      }
      run = done;
    });

    test("getRun returns the terminal run", async () => {
      const again = await client.getRun(run.run_id);
      assert.equal(again.run_id, run.run_id);
      assert.equal(again.status, run.status);
      assert.equal(again.failure_reason, run.failure_reason);
    });

    test("the session shows the run that used it", async () => {
      const s = await client.getBrowserSession(main.browser_session_id);
      if (target.local) {
        assert.equal(s.runnable_type, "task");
        assert.equal(s.runnable_id, run.run_id);
      }
      assert.equal(s.status, "running");
    });

    if (target.local) {
      test("cancelRun on a finished run: BadRequestError with the server's detail", async () => {
        await rejectsWith(
          client.cancelRun(run.run_id),
          pkg.BadRequestError,
          400,
          `Invalid task status transition from ${run.status} to canceled for ${run.run_id}`,
        );
      });
    }

    // ------------------------------------------------------------ close

    test("closeBrowserSession, twice (idempotent)", async () => {
      const first = await client.closeBrowserSession(main.browser_session_id);
      assert.equal(first.message, "Browser session closed");
      const second = await client.closeBrowserSession(main.browser_session_id);
      assert.equal(second.message, "Browser session closed");
      opened.delete(main.browser_session_id);
    });

    test("getBrowserSession after close: completed", async () => {
      const s = await client.getBrowserSession(main.browser_session_id);
      assert.equal(s.status, "completed");
      assert.match(s.completed_at, TIMESTAMP);
      const list = await client.getBrowserSessions();
      assert.ok(!list.some((x) => x.browser_session_id === main.browser_session_id), "closed sessions leave the list");
    });

    // ------------------------------------------------------------ errors

    test("404: NotFoundError with the server's detail", async () => {
      await rejectsWith(
        client.getBrowserSession(UNKNOWN_SESSION),
        pkg.NotFoundError,
        404,
        `Browser session ${UNKNOWN_SESSION} not found`,
      );
    });

    test("410: a task in a closed session is a GoneError", async () => {
      await rejectsWith(
        client.runTask({ prompt: "[fail] anything", url: taskUrl, browser_session_id: main.browser_session_id }),
        pkg.GoneError,
        410,
        new RegExp(`Browser session ${main.browser_session_id} is no longer usable`),
      );
    });

    test("409: extending a closed session is a ConflictError", async () => {
      await rejectsWith(
        client.extendBrowserSession(main.browser_session_id, { additional_minutes: 5 }),
        pkg.ConflictError,
        409,
        /has already ended/,
      );
    });

    test("403: no API key is a ForbiddenError", async () => {
      const anonymous = new pkg.SkyvernClient({ baseUrl: target.url });
      await rejectsWith(anonymous.getBrowserSessions(), pkg.ForbiddenError, 403, target.local ? "Invalid credentials" : undefined);
    });

    test("403: a wrong API key is a ForbiddenError", async () => {
      const wrong = new pkg.SkyvernClient({ baseUrl: target.url, apiKey: "wrong-key" });
      await rejectsWith(
        wrong.getBrowserSession(UNKNOWN_SESSION),
        pkg.ForbiddenError,
        403,
        target.local ? "Could not validate credentials" : undefined,
      );
    });

    test("422: a value the client passes through but the server rejects", async () => {
      // browser_type is an open string in the client, so an unknown one reaches the server.
      const error = await rejectsWith(
        create({ browser_type: "firefox" }),
        pkg.UnprocessableEntityError,
        422,
      );
      assert.ok(Array.isArray(error.body.detail), "FastAPI validation list");
      assert.deepEqual(error.body.detail[0].loc, ["body", "browser_type"]);
      assert.match(error.message, /msedge/, `the message carries the server's explanation: ${error.message}`);
    });

    test("an invalid url is rejected by the server (400 on 1.0.56)", async () => {
      let error;
      try {
        await create({ url: "not a url" });
      } catch (e) {
        error = e;
      }
      assert.ok(error, "the server refused the session");
      if (target.local) {
        await rejectsWith(
          Promise.reject(error),
          pkg.BadRequestError,
          400,
          "Invalid url: malformed. Use an HTTP or HTTPS URL with at most 2083 characters.",
        );
      } else {
        assert.ok(error instanceof pkg.BadRequestError || error instanceof pkg.UnprocessableEntityError, error.message);
      }
    });

    // ------------------------------------------------------------ profiles

    test("createBrowserProfile from the closed session", async () => {
      profile = await client.createBrowserProfile({
        name: `contract-test-${Date.now()}`,
        description: "created by the skyvern-wasm contract tests",
        browser_session_id: main.browser_session_id,
      });
      assert.match(profile.browser_profile_id, /^bp_/);
      const got = await client.getBrowserProfile(profile.browser_profile_id);
      assert.equal(got.name, profile.name);
      const all = await client.getBrowserProfiles();
      assert.ok(all.some((p) => p.browser_profile_id === profile.browser_profile_id));
    });

    test("a session started from the profile", async () => {
      const s = await create({ browser_profile_id: profile.browser_profile_id, timeout: 10 });
      assert.equal(s.browser_profile_id, profile.browser_profile_id);
      const ready = await client.waitForBrowserSession(s.browser_session_id, { timeout: 120, pollIntervalMs: 500 });
      assert.equal(ready.status, "running");
      await client.closeBrowserSession(s.browser_session_id);
      opened.delete(s.browser_session_id);
    });

    test("deleteBrowserProfile, then it is a NotFoundError", async () => {
      await client.deleteBrowserProfile(profile.browser_profile_id);
      const id = profile.browser_profile_id;
      profile = null;
      await rejectsWith(client.getBrowserProfile(id), pkg.NotFoundError, 404, new RegExp(`Browser profile ${id} not found`));
    });

    // ------------------------------------------------------------ handles

    test("openBrowserSession: a ready handle, a task with waitForCompletion, close", async () => {
      const handle = await client.openBrowserSession({ timeout: 10 }, { timeout: 120, pollIntervalMs: 500 });
      opened.add(handle.id);
      try {
        assert.equal(handle.session.status, "running");
        assert.match(handle.session.browser_address, /^wss?:\/\//);
        const done = await handle.runTask({ prompt: "[fail] Read the title", url: taskUrl, waitForCompletion: true, timeout: 240 });
        assert.ok(TERMINAL_RUN_STATUSES.has(done.status), done.status);
        if (target.noLlm) assert.equal(done.status, "failed");
        const fresh = await handle.refresh();
        assert.equal(fresh.browser_session_id, handle.id);
      } finally {
        await handle.close();
      }
      await handle.close();
      assert.equal((await client.getBrowserSession(handle.id)).status, "completed");
      opened.delete(handle.id);
    });

    test("withBrowserSession: cancelRun on a running task, then the session is closed", async () => {
      let id;
      const result = await client.withBrowserSession({ timeout: 10 }, async (s) => {
        id = s.browser_session_id;
        opened.add(id);
        assert.equal(s.status, "running");
        // "[duration=…]" keeps an emulated run going; a real one is cancelled on its first step.
        const started = await client.runTask({ prompt: "[fail] [duration=20s] Read the title", url: taskUrl, browser_session_id: id });
        for (let i = 0; i < 100; i++) {
          const r = await client.getRun(started.run_id);
          if (r.status === "running" || TERMINAL_RUN_STATUSES.has(r.status)) break;
          await new Promise((ok) => setTimeout(ok, 200));
        }
        const canceled = await client.cancelRun(started.run_id);
        assert.equal(canceled, null, "the server answers JSON null");
        const done = await client.waitForRun(started.run_id, { timeout: 60, pollIntervalMs: 500 });
        assert.equal(done.status, "canceled");
        assert.match(done.finished_at, TIMESTAMP);
        return 42;
      }, { timeout: 120, pollIntervalMs: 500 });
      assert.equal(result, 42);
      assert.equal((await client.getBrowserSession(id)).status, "completed");
      opened.delete(id);
    });
  });
}
