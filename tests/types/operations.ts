// The run-record, profile, task-shortcut, upload and TOTP operations as @skyvern/client
// users call them; compiled with `tsc --strict --noEmit`. Each `@ts-expect-error` is a
// shape the declarations must refuse.
import { SkyvernClient } from "../../pkg/index.js";
import type {
  Artifact,
  BrowserProfile,
  BrowserSessionHandle,
  BulkCancelRunsResponse,
  JsonValue,
  RequestOptions,
  RunListItem,
  RunTimelineEntry,
  RunWebhookReplayResponse,
  TotpCode,
  UploadFileResponse,
  WorkflowRun,
} from "../../pkg/index.js";

const client = new SkyvernClient({ apiKey: "sk-test" });

const ro: RequestOptions = {
  timeoutInSeconds: 5,
  queryParams: { page: 1, tag: ["a", "b"], flag: true, skip: null, gone: undefined },
  apiKey: "sk-per-call",
  extraBody: { brand_new_field: { nested: [1, "two", null] } },
};

async function operations(): Promise<void> {
  const profiles: BrowserProfile[] = await client.listBrowserProfiles(
    { page: 2, page_size: 5, include_deleted: true, search_key: "work", managed: false },
    ro,
  );
  await client.listBrowserProfiles();
  const renamed: BrowserProfile = await client.updateBrowserProfile(
    "bp_1",
    { name: "renamed", description: null, proxy_location: "RESIDENTIAL", rotate_proxy_session_id: true },
    ro,
  );
  void profiles;
  void renamed;

  const runs: RunListItem[] = await client.getRunsV2(
    { page: 1, page_size: 10, status: ["completed", "failed"], run_type: ["task_v1", "workflow_run"], search_key: "tsk" },
    ro,
  );
  const alias: RunListItem[] = await client.getRuns({ status: "running", run_type: "task_v2" });
  const firstStatus: string | undefined = runs[0]?.status;
  void alias;
  void firstStatus;

  const cancelled: BulkCancelRunsResponse = await client.bulkCancelRuns({ run_ids: ["tsk_1", "wr_2"] }, ro);
  void cancelled;

  const timeline: RunTimelineEntry[] = await client.getRunTimeline("wr_1", ro);
  const kind: string | undefined = timeline[0]?.type;
  void kind;

  const artifacts: Artifact[] = await client.getRunArtifacts("tsk_1", { artifact_type: ["screenshot_final", "skyvern_log"] }, ro);
  await client.getRunArtifacts("tsk_1", { artifact_type: "recording" });
  await client.getRunArtifacts("tsk_1");
  const content: JsonValue | string | Blob = await client.getArtifactContent(artifacts[0]?.artifact_id ?? "a_1", ro);
  if (content instanceof Blob) {
    const bytes: ArrayBuffer = await content.arrayBuffer();
    void bytes;
  } else if (typeof content === "string") {
    const text: string = content;
    void text;
  }

  const replay: RunWebhookReplayResponse = await client.retryRunWebhook("tsk_1", { webhook_url: "https://hook.example/x" }, ro);
  await client.retryRunWebhook("tsk_1");
  void replay;

  const login: WorkflowRun = await client.login(
    { credential_type: "skyvern", credential_id: "cred_1", url: "https://example.com", browser_session_id: "pbs_1", "x-user-agent": "ua/1" },
    ro,
  );
  await client.login({ body: { credential_type: "bitwarden", bitwarden_collection_id: "c" }, "x-user-agent": "ua/2" });
  const download: WorkflowRun = await client.downloadFiles(
    { navigation_goal: "download the invoice", download_suffix: ".pdf", waitForCompletion: true, pollIntervalMs: 100 },
    ro,
  );
  await client.downloadFiles({ body: { navigation_goal: "get it" }, "x-user-agent": "ua/3" });
  void login;
  void download;

  const uploaded: UploadFileResponse = await client.uploadFile({ file: new Blob(["x"], { type: "text/plain" }), filename: "x.txt" }, ro);
  await client.uploadFile({ file: { data: new Uint8Array([1, 2]), filename: "b.bin", contentType: "application/x-test" } });
  await client.uploadFile({ file: new Uint8Array([3]), filename: "bare.bin" });
  await client.uploadFile({ file: new ArrayBuffer(4) });
  const s3: string = uploaded.s3_uri;
  void s3;

  const code: TotpCode = await client.sendTotpCode({ totp_identifier: "a@example.com", content: "123456", source: null }, ro);
  void code;

  const handle: BrowserSessionHandle = await client.openBrowserSession();
  const handleLogin: WorkflowRun = await handle.login({ credential_type: "skyvern", credential_id: "cred_1" }, ro);
  const handleDownload: WorkflowRun = await handle.downloadFiles({ body: { navigation_goal: "get it" }, "x-user-agent": "ua" }, ro);
  void handleLogin;
  void handleDownload;

  // @ts-expect-error bulkCancelRuns takes { run_ids }, not a bare list
  await client.bulkCancelRuns(["tsk_1"]);
  // @ts-expect-error run_ids holds strings
  await client.bulkCancelRuns({ run_ids: [1] });
  // @ts-expect-error a file is a Blob, bytes or { data }, not a string
  await client.uploadFile({ file: "just text" });
  // @ts-expect-error sendTotpCode needs `content`
  await client.sendTotpCode({ totp_identifier: "a" });
  // @ts-expect-error downloadFiles needs `navigation_goal`
  await client.downloadFiles({ url: "https://example.com" });
  // @ts-expect-error the handle fills in browser_session_id itself
  await handle.login({ credential_type: "skyvern", browser_session_id: "pbs_2" });
  // @ts-expect-error the wrapper's body is the request, not a string
  await client.login({ body: "credential_type=skyvern" });
  // @ts-expect-error extraBody is an object of JSON values
  await client.getRun("tsk_1", { extraBody: "x" });
  // @ts-expect-error getArtifactContent may resolve with JSON or text: not only a Blob
  const onlyBlob: Blob = await client.getArtifactContent("a_1");
  void onlyBlob;
}
void operations;
