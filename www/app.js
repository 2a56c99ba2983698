// skyvern-wasm demo page: browser sessions, their live view and tasks, from a web page.
// Everything talks to Skyvern through the package's SkyvernClient.
//
// The page's parts, each in its own module: the connection (connection.js), the "New session"
// form (create-session.js), the list of sessions (session-list.js), the selected session and its
// live view (selected-session.js), its tasks (task-runs.js) and "Sign in by hand" (sign-in.js).

import { initSignIn } from "./sign-in.js";
import { state } from "./page-state.js";
import { sky } from "./skyvern-package.js";
import { initConnection, connect, bindConnectionForm } from "./connection.js";
import { initCreateForm, bindCreateForm } from "./create-session.js";
import { renderList, bindSessionList } from "./session-list.js";
import { selectSession, bindControlButton, bindCloseButton } from "./selected-session.js";
import { bindRunForm } from "./task-runs.js";

bindConnectionForm();
bindCreateForm();
bindSessionList();
bindControlButton();
bindCloseButton();
bindRunForm();

if (sky) {
  initConnection();
  initCreateForm();
  initSignIn({
    client: () => state.client,
    stream: () => state.stream,
    adopt: (session) => {
      state.sessions.set(session.browser_session_id, session);
      renderList();
      selectSession(session.browser_session_id, session, true);
    },
  });
  connect();
} else {
  initCreateForm();
}
