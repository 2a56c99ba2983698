// Assertions shared by the runtime tests: the flow's result and the requests
// the emulator saw for it.
import assert from "node:assert/strict";
import { requestsFor } from "./helpers.mjs";

export const PUBLIC_EXPORTS = [
  "BadRequestError",
  "BrowserSessionHandle",
  "ConflictError",
  "ForbiddenError",
  "GoneError",
  "InternalServerError",
  "NotFoundError",
  "SkyvernClient",
  "SkyvernConnectionError",
  "SkyvernError",
  "SkyvernTimeoutError",
  "TooManyRequestsError",
  "UnprocessableEntityError",
  "mountLiveView",
];

export async function assertFlow(out, { emuUrl, testId, browser }) {
  assert.deepEqual(out.exportsSeen, PUBLIC_EXPORTS, "the package exports exactly the public API");

  if (browser) {
    assert.equal(out.guard.threw, true, "a web page refuses an apiKey without dangerouslyAllowBrowser");
    assert.equal(out.guard.isError, true);
    assert.match(out.guard.message, /dangerouslyAllowBrowser/);
  } else {
    assert.equal(out.guard.threw, false, `not a browser, so no key guard (got: ${out.guard.message})`);
  }
  if (out.runtime.asyncDispose !== "no Symbol.asyncDispose in this runtime") {
    assert.equal(out.runtime.asyncDispose, "function", "BrowserSessionHandle works with `await using`");
  }

  assert.match(out.created.id, /^pbs_/);
  assert.equal(out.created.status, "created");
  assert.equal(out.created.timeout, 15);
  assert.equal(out.got.id, out.created.id);
  assert.ok(["created", "running"].includes(out.got.status), `status after create: ${out.got.status}`);
  assert.deepEqual(out.listed, { isArray: true, containsId: true });
  assert.equal(typeof out.closed, "object");
  assert.equal(out.afterClose.id, out.created.id);
  assert.equal(out.afterClose.status, "completed");
  assert.equal(out.afterClose.completedAtSet, true);
  assert.deepEqual(out.listedAfterClose, { containsId: false }, "a closed session is no longer listed");
  assert.deepEqual(out.uploaded, { s3UriEndsWithName: true });

  assert.deepEqual(
    { ...out.notFound, name: undefined },
    { rejected: true, isError: true, isSkyvernError: true, isNotFoundError: true, name: undefined, statusCode: 404 },
  );

  // The emulator saw exactly these requests, with a valid key.
  const seen = await requestsFor(emuUrl, testId);
  const id = out.created.id;
  assert.deepEqual(
    seen.map((r) => `${r.method} ${r.path}`),
    [
      "POST /v1/browser_sessions",
      `GET /v1/browser_sessions/${id}`,
      "GET /v1/browser_sessions",
      `POST /v1/browser_sessions/${id}/close`,
      `GET /v1/browser_sessions/${id}`,
      "GET /v1/browser_sessions",
      "POST /v1/upload_file",
      seen.at(-1)?.path?.startsWith("/v1/browser_sessions/pbs_missing_") ? `GET ${seen.at(-1).path}` : "GET /v1/browser_sessions/pbs_missing_…",
    ],
  );
  assert.ok(seen.every((r) => r.api_key === "valid"), "every request carried the valid key");
  assert.deepEqual(JSON.parse(seen[0].body), { timeout: 15 });
  const upload = seen.find((r) => r.path === "/v1/upload_file");
  assert.match(upload.headers["content-type"], /^multipart\/form-data; boundary=/);
  // Bun's Blob adds `;charset=utf-8` to a text type.
  assert.match(upload.body, /name="file"; filename="flow\.txt"\r\nContent-Type: text\/plain(;charset=utf-8)?\r\n\r\nruntime upload\r\n/);
}
