// The job every runtime runs (Node, workerd, Chromium): the same data, options and seeds,
// with every number reported as the hex of its IEEE-754 bits so results compare exactly.
// Plain JavaScript (no Node or DOM APIs) so each runtime can import or bundle it as is.

/** Hex of a double's 64 bits (distinguishes -0, and every NaN payload). */
export function bits(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** Deep copy with every number replaced by bits(number). */
export function toBits(v) {
  if (typeof v === 'number') return bits(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v, toBits);
  if (v !== null && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v)) out[k] = toBits(v[k]);
    return out;
  }
  return v;
}

/**
 * @param lib   the gmm-wasm module namespace, already initialised
 * @param input { datasets: { [name]: number[][] }, cases: [{ dataset, options, sampleN, sampleSeed }] }
 */
/** What a method does before init(): the error code it throws ('NOT_INITIALIZED'), or
 *  'no error'. Each runtime calls this first, in a fresh module context. */
export function probeBeforeInit(lib) {
  try {
    new lib.GaussianMixture().fit([[0], [1]]);
    return 'no error';
  } catch (e) {
    return e?.code ?? String(e);
  }
}

/** Fits X with the options and reports what every runtime must agree on: the model, the
 *  lower-bound trace, the scores and responsibilities. */
function fitReport(GaussianMixture, name, options, X) {
  const gm = new GaussianMixture(options);
  const trace = [];
  gm.fit(X, { onIteration: (it) => trace.push([it.init, it.iter, it.lowerBound, it.change]) });
  return {
    gm,
    report: {
      name,
      model: toBits(gm.toJSON()),
      trace: toBits(trace),
      scoreSamples: toBits(gm.scoreSamples(X)),
      predictProba: toBits(gm.predictProba(X).data),
    },
  };
}

export function runJob(lib, input) {
  const { GaussianMixture } = lib;
  const cases = [];
  for (const c of input.cases) {
    const X = input.datasets[c.dataset];
    const { gm, report } = fitReport(GaussianMixture, c.name, c.options, X);
    const s = gm.sample(c.sampleN, { seed: c.sampleSeed });
    cases.push({
      ...report,
      predict: Array.from(gm.predict(X)),
      bic: bits(gm.bic(X)),
      sample: { X: toBits(s.X.data), labels: Array.from(s.labels) },
      conditional: conditionalJob(gm, X),
    });
  }
  // missing values (null in the job's JSON, NaN here): the incomplete-data fit, marginal
  // scoring and both imputations
  const missing = [];
  for (const c of input.missingCases ?? []) {
    const X = input.datasets[c.dataset].map((r) => r.map((v) => (v === null ? NaN : v)));
    const { gm, report } = fitReport(GaussianMixture, c.name, c.options, X);
    missing.push({
      ...report,
      imputeMean: toBits(gm.impute(X).data),
      imputeSample: toBits(gm.impute(X, { method: 'sample', seed: c.imputeSeed }).data),
    });
  }
  // model selection over a grid (every type, K 1..3) on the first case's data: the criteria
  // (ICL from the core's log of the largest responsibility) and the ranking
  const sel = lib.selectModel(input.datasets[input.cases[0].dataset], { nComponents: [1, 3], criterion: 'icl', seed: 1 });
  const selection = sel.results.map((r) => ({
    nComponents: r.nComponents, covarianceType: r.covarianceType, bic: bits(r.bic), aic: bits(r.aic), icl: bits(r.icl),
    logLikelihood: bits(r.logLikelihood), model: toBits(r.model.toJSON()),
  }));
  // bootstrapParameters of the first case's fit, each type (its draws from the core's PRNG, the
  // wlbs weights' Gamma draws and the jackknife's intervals by the core's log), and an EDDA classifier
  const first = input.datasets[input.cases[0].dataset];
  const fitted = new GaussianMixture({ nComponents: 2, seed: 7 }).fit(first);
  const bootstrap = ['bs', 'wlbs', 'pb', 'jk'].map((type) => {
    const b = lib.bootstrapParameters(fitted, first, type === 'jk' ? { type } : { type, nBoot: 6, seed: 11, alpha: type === 'wlbs' ? 0.5 : 1 });
    return { type, means: toBits(b.means), covariances: toBits(b.covariances), se: toBits(b.standardErrors()), ci: toBits(b.confidenceIntervals(type === 'jk' ? 0.95 : 0.8)) };
  });
  const y = Array.from(fitted.predict(first), (k) => `class ${k}`);
  const edda = new lib.MixtureDiscriminant({ modelType: 'EDDA' }).fit(first, y);
  // the noise component (its E-step's log-sum-exp with the core's exp and log, hypvol's eigenvectors)
  const noisy = new lib.MixtureWithNoise({ nComponents: 2, seed: 3, maxIter: 8 }).fit(first, { noise: first.map((_, i) => i % 9 === 0) });
  const noise = { weights: toBits(noisy.weights), proba: toBits(noisy.predictProba(first).data), hypervolume: bits(noisy.hypervolume) };
  // semi-supervised classes (its M-steps from soft responsibilities, the labelled rows' log τ + log φ)
  const ssc = new lib.SemiSupervisedMixture({ covarianceTypes: ['VVV', 'EEE', 'VII'] }).fit(first, y.map((l, i) => (i % 4 === 0 ? l : null)));
  const semi = { best: ssc.covarianceType, bic: bits(ssc.bic), proba: toBits(ssc.predictProba(first).data) };
  // components combined by entropy (the core's log)
  const combined = lib.combineComponents(new GaussianMixture({ nComponents: 4, seed: 5 }).fit(first).predictProba(first));
  semi.combined = combined.levels.map((l) => ({ merged: l.merged, entropy: bits(l.entropy) }));
  return { cases, missing, selection, bootstrap, noise, semi, edda: { best: edda.selection.results[0].covarianceType, proba: toBits(edda.predictProba(first).data) } };
}

/** marginal, condition and predictConditional of a fitted model (d ≥ 2) on its data X. */
function conditionalJob(gm, X) {
  const d = X[0].length;
  const p = gm.predictConditional(X.map((r) => [r[0]]), [0], { covariance: true });
  return {
    marginal: toBits(gm.marginal([d - 1, 0]).toJSON()),
    condition: toBits(gm.condition([0], [X[0][0]]).toJSON()),
    predictConditional: { mean: toBits(p.mean.data), covariance: toBits(p.covariance) },
  };
}

/** The data in pieces of `size` rows, as a fitStream source yields them. */
function* pieces(X, size) {
  for (let a = 0; a < X.length; a += size) yield X.slice(a, a + size);
}

/**
 * The asynchronous fits of the job's asyncCases: fitAsync (with `options`, e.g. workers)
 * and fitStream over pieces of streamChunk rows. Each must equal the case's fit(), which
 * is reported beside them.
 */
export async function runAsyncJob(lib, input, options) {
  const { GaussianMixture } = lib;
  const cases = [];
  for (const c of input.asyncCases) {
    // a null in the JSON job is a missing entry (NaN)
    const X = input.datasets[c.dataset].map((r) => r.map((v) => (v === null ? NaN : v)));
    const sync = new GaussianMixture(c.options).fit(X);
    const viaAsync = await new GaussianMixture(c.options).fitAsync(X, options);
    const viaStream = await new GaussianMixture(c.options).fitStream(() => pieces(X, c.streamChunk));
    cases.push({ name: c.name, fit: toBits(sync.toJSON()), fitAsync: toBits(viaAsync.toJSON()), fitStream: toBits(viaStream.toJSON()) });
  }
  // the bootstrap likelihood ratio test: its draws on the runtime's workers (a worker task of
  // their own: model/bootstrap-lrt.ts runs inside them), or in-process where there are none
  const L = input.lrt;
  const tests = (r) => r.tests.map((t) => ({ statistic: bits(t.statistic), pValue: bits(t.pValue), bootstrap: Array.from(t.bootstrap, bits) }));
  const lrt = L ? {
    sync: tests(lib.bootstrapLRT(input.datasets[L.dataset], L.options)),
    async: tests(await lib.bootstrapLRTAsync(input.datasets[L.dataset], { ...L.options, ...options })),
  } : null;
  // bootstrapParametersAsync: its replicates on the runtime's workers (the same task message)
  let parameters = null;
  if (L) {
    const Xb = input.datasets[L.dataset];
    const gm = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(Xb);
    const summary = (b) => ({ means: toBits(b.means), covariances: toBits(b.covariances), nonfit: b.nonfit });
    parameters = {
      sync: summary(lib.bootstrapParameters(gm, Xb, { nBoot: 8, seed: 2 })),
      async: summary(await lib.bootstrapParametersAsync(gm, Xb, { nBoot: 8, seed: 2, ...options })),
    };
  }
  return { cases, lrt, parameters };
}
