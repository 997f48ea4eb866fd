// Full log-densities in an EM pass (d ≥ 24), skipping the rest of a row's solve once it
// cannot matter: real data whose classes lie far apart in some directions (on digits, 60 %
// of the pairs are done after 3/4 of the columns) or well-separated clusters.
//
//   q_h = Σ_{j<h} yⱼ²,  yⱼ = Σ_{i≤j} (xᵢ − μᵢ) Uᵢⱼ;   lp ≤ logConst − ½ q_h  for every h
//
// After the first 3/4 of the columns of U (later checks find more, earlier ones save more;
// one check costs least), a pair (two rows) whose bound minus its rows' largest log-density so
// far (mx) is below the cutoff in both lanes is finished: the bound is stored as its
// log-density. normalizeBlock gives such an entry exactly 0 as
// it would the true value (both are below m + cutoff, as m ≥ the maximum so far), and the
// true maximum is never pruned, so responsibilities and statistics keep every bit. The
// surviving pairs are listed and finished four at a time; their q continues with the same
// additions in the same order (fulltile.ts), so an unpruned entry has quadFull's bits.
//
// tile: 4·d v128; list: N i32; qbuf: N v128; mx: N v128.

import { QB, tileColumns, fillTile, nanToInf } from './fulltile';

/** Component k's log-densities of the N pairs at xt (stride S), as quadFull gives them
 *  where they can matter and an upper bound below the cutoff elsewhere; mx is raised to
 *  the new values. Columns [0, h) over consecutive pairs, h = 3d/4 (even); then [h, d)
 *  over the pairs left, gathered four at a time. */
export function quadFullPruned(xt: usize, S: i32, N: i32, d: i32, mu: usize, ut: usize, lp: usize, c: f64,
  tile: usize, list: usize, qbuf: usize, mx: usize, cutoff: f64): void {
  const half = f64x2.splat(-0.5);
  const cv = f64x2.splat(c);
  const cut = f64x2.splat(cutoff);
  const h = (3 * d / 4) & ~1;
  const last = N - 1;
  let kept = 0;
  for (let p = 0; p < N; p += 4) {
    const o0 = <usize>p << 4, o1 = <usize>min(p + 1, last) << 4, o2 = <usize>min(p + 2, last) << 4,
      o3 = <usize>min(p + 3, last) << 4;
    fillTile(tile, xt, S, 0, h, mu, o0, o1, o2, o3);
    tileColumns(tile, ut, d, 0, h, true, 0, 4, cv);
    const n = min(4, N - p);
    // which of the tile's pairs are done (bit t): with at most one, the tile goes on in
    // place (gathering would cost more than the pair saves)
    let done = 0;
    for (let t = 0; t < n; t++) {
      const o = <usize>(p + t) << 4;
      const bound = f64x2.add(cv, f64x2.mul(half, v128.load(QB + (<usize>t << 4))));
      done |= <i32>i64x2.all_true(f64x2.lt(f64x2.sub(bound, v128.load(mx + o)), cut)) << t;
    }
    if (done & (done - 1)) {
      for (let t = 0; t < n; t++) {
        const o = <usize>(p + t) << 4;
        const q = v128.load(QB + (<usize>t << 4));
        if (done & (1 << t)) {
          v128.store(lp + o, f64x2.add(cv, f64x2.mul(half, q)));
        } else {
          v128.store(qbuf + o, q);
          store<i32>(list + (<usize>kept << 2), p + t);
          kept++;
        }
      }
      continue;
    }
    fillTile(tile, xt, S, h, d, mu, o0, o1, o2, o3);
    tileColumns(tile, ut, d, h, d, false, lp + o0, n, cv);
    raiseMax(mx + o0, lp + o0, n);
  }
  for (let g = 0; g < kept; g += 4) {
    const n = min(4, kept - g);
    const s0 = load<i32>(list + (<usize>g << 2));
    const s1 = n > 1 ? load<i32>(list + (<usize>(g + 1) << 2)) : s0;
    const s2 = n > 2 ? load<i32>(list + (<usize>(g + 2) << 2)) : s0;
    const s3 = n > 3 ? load<i32>(list + (<usize>(g + 3) << 2)) : s0;
    const o0 = <usize>s0 << 4, o1 = <usize>s1 << 4, o2 = <usize>s2 << 4, o3 = <usize>s3 << 4;
    fillTile(tile, xt, S, 0, d, mu, o0, o1, o2, o3);
    v128.store(QB, v128.load(qbuf + o0));
    v128.store(QB, v128.load(qbuf + o1), 16);
    v128.store(QB, v128.load(qbuf + o2), 32);
    v128.store(QB, v128.load(qbuf + o3), 48);
    tileColumns(tile, ut, d, h, d, false, 0, 4, cv);
    finish(lp, mx, o0, v128.load(QB), cv, half);
    if (n > 1) finish(lp, mx, o1, v128.load(QB, 16), cv, half);
    if (n > 2) finish(lp, mx, o2, v128.load(QB, 32), cv, half);
    if (n > 3) finish(lp, mx, o3, v128.load(QB, 48), cv, half);
  }
}

/** A gathered pair's log-density (at byte offset o), and its rows' maxima raised to it. */
// @ts-ignore: decorator
@inline function finish(lp: usize, mx: usize, o: usize, q: v128, cv: v128, half: v128): void {
  const l = f64x2.add(cv, f64x2.mul(half, nanToInf(q)));
  v128.store(lp + o, l);
  v128.store(mx + o, f64x2.pmax(v128.load(mx + o), l));
}

/** The rows' maxima of n consecutive pairs raised to their log-densities at lp. */
// @ts-ignore: decorator
@inline function raiseMax(mx: usize, lp: usize, n: i32): void {
  for (let t = 0; t < n; t++) {
    const o = <usize>t << 4;
    v128.store(mx + o, f64x2.pmax(v128.load(mx + o), v128.load(lp + o)));
  }
}
