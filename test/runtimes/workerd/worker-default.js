// init() with no argument: the package's `workerd` entry imports gmm.wasm as a module.
import * as lib from 'gmm-wasm';
import { makeWorker } from './common.js';

export default makeWorker(lib, () => lib.init(), 'default');
