// Symmetric eigendecomposition for larger matrices (hc's transform of wide data: the n × n
// Gram matrix of the rows): Householder reduction to tridiagonal form, then the implicit
// QL iterations with shifts (EISPACK's tred2 and tql2, as in the public-domain JAMA), about
// 9n³ operations where eigen.ts's Jacobi sweeps take some 6n³ each. Only IEEE arithmetic
// and sqrt, so the same bits in every runtime.
//
//   A = V diag(ω) Vᵀ,   A n×n symmetric row-major; on return `a` holds Vᵀ: its row k the
//   eigenvector of ω[k], in no particular order. work: n f64.

const EPS: f64 = 2.220446049250313e-16;

// @ts-ignore: decorator
@inline function at(p: usize, i: i32, j: i32, n: i32): usize { return p + (<usize>(i * n + j) << 3); }
// @ts-ignore: decorator
@inline function get(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function put(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/** √(a² + b²) without overflow or underflow in the squares. */
function hypot(a: f64, b: f64): f64 {
  const x = Math.abs(a), y = Math.abs(b);
  if (x > y) { const r = y / x; return x * Math.sqrt(1 + r * r); }
  if (y == 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}

/** Householder tridiagonalisation of V (= A on entry): diagonal into d, subdiagonal into
 *  e[1 …], the orthogonal transformation accumulated in V. */
function tred2(V: usize, d: usize, e: usize, n: i32): void {
  for (let j = 0; j < n; j++) put(d, j, load<f64>(at(V, n - 1, j, n)));
  for (let i = n - 1; i > 0; i--) {
    let scale: f64 = 0, h: f64 = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(get(d, k));
    if (scale == 0) {
      put(e, i, get(d, i - 1));
      for (let j = 0; j < i; j++) {
        put(d, j, load<f64>(at(V, i - 1, j, n)));
        store<f64>(at(V, i, j, n), 0);
        store<f64>(at(V, j, i, n), 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        put(d, k, get(d, k) / scale);
        h += get(d, k) * get(d, k);
      }
      let f = get(d, i - 1);
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      put(e, i, scale * g);
      h = h - f * g;
      put(d, i - 1, f - g);
      for (let j = 0; j < i; j++) put(e, j, 0);
      for (let j = 0; j < i; j++) {
        f = get(d, j);
        store<f64>(at(V, j, i, n), f);
        g = get(e, j) + load<f64>(at(V, j, j, n)) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = load<f64>(at(V, k, j, n));
          g += vkj * get(d, k);
          put(e, k, get(e, k) + vkj * f);
        }
        put(e, j, g);
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        put(e, j, get(e, j) / h);
        f += get(e, j) * get(d, j);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) put(e, j, get(e, j) - hh * get(d, j));
      for (let j = 0; j < i; j++) {
        f = get(d, j);
        g = get(e, j);
        for (let k = j; k <= i - 1; k++) {
          const p = at(V, k, j, n);
          store<f64>(p, load<f64>(p) - (f * get(e, k) + g * get(d, k)));
        }
        put(d, j, load<f64>(at(V, i - 1, j, n)));
        store<f64>(at(V, i, j, n), 0);
      }
    }
    put(d, i, h);
  }
  // the transformations accumulated
  for (let i = 0; i < n - 1; i++) {
    store<f64>(at(V, n - 1, i, n), load<f64>(at(V, i, i, n)));
    store<f64>(at(V, i, i, n), 1);
    const h = get(d, i + 1);
    if (h != 0) {
      for (let k = 0; k <= i; k++) put(d, k, load<f64>(at(V, k, i + 1, n)) / h);
      for (let j = 0; j <= i; j++) {
        let g: f64 = 0;
        for (let k = 0; k <= i; k++) g += load<f64>(at(V, k, i + 1, n)) * load<f64>(at(V, k, j, n));
        for (let k = 0; k <= i; k++) {
          const p = at(V, k, j, n);
          store<f64>(p, load<f64>(p) - g * get(d, k));
        }
      }
    }
    for (let k = 0; k <= i; k++) store<f64>(at(V, k, i + 1, n), 0);
  }
  for (let j = 0; j < n; j++) {
    put(d, j, load<f64>(at(V, n - 1, j, n)));
    store<f64>(at(V, n - 1, j, n), 0);
  }
  store<f64>(at(V, n - 1, n - 1, n), 1);
  put(e, 0, 0);
}

/** V's transpose in place (n × n). */
function transpose(V: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = at(V, i, j, n), b = at(V, j, i, n);
      const t = load<f64>(a);
      store<f64>(a, load<f64>(b));
      store<f64>(b, t);
    }
  }
}

/** The symmetric tridiagonal (d, e) diagonalised by implicit QL, the rotations applied to
 *  the rows of W (Vᵀ, so each rotation reads two contiguous rows); eigenvalues into d. */
function tql2(W: usize, d: usize, e: usize, n: i32): void {
  for (let i = 1; i < n; i++) put(e, i - 1, get(e, i));
  put(e, n - 1, 0);
  let f: f64 = 0, tst1: f64 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = max(tst1, Math.abs(get(d, l)) + Math.abs(get(e, l)));
    let m = l;
    while (m < n) {
      if (Math.abs(get(e, m)) <= EPS * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        let g = get(d, l);
        let p = (get(d, l + 1) - g) / (2 * get(e, l));
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        put(d, l, get(e, l) / (p + r));
        put(d, l + 1, get(e, l) * (p + r));
        const dl1 = get(d, l + 1);
        let h = g - get(d, l);
        for (let i = l + 2; i < n; i++) put(d, i, get(d, i) - h);
        f += h;
        p = get(d, m);
        let c: f64 = 1, c2: f64 = 1, c3: f64 = 1, s: f64 = 0, s2: f64 = 0;
        const el1 = get(e, l + 1);
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * get(e, i);
          h = c * p;
          r = hypot(p, get(e, i));
          put(e, i + 1, s * r);
          s = get(e, i) / r;
          c = p / r;
          p = c * get(d, i) - s * g;
          put(d, i + 1, h + s * (c * g + s * get(d, i)));
          const wi = W + (<usize>(i * n) << 3), wj = wi + (<usize>n << 3);
          for (let k = 0; k < n; k++) {
            const a = wi + (<usize>k << 3), b = wj + (<usize>k << 3);
            const hk = load<f64>(b), vk = load<f64>(a);
            store<f64>(b, s * vk + c * hk);
            store<f64>(a, c * vk - s * hk);
          }
        }
        p = -s * s2 * c3 * el1 * get(e, l) / dl1;
        put(e, l, s * p);
        put(d, l, c * p);
      } while (Math.abs(get(e, l)) > EPS * tst1 && iter < 64);
    }
    put(d, l, get(d, l) + f);
    put(e, l, 0);
  }
}

/** A (n × n, row-major) = V diag(values) Vᵀ: values (n f64) into `values`, Vᵀ into a (the
 *  eigenvectors as its rows), in no particular order. work: n f64. */
export function tridiagonalEigen(a: usize, n: i32, values: usize, work: usize): void {
  if (n == 1) {
    put(values, 0, load<f64>(a));
    store<f64>(a, 1);
    return;
  }
  tred2(a, values, work, n);
  transpose(a, n);
  tql2(a, values, work, n);
}
