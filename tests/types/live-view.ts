// The live view's types; compiled with `tsc --strict --noEmit` (tests/types/tsconfig.json).
import { mountLiveView, ForbiddenError } from "../../pkg/index.js";
import type { BrowserProfile, BrowserSession, BrowserSessionHandle, LiveView, LiveViewOptions, WorkflowRun } from "../../pkg/index.js";
import type { ProxyHandler, ProxyUpgradeRequest, ProxyUpgradeSocket } from "../../pkg/server.js";

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

// A fresh ticket per socket from the app's own route (the recommended browser pattern).
export function ticketed(element: HTMLElement, id: string): LiveView {
  return mountLiveView(element, id, {
    streamBaseUrl: "https://edge.example/api/skyvern",
    streamParams: async (kind, sessionId) => {
      const op: string = kind === "input" ? "liveControl" : "liveView";
      const res = await fetch(`/app/live-ticket/${sessionId}?op=${op}`);
      const body = (await res.json()) as { ticket: string };
      return { ticket: body.ticket };
    },
  });
}

// Node: the live-view sockets of a node:http server (structural types, no @types/node needed).
export function relay(proxy: ProxyHandler, req: ProxyUpgradeRequest, socket: ProxyUpgradeSocket, head: Uint8Array): void {
  proxy.upgrade?.(req, socket, head);
  const ticket: string = proxy.mintLiveTicket("pbs_1", "liveView", 60);
  void ticket;
}

mountLiveView(document.body, "pbs_1", {
  // @ts-expect-error streamParams values are strings
  streamParams: () => ({ ticket: 42 }),
});

// @ts-expect-error a session is required
mountLiveView(document.body);

// A person in the loop: a hand-off that saves a profile, and a kept-alive view of a handle.
export async function signIn(element: HTMLElement, handle: BrowserSessionHandle): Promise<string> {
  const profile: BrowserProfile = await handle.handOff(element, {
    streamBaseUrl: "/api/skyvern",
    saveProfile: { name: "login" },
    signal: AbortSignal.timeout(600_000),
  });
  const nothing: BrowserProfile | undefined = await handle.handOff(element, { doneLabel: "Finished" });
  void nothing;
  const run: WorkflowRun = await handle.runWorkflow({ workflow_id: "wpid_1" });
  void run;
  const view = mountLiveView(element, handle, {
    keepAlive: { idleMinutes: 5 },
    onKeepAlive: (s: BrowserSession) => s.timeout,
  });
  view.destroy();
  return profile.browser_profile_id;
}
