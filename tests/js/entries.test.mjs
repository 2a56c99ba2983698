// The three runtime entries of the built package export the same API, and it is
// the one pkg/index.d.ts declares (each entry lists its exports by hand: a list
// shared through one module gets renamed and split by the bundler).
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

test('index.d.ts declares the client, the handle, the errors, the proxy and the live view', () => {
  for (const name of ['SkyvernClient', 'BrowserSessionHandle', 'SkyvernError', 'NotFoundError', 'createProxyHandler', 'mountLiveView']) {
    assert.ok(declared.includes(name), `${name} missing from index.d.ts`);
  }
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
