// The parity harness: runs scenarios (the same request against the real Skyvern server and the
// emulator), checks each answer against what the real server is documented to do, compares the
// two (status, selected headers, body shape) and writes a table. A difference fails its
// scenario unless parity-allowlist.json lists it with a reason. Used by the parity*.test.mjs files.
//
// A scenario:
// name     the row in the table
// req      the request, or (ids) => request; `{session}` etc. come from ids
// expect   what the real server answers (status, and `body` compared as a subset)
// prepare  (state) => Promise, run against each server before the request
// then     (state, res) => Promise, run after it (not compared)
// check    (res, state) => void, more assertions on both answers; checkReal on the real one only
// headers  extra headers to compare
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readFileSync } from "node:fs";
import { diffBodies } from "./shape.mjs";
import { REAL, EMULATOR, send, closeQuietly } from "./targets.mjs";

const ALLOW = JSON.parse(readFileSync(new URL("./parity-allowlist.json", import.meta.url), "utf8")).allow;
const used = new Set();

/** Headers compared on every response (when either side sends them). */
const COMMON_HEADERS = ["content-type", "x-frame-options", "x-content-type-options", "content-security-policy"];

export const skipAll = REAL ? false : "SKYVERN_REAL_URL / SKYVERN_REAL_API_KEY not set (run tests/real-server/run.sh)";

/** A FastAPI validation body with one item. */
export const validation = (type, loc, msg, input, ctx) => ({ detail: [{ type, loc, msg, input, ...(ctx ? { ctx } : {}) }] });

/** Notes a session the answer created, so that it is closed in `after`; returns its id. */
export function remember(state, res) {
  const id = res.json?.browser_session_id;
  if (res.status === 200 && typeof id === "string") state.created.add(id);
  return id;
}

// ---------------------------------------------------------------- comparison

function headerValue(res, name) {
  const v = res.headers[name];
  return v === undefined ? "absent" : v.toLowerCase().replace(/\s*,\s*/g, ", ").replace(/\s*;\s*/g, "; ");
}

function compare(scenario, real, emu) {
  const out = [];
  if (real.status !== emu.status) out.push({ kind: "status", path: "status", real: real.status, emulator: emu.status });
  for (const name of [...COMMON_HEADERS, ...(scenario.headers ?? [])]) {
    const a = headerValue(real, name);
    const b = headerValue(emu, name);
    if (a !== b) out.push({ kind: "header", path: name, real: a, emulator: b });
  }
  if (real.status !== emu.status) {
    // Different outcomes: field-by-field differences would only restate that.
    out.push({ kind: "body", path: "$", real: real.text.slice(0, 200), emulator: emu.text.slice(0, 200) });
  } else if (real.json !== undefined && emu.json !== undefined) diffBodies(real.json, emu.json, "$", null, out);
  else if (real.text !== emu.text) {
    out.push({ kind: "body", path: "$", real: real.text.slice(0, 120), emulator: emu.text.slice(0, 120) });
  }
  return out;
}

function allowed(scenario, d) {
  const i = ALLOW.findIndex(
    (a) =>
      (a.scenario === "*" || a.scenario === scenario.name) &&
      a.kind === d.kind &&
      (a.path === d.path || (a.path.endsWith("*") && d.path.startsWith(a.path.slice(0, -1)))),
  );
  if (i >= 0) used.add(i);
  return i >= 0 ? ALLOW[i] : null;
}

/** Asserts the documented real-server behaviour: status, and body fields as a subset. */
function checkExpected(scenario, state, res) {
  const { status, body } = scenario.expect;
  assert.equal(res.status, status, `${state.t.name}: ${describe(scenario, state)} → ${res.status} ${res.text.slice(0, 400)}`);
  for (const [k, v] of Object.entries(body ?? {})) {
    assert.deepEqual(res.json?.[k], v, `${state.t.name}: field ${k} of ${res.text.slice(0, 400)}`);
  }
  scenario.check?.(res, state);
  if (state.t === REAL) scenario.checkReal?.(res, state);
}

function request(scenario, state) {
  return typeof scenario.req === "function" ? scenario.req(state.ids) : scenario.req;
}

function describe(scenario, state) {
  const r = request(scenario, state);
  const path = r.path.replace(/pbs_\d{18}/g, "{id}").replace(/tsk_\d{18}/g, "{run}").replace(/bp_\d{18}/g, "{profile}").replace(/wr_\d{18}/g, "{workflow run}").replace(/a_\d{18}/g, "{artifact}");
  return `${r.method ?? "GET"} ${path}`;
}

// ---------------------------------------------------------------- the tests

/**
 * Registers one test per scenario (in order), against the real server and the emulator, and
 * writes the table (appended to $SKYVERN_PARITY_TABLE under `title`, else printed).
 * `setup`/`teardown` run before the first and after the last scenario (e.g. a local page).
 * `stateFor(t)` is the per-server state: `{ t, ids: {}, created: Set }`.
 */
export function parityTests(scenarios, { title, setup, teardown, ownsWildcards = false }) {
  const states = [];
  const rows = [];
  before(async () => {
    if (skipAll) return;
    await setup?.();
    states.push({ t: REAL, ids: {}, created: new Set() });
    if (EMULATOR) states.push({ t: EMULATOR, ids: {}, created: new Set() });
  });
  after(async () => {
    await Promise.all(states.map((s) => closeQuietly(s.t, s.created)));
    await teardown?.();
    if (skipAll) return;
    writeTable(title, rows, scenarios, ownsWildcards);
  });
  for (const scenario of scenarios) {
    test(scenario.name, { skip: skipAll }, () => runScenario(scenario, states, rows));
  }
  test("parity: the emulator was compared", { skip: skipAll }, () => {
    assert.ok(EMULATOR, "SKYVERN_EMULATOR_URL / SKYVERN_EMULATOR_API_KEY are not set: only the real server was checked");
  });
}

async function runScenario(scenario, states, rows) {
  const results = await Promise.all(
    states.map(async (s) => {
      try {
        await scenario.prepare?.(s);
        const req = request(scenario, s);
        const res = await send(s.t, req);
        // Whatever a scenario expected, a session that got created is closed in `after`.
        if (req.method === "POST" && req.path === "/v1/browser_sessions") remember(s, res);
        await scenario.then?.(s, res);
        return { res };
      } catch (error) {
        return { error };
      }
    }),
  );
  const [real, emu] = results;
  const row = { name: scenario.name, request: describe(scenario, states[0]), real, emu, diffs: [], allowedDiffs: [], failures: [] };
  rows.push(row);
  for (const [i, r] of results.entries()) {
    if (r.error) row.failures.push(`${states[i].t.name}: ${r.error.message}`);
    else {
      try {
        checkExpected(scenario, states[i], r.res);
      } catch (e) {
        row.failures.push(e.message);
      }
    }
  }
  if (real.res && emu?.res) {
    for (const d of compare(scenario, real.res, emu.res)) {
      const a = allowed(scenario, d);
      (a ? row.allowedDiffs : row.diffs).push(a ? { ...d, reason: a.reason } : d);
    }
  }
  const problems = [
    ...row.failures,
    ...row.diffs.map((d) => `${d.kind} ${d.path}: real ${fmt(d.real)} | emulator ${fmt(d.emulator)}`),
  ];
  assert.ok(problems.length === 0, `${scenario.name} (${row.request}):\n  ${problems.join("\n  ")}`);
}

function fmt(v) {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function cell(text) {
  return String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function rowResult(row) {
  if (row.diffs.length) {
    return `**DIFF** (real vs emulator): ${row.diffs.map((d) => `${d.kind} \`${d.path}\`: ${fmt(d.real)} vs ${fmt(d.emulator)}`).join("; ")}`;
  }
  if (row.failures.length) return `**FAILED**: ${row.failures.join("; ")}`;
  if (!row.emu) return "real only (no emulator)";
  if (row.allowedDiffs.length) return `same (allowed: ${row.allowedDiffs.map((d) => `${d.kind} \`${d.path}\``).join(", ")})`;
  return "same";
}

function writeTable(title, rows, scenarios, ownsWildcards) {
  const lines = [`### ${title}`, "", "| scenario | request | real | emulator | result |", "|---|---|---:|---:|---|"];
  let same = 0;
  for (const row of rows) {
    const status = (r) => (r ? (r.error ? "error" : r.res.status) : "—");
    const result = rowResult(row);
    if (result.startsWith("same")) same++;
    lines.push(`| ${cell(row.name)} | \`${cell(row.request)}\` | ${status(row.real)} | ${status(row.emu)} | ${cell(result.slice(0, 900))} |`);
  }
  lines.push("");
  lines.push(`${same} of ${rows.length} scenarios match${EMULATOR ? "" : " (emulator not configured)"}.`);
  // Entries of this file's scenarios (and, for the file that owns them, the "*" ones) that matched nothing.
  const names = new Set(scenarios.map((s) => s.name));
  const stale = ALLOW.filter((a, i) => !used.has(i) && (names.has(a.scenario) || (ownsWildcards && a.scenario === "*")));
  if (EMULATOR && stale.length) {
    lines.push(`Allow-list entries that matched nothing (the emulator may have caught up): ${stale.map((a) => `${a.scenario}/${a.kind} ${a.path}`).join("; ")}.`);
  }
  const text = lines.join("\n") + "\n\n";
  if (process.env.SKYVERN_PARITY_TABLE) appendFileSync(process.env.SKYVERN_PARITY_TABLE, text);
  else console.log(text);
  if (process.env.SKYVERN_PARITY_RECORD) {
    const record = rows.map((r) => ({
      name: r.name,
      request: r.request,
      real: r.real?.res ? { status: r.real.res.status, headers: r.real.res.headers, body: r.real.res.json ?? r.real.res.text, ms: r.real.res.ms } : String(r.real?.error),
      emulator: r.emu?.res ? { status: r.emu.res.status, headers: r.emu.res.headers, body: r.emu.res.json ?? r.emu.res.text } : r.emu ? String(r.emu.error) : null,
    }));
    appendFileSync(process.env.SKYVERN_PARITY_RECORD, JSON.stringify({ title, record }, null, 1) + "\n");
  }
}
