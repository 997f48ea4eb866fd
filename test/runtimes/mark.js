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

/** Wraps WebAssembly.instantiate, compile and compileStreaming to record what init() used:
 *  the Module it instantiated last (and every one: in Node, fetch's own parser, a
 *  WebAssembly module too, may be compiled and instantiated at any time around init()),
 *  the byte length it compiled last (and every one), and the Module it compiled from a
 *  Response last. The variants of the Node and Chromium runtime tests call it once, before
 *  init(). */
export function watchWasm() {
  const seen = { instantiated: null, compiledLength: null, streamed: null, instances: new Set(), lengths: new Set() };
  const compileStreaming = WebAssembly.compileStreaming;
  if (compileStreaming) {
    WebAssembly.compileStreaming = function (s, ...rest) {
      const p = compileStreaming.call(this, s, ...rest);
      p.then((m) => { seen.streamed = m; }, () => {});
      return p;
    };
  }
  const instantiate = WebAssembly.instantiate, compile = WebAssembly.compile;
  WebAssembly.instantiate = function (m, ...rest) {
    if (m instanceof WebAssembly.Module) {
      seen.instantiated = m;
      seen.instances.add(m);
    }
    return instantiate.call(this, m, ...rest);
  };
  WebAssembly.compile = function (b, ...rest) {
    seen.compiledLength = b.byteLength;
    seen.lengths.add(b.byteLength);
    return compile.call(this, b, ...rest);
  };
  return seen;
}

/** Whether some Module instantiated carries the MARK (every source the tests give does;
 *  the package's own gmm.wasm does not). */
export function instantiatedMarked(seen) {
  return [...seen.instances].some((m) => WebAssembly.Module.customSections(m, MARK).length === 1);
}

/** Whether init() used a Response it was given: its body read, a marked Module instantiated,
 *  and that one compiled from a stream or from bytes of the source's length. Reading the
 *  body and then loading the package's own file, streamed or not, fails this. */
export function usedResponse(response, seen, sourceLength) {
  return response.bodyUsed && instantiatedMarked(seen)
    && (seen.instances.has(seen.streamed) || seen.lengths.has(sourceLength));
}
