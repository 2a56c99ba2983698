// The live view's types; compiled with `tsc --strict --noEmit` (tests/types/tsconfig.json).
import { mountLiveView, ForbiddenError } from "../../pkg/index.js";
import type { BrowserSession, LiveView, LiveViewOptions } from "../../pkg/index.js";

export function watch(element: HTMLElement, session: BrowserSession, ticket: string): LiveView {
  const options: LiveViewOptions = {
    streamBaseUrl: "https://edge.example/api/skyvern",
    streamParams: { ticket },
    interactive: false,
    fallback: "iframe",
    onStatus: (status: string) => void status.length,
    onUrl: (url: string) => void url.length,
    onEnded: (status: string) => void status.length,
    onError: (e) => void (e instanceof ForbiddenError ? e.message : e.retryable),
  };
  const view = mountLiveView(element, session, options);
  view.setInteractive(true);
  const sent: boolean = view.navigate("https://example.com/") && view.back() && view.forward() && view.reload();
  void sent;
  view.update(session);
  return view;
}

export function direct(element: HTMLElement, id: string): LiveView {
  return mountLiveView(element, id, {
    streamBaseUrl: "http://127.0.0.1:8000",
    apiKey: "sk-test",
    dangerouslyAllowBrowser: true,
    streamUrl: async (kind, sessionId) => new URL(`/live/${kind}/${sessionId}`, "https://edge.example"),
  });
}

// @ts-expect-error a session is required
mountLiveView(document.body);
