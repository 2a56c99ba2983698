// What the JS suites share about the emulator `cargo xtask test` starts: its
// address and key, per-test ids (the `x-test-id` header), its control routes,
// and the requests it logged for one test id.

export const URL_ = process.env.SKYVERN_EMULATOR_URL;
export const KEY = process.env.SKYVERN_EMULATOR_API_KEY;
if (!URL_) throw new Error('SKYVERN_EMULATOR_URL is not set (cargo xtask test sets it)');

export const testId = (name) => `${name}-${Math.random().toString(36).slice(2)}`;
export const withId = (id, extra = {}) => ({ ...extra, headers: { 'x-test-id': id } });

/** A call to the emulator's control routes (`/_emulator/...`), answered as JSON. */
export async function emulator(method, path, body) {
  const res = await fetch(URL_ + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

/** The requests the emulator logged with this test id, oldest first. */
export const logged = async (id) =>
  (await emulator('GET', '/_emulator/requests')).filter((r) => r.headers['x-test-id'] === id);
