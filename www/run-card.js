// A run's card in the demo: its status timeline while it runs, then its result,
// its Skyvern timeline (`getRunTimeline`) and its screenshots (`getRunArtifacts`
// + `getArtifactContent`).

import { el, showError, formatTime, statusTone, statusLabel, toText } from "./format.js";

export function createRunCard(prompt, url, clientOf) {
  const card = el("li", "run");
  const head = el("div", "run-head");
  const title = el("p", "run-prompt", prompt);
  const badge = el("span", "badge", "submitting");
  badge.dataset.tone = "pending";
  badge.setAttribute("role", "status");
  head.append(title, badge);
  const meta = el("p", "run-meta small muted", url ? `URL ${url}` : "No URL");
  const timeline = el("ol", "timeline");
  timeline.setAttribute("aria-label", "Status timeline");
  const result = el("div", "run-result");
  card.append(head, meta, timeline, result);

  let lastKey = "";
  let lastStatus = "";
  let runningEntry = null;

  function addEntry(status, text) {
    const entry = el("li", "timeline-entry");
    entry.dataset.status = status;
    entry.dataset.tone = statusTone(status);
    const dot = el("span", "timeline-dot");
    dot.setAttribute("aria-hidden", "true");
    const label = el("span", "timeline-label", text);
    const time = el("time", "timeline-time muted small", formatTime(new Date().toISOString()));
    time.dateTime = new Date().toISOString();
    entry.append(dot, label, time);
    timeline.append(entry);
    return entry;
  }

  return {
    card,
    note(text) {
      addEntry("note", text).dataset.tone = "neutral";
    },
    status(run) {
      if (!run || typeof run !== "object") return;
      const status = typeof run.status === "string" ? run.status : "unknown";
      if (typeof run.run_id === "string") card.dataset.runId = run.run_id;
      const steps = typeof run.step_count === "number" ? run.step_count : null;
      const key = `${status}:${steps ?? ""}`;
      if (key === lastKey) return;
      lastKey = key;
      badge.textContent = statusLabel(status);
      badge.dataset.tone = statusTone(status);
      card.dataset.status = status;
      if (status === "running" && lastStatus === "running" && runningEntry) {
        runningEntry.querySelector(".timeline-label").textContent = steps ? `running · step ${steps}` : "running";
      } else if (status !== lastStatus) {
        const entry = addEntry(status, status === "running" && steps ? `running · step ${steps}` : statusLabel(status));
        runningEntry = status === "running" ? entry : null;
      }
      lastStatus = status;
    },
    finish(run) {
      this.status(run);
      showResult(run, result, meta, clientOf);
    },
    fail(err) {
      badge.textContent = "error";
      badge.dataset.tone = "bad";
      card.dataset.status = "error";
      const box = el("div", "error-box");
      showError(box, err, "Running the task");
      result.replaceChildren(box);
    },
  };
}

/** A finished run's failure reason or output, its facts beside the URL, and its records. */
function showResult(run, result, meta, clientOf) {
  result.replaceChildren();
  if (run.failure_reason) {
    const failure = el("div", "callout callout-bad run-failure");
    failure.append(el("strong", "", "Failure reason: "), document.createTextNode(toText(run.failure_reason, 2000)));
    result.append(failure);
  }
  if (run.output !== null && run.output !== undefined) {
    const label = el("p", "result-label", "Output");
    const pre = el("pre", "run-output");
    pre.tabIndex = 0;
    pre.setAttribute("aria-label", "Run output");
    pre.textContent = typeof run.output === "string" ? run.output : JSON.stringify(run.output, null, 2);
    result.append(label, pre);
  } else if (!run.failure_reason) {
    result.append(el("p", "muted small", `Finished as ${statusLabel(run.status)} with no output.`));
  }
  const facts = [];
  if (typeof run.run_id === "string") facts.push(run.run_id);
  if (typeof run.step_count === "number") facts.push(`${run.step_count} step${run.step_count === 1 ? "" : "s"}`);
  if (Array.isArray(run.screenshot_urls) && run.screenshot_urls.length) {
    facts.push(`${run.screenshot_urls.length} screenshot${run.screenshot_urls.length === 1 ? "" : "s"}`);
  }
  if (facts.length) meta.textContent = `${meta.textContent} · ${facts.join(" · ")}`;
  if (typeof run.run_id === "string") showRecords(clientOf(), run, result);
}

/** A finished run's timeline (`getRunTimeline`) and its screenshots
 * (`getRunArtifacts` + `getArtifactContent`), under its result. */
async function showRecords(client, run, into) {
  if (!client) return;
  const runId = run.run_id;
  const box = el("div", "run-records");
  into.append(box);
  const timeline = el("div", "run-record-timeline");
  box.append(el("p", "result-label", "Timeline"), timeline);
  // Skyvern keeps timelines for workflow and task v2 runs only (a task v1 answers 400).
  const hasTimeline = run.run_type === "workflow_run" || run.run_type === "task_v2";
  if (!hasTimeline) timeline.append(el("p", "muted small", `No timeline for a ${run.run_type} run: Skyvern keeps timelines for workflow and task v2 runs.`));
  else try {
    const entries = await client.getRunTimeline(runId);
    const list = el("ol", "small");
    for (const entry of entries) {
      const block = entry.block;
      const actions = Array.isArray(block?.actions) ? block.actions.length : 0;
      const text = block
        ? `${block.label ?? block.block_type}: ${block.status ?? ""}${actions ? ` · ${actions} action${actions === 1 ? "" : "s"}` : ""}`
        : `thought: ${entry.thought?.thought ?? ""}`;
      list.append(el("li", "run-timeline-entry", toText(text, 300)));
    }
    timeline.append(entries.length ? list : el("p", "muted small", "No timeline entries."));
  } catch (err) {
    timeline.append(el("p", "muted small", toText(err?.message ?? String(err), 300)));
  }
  const shots = el("div", "run-screenshots");
  box.append(el("p", "result-label", "Screenshots"), shots);
  try {
    const artifacts = await client.getRunArtifacts(runId, { artifact_type: ["screenshot_action", "screenshot_final"] });
    if (!artifacts.length) shots.append(el("p", "muted small", "No screenshots."));
    for (const artifact of artifacts.slice(0, 12)) {
      const content = await client.getArtifactContent(artifact.artifact_id);
      if (!(content instanceof Blob)) continue;
      const img = el("img", "run-screenshot");
      img.src = URL.createObjectURL(content);
      img.alt = `${artifact.artifact_type} ${artifact.artifact_id}`;
      img.width = 240;
      shots.append(img);
    }
  } catch (err) {
    shots.append(el("p", "muted small", toText(err?.message ?? String(err), 300)));
  }
}
