// init(module) with the compiled module imported from `gmm-wasm/gmm.wasm`, as a Worker
// that manages its own modules would do.
import * as lib from 'gmm-wasm';
import wasm from 'gmm-wasm/gmm.wasm';
import { makeWorker } from './common.js';

export default makeWorker(lib, () => lib.init(wasm), 'explicit-module');
