// The user's pointer, wheel and keys on the live view's canvas, sent to the
// remote browser as CDP input events while the user is in control. Where a
// pointer lands in the remote viewport and how a key is sent are the wasm
// core's decisions (`core.toViewport`, `core.key`).

const MOVE_MS = 33; // at most one mouse move per this many milliseconds
const BUTTONS = ["left", "middle", "right"];

/** CDP's modifier bits of an event. */
const modifiers = (e) => (e.altKey ? 1 : 0) | (e.ctrlKey ? 2 : 0) | (e.metaKey ? 4 : 0) | (e.shiftKey ? 8 : 0);

/** The remote viewport's pixel `[x, y]` under the event, or null off the picture. */
function remotePoint(screen, core, e) {
  if (!screen.shown) return null;
  const b = screen.canvas.getBoundingClientRect();
  const p = core.toViewport(
    e.clientX - b.left, e.clientY - b.top, b.width, b.height,
    screen.shown.naturalWidth, screen.shown.naturalHeight, screen.vw, screen.vh,
  );
  return p < 0 ? null : [p >> 14, p & 16383];
}

/** The key event for `e`, or null when the core says the key is not sent. */
function keyEvent(core, e, down) {
  const c = core.key(e.key, e.ctrlKey || e.metaKey);
  if (c < 0) return null;
  const text = c >= 256;
  const msg = {
    kind: "keyEvent",
    eventType: !down ? "keyUp" : text ? "keyDown" : "rawKeyDown",
    key: e.key,
    code: e.code || "",
    windowsVirtualKeyCode: c & 255,
    modifiers: modifiers(e),
  };
  if (down && text) msg.text = e.key;
  return msg;
}

/** A wheel event for the remote browser, in pixels, or null off the picture. */
function wheelEvent(p, e) {
  if (!p) return null;
  const k = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1;
  return { kind: "wheelEvent", x: p[0], y: p[1], deltaX: e.deltaX * k, deltaY: e.deltaY * k, modifiers: modifiers(e) };
}

/**
 * Listens to the canvas of `view` (a mounted live view, see mount.js) and sends
 * through its control what the user does there. Returns `stop()`, which cancels
 * a mouse move waiting to be sent.
 */
export function listenToUserInput(view) {
  const { screen, core, control } = view;
  const canvas = screen.canvas;
  const live = () => view.interactive && control.controlled && screen.mode === "live";
  const clicks = { count: 0, lastDown: -1e9, x: 0, y: 0 };
  let move = null, moveTimer = 0;
  const mouse = (type, e, button, count) => {
    const p = remotePoint(screen, core, e);
    if (p) {
      control.send({ kind: "mouseEvent", eventType: type, x: p[0], y: p[1], button, clickCount: count, modifiers: modifiers(e) });
    }
  };
  const sendMove = () => {
    moveTimer = 0;
    if (move && live()) {
      const e = move;
      move = null;
      const b = e.buttons;
      mouse("mouseMoved", e, b & 1 ? "left" : b & 2 ? "right" : b & 4 ? "middle" : "none", 0);
      moveTimer = setTimeout(sendMove, MOVE_MS);
    }
  };
  const on = (type, f, o) => canvas.addEventListener(type, f, o);
  on("pointerdown", (e) => {
    if (!live()) return;
    e.preventDefault();
    canvas.focus({ preventScroll: true });
    const near = Math.abs(e.clientX - clicks.x) < 5 && Math.abs(e.clientY - clicks.y) < 5;
    clicks.count = near && e.timeStamp - clicks.lastDown < 400 ? Math.min(clicks.count + 1, 3) : 1;
    clicks.lastDown = e.timeStamp;
    clicks.x = e.clientX;
    clicks.y = e.clientY;
    canvas.setPointerCapture?.(e.pointerId);
    mouse("mousePressed", e, BUTTONS[e.button] ?? "left", clicks.count);
  });
  on("pointerup", (e) => {
    if (!live()) return;
    mouse("mouseReleased", e, BUTTONS[e.button] ?? "left", clicks.count);
  });
  on("pointermove", (e) => {
    if (!live()) return;
    move = e;
    if (!moveTimer) sendMove();
  });
  on(
    "wheel",
    (e) => {
      if (!live()) return;
      e.preventDefault();
      const msg = wheelEvent(remotePoint(screen, core, e), e);
      if (msg) control.send(msg);
    },
    { passive: false },
  );
  on("contextmenu", (e) => view.interactive && e.preventDefault());
  const key = (e, down) => {
    if (!live() || e.isComposing) return;
    const msg = keyEvent(core, e, down);
    if (!msg) return;
    e.preventDefault();
    control.send(msg);
  };
  on("keydown", (e) => key(e, true));
  on("keyup", (e) => key(e, false));
  return { stop: () => clearTimeout(moveTimer) };
}
