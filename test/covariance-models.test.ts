// mclust's equal-volume models (EII, EEI, EVI, EVV): their constraint holds after every fit,
// EM over them never lowers the likelihood, their M-step maximises the expected
// log-likelihood over the constrained set, and the rest of the API (JSON, fromParameters,
// marginals, missing values, the map-reduce, selection, the Bayesian refusal) knows them.
// Against mclust itself: test/mclust.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BayesianGaussianMixture, GaussianMixture, GmmError, selectModel, type CovarianceModel, type Matrix } from '../src/index.js';
import { blobs, loadCore, matrix, overlapping, rng, thrown } from './helpers.js';

beforeAll(loadCore);

const MODELS = ['EII', 'EEI', 'EVI', 'EVV'] as const;
const LAYOUT = { EII: 'spherical', EEI: 'diag', EVI: 'diag', EVV: 'full' } as const;

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

/** The constraint, to rounding: EII's variances and EEI's diagonals equal (exactly: one
 *  value is written to every component); EVI's and EVV's volumes |Σₖ|^(1/d) equal. */
function expectConstraint(gm: GaussianMixture): void {
  const K = gm.nComponents, d = gm.nFeatures, c = gm.covariances, m = gm.covarianceType;
  if (m === 'EII' || m === 'EEI') {
    const per = m === 'EII' ? 1 : d;
    for (let k = 1; k < K; k++) expect(Array.from(c.subarray(k * per, (k + 1) * per))).toEqual(Array.from(c.subarray(0, per)));
  } else {
    const v = logDets(gm).map((l) => l / d);
    for (let k = 1; k < K; k++) expect(Math.abs(v[k] - v[0])).toBeLessThan(1e-12 * Math.max(1, Math.abs(v[0])));
  }
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

describe('EM over the equal-volume models never lowers the likelihood (regCovar 0)', () => {
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
      const next = GaussianMixture.fromJSON({ ...gm.toJSON(), options: { ...gm.getParams(), warmStart: true, maxIter: 1 } }).fit(X);
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
function perturb(gm: GaussianMixture, model: (typeof MODELS)[number], u: () => number): Float64Array {
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
  const vol = f();
  for (let k = 0; k < K; k++) {
    // a determinant-one diagonal scaling D: Σ → D Σ D (det D = 1)
    const s = Array.from({ length: d }, f);
    const g = Math.exp(-s.reduce((a, b) => a + Math.log(b), 0) / d);
    const D = s.map((v) => v * g);
    for (let i = 0; i < d; i++) {
      if (model === 'EVI') c[k * d + i] *= D[i] * D[i] * vol;
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
    expect([count('EII'), count('EEI'), count('EVI'), count('EVV')]).toEqual([1 + 11, 3 + 11, 1 + 3 * 2 + 11, 1 + 3 * 5 + 11]);
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
    const ok: Record<(typeof MODELS)[number], number[] | number[][] | number[][][]> = {
      EII: [2, 2], EEI: [[1, 4], [1, 4 * (1 + 1e-12)]], EVI: [[1, 4], [2, 2]], EVV: [[[2, 1], [1, 2.5]], [[1, 0], [0, 4]]],
    };
    for (const model of MODELS) {
      const gm = GaussianMixture.fromParameters({ weights, means, covariances: ok[model] }, { covarianceType: model, warmStart: true });
      expect(gm.covarianceType).toBe(model);
      const Y = gm.sample(400, { seed: 2 }).X;
      gm.fit(Y);
      expectConstraint(gm);
    }
  });

  it('marginal and condition: EII and EEI keep their model, EVI and EVV become diag and full', () => {
    for (const model of MODELS) {
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: model, seed: 1 }).fit(X);
      const keep = model === 'EII' || model === 'EEI';
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
      const c = GaussianMixture.fromJSON({ ...a.toJSON(), options: { ...a.getParams(), warmStart: true, maxIter: 1 } }).fit(X);
      expect(Array.from(b.covariances)).toEqual(Array.from(c.covariances));
      expect(Array.from(b.weights)).toEqual(Array.from(c.weights));
      expectConstraint(b);
    }
  });

  it('selectModel tries the models listed, by any of their names, and ranks them with mclust\'s counts', () => {
    const sel = selectModel(X, { nComponents: [2, 3], covarianceTypes: ['VII', 'EII', 'EVV'], seed: 1 });
    expect(new Set(sel.results.map((r) => r.covarianceType))).toEqual(new Set(['spherical', 'EII', 'EVV']));
    for (const r of sel.results) expect(r.nParameters).toBe(r.model.nParameters());
    const e = thrown(() => selectModel(X, { nComponents: 2, covarianceTypes: ['full', 'VVV'] }));
    expect([e.code, e.message]).toEqual(['INVALID_OPTION', 'covarianceTypes lists \'full\' twice (as "VVV"): list each type once.']);
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
