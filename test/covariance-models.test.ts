// mclust's constrained models (EII, EEI, EVI, VEI, EVV, VEE, EEV, VEV, EVE, VVE): their constraint holds after every fit,
// EM over them never lowers the likelihood, their M-step maximises the expected
// log-likelihood over the constrained set, and the rest of the API (JSON, fromParameters,
// marginals, missing values, the map-reduce, selection, the Bayesian refusal) knows them.
// Against mclust itself: test/mclust.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BayesianGaussianMixture, COVARIANCE_MODELS, GaussianMixture, GmmError, selectModel, type CovarianceModel, type Matrix } from '../src/index.js';
import { blobs, loadCore, matrix, oneMoreIteration, overlapping, rng, thrown } from './helpers.js';
import { componentsOf } from '../src/demo/svg.js';

beforeAll(loadCore);

const MODELS = ['EII', 'EEI', 'EVI', 'VEI', 'EVV', 'VEE', 'EEV', 'VEV', 'EVE', 'VVE'] as const;
type Model = (typeof MODELS)[number];
const LAYOUT = { EII: 'spherical', EEI: 'diag', EVI: 'diag', VEI: 'diag', EVV: 'full', VEE: 'full', EEV: 'full', VEV: 'full', EVE: 'full', VVE: 'full' } as const;

/** log|Σₖ| per component from a model's covariances (its layout's), in plain arithmetic. */
function logDets(gm: GaussianMixture): number[] {
  const K = gm.nComponents, d = gm.nFeatures, c = gm.covariances;
  return Array.from({ length: K }, (_, k) => {
    if (gm.options.covarianceType === 'spherical') return d * Math.log(c[k]);
    if (gm.options.covarianceType === 'diag') return Array.from(c.subarray(k * d, k * d + d)).reduce((s, v) => s + Math.log(v), 0);
    // full: the Cholesky diagonal of Σₖ
    const a = Array.from(c.subarray(k * d * d, (k + 1) * d * d));
    let s = 0;
    for (let j = 0; j < d; j++) {
      let v = a[j * d + j];
      for (let m = 0; m < j; m++) v -= a[j * d + m] ** 2;
      const l = Math.sqrt(v);
      s += 2 * Math.log(l);
      for (let i = j + 1; i < d; i++) {
        let t = a[i * d + j];
        for (let m = 0; m < j; m++) t -= a[i * d + m] * a[j * d + m];
        a[i * d + j] = t / l;
      }
    }
    return s;
  });
}

/** tr(Mᵐ), m = 1 … d, of a d×d matrix: equal for all m exactly when the eigenvalues are. */
function powerSums(M: number[], d: number): number[] {
  const out: number[] = [];
  let P = M.slice();
  for (let m = 1; m <= d; m++) {
    out.push(Array.from({ length: d }, (_, i) => P[i * d + i]).reduce((a, b) => a + b, 0));
    P = Array.from({ length: d * d }, (_, j) => Array.from({ length: d }, (_, t) => P[Math.floor(j / d) * d + t] * M[t * d + (j % d)]).reduce((a, b) => a + b, 0));
  }
  return out;
}

/** The constraint, to rounding: EII's variances and EEI's diagonals equal (exactly: one
 *  value is written to every component); volumes |Σₖ|^(1/d) equal for E?? models; VEI's
 *  diagonals and VEE's covariances equal at volume 1; EEV's eigenvalues equal (their
 *  power sums), VEV's at volume 1. */
function expectConstraint(gm: GaussianMixture): void {
  const K = gm.nComponents, d = gm.nFeatures, c = gm.covariances, m = gm.covarianceType as Model;
  if (m === 'EII' || m === 'EEI') {
    const per = m === 'EII' ? 1 : d;
    for (let k = 1; k < K; k++) expect(Array.from(c.subarray(k * per, (k + 1) * per))).toEqual(Array.from(c.subarray(0, per)));
    return;
  }
  const v = logDets(gm).map((l) => l / d);
  if (m[0] === 'E') for (let k = 1; k < K; k++) expect(Math.abs(v[k] - v[0])).toBeLessThan(1e-12 * Math.max(1, Math.abs(v[0])));
  if (m === 'EVI' || m === 'EVV') return;
  if (m === 'EVE' || m === 'VVE') {
    // one orientation: every pair of covariances commutes
    for (let k = 1; k < K; k++) {
      const A = Array.from(c.subarray(0, d * d)), B = Array.from(c.subarray(k * d * d, (k + 1) * d * d));
      const size = Math.max(...A.map(Math.abs)) * Math.max(...B.map(Math.abs));
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let a = 0; a < d; a++) s += A[i * d + a] * B[a * d + j] - B[i * d + a] * A[a * d + j];
          expect(Math.abs(s) / size).toBeLessThan(1e-11);
        }
      }
    }
    return;
  }
  const per = LAYOUT[m] === 'full' ? d * d : d;
  const unit = (k: number) => Array.from(c.subarray(k * per, (k + 1) * per), (x) => x / Math.exp(v[k]));
  const sig = (k: number) => (m === 'EEV' || m === 'VEV' ? powerSums(unit(k), d) : unit(k));
  const first = sig(0), size = Math.max(...first.map(Math.abs));
  for (let k = 1; k < K; k++) expect(Math.max(...sig(k).map((x, i) => Math.abs(x - first[i]))) / size).toBeLessThan(1e-11);
}

describe('the constraint holds after every fit, and the layout is its type\'s', () => {
  const X = overlapping(3, 600, 3, 3);
  for (const model of MODELS) {
    it(`${model}: every initialisation, with and without regCovar`, () => {
      for (const initParams of ['kmeans', 'k-means++', 'random', 'random_from_data'] as const) {
        for (const regCovar of [1e-6, 0.5]) {
          const gm = new GaussianMixture({ nComponents: 3, covarianceType: model, initParams, regCovar, seed: 4 }).fit(X);
          expect(gm.covarianceType).toBe(model);
          expect(gm.options.covarianceType).toBe(LAYOUT[model]);
          expect(gm.covariances.length).toBe(new GaussianMixture({ nComponents: 3, covarianceType: LAYOUT[model] }).fit(X).covariances.length);
          expectConstraint(gm);
        }
      }
    });
  }

  it('models with more freedom fit at least as well from the same start (nested: EII ⊂ EEI ⊂ EVI ⊂ diag; EII ⊂ spherical; EVV ⊂ full)', () => {
    // EM from the same start to convergence: a nested model cannot beat its superset by much
    // (EM finds local optima, so a margin), and the constrained ones cost likelihood here
    const { X } = blobs(5, [[0, 0], [6, 1], [2, 7]], 200, [0.5, 1.5, 3]);
    const ll = (t: CovarianceModel) => new GaussianMixture({ nComponents: 3, covarianceType: t, seed: 1, tol: 1e-10, maxIter: 500 }).fit(X).score(X);
    const [eii, eei, evi, diag, sph, evv, full] = (['EII', 'EEI', 'EVI', 'diag', 'spherical', 'EVV', 'full'] as const).map(ll);
    expect(eii).toBeLessThan(eei + 1e-9);
    expect(eei).toBeLessThan(evi + 1e-9);
    expect(evi).toBeLessThan(diag + 1e-9);
    expect(eii).toBeLessThan(sph - 0.05); // the spreads differ sixfold: one variance costs
    expect(evv).toBeLessThan(full - 0.01);
  });
});

describe('EM over the constrained models never lowers the likelihood (regCovar 0)', () => {
  it('property: each iteration\'s lower bound is at least the last one\'s, for all four models', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(...MODELS), fc.integer({ min: 2, max: 4 }),
      fc.integer({ min: 1, max: 4 }), (seed, model, K, d) => {
        const X = overlapping(seed, 120 + 10 * K, d, K);
        const bounds: number[] = [];
        new GaussianMixture({ nComponents: K, covarianceType: model, regCovar: 0, tol: 0, maxIter: 25, seed })
          .fit(X, { onIteration: (i) => bounds.push(i.lowerBound) });
        for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThanOrEqual(bounds[i - 1] - 1e-12 * Math.abs(bounds[i - 1]));
      }), { numRuns: 60, seed: 7 });
  });

  it('the M-step maximises the expected log-likelihood over the constrained set: no volume-preserving perturbation does better', () => {
    // Q(Σ) = Σₖ Σᵢ rᵢₖ log N(xᵢ | μₖ, Σₖ): after a fit's last M-step, the constrained Σ beats
    // every other member of the set we try (scaled shapes, moved volumes between components)
    const X = overlapping(9, 400, 3, 3);
    for (const model of MODELS) {
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: model, regCovar: 0, tol: 0, maxIter: 40, seed: 2 }).fit(X);
      // one more M-step's parameters are the maximiser for the responsibilities of the current ones
      const next = oneMoreIteration(gm, X);
      const R = gm.predictProba(X);
      const q = (cov: Float64Array) => {
        const m = GaussianMixture.fromParameters({ weights: next.weights, means: next.means, covariances: cov }, { covarianceType: LAYOUT[model] });
        // Σₖ rᵢₖ log N(xᵢ | k) = Σₖ rᵢₖ (log wₖN − log wₖ): the weights' part is the same for every Σ
        const lp = logJoint(m, X);
        let s = 0;
        for (let i = 0; i < X.rows; i++) for (let k = 0; k < 3; k++) s += R.data[i * 3 + k] * lp[i * 3 + k];
        return s;
      };
      const best = q(next.covariances);
      const u = rng(11);
      for (let trial = 0; trial < 20; trial++) {
        const c = perturb(next, model, u);
        expect(q(c)).toBeLessThan(best + 1e-9 * Math.abs(best));
      }
    }
  });
});

/** log(wₖ N(xᵢ | k)) for every row and component (rows × K), from a fitted model: the log-density
 *  plus the log-responsibility. */
function logJoint(m: GaussianMixture, X: Matrix): Float64Array {
  const lse = m.scoreSamples(X), R = m.predictProba(X), K = m.nComponents;
  return Float64Array.from({ length: X.rows * K }, (_, j) => lse[Math.floor(j / K)] + Math.log(R.data[j]));
}

/** Covariances of the model's constrained set near gm's: EII one variance scaled; EEI one
 *  diagonal rescaled per feature; EVI/EVV shapes changed at fixed determinant, and the common
 *  volume scaled. */
function perturb(gm: GaussianMixture, model: Model, u: () => number): Float64Array {
  const c = gm.covariances.slice(), K = gm.nComponents, d = gm.nFeatures;
  const f = () => Math.exp(0.2 * (u() - 0.5));
  if (model === 'EII') {
    const s = f();
    return c.map((v) => v * s);
  }
  if (model === 'EEI') {
    const s = Array.from({ length: d }, f);
    return c.map((v, i) => v * s[i % d]);
  }
  // a determinant-one diagonal scaling D (Σ → DΣD) per component or shared; the volume
  // scaled in common (E??) or per component (V??); EEV/VEV: a rotation per component
  const unitDiag = () => {
    const s = Array.from({ length: d }, f);
    const g = Math.exp(-s.reduce((a, b) => a + Math.log(b), 0) / d);
    return s.map((v) => v * g);
  };
  const shared = unitDiag(), common = f(), turn = 0.3 * (u() - 0.5);
  for (let k = 0; k < K; k++) {
    const vol = model[0] === 'E' ? common : f();
    if (model === 'EEV' || model === 'VEV' || model === 'EVE' || model === 'VVE') {
      // Σ → R Σ Rᵀ, R a rotation in the plane of features 0 and 1: its own per component
      // (EEV, VEV), one for all (EVE, VVE: the orientation stays common)
      const t = model === 'EVE' || model === 'VVE' ? turn : 0.3 * (u() - 0.5), co = Math.cos(t), si = Math.sin(t);
      const R: number[] = Array.from({ length: d * d }, (_, j) => (Math.floor(j / d) === j % d ? 1 : 0));
      R[0] = co; R[1] = -si; R[d] = si; R[d + 1] = co;
      const S = Array.from(c.subarray(k * d * d, (k + 1) * d * d));
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += R[i * d + a] * S[a * d + b] * R[j * d + b];
          c[k * d * d + i * d + j] = s * vol;
        }
      }
      continue;
    }
    const D = model === 'EVI' || model === 'EVV' ? unitDiag() : shared;
    for (let i = 0; i < d; i++) {
      if (LAYOUT[model] === 'diag') c[k * d + i] *= D[i] * D[i] * vol;
      else for (let j = 0; j < d; j++) c[k * d * d + i * d + j] *= D[i] * D[j] * vol;
    }
  }
  return c;
}

describe('the rest of the API', () => {
  const X = overlapping(21, 500, 3, 3);

  it('nParameters counts as mclust (nVarParams + K·d means + K − 1 weights)', () => {
    const count = (t: CovarianceModel) => new GaussianMixture({ nComponents: 3, covarianceType: t }).fit(X).nParameters();
    // K = 3, d = 3: means 9, weights 2
    expect(MODELS.map(count)).toEqual([1, 3, 1 + 3 * 2, 3 + 2, 1 + 3 * 5, 3 + 5, 1 + 2 + 3 * 3, 3 + 2 + 3 * 3, 1 + 3 * 2 + 3, 3 * 3 + 3].map((v) => v + 11));
  });

  it('mclust\'s names for scikit-learn\'s four are read back as those (the same fit, bit for bit)', () => {
    for (const [mc, sk] of [['VVV', 'full'], ['EEE', 'tied'], ['VVI', 'diag'], ['VII', 'spherical']] as const) {
      const a = new GaussianMixture({ nComponents: 2, covarianceType: mc, seed: 3 }).fit(X);
      expect(a.covarianceType).toBe(sk);
      expect(a.getParams().covarianceType).toBe(sk);
      expect(JSON.stringify(a)).toBe(JSON.stringify(new GaussianMixture({ nComponents: 2, covarianceType: sk, seed: 3 }).fit(X)));
    }
  });

  it('toJSON / fromJSON keep the model and its bits; a file whose covariances break the constraint is refused', () => {
    for (const model of MODELS) {
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: model, seed: 1 }).fit(X);
      const j = JSON.parse(JSON.stringify(gm));
      expect(j.options.covarianceType).toBe(model);
      const back = GaussianMixture.fromJSON(j);
      expect(back.covarianceType).toBe(model);
      expect(Array.from(back.scoreSamples(X))).toEqual(Array.from(gm.scoreSamples(X)));
      // a refit from the file's options: the same fit
      expect(JSON.stringify(new GaussianMixture(back.getParams()).fit(X))).toBe(JSON.stringify(gm));
      const edited = { ...j, covariances: j.covariances.map((v: number, i: number) => (i === j.covariances.length - 1 ? v * 2 : v)) };
      const e = thrown(() => GaussianMixture.fromJSON(edited));
      expect([e.code, e.message]).toEqual(['INVALID_JSON', expect.stringMatching(new RegExp(`${model} \\(mclust\\).*: the file was edited or corrupted\\.$`))]);
    }
  });

  it('fromParameters: a model satisfying the constraint scores as given and warm-starts; within 1e-9 passes', () => {
    const weights = [0.5, 0.5], means = [[0, 0], [3, 1]];
    const ok: Record<Model, number[] | number[][] | number[][][]> = {
      EII: [2, 2], EEI: [[1, 4], [1, 4 * (1 + 1e-12)]], EVI: [[1, 4], [2, 2]], VEI: [[1, 4], [3, 12]],
      EVV: [[[2, 1], [1, 2.5]], [[1, 0], [0, 4]]], VEE: [[[2, 1], [1, 2.5]], [[4, 2], [2, 5]]],
      // eigenvalues 1 and 4 (EEV), 1, 4 and 2, 8 (VEV), in other orientations
      EEV: [[[1, 0], [0, 4]], [[2.5, 1.5], [1.5, 2.5]]], VEV: [[[1, 0], [0, 4]], [[5, 3], [3, 5]]],
      // eigenvectors (1, 1) and (1, −1) for both: eigenvalues 3, 1 and 1, 3 (EVE), 8, 2 (VVE)
      EVE: [[[2, 1], [1, 2]], [[2, -1], [-1, 2]]], VVE: [[[2, 1], [1, 2]], [[5, 3], [3, 5]]],
    };
    for (const model of MODELS) {
      const gm = GaussianMixture.fromParameters({ weights, means, covariances: ok[model] }, { covarianceType: model, warmStart: true });
      expect(gm.covarianceType).toBe(model);
      const Y = gm.sample(400, { seed: 2 }).X;
      gm.fit(Y);
      expectConstraint(gm);
    }
  });

  it('marginal and condition: EII, EEI, VEI and VEE keep their model; EVI, EVV, EEV, VEV, EVE and VVE become diag or full', () => {
    for (const model of MODELS) {
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: model, seed: 1 }).fit(X);
      const keep = model === 'EII' || model === 'EEI' || model === 'VEI' || model === 'VEE';
      expect(gm.marginal([0, 2]).covarianceType).toBe(keep ? model : LAYOUT[model]);
      expect(gm.condition([1], [0.5]).covarianceType).toBe(keep ? model : LAYOUT[model]);
      if (keep) {
        expectConstraint(gm.marginal([0, 2]));
        expectConstraint(gm.condition([1], [0.5]));
      }
    }
  });

  it('missing values: an incomplete-data fit keeps the constraint', () => {
    const Y = { ...X, data: X.data.map((v, i) => (i % 7 === 3 ? NaN : v)) };
    for (const model of MODELS) {
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: model, missingValues: 'marginalize', seed: 1 }).fit(Y);
      expectConstraint(gm);
      expect(Number.isFinite(gm.lowerBound)).toBe(true);
    }
  });

  it('the map-reduce: computeStatistics → mergeStatistics → applyStatistics is fit()\'s M-step, to the bit', () => {
    for (const model of MODELS) {
      const a = new GaussianMixture({ nComponents: 3, covarianceType: model, seed: 1, maxIter: 3, tol: 0 }).fit(X);
      const b = GaussianMixture.fromJSON(a.toJSON());
      // one piece: 500 rows are less than a chunk
      b.applyStatistics(GaussianMixture.mergeStatistics([b.computeStatistics(matrix(X.data, X.rows, X.cols))]));
      const c = oneMoreIteration(a, X);
      expect(Array.from(b.covariances)).toEqual(Array.from(c.covariances));
      expect(Array.from(b.weights)).toEqual(Array.from(c.weights));
      expectConstraint(b);
    }
  });

  it('selectModel tries the models listed, by any of their names, and ranks them with mclust\'s counts', () => {
    const sel = selectModel(X, { nComponents: [2, 3], covarianceTypes: ['VII', 'EII', 'EVV'], seed: 1 });
    expect(new Set(sel.results.map((r) => r.covarianceType))).toEqual(new Set(['spherical', 'EII', 'EVV']));
    for (const r of sel.results) expect(r.nParameters).toBe(r.model.nParameters());
    // COVARIANCE_MODELS: every model, as Mclust tries all of its own
    expect(COVARIANCE_MODELS).toEqual(['full', 'tied', 'diag', 'spherical', ...MODELS]);
    const all = selectModel(X, { nComponents: 2, covarianceTypes: COVARIANCE_MODELS, seed: 1 });
    expect(all.results.map((r) => r.covarianceType).sort()).toEqual([...COVARIANCE_MODELS].sort());
    const e = thrown(() => selectModel(X, { nComponents: 2, covarianceTypes: ['full', 'VVV'] }));
    expect([e.code, e.message]).toEqual(['INVALID_OPTION', 'covarianceTypes lists \'full\' twice (as "VVV"): list each type once.']);
  });

  it('the demo draws each model from its layout (its JSON names the model, not the layout)', () => {
    for (const model of MODELS) {
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: model, seed: 1 }).fit(X);
      const c = gm.covariances, d = 3;
      const want = (k: number): number[] => (LAYOUT[model] === 'full' ? [c[k * 9], c[k * 9 + 2], c[k * 9 + 8]]
        : LAYOUT[model] === 'diag' ? [c[k * d], 0, c[k * d + 2]] : [c[k], 0, c[k]]);
      expect(componentsOf(gm.toJSON(), [0, 2]).map((p) => p.cov)).toEqual([0, 1, 2].map(want));
    }
  });

  it('BayesianGaussianMixture refuses them with the layout type to use; mclust\'s VVV is its full', () => {
    for (const model of MODELS) {
      const e = thrown(() => new BayesianGaussianMixture({ nComponents: 2, covarianceType: model }));
      expect(e).toBeInstanceOf(GmmError);
      expect([e.code, e.message]).toEqual(['INVALID_OPTION', expect.stringContaining(`('${LAYOUT[model]}' has the same layout)`)]);
    }
    expect(new BayesianGaussianMixture({ nComponents: 2, covarianceType: 'VVV' }).covarianceType).toBe('full');
  });
});
