// The live view of the selected session, through the package's `mountLiveView`: the session's
// browser streamed onto a canvas (primary), the framed `app_url` when the stream cannot be used, and
// always a link to open the live view in a new tab.
//
// `mountSessionView(mountLiveView, element, session, connection, hooks)` returns the package's handle
// (`update`, `destroy`, `setInteractive`, `navigate`, …). `connection` is `{ baseUrl, apiKey, tickets }`
// of the page's client: the sockets go to the same base URL (the emulator, the API, or an edge proxy
// that adds the key), and a key typed into the page is only ever used with the browser-key warning
// shown next to it. Behind the package's edge proxy (`tickets` is the page server's ticket route),
// each socket gets its own short-lived ticket just before it opens: a view ticket for the picture,
// a control ticket for the input socket.

export function mountSessionView(mountLiveView, element, session, connection, hooks = {}) {
  return mountLiveView(element, session, streamOptions(connection, hooks));
}

/** The live view's options for the page's connection (also used by the hand-off). */
export function streamOptions(connection, hooks = {}) {
  const options = {
    streamBaseUrl: connection.baseUrl,
    fallback: "iframe",
    onStatus: hooks.onStatus,
    onUrl: hooks.onUrl,
    onEnded: hooks.onEnded,
    onError: hooks.onError,
  };
  if (connection.apiKey) {
    options.apiKey = connection.apiKey;
    options.dangerouslyAllowBrowser = true;
  } else if (connection.tickets) {
    options.streamParams = async (kind, id) => {
      const op = kind === "input" ? "liveControl" : "liveView";
      const res = await fetch(`${connection.tickets}${encodeURIComponent(id)}?op=${op}`, { cache: "no-store" });
      const body = await res.json().catch(() => ({}));
      if (!res.ok || typeof body.ticket !== "string") {
        const error = new Error(`No live-view ticket: ${body.detail || `HTTP ${res.status}`}`);
        hooks.onError?.(error);
        throw error;
      }
      return { ticket: body.ticket };
    };
  }
  return options;
}
