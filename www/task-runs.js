// Running tasks in the selected session: one task at a time per session, each with its own run
// card (newest first); a task waits for the browser to be ready, and can be canceled.

import { showError, showMessage, TERMINAL_RUN } from "./format.js";
import { createRunCard } from "./run-card.js";
import { ui, state } from "./page-state.js";
import { requireClient } from "./connection.js";
import { isEnded, renderSelected } from "./selected-session.js";

/** One task at a time per session (a session holds one run at a time). */
export function renderRunControls() {
  const active = state.selectedId ? state.activeRuns.get(state.selectedId) : undefined;
  const ended = state.selected ? isEnded(state.selected) : false;
  ui.runBtn.disabled = Boolean(active) || ended;
  ui.runBtn.textContent = active ? "Running…" : "Run task";
  ui.cancelBtn.hidden = !active;
  ui.cancelBtn.disabled = Boolean(active?.canceling);
}

async function runTaskFromForm(event) {
  event.preventDefault();
  if (!requireClient(ui.runError)) return;
  const sessionId = state.selectedId;
  if (!sessionId || state.activeRuns.has(sessionId)) return;
  const prompt = ui.runPrompt.value.trim();
  if (!prompt) {
    ui.runPrompt.setAttribute("aria-invalid", "true");
    showMessage(ui.runError, "Enter a prompt for the task.");
    ui.runPrompt.focus();
    return;
  }
  ui.runPrompt.removeAttribute("aria-invalid");
  showError(ui.runError, null);
  const url = ui.runUrl.value.trim();
  const engine = ui.runEngine.value;

  const view = createRunCard(prompt, url, () => state.client);
  const cards = state.runCards.get(sessionId) ?? [];
  cards.unshift(view.card);
  state.runCards.set(sessionId, cards);
  ui.runs.prepend(view.card);
  ui.runsTitle.hidden = false;

  const controller = new AbortController();
  const active = { runId: null, controller, canceling: false };
  state.activeRuns.set(sessionId, active);
  renderRunControls();
  const client = state.client;
  try {
    const current = state.selected;
    if (!current || (current.status !== "running" && !current.started_at)) {
      view.note("waiting for the browser");
      const ready = await client.waitForBrowserSession(sessionId, { abortSignal: controller.signal });
      if (sessionId === state.selectedId) renderSelected(ready);
    }
    const request = { prompt, browser_session_id: sessionId };
    if (url) request.url = url;
    if (engine) request.engine = engine;
    const created = await client.runTask(request, { abortSignal: controller.signal });
    active.runId = created.run_id;
    view.status(created);
    const run = TERMINAL_RUN.has(created.status)
      ? created
      : await client.waitForRun(created.run_id, {
          onStatus: (r) => view.status(r),
          abortSignal: controller.signal,
        });
    view.finish(run);
  } catch (err) {
    view.fail(err);
  } finally {
    if (state.activeRuns.get(sessionId) === active) state.activeRuns.delete(sessionId);
    renderRunControls();
  }
}

async function cancelActiveRun() {
  const active = state.selectedId ? state.activeRuns.get(state.selectedId) : undefined;
  if (!active || !state.client) return;
  active.canceling = true;
  renderRunControls();
  if (!active.runId) {
    active.controller.abort(new Error("Stopped waiting before the run was created."));
    return;
  }
  try {
    // The wait sees the run reach `canceled` and finishes the card.
    await state.client.cancelRun(active.runId);
  } catch (err) {
    showError(ui.runError, err, "Canceling the run");
    active.canceling = false;
    renderRunControls();
  }
}

export function bindRunForm() {
  ui.runForm.addEventListener("submit", runTaskFromForm);
  ui.cancelBtn.addEventListener("click", cancelActiveRun);
}
