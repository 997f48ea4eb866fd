// gmm.wasm with a custom section added: still the same module to every engine, but one a
// test can recognise (WebAssembly.Module.customSections), to tell that init(source)
// compiled the source it was given and not the package's own file.
export const MARK = 'gmm-wasm-test-source';

const leb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};

/** The module's bytes (Uint8Array) with the MARK custom section first, after the 8-byte
 *  header (at the end, V8's streaming compilation sometimes dropped it). */
export function marked(bytes) {
  const name = new TextEncoder().encode(MARK);
  const body = [...leb(name.length), ...name, 1];
  const section = [0, ...leb(body.length), ...body];
  const out = new Uint8Array(bytes.length + section.length);
  out.set(bytes.subarray(0, 8), 0);
  out.set(section, 8);
  out.set(bytes.subarray(8), 8 + section.length);
  return out;
}

/** Wraps WebAssembly.instantiate and WebAssembly.compile to record what init() used: the
 *  Module it instantiated last and the byte length it compiled last. The variants of the
 *  Node and Chromium runtime tests call it once, before init(). */
export function watchWasm() {
  const seen = { instantiated: null, compiledLength: null };
  const instantiate = WebAssembly.instantiate, compile = WebAssembly.compile;
  WebAssembly.instantiate = function (m, ...rest) {
    if (m instanceof WebAssembly.Module) seen.instantiated = m;
    return instantiate.call(this, m, ...rest);
  };
  WebAssembly.compile = function (b, ...rest) {
    seen.compiledLength = b.byteLength;
    return compile.call(this, b, ...rest);
  };
  return seen;
}
