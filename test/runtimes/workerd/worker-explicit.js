// init(module) with a compiled module the Worker imports itself, as a Worker that manages
// its own modules would do. `gmm-wasm/gmm.wasm` must resolve in the bundle; the module
// passed is a marked copy of it (test/runtimes/mark.js, written by the test), so the
// response can tell that init() used it and not the package's own import.
import * as lib from 'gmm-wasm';
import packaged from 'gmm-wasm/gmm.wasm';
import wasm from '../.out/gmm-marked.wasm';
import { makeWorker } from './common.js';

export default makeWorker(lib, () => lib.init(wasm), 'explicit-module', { packaged, given: wasm });
