// The live view of the selected session, through the package's `mountLiveView`: the session's
// browser streamed onto a canvas (primary), the framed `app_url` when the stream cannot be used, and
// always a link to open the live view in a new tab.
//
// `mountSessionView(mountLiveView, element, session, connection, hooks)` returns the package's handle
// (`update`, `destroy`, `setInteractive`, `navigate`, …). `connection` is `{ baseUrl, apiKey }` of
// the page's client: the sockets go to the same base URL (the emulator, the API, or an edge proxy
// that adds the key), and a key typed into the page is only ever used with the browser-key warning
// shown next to it.

export function mountSessionView(mountLiveView, element, session, connection, hooks = {}) {
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
  }
  return mountLiveView(element, session, options);
}
