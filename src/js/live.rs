//! `mountLiveView`: the DOM and WebSocket glue lives in `live-view/` (its
//! entry is `mount.js`); the decisions it asks for on each message, close,
//! pointer and key are the core's (`crate::live`), exported here as plain
//! functions that `entries/skyvern.js` hands to the glue.

use wasm_bindgen::prelude::*;

use crate::live::{self, Channel, KeySend, Retry};

#[wasm_bindgen(module = "/src/js/live-view/mount.js")]
extern "C" {
    #[wasm_bindgen(js_name = liveViewFactory)]
    fn live_view_factory() -> JsValue;
}

// wasm-bindgen puts next to its glue only the files a `module = …` names:
// these name the modules `mount.js` imports, so they ship with it. Rust calls
// none of them.
#[wasm_bindgen(module = "/src/js/live-view/stream.js")]
extern "C" {
    #[wasm_bindgen(js_name = openSocket)]
    fn _open_socket();
}
#[wasm_bindgen(module = "/src/js/live-view/screen.js")]
extern "C" {
    type Screen;
}
#[wasm_bindgen(module = "/src/js/live-view/control.js")]
extern "C" {
    type Control;
}
#[wasm_bindgen(module = "/src/js/live-view/keep-alive.js")]
extern "C" {
    type KeepAlive;
}
#[wasm_bindgen(module = "/src/js/live-view/hand-off.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeHandOff)]
    fn _make_hand_off();
}
#[wasm_bindgen(module = "/src/js/live-view/user-input.js")]
extern "C" {
    #[wasm_bindgen(js_name = listenToUserInput)]
    fn _listen_to_user_input();
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `mountLiveView`. */
export interface LiveViewOptions {
  /** Where the stream sockets are: the edge proxy (recommended; no key in the page) or the
   * API itself (then `apiKey` and `dangerouslyAllowBrowser` are needed). `http(s)` becomes
   * `ws(s)`; `/v1/stream/...` is appended to its path. Relative URLs are resolved against the page. */
  streamBaseUrl?: string;
  /** Builds a socket URL itself (called before every connect, so it can fetch a fresh
   * ticket). Wins over `streamBaseUrl`; `client_id`, `force_cdp` and `streamParams` are added. */
  streamUrl?: (kind: "screencast" | "input", sessionId: string) => string | URL | Promise<string | URL>;
  /** Extra query parameters of both sockets, e.g. `{ ticket }` for a proxy that asks for one.
   * A function is called before every connect (reconnects too), so it can fetch a fresh
   * ticket per socket from your server; a rejection counts as a failed connection. */
  streamParams?:
    | Record<string, string>
    | ((kind: "screencast" | "input", sessionId: string) => Record<string, string> | Promise<Record<string, string>>);
  /** Sent as `apikey=` in the socket URLs. Only with `dangerouslyAllowBrowser: true`: anyone who
   * can open the page can read it and drive every session of the organization. */
  apiKey?: string;
  dangerouslyAllowBrowser?: boolean;
  /** Take control of the remote browser: pointer, wheel and keys go to it. Default false. */
  interactive?: boolean;
  /** Open the screencast with `force_cdp=true` (for sessions that stream over VNC). */
  forceCdp?: boolean;
  /** What to show when the stream cannot be used (no stream URL, refused credential, too many
   * failed reconnects): the session's `app_url` framed (`"iframe"`, default), only a link to
   * open it in a new tab (`"link"`), or a notice (`"none"`). A new-tab link is shown whenever
   * `app_url` is known, so the view is never a blank box. */
  fallback?: "iframe" | "link" | "none";
  /** A status message or a frame's status (`created`, `running`, `completed`, …). */
  onStatus?: (status: string) => void;
  /** The remote page's URL, with the frame that shows it. */
  onUrl?: (url: string) => void;
  /** The session ended; the view shows "Session ended" and never reconnects. */
  onEnded?: (status: string) => void;
  /** The stream was refused (`ForbiddenError`), gave up reconnecting or lost control
   * (`SkyvernConnectionError`), a navigation failed (`SkyvernError`), or a keep-alive
   * extension was refused (then keep-alive stops). */
  onError?: (error: SkyvernError) => void;
  /** Keep the session alive while a person watches: while the page is visible and the view
   * was used recently, the session is extended shortly before its timeout runs out (up to
   * the server's 6-hour maximum). Hidden, idle or unmounted, it is never extended. Needs a
   * `BrowserSessionHandle` as the session, or `{ client }`. */
  keepAlive?: boolean | KeepAliveOptions;
  /** Each extension made by `keepAlive`: the session as the server returned it (its
   * `warning` says when less was granted or the extension was not confirmed). */
  onKeepAlive?: (session: BrowserSession) => void;
}
/** Options of `keepAlive`. */
export interface KeepAliveOptions {
  /** The client that extends the session (default: the handle's). */
  client?: SkyvernClient;
  /** A view unused for this many minutes counts as unwatched (default 10). */
  idleMinutes?: number;
  /** Minutes added per extension (default 10). */
  extendMinutes?: number;
  /** Real milliseconds in one of the server's minutes (default 60000; less for a test
   * server with a scaled clock, such as the emulator's `--time-scale`). */
  minuteMs?: number;
}
/** Options of `BrowserSessionHandle.handOff`: the live view's, and these. */
export interface HandOffOptions extends Omit<LiveViewOptions, "interactive"> {
  /** After "Done", keep the session's browser data (cookies, local storage) as a browser
   * profile: the session is set to export it, closed, and the profile created from it. */
  saveProfile?: Omit<CreateBrowserProfileRequest, "browser_session_id">;
  /** Aborting removes the view and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The text next to the button (default: "You have control of the browser. Press Done when you have finished."). */
  prompt?: string;
  /** The button's label (default "Done"). */
  doneLabel?: string;
}
export interface BrowserSessionHandle {
  /** Hands the browser to a person: mounts the live view in `element` with control taken
   * (and `keepAlive` on) under a "Done" button. Resolves when Done is pressed, then, with
   * `saveProfile`, closes the session and resolves with the new profile. Rejects on
   * abort, or with `code: "session_ended"` if the session ends first. */
  handOff(element: HTMLElement, options: HandOffOptions & { saveProfile: Omit<CreateBrowserProfileRequest, "browser_session_id"> }): Promise<BrowserProfile>;
  handOff(element: HTMLElement, options?: HandOffOptions): Promise<BrowserProfile | undefined>;
  /** Runs a workflow in this session (`browser_session_id` is filled in), queued like `runTask`. */
  runWorkflow(request: Omit<RunWorkflowRequest, "browser_session_id">, requestOptions?: RequestOptions): Promise<WorkflowRun>;
  /** Logs in within this session (`browser_session_id` is filled in), queued like `runTask`. */
  login(request: Omit<LoginRequest, "browser_session_id"> | { body: Omit<LoginRequest, "browser_session_id">; "x-user-agent"?: string }, requestOptions?: RequestOptions): Promise<WorkflowRun>;
  /** Downloads files within this session (`browser_session_id` is filled in), queued like `runTask`. */
  downloadFiles(request: Omit<DownloadFilesRequest, "browser_session_id"> | { body: Omit<DownloadFilesRequest, "browser_session_id">; "x-user-agent"?: string }, requestOptions?: RequestOptions): Promise<WorkflowRun>;
}
/** A mounted live view. */
export interface LiveView {
  /** Closes both sockets, cancels timers and removes the view from the element. */
  destroy(): void;
  /** Gives control to the user (`true`) or makes the view read-only again. */
  setInteractive(interactive: boolean): void;
  /** Passes a newer copy of the session (e.g. from polling): an ended session ends the view. */
  update(session: BrowserSession): void;
  /** Opens `url` in the remote browser. False when the view has stopped. */
  navigate(url: string): boolean;
  back(): boolean;
  forward(): boolean;
  reload(): boolean;
}
/** Shows a browser session's live browser in `element` (browser only): its screencast drawn on a
 * canvas at the browser's aspect ratio, the page URL, and, with `interactive`, mouse and keyboard
 * control. Reconnects after dropped connections; stops on a terminal status or a refused
 * credential. Throws a `SkyvernError` for an `apiKey` without `dangerouslyAllowBrowser`. */
export declare function mountLiveView(
  element: HTMLElement,
  session: BrowserSession | string | BrowserSessionHandle,
  options?: LiveViewOptions,
): LiveView;
"#;

/// `mountLiveView` before it is given the decision functions below.
#[wasm_bindgen(js_name = liveView, skip_typescript)]
pub fn live_view() -> JsValue {
    live_view_factory()
}

/// 0 ignore, 1 draw, 2 status, 3 ended, 4 credential refused.
#[wasm_bindgen(js_name = liveClassify, skip_typescript)]
pub fn live_classify(
    len: u32,
    parsed: bool,
    screenshot_len: Option<u32>,
    status: Option<String>,
    format: Option<String>,
) -> u8 {
    live::classify(
        len,
        parsed,
        screenshot_len,
        status.as_deref(),
        format.as_deref(),
    ) as u8
}

/// Milliseconds until the next try; -1 stop; -2 reopen now with `force_cdp`.
#[wasm_bindgen(js_name = liveRetry, skip_typescript)]
pub fn live_retry(input: bool, code: u16, attempt: u32, forced_cdp: bool) -> i32 {
    let channel = if input {
        Channel::Input
    } else {
        Channel::Screencast
    };
    match live::retry(channel, code, attempt, forced_cdp) {
        Retry::After(ms) => ms as i32,
        Retry::Stop => -1,
        Retry::ForceCdp => -2,
    }
}

/// The scale at which a picture is drawn letterboxed into the element (the
/// glue centres it), or 0 when a size is unusable.
#[wasm_bindgen(js_name = liveFit, skip_typescript)]
pub fn live_fit(outer_w: f64, outer_h: f64, inner_w: f64, inner_h: f64) -> f64 {
    live::fit(outer_w, outer_h, inner_w, inner_h).map_or(0.0, |r| r.w / inner_w)
}

/// The remote viewport's pixel under a pointer, packed as `x << 14 | y`
/// (both are whole numbers within 0..=10000), or -1 off the picture.
#[wasm_bindgen(js_name = liveToViewport, skip_typescript)]
#[allow(clippy::too_many_arguments)]
pub fn live_to_viewport(
    px: f64,
    py: f64,
    box_w: f64,
    box_h: f64,
    img_w: f64,
    img_h: f64,
    vp_w: f64,
    vp_h: f64,
) -> i32 {
    live::to_viewport(px, py, box_w, box_h, img_w, img_h, vp_w, vp_h)
        .map_or(-1, |(x, y)| ((x as i32) << 14) | y as i32)
}

/// -1 skip; `vk` for `rawKeyDown`; `256 + vk` for `keyDown` with text.
#[wasm_bindgen(js_name = liveKey, skip_typescript)]
pub fn live_key(key: &str, shortcut: bool) -> i32 {
    match live::key_code(key, shortcut) {
        KeySend::Text(vk) => 256 + i32::from(vk),
        KeySend::Raw(vk) => i32::from(vk),
        KeySend::Skip => -1,
    }
}
