// `twiggy top` of the package's `.wasm`: a table of the largest items of the release
// module rebuilt with names kept, and the plain `twiggy top -n 15` of each shipped file.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, TARGET, WASM_OPT_FEATURES, table } from "./lib.mjs";

/** Whether twiggy is on PATH (`cargo xtask setup` installs it). */
export function haveTwiggy() {
  try {
    execFileSync("twiggy", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `twiggy top -n 15 <file>` as twiggy prints it. */
export function twiggyTopText(file, n = 15) {
  return execFileSync("twiggy", ["top", "-n", String(n), file], { encoding: "utf8" }).trimEnd();
}

const top = (file, n = 40) =>
  JSON.parse(execFileSync("twiggy", ["top", "-n", String(n), "-f", "json", file], { encoding: "utf8", maxBuffer: 64 << 20 }))
    .map((i) => ({ name: i.name, bytes: i.shallow_size, share: i.shallow_size_percent }))
    .filter((i) => i.name && !i.name.startsWith("Σ"));
const isMeta = (i) => /^custom section|subsection$/.test(i.name);

/**
 * The shipped module has no names. Rebuild the same release module with names kept
 * (wasm-bindgen, then wasm-opt -Oz -g) and use it if its code is the shipped size
 * (within 3 %), i.e. it is the same build. Returns { items, note }.
 */
function namedItems(shippedWasm, n = 60) {
  let note = "the shipped .wasm (it has no function names)";
  const release = join(TARGET, "wasm32-unknown-unknown", "release", "skyvern_wasm.wasm");
  const wasmOpt = join(ROOT, "node_modules", ".bin", "wasm-opt");
  if (!existsSync(release) || !existsSync(wasmOpt)) return { items: top(shippedWasm), note };
  const tmp = mkdtempSync(join(tmpdir(), "skyvern-wasm-twiggy-"));
  try {
    execFileSync("wasm-bindgen", ["--target", "web", "--out-dir", tmp, "--out-name", "skyvern_wasm", release], { stdio: "ignore" });
    const named = join(tmp, "named.wasm");
    execFileSync(wasmOpt, ["-Oz", "-g", ...WASM_OPT_FEATURES, join(tmp, "skyvern_wasm_bg.wasm"), "-o", named], { stdio: "ignore" });
    const items = top(named, n);
    const meta = items.filter(isMeta).reduce((n, i) => n + i.bytes, 0);
    const codeSize = statSync(named).size - meta;
    const shippedSize = statSync(shippedWasm).size;
    if (Math.abs(codeSize - shippedSize) <= shippedSize * 0.03) {
      return {
        items: items.filter((i) => !isMeta(i)),
        note: "the release module rebuilt with names kept (wasm-bindgen, wasm-opt -Oz -g; the shipped file strips them, custom sections left out)",
      };
    }
    note += `; ${release} is a different build (${codeSize} B vs ${shippedSize} B), so no names`;
  } catch (e) {
    note += `; naming it failed: ${String(e.message).split("\n")[0]}`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { items: top(shippedWasm), note };
}

/** The crate an item's name starts with (`gloo_net::…` → gloo_net), or what kind of item it is. */
function crateOf(name) {
  const path = name.replace(/^<+/, "").replace(/^&(mut )?/, "");
  const m = /^([a-z_][a-z0-9_]*)(\[[0-9a-f]+\])?::/.exec(path);
  if (m) return ["core", "alloc", "std"].includes(m[1]) ? "core, alloc, std" : m[1];
  if (/^data segment/.test(name)) return "data (strings, tables)";
  if (/shim|^__wbg|^__wbindgen|externref|multivalue/.test(name)) return "wasm-bindgen exports and imports";
  return "other (unnamed code, tables)";
}

/**
 * Markdown: what each crate's code weighs in the page's `.wasm` (its items' shallow
 * bytes in the release module rebuilt with names kept), largest first.
 */
export function crateTable(shippedWasm) {
  if (!haveTwiggy()) return "";
  const { items, note } = namedItems(shippedWasm, 100000);
  if (!note.startsWith("the release module")) return "";
  const byCrate = new Map();
  for (const i of items) byCrate.set(crateOf(i.name), (byCrate.get(crateOf(i.name)) ?? 0) + i.bytes);
  const total = [...byCrate.values()].reduce((a, b) => a + b, 0);
  const rows = [...byCrate].sort((a, b) => b[1] - a[1]).map(([c, b]) => [c, b.toLocaleString("en"), `${((100 * b) / total).toFixed(1)} %`]);
  return `What each crate's code weighs in the page's \`.wasm\` (raw bytes of its items in ${note}):\n\n${table(["crate", "bytes", "share"], rows)}`;
}

/** Markdown: the 15 largest items of the shipped `.wasm`, with names where they can be had. */
export function namedTopTable(shippedWasm) {
  if (!haveTwiggy()) return "`twiggy` is not on PATH, so the largest items are not listed (`cargo xtask setup` installs it).";
  const { items, note } = namedItems(shippedWasm);
  const rows = items.slice(0, 15).map((i) => [i.name.length > 90 ? `${i.name.slice(0, 87)}…` : i.name, i.bytes.toLocaleString("en"), `${i.share.toFixed(2)} %`]);
  return `\`twiggy top\`, the 15 largest items of ${note}:\n\n${table(["item", "shallow bytes", "share of that file"], rows)}`;
}
