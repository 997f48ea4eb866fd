// Real datasets for the benchmark's realistic table: the committed files of bench/real-data/
// (made by bench/real-data/make.py), standardised here, with one explicit start.
//
// Standardisation: per feature x ← (x − mean) / sd (population sd; a constant feature is only
// centred), in plain IEEE +, −, ×, ÷ and sqrt, so the float64 bytes are the same on every
// machine. The start, the same for every implementation: weights 1/K, the class means (of the
// standardised data; K = the number of classes) and identity precisions (the data have unit
// variance per feature; exact as precisions and as covariances).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'real-data');

/** Reads bench/real-data/<file>.bin.gz: { header, X (Float64Array, raw integers), labels }. */
export function readReal(file) {
  const buf = gunzipSync(readFileSync(join(DIR, `${file}.bin.gz`)));
  const hlen = buf.readUInt32LE(0);
  const header = JSON.parse(buf.toString('utf8', 4, 4 + hlen));
  const { rows, cols } = header;
  const X = new Float64Array(rows * cols);
  let o = 4 + hlen;
  for (let i = 0; i < rows * cols; i++, o += 2) X[i] = buf.readInt16LE(o);
  const labels = new Uint8Array(buf.subarray(o, o + rows));
  if (labels.length !== rows) throw new Error(`${file}: truncated`);
  return { header, X, labels };
}

/** Standardises X (n×d) in place, per feature. */
export function standardise(X, n, d) {
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += X[r * d + i];
    const mean = s / n;
    let v = 0;
    for (let r = 0; r < n; r++) v += (X[r * d + i] - mean) ** 2;
    const sd = Math.sqrt(v / n);
    const f = sd > 0 ? 1 / sd : 1;
    for (let r = 0; r < n; r++) X[r * d + i] = (X[r * d + i] - mean) * f;
  }
}

/** A workload from spec { name, file, type }: the shape bench/data.js's generate returns. */
export function generateReal(spec) {
  const { header, X, labels } = readReal(spec.file);
  const n = header.rows, d = header.cols, K = header.K, type = spec.type;
  standardise(X, n, d);
  const means = new Float64Array(K * d), count = new Float64Array(K);
  for (let r = 0; r < n; r++) {
    const k = labels[r];
    count[k]++;
    for (let i = 0; i < d; i++) means[k * d + i] += X[r * d + i];
  }
  for (let k = 0; k < K; k++) for (let i = 0; i < d; i++) means[k * d + i] /= count[k];
  const weights = new Float64Array(K).fill(1 / K);
  const P = new Float64Array({ full: K * d * d, tied: d * d, diag: K * d, spherical: K }[type]);
  if (type === 'spherical') P.fill(1);
  else if (type === 'diag') P.fill(1);
  else for (let k = 0; k < (type === 'full' ? K : 1); k++) for (let i = 0; i < d; i++) P[k * d * d + i * d + i] = 1;
  return { spec, n, d, K, type, X, labels, start: { weights, means, precisions: P }, source: header.source };
}
