// A webhook receiver on 127.0.0.1 for the contract tests: it keeps every POST exactly as it
// arrived (raw body bytes, headers) and answers 200, so a test can wait for a delivery and
// check it with the package's `verifyWebhook`.
import http from "node:http";

/** Starts the receiver; `url(path)` is where to point a `webhook_url`. */
export async function startWebhookReceiver() {
  const deliveries = [];
  const waiters = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const delivery = {
        method: req.method,
        path: req.url,
        headers: { ...req.headers },
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      deliveries.push(delivery);
      for (const w of waiters) w();
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;

  /** Waits for the `n`-th (1-based) delivery to `path`; rejects after `timeoutMs`. */
  function nth(path, n, timeoutMs = 120_000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hits = deliveries.filter((d) => d.path === path);
        if (hits.length >= n) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hits[n - 1]);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const got = deliveries.filter((d) => d.path === path).length;
        reject(new Error(`no delivery #${n} to ${path} within ${timeoutMs} ms (${got} arrived)`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  return {
    url: (path) => base + path,
    deliveries,
    nth,
    count: (path) => deliveries.filter((d) => d.path === path).length,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** A copy of `bytes` with one byte changed (bit 0 flipped) in the middle of the body. */
export function flipByte(bytes, at = Math.floor(bytes.length / 2)) {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x01;
  return copy;
}
