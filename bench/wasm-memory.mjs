// Keeps the package's wasm instance as its entry creates it, so a bench can read
// the instance's linear memory. Import this before the package.
let instance;
const Instance = WebAssembly.Instance;
WebAssembly.Instance = function (module, imports) {
  instance = new Instance(module, imports);
  return instance;
};
WebAssembly.Instance.prototype = Instance.prototype;

/** The package's `WebAssembly.Memory`; throws when no instance was made yet. */
export function wasmMemory() {
  if (!instance) throw new Error("the package has not instantiated its wasm module");
  return instance.exports.memory;
}
