// Symmetric eigendecomposition by cyclic Jacobi rotations, for the M-steps of mclust's
// models with varying orientation (EEV, VEV: mstep.ts). Small d, once per component and
// M-step, so plain loops; Jacobi is accurate to rounding in every eigenvalue, and uses
// only IEEE add/mul/div/sqrt, so the same bits in every runtime.
//
//   A = V diag(ω) Vᵀ,   A d×d symmetric row-major (destroyed),  ω descending,
//   V's column j the eigenvector of ωⱼ.
//
// Each rotation zeroes Aₚq: θ = (A_qq − A_pp) / (2A_pq), t = sgn θ / (|θ| + √(θ² + 1)),
// c = 1/√(1 + t²), s = t·c; A ← JᵀAJ, V ← VJ. Sweeps stop once the off-diagonal mass is
// below eps² of the whole (then every rotation is a no-op at rounding), or after 64.

// @ts-ignore: decorator
@inline function at(p: usize, i: i32, j: i32, d: i32): usize {
  return p + ((<usize>(i * d + j)) << 3);
}

const EPS: f64 = 2.220446049250313e-16;

export function symmetricEigen(a: usize, d: i32, values: usize, vectors: usize): void {
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) store<f64>(at(vectors, i, j, d), i == j ? 1.0 : 0.0);
  for (let sweep = 0; sweep < 64; sweep++) {
    let off: f64 = 0, all: f64 = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const v = load<f64>(at(a, i, j, d));
        all += v * v;
        if (i != j) off += v * v;
      }
    }
    if (!(off > EPS * EPS * all)) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = load<f64>(at(a, p, q, d));
        if (apq == 0.0) continue;
        const theta = (load<f64>(at(a, q, q, d)) - load<f64>(at(a, p, p, d))) / (2.0 * apq);
        const t = (theta >= 0.0 ? 1.0 : -1.0) / (Math.abs(theta) + Math.sqrt(theta * theta + 1.0));
        const c = 1.0 / Math.sqrt(1.0 + t * t), s = t * c;
        for (let k = 0; k < d; k++) { // columns p, q
          const x = load<f64>(at(a, k, p, d)), y = load<f64>(at(a, k, q, d));
          store<f64>(at(a, k, p, d), c * x - s * y);
          store<f64>(at(a, k, q, d), s * x + c * y);
        }
        for (let k = 0; k < d; k++) { // rows p, q
          const x = load<f64>(at(a, p, k, d)), y = load<f64>(at(a, q, k, d));
          store<f64>(at(a, p, k, d), c * x - s * y);
          store<f64>(at(a, q, k, d), s * x + c * y);
        }
        for (let k = 0; k < d; k++) {
          const x = load<f64>(at(vectors, k, p, d)), y = load<f64>(at(vectors, k, q, d));
          store<f64>(at(vectors, k, p, d), c * x - s * y);
          store<f64>(at(vectors, k, q, d), s * x + c * y);
        }
      }
    }
  }
  for (let j = 0; j < d; j++) store<f64>(values + (<usize>j << 3), load<f64>(at(a, j, j, d)));
  // descending, columns of V with them (selection sort: d is small)
  for (let j = 0; j < d - 1; j++) {
    let m = j;
    for (let i = j + 1; i < d; i++) if (load<f64>(values + (<usize>i << 3)) > load<f64>(values + (<usize>m << 3))) m = i;
    if (m == j) continue;
    const v = load<f64>(values + (<usize>j << 3));
    store<f64>(values + (<usize>j << 3), load<f64>(values + (<usize>m << 3)));
    store<f64>(values + (<usize>m << 3), v);
    for (let k = 0; k < d; k++) {
      const x = load<f64>(at(vectors, k, j, d));
      store<f64>(at(vectors, k, j, d), load<f64>(at(vectors, k, m, d)));
      store<f64>(at(vectors, k, m, d), x);
    }
  }
}
