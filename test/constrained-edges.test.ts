// Edges of mclust's constrained models that the fixtures leave open: the M-step's inner
// iterations (VEI, VEE, VEV) converge relative to the data's scale and all the way to the
// stationary point of the expected log-likelihood, not merely close to it.
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture, type Matrix } from '../src/index.js';
import { errorCode, thrown, inverse, loadCore, matrix, oneMoreIteration, overlapping, weightedCovariances } from './helpers.js';

beforeAll(loadCore);

const ITERATED = ['VEI', 'VEE', 'VEV'] as const;
const FULL = { VEI: false, VEE: true, VEV: true } as const;

function scaled(X: Matrix, s: number): Matrix {
  return matrix(Array.from(X.data, (v) => v * s), X.rows, X.cols);
}

describe('the inner iterations of VEI, VEE and VEV', () => {
  // exact powers of two: every product and quotient scales exactly, so a fit of sX is the
  // fit of X with means ·s and covariances ·s² to rounding of the log-densities' constant
  for (const model of ITERATED) {
    for (const s of [2 ** -24, 2 ** 24]) {
      it(`${model}: a fit is scale-equivariant (s = 2^${Math.log2(s)}): the stopping rule is relative`, () => {
        const X = overlapping(5, 300, 3, 3);
        const fit = (Y: Matrix) => new GaussianMixture({ nComponents: 3, covarianceType: model, regCovar: 0, tol: 1e-10, maxIter: 60, seed: 3 }).fit(Y);
        const a = fit(X), b = fit(scaled(X, s));
        const c0 = a.covariances, c1 = b.covariances;
        expect(b.nIter).toBe(a.nIter);
        for (let i = 0; i < c0.length; i++) expect(Math.abs(c1[i] / (s * s) - c0[i])).toBeLessThan(1e-8 * Math.max(...Array.from(c0, Math.abs)));
      });
    }
  }

  for (const model of ITERATED) {
    it(`${model}: one M-step lands on the stationary point: tr(Sₖ Σₖ⁻¹) = d for every k, and the common part ∝ Σ nₖSₖ/λₖ`, () => {
      // strongly different spreads and shapes make the alternating maximisation slow
      const d = 3, K = 3;
      const X = overlapping(21, 500, d, K);
      for (let i = 0; i < X.rows; i++) {
        X.data[i * d] *= 30;
        if (i % 3 === 0) for (let j = 0; j < d; j++) X.data[i * d + j] *= 8;
      }
      const gm = new GaussianMixture({ nComponents: K, covarianceType: model, regCovar: 0, tol: 0, maxIter: 3, seed: 1 }).fit(X);
      const next = oneMoreIteration(gm, X);
      const cov = next.covariances;
      const per = FULL[model] ? d * d : d;
      const { n, S } = weightedCovariances(X, gm.predictProba(X).data, K, next.means.data);
      const lambda: number[] = [], common: number[][] = [];
      for (let k = 0; k < K; k++) {
        const sigma = FULL[model] ? Array.from(cov.subarray(k * d * d, (k + 1) * d * d))
          : Array.from({ length: d * d }, (_, j) => (j % (d + 1) === 0 ? cov[k * d + j / (d + 1)] : 0));
        const inv = inverse(sigma, d);
        let t = 0;
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) t += S[k][a * d + b] * inv[b * d + a];
        expect(Math.abs(t - d)).toBeLessThan(1e-11 * d);
        // λₖ = |Σₖ|^(1/d) from the inverse's determinant via the trace-free route: the ratio to component 0
        const det = (m: number[]) => m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
        lambda.push(det(sigma) ** (1 / d));
        common.push(sigma.map((v) => v / lambda[k]));
        if (model === 'VEV') {
          // Dₖ: Sₖ's own eigenvectors, so Σₖ commutes with Sₖ (to rounding, not to Jacobi's stopping rule)
          let worst = 0, size = 0;
          for (let a = 0; a < d; a++) {
            for (let b = 0; b < d; b++) {
              let c = 0;
              for (let m = 0; m < d; m++) c += S[k][a * d + m] * sigma[m * d + b] - sigma[a * d + m] * S[k][m * d + b];
              worst = Math.max(worst, Math.abs(c));
              size = Math.max(size, Math.abs(S[k][a * d + b]) * Math.abs(sigma[a * d + b]));
            }
          }
          expect(worst).toBeLessThan(1e-13 * size * d);
        }
      }
      if (model === 'VEV') return; // its common part is in each component's own eigenbasis
      const pooled = new Array(d * d).fill(0);
      for (let k = 0; k < K; k++) for (let j = 0; j < d * d; j++) pooled[j] += (n[k] / lambda[k]) * S[k][j];
      const idx = per === d ? Array.from({ length: d }, (_, i) => i * (d + 1)) : Array.from({ length: d * d }, (_, i) => i);
      const ratio = pooled[0] / common[0][0];
      const size = Math.max(...idx.map((j) => Math.abs(common[0][j])));
      for (const j of idx) expect(Math.abs(pooled[j] / ratio - common[0][j])).toBeLessThan(1e-11 * size);
    });
  }
});

describe('fromParameters: the constraint check', () => {
  // a helper's audit: log-determinants from a factor are only as exact as the covariance is
  // well conditioned, and a fixed 1e-9 refused these models' own files
  for (const m of ['EVV', 'EVE', 'VEE', 'EEV', 'VEV'] as const) {
    it(`${m} fitted on nearly collinear features reloads from its own JSON`, () => {
      let seed = 31337;
      const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
      const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-300)) * Math.cos(2 * Math.PI * rnd());
      const X: number[][] = [];
      for (let i = 0; i < 300; i++) {
        const c = i % 3, a = c * 5 + gauss() * (1 + c);
        X.push([a, a + 1e-5 * gauss(), gauss() + c]);
      }
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: m, seed: 1, regCovar: 1e-12 }).fit(X);
      expect(GaussianMixture.fromJSON(JSON.parse(JSON.stringify(gm.toJSON()))).covarianceType).toBe(m);
    });
  }

  it('takes VEE at d = 400 (its d² values once overflowed the stack in a spread)', () => {
    const d = 400;
    const cov = [1, 2].map((s) => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? s : 0))));
    const gm = GaussianMixture.fromParameters({ weights: [0.5, 0.5], means: [new Array(d).fill(0), new Array(d).fill(1)], covariances: cov },
      { covarianceType: 'VEE' });
    expect(gm.covarianceType).toBe('VEE');
  });

  const means = [[0, 0, 0], [5, 5, 5]];
  const fp = (covariances: number[][] | number[][][], covarianceType: 'EVI' | 'VEI' | 'EEV') =>
    errorCode(() => GaussianMixture.fromParameters({ weights: [0.5, 0.5], means, covariances }, { covarianceType }));

  it('refuses a real difference of 1e-7 (relative), well above rounding', () => {
    expect(fp([[1, 2, 3], [1, 2, 3 * (1 + 1e-7)]], 'VEI')).toBe('INVALID_ARGUMENT');
    expect(fp([[1, 2, 3], [1, 2, 3]], 'VEI')).toBe('no error');
  });

  it('EVI compares volumes |Σₖ|^(1/d): a determinant 2e-9 apart (volume 6.7e-10) passes, 4e-9 apart does not', () => {
    expect(fp([[1, 1, 1], [1, 1, 1 + 2e-9]], 'EVI')).toBe('no error');
    expect(fp([[1, 1, 1], [1, 1, 1 + 4e-9]], 'EVI')).toBe('INVALID_ARGUMENT');
  });

  it('EEV compares eigenvalues relative to their size: tiny covariances of equal volume but other eigenvalues are refused', () => {
    const s = 1e-12;
    const c = (a: number, b: number) => [[a * s, 0, 0], [0, b * s, 0], [0, 0, s]];
    expect(fp([c(2, 1), c(4, 0.5)], 'EEV')).toBe('INVALID_ARGUMENT');
    expect(fp([c(2, 1), [[s, 0, 0], [0, 2 * s, 0], [0, 0, s]]], 'EEV')).toBe('no error');
  });

  it('EEV: Jacobi on matrices with a zero off-diagonal entry between equal diagonal entries (no 0/0 rotation)', () => {
    // eigenvalues 2 and (5 ± √5)/2 for both; a rotation of the pair (p, q) with A_pq = 0 and A_pp = A_qq is 0/0
    expect(fp([[[2, 0, 1], [0, 2, 0], [1, 0, 3]], [[3, 0, 1], [0, 2, 0], [1, 0, 2]]], 'EEV')).toBe('no error');
    expect(fp([[[2, 0, 1], [0, 2, 0], [1, 0, 3]], [[3, 0, 1], [0, 2.5, 0], [1, 0, 2]]], 'EEV')).toBe('INVALID_ARGUMENT');
  });
});

describe('a component on one row with regCovar 0 (its scatter singular), as mclust', () => {
  it('EII, EEI and EEV pool it into a positive definite covariance and fit; the others, as mclust, refuse it', () => {
    // mclust 6.0.0, me() from this classification: EII, EEI, EEV give a log-likelihood; EVI,
    // VEI, VEE, VEV, EVE, VVE, EVV and VII return NA
    let s = 3;
    const u = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const X: number[][] = [];
    for (let i = 0; i < 60; i++) X.push([u(), u()]);
    X.push([50, 50]);
    const code = (t: string) => errorCode(() => new GaussianMixture({ nComponents: 2, covarianceType: t as never, regCovar: 0,
      seed: 1, meansInit: [[0.5, 0.5], [50, 50]] }).fit(X));
    for (const t of ['EII', 'EEI', 'EEV']) expect(code(t), t).toBe('no error');
    for (const t of ['EVI', 'VEI', 'VEE', 'VEV', 'EVE', 'VVE', 'EVV', 'spherical']) expect(code(t), t).toBe('NOT_POSITIVE_DEFINITE');
    const gm = new GaussianMixture({ nComponents: 2, covarianceType: 'EII', regCovar: 0, seed: 1, meansInit: [[0.5, 0.5], [50, 50]] }).fit(X);
    expect(gm.covariances[0]).toBe(gm.covariances[1]);
    expect(gm.covariances[0]).toBeGreaterThan(0);
  });

  it('a component of two rows in three features (scatter of rank 1) fits under VEI, VEE and VEV, as mclust\'s: their shape is pooled', () => {
    let s = 11;
    const u = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const g = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    const X: number[][] = [], labels: number[] = [];
    for (let i = 0; i < 120; i++) {
      X.push([g() + (i < 60 ? 0 : 4), g(), g() + (i < 60 ? 0 : 2)]);
      labels.push(i < 60 ? 0 : 1);
    }
    X.push([10, 10.5, 9.75], [10.5, 9.5, 10.25]);
    labels.push(2, 2);
    // R: me(X, model, unmap(labels + 1), control = emControl(itmax = c(2, 5000), tol = c(0, 0)))$loglik
    // (the rows written with 17 digits; mclust 6.0.0)
    const R = { VEI: -584.998873472077, VEE: -583.203503735481, VEV: -576.402845119012 };
    for (const [model, loglik] of Object.entries(R)) {
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: model as never, regCovar: 0, maxIter: 1, tol: 0 }).fit(X, { initLabels: labels });
      expect(Math.abs(gm.score(X) * X.length - loglik) / Math.abs(loglik), model).toBeLessThan(1e-10);
    }
  });

  it('from initLabels too: diag, spherical and their mclust models refuse it at the first EM iteration, not with variances of rounding size', () => {
    // mclust's me(D, "EVI", z = unmap(c(1, 2, 2, 2, 2, 2))) returns NA. The 10·eps of nₖ leaves
    // the one row's mean 10·eps·move off it, so its variance was that squared (1e-57 after one
    // iteration, then smaller each time), and EM went on with it (a lower bound of 109)
    for (const row of [[0, 0], [3, 7], [100, 200]]) {
      const D = [row, [10, 10], [10.5, 9], [9, 10.2], [11, 11], [10.1, 9.5]];
      const fit = (t: string) => () => new GaussianMixture({ nComponents: 2, covarianceType: t as never, regCovar: 0, maxIter: 5 })
        .fit(D, { initLabels: [0, 1, 1, 1, 1, 1] });
      for (const t of ['diag', 'spherical', 'EVI', 'VEI', 'VVI', 'VII']) {
        expect(thrown(fit(t)), `${t} ${row}`).toMatchObject({ code: 'NOT_POSITIVE_DEFINITE', message: expect.stringContaining('at EM iteration 1') });
      }
      expect(thrown(fit('full'))).toMatchObject({ code: 'NOT_POSITIVE_DEFINITE', message: expect.stringContaining('after the M-step from initLabels') });
      for (const t of ['EII', 'EEI', 'EEV']) expect(errorCode(fit(t)), t).toBe('no error');
    }
  });

  it('tight components that the doubles resolve still fit with regCovar 0: beside a spread cluster, near 0, and near overflow', () => {
    // two rows 1e-9 apart: variances about 2.5e-19
    const D = [[1, 1], [1 + 1e-9, 1 - 1e-9], [10, 10], [10.5, 9], [9, 10.2], [11, 11], [10.1, 9.5]];
    for (const t of ['diag', 'spherical', 'VVI', 'VII']) {
      const gm = new GaussianMixture({ nComponents: 2, covarianceType: t as never, regCovar: 0, maxIter: 5 })
        .fit(D, { initLabels: [0, 0, 1, 1, 1, 1, 1] });
      expect(gm.covariances[0], t).toBeGreaterThan(1e-20);
      expect(gm.covariances[0], t).toBeLessThan(1e-18);
    }
    // rows 1e-20 apart near 0 beside rows near 6 (a review): the start's move dwarfs their
    // spread, which the first iteration finds; and values near 1e154 whose squares overflow
    const Z = [[1e-20], [2e-20], [3e-20], [5], [6], [7]];
    const B = [9, 9.5, 10, 10.3].flatMap((v) => [[v * 1e154], [-v * 1e154]]);
    for (const t of ['diag', 'spherical', 'VVI', 'VII', 'full']) {
      const z = new GaussianMixture({ nComponents: 2, covarianceType: t as never, regCovar: 0, maxIter: 10 }).fit(Z, { initLabels: [0, 0, 0, 1, 1, 1] });
      expect(z.covariances[0], t).toBe(6.666666666666664e-41);
      const b = new GaussianMixture({ nComponents: 2, covarianceType: t as never, regCovar: 0, maxIter: 5 }).fit(B, { initLabels: [0, 1, 0, 1, 0, 1, 0, 1] });
      expect(b.covariances[0], t).toBeGreaterThan(1e307);
    }
  });
});

describe('covarianceType names', () => {
  it('Object.prototype\'s names are no model', () => {
    for (const t of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(errorCode(() => new GaussianMixture({ covarianceType: t as never }))).toBe('INVALID_OPTION');
    }
  });

  it("a singular M-step on rows spanning fewer dimensions than the features is told as such, not as an overflow (VEE's 0/0), which only data beyond double range are", () => {
    let state = 1;
    const u = (): number => { state = (state * 16807) % 2147483647; return state / 2147483647 - 0.5; };
    const X = Array.from({ length: 6 }, () => Array.from({ length: 8 }, u));
    const o = { nComponents: 2, regCovar: 0, maxIter: 0 };
    for (const covarianceType of ['VEE', 'EVE', 'VVE', 'EVV'] as const) {
      const e = thrown(() => new GaussianMixture({ ...o, covarianceType }).fit(X, { initLabels: [0, 0, 0, 1, 1, 1] }));
      expect(e.code).toBe('NOT_POSITIVE_DEFINITE');
      expect(e.message, covarianceType).toMatch(/rows that span fewer dimensions than the features\). Raise regCovar/);
    }
    const big = X.map((r) => r.map((v, j) => (j < 2 ? v * 1e160 : v)));
    const e = thrown(() => new GaussianMixture({ nComponents: 1, regCovar: 0 }).fit(big));
    expect(e.message).toMatch(/overflowed to a non-finite value: the data's magnitude/);
  });
});
