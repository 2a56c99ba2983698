// A minimal WebSocket client over node:http for tests that need to see the
// handshake itself (Node 20 has no global WebSocket without a flag): the
// status, the response headers, every raw byte received, and the frames.
import { request } from "node:http";
import { createHash, randomBytes } from "node:crypto";

/**
 * Opens `url` (http://…) with an upgrade. Resolves to
 * `{ status, headers, acceptOk, body, messages, closeCode, closeReason, bytes(), next(pred), closed, send(text), close(code), destroy() }`.
 */
export function openRaw(url, headers = {}) {
  const key = randomBytes(16).toString("base64");
  const expected = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": key,
        ...headers,
      },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString(), messages: [], bytes: () => "" }));
    });
    req.on("upgrade", (res, socket, head) => {
      const raw = [];
      const conn = {
        status: res.statusCode,
        headers: res.headers,
        rawHead: res.rawHeaders.join("\n"),
        acceptOk: res.headers["sec-websocket-accept"] === expected,
        messages: [],
        closeCode: null,
        closeReason: "",
        bytes: () => Buffer.concat(raw).toString("latin1"),
      };
      let buf = Buffer.alloc(0);
      const waiters = new Set();
      const wake = () => { for (const w of [...waiters]) w(); };
      let ended;
      conn.closed = new Promise((r) => { ended = r; });
      const parse = () => {
        for (;;) {
          if (buf.length < 2) return;
          const op = buf[0] & 0x0f;
          let len = buf[1] & 0x7f;
          let off = 2;
          if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
          else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
          if (buf.length < off + len) return;
          const payload = buf.subarray(off, off + len);
          buf = buf.subarray(off + len);
          if (op === 1) conn.messages.push(payload.toString("utf8"));
          else if (op === 8) {
            conn.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
            conn.closeReason = payload.subarray(2).toString("utf8");
          }
          wake();
        }
      };
      const onData = (c) => {
        raw.push(c);
        buf = Buffer.concat([buf, c]);
        parse();
      };
      if (head.length) onData(head);
      socket.on("data", onData);
      socket.on("close", () => { ended(); wake(); });
      socket.on("error", () => {});
      conn.send = (text, op = 1) => {
        const payload = Buffer.from(text);
        const mask = randomBytes(4);
        const len = payload.length;
        const hdr = len < 126 ? Buffer.from([0x80 | op, 0x80 | len]) : Buffer.from([0x80 | op, 0x80 | 126, len >> 8, len & 255]);
        const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
        socket.write(Buffer.concat([hdr, mask, masked]));
      };
      conn.close = (code = 1000) => {
        const p = Buffer.alloc(2);
        p.writeUInt16BE(code);
        conn.send(p, 8);
      };
      conn.destroy = () => socket.destroy();
      conn.socketClosed = () => socket.destroyed;
      /** The first message `pred` accepts (JSON-parsed when possible). */
      conn.next = (pred, ms = 15_000) =>
        new Promise((ok, fail) => {
          const check = () => {
            for (const m of conn.messages) {
              let v = m;
              try { v = JSON.parse(m); } catch {}
              if (pred(v)) { clearTimeout(timer); waiters.delete(check); return ok(v); }
            }
            if (socket.destroyed) { clearTimeout(timer); waiters.delete(check); fail(new Error(`closed; got ${conn.messages.map((t) => t.slice(0, 60)).join(" | ")}`)); }
          };
          const timer = setTimeout(() => { waiters.delete(check); fail(new Error(`no matching message in ${ms} ms`)); }, ms);
          waiters.add(check);
          check();
        });
      resolve(conn);
    });
    req.end();
  });
}
