// The demo page's elements (`ui`, each looked up once by id) and what the page knows (`state`):
// the client, the sessions listed and selected, the live view, and the tasks being run.

const $ = (id) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing element #${id}`);
  return node;
};

export const ui = {
  summary: $("conn-summary"),
  connectionForm: $("connection-form"),
  baseUrl: $("base-url"),
  apiKey: $("api-key"),
  toggleKey: $("toggle-key"),
  remember: $("remember-key"),
  connectionError: $("connection-error"),
  createForm: $("create-form"),
  createBtn: $("create-btn"),
  createError: $("create-error"),
  proxy: $("opt-proxy"),
  geo: $("geo-fields"),
  country: $("opt-country"),
  list: $("session-list"),
  listEmpty: $("sessions-empty"),
  listUpdated: $("sessions-updated"),
  listError: $("sessions-error"),
  refreshBtn: $("refresh-btn"),
  panel: $("session-panel"),
  sessionEmpty: $("session-empty"),
  sessionDetail: $("session-detail"),
  sessionId: $("session-id"),
  sessionStatus: $("session-status"),
  sessionMeta: $("session-meta"),
  closeBtn: $("close-session-btn"),
  live: $("live-view"),
  controlBtn: $("control-btn"),
  liveError: $("live-error"),
  runForm: $("run-form"),
  runPrompt: $("run-prompt"),
  runUrl: $("run-url"),
  runEngine: $("run-engine"),
  runBtn: $("run-btn"),
  cancelBtn: $("cancel-run-btn"),
  runError: $("run-error"),
  runsTitle: $("runs-title"),
  runs: $("runs"),
  itemTemplate: /** @type {HTMLTemplateElement} */ ($("session-item")),
};

export const state = {
  client: null,
  /** Last list from the server, by id. */
  sessions: new Map(),
  /** List items, by id. */
  items: new Map(),
  selectedId: null,
  selected: null,
  view: null,
  /** Whether the user has taken control of the selected session's browser. */
  control: false,
  /** Where the live view's sockets go: the client's base URL, its key if the page has one, and
   * the ticket route of the server that serves the page when it runs an edge proxy. */
  stream: { baseUrl: "", apiKey: "", tickets: "" },
  /** Run cards per session id, newest first. */
  runCards: new Map(),
  /** Tasks being run, by session id: { runId, controller }. */
  activeRuns: new Map(),
  refreshTimer: 0,
  refreshing: false,
  /** A refresh was asked for while one was in flight (e.g. with the previous connection). */
  refreshAgain: false,
  /** "host · key mode", for the header. */
  connection: "",
  closing: new Set(),
  /** Options this page asked for, by session id (the session object does not echo the proxy). */
  requested: new Map(),
};
