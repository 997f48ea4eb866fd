// Shared by the tests: loads the core once from the built module (dist/gmm.wasm).
import { readFileSync } from 'node:fs';
import { init } from '../src/index.js';
import type { Matrix } from '../src/index.js';

export const root = new URL('../', import.meta.url);

export async function loadCore(): Promise<void> {
  await init(readFileSync(new URL('dist/gmm.wasm', root)));
}

export function matrix(data: ArrayLike<number>, rows: number, cols: number): Matrix {
  return { data: Float64Array.from(data), rows, cols };
}

/** max |a−b| / max(1, |b|) */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}
