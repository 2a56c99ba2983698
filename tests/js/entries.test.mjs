// The three runtime entries of the built package export the same API, and it is
// the one pkg/index.d.ts declares (each entry lists its exports by hand: a list
// shared through one module gets renamed and split by the bundler). The same
// holds for the server entry (`skyvern-wasm/server`) and pkg/server.d.ts; the
// proxy is only there, so a web page never downloads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkg = new URL('../../pkg/', import.meta.url);
const read = (name) => readFileSync(new URL(name, pkg), 'utf8');

/** Names in the last `export { … }` clause of a module (`a as B` gives `B`). */
function exportClause(source) {
  const clauses = [...source.matchAll(/export\s*\{([^}]*)\}/g)];
  assert.ok(clauses.length > 0, 'no export clause');
  return clauses
    .at(-1)[1]
    .split(',')
    .map((s) => s.trim().split(/\s+as\s+/).at(-1))
    .filter(Boolean)
    .sort();
}

const declared = exportClause(read('index.d.ts'));

test('index.d.ts declares the client, the handle, the errors and the live view, and not the proxy', () => {
  for (const name of ['SkyvernClient', 'BrowserSessionHandle', 'SkyvernError', 'NotFoundError', 'mountLiveView']) {
    assert.ok(declared.includes(name), `${name} missing from index.d.ts`);
  }
  assert.ok(!declared.includes('createProxyHandler'), 'the proxy belongs to skyvern-wasm/server');
});

// The proxy is re-exported from the glue's types; the webhook API is declared in place.
const serverSource = read('server.d.ts');
const serverDeclared = [
  ...exportClause(serverSource),
  ...[...serverSource.matchAll(/export declare (?:function|class) (\w+)/g)].map((m) => m[1]),
].sort();

test('server.d.ts declares the proxy and the webhook API', () => {
  assert.deepEqual(serverDeclared, ['WebhookVerificationError', 'createProxyHandler', 'createWebhookHandler', 'verifyWebhook']);
});

test('the Node server entry exports exactly what server.d.ts declares, and its errors are the client\'s classes', async () => {
  const server = await import(new URL('server-node.js', pkg));
  assert.deepEqual(Object.keys(server).sort(), serverDeclared);
  const { SkyvernError } = await import(new URL('node.js', pkg));
  assert.throws(() => server.createProxyHandler({}), (e) => e instanceof SkyvernError && /apiKey/.test(e.message));
  assert.ok(new server.WebhookVerificationError("x", { reason: "stale" }) instanceof SkyvernError, 'one SkyvernError for both entries');
});

for (const entry of ['server-web.js', 'server-workerd.js']) {
  test(`${entry} exports exactly what server.d.ts declares`, () => {
    assert.deepEqual(exportClause(read(entry)), serverDeclared);
  });
}

test('the page\'s modules never reach the proxy', () => {
  for (const file of ['web.js', 'skyvern.js', 'errors.js']) {
    assert.ok(!/makeProxyHandler|skyvern_server/.test(read(file)), `${file} refers to the server entry`);
  }
  const page = new WebAssembly.Module(readFileSync(new URL('skyvern_wasm_bg.wasm', pkg)));
  const proxyExports = WebAssembly.Module.exports(page).filter((e) => /prox/i.test(e.name));
  assert.deepEqual(proxyExports, [], "the page's .wasm holds no proxy");
  const server = new WebAssembly.Module(readFileSync(new URL('skyvern_server_bg.wasm', pkg)));
  assert.ok(WebAssembly.Module.exports(server).some((e) => e.name === 'createProxyHandler'));
  const manifest = JSON.parse(read('package.json'));
  assert.equal(manifest.exports['./server'].default.default, './server-web.js');
  assert.equal(manifest.exports['./server'].node.default, './server-node.js');
  assert.equal(manifest.exports['./server'].workerd.default, './server-workerd.js');
});

test('the Node entry exports exactly what index.d.ts declares', async () => {
  const node = await import(new URL('node.js', pkg));
  assert.deepEqual(Object.keys(node).sort(), declared);
});

for (const entry of ['web.js', 'workerd.js']) {
  test(`${entry} exports exactly what index.d.ts declares`, () => {
    assert.deepEqual(exportClause(read(entry)), declared);
  });
}

test('parameter names in the .d.ts files are camelCase, as in @skyvern/client', () => {
  for (const file of ['index.d.ts', 'server.d.ts', 'skyvern_wasm.d.ts', 'skyvern_server.d.ts']) {
    const snake = [...read(file).matchAll(/[(,]\s*([a-z][a-z0-9]*_[a-z0-9_]*)\??\s*:/g)]
      .map((m) => m[1])
      // wasm-bindgen's own loader (`init({ module_or_path })`), not an API method.
      .filter((name) => name !== 'module_or_path');
    assert.deepEqual(snake, [], `${file} has snake_case parameters`);
  }
});
