// Full log-densities in an EM pass (d ≥ 24), skipping the rest of a row's solve once it
// cannot matter: real data whose classes lie far apart in some directions, or
// well-separated clusters (w64: 80 % of the pairs are done after half of the columns).
//
//   q_h = Σ_{j<h} yⱼ²,  yⱼ = Σ_{i≤j} (xᵢ − μᵢ) Uᵢⱼ;   lp ≤ logConst − ½ q_h  for every h
//
// After half of the columns of U (a quarter of the work) and again after 3/4 (56 %): later
// checks find more, earlier ones save more. A pair (two rows) whose bound minus its rows'
// largest log-density so far (mx) is below the cutoff in both lanes is finished: the bound
// is stored as its log-density. normalizeBlock gives such an entry exactly 0 as
// it would the true value (both are below m + cutoff, as m ≥ the maximum so far), and the
// true maximum is never pruned, so responsibilities and statistics keep every bit. The
// surviving pairs are listed and finished four at a time; their q continues with the same
// additions in the same order (fulltile.ts), so an unpruned entry has quadFull's bits.
//
// tile: 4·d v128; list: 2N i32; qbuf: N v128; mx: N v128.

import { QB, tileColumns, fillTile, nanToInf } from './fulltile';

/** Component k's log-densities of the N pairs at xt (stride S), as quadFull gives them
 *  where they can matter and an upper bound below the cutoff elsewhere; mx is raised to
 *  the new values. Columns [0, h1) over consecutive pairs, h1 = d/2 (even), then [h1, h2),
 *  h2 = 3d/4 (even), and [h2, d) over the pairs left at each check, gathered four at a
 *  time (list: the pairs left at h1, then from list + 4N those left at h2). */
export function quadFullPruned(xt: usize, S: i32, N: i32, d: i32, mu: usize, ut: usize, lp: usize, c: f64,
  tile: usize, list: usize, qbuf: usize, mx: usize, cutoff: f64): void {
  const half = f64x2.splat(-0.5);
  const cv = f64x2.splat(c);
  const cut = f64x2.splat(cutoff);
  const h1 = (d / 2) & ~1, h2 = (3 * d / 4) & ~1;
  const list2 = list + (<usize>N << 2);
  const last = N - 1;
  let kept = 0, kept2 = 0;
  for (let p = 0; p < N; p += 4) {
    const o0 = <usize>p << 4, o1 = <usize>min(p + 1, last) << 4, o2 = <usize>min(p + 2, last) << 4,
      o3 = <usize>min(p + 3, last) << 4;
    const n = min(4, N - p);
    fillTile(tile, xt, S, 0, h1, mu, o0, o1, o2, o3);
    tileColumns(tile, ut, d, 0, h1, true, 0, 4, cv);
    // at h1 one pair done is worth gathering the others later (three quarters of its
    // solve saved); at h2 it takes two, else the tile goes on in place
    let done = doneMask(QB, mx, p, n, cv, half, cut);
    if (done) {
      kept = park(QB, lp, qbuf, list, kept, p, n, done, cv, half);
      continue;
    }
    fillTile(tile, xt, S, h1, h2, mu, o0, o1, o2, o3);
    tileColumns(tile, ut, d, h1, h2, false, 0, 4, cv);
    done = doneMask(QB, mx, p, n, cv, half, cut);
    if (done & (done - 1)) {
      kept2 = park(QB, lp, qbuf, list2, kept2, p, n, done, cv, half);
      continue;
    }
    fillTile(tile, xt, S, h2, d, mu, o0, o1, o2, o3);
    tileColumns(tile, ut, d, h2, d, false, lp + o0, n, cv);
    raiseMax(mx + o0, lp + o0, n);
  }
  // the pairs left at h1: on to h2, four at a time; those still left go to list2, unless
  // at most one of the four is done (then all four finish here)
  for (let g = 0; g < kept; g += 4) {
    const n = min(4, kept - g);
    gathered(tile, xt, S, d, mu, list, qbuf, g, n);
    tileColumns(tile, ut, d, h1, h2, false, 0, 4, cv);
    let done = 0;
    for (let t = 0; t < n; t++) {
      const o = pairAt(list, g, t, n);
      const bound = f64x2.add(cv, f64x2.mul(half, v128.load(QB + (<usize>t << 4))));
      done |= <i32>i64x2.all_true(f64x2.lt(f64x2.sub(bound, v128.load(mx + o)), cut)) << t;
    }
    if (done & (done - 1)) {
      for (let t = 0; t < n; t++) {
        const o = pairAt(list, g, t, n);
        const q = v128.load(QB + (<usize>t << 4));
        if (done & (1 << t)) {
          v128.store(lp + o, f64x2.add(cv, f64x2.mul(half, q)));
        } else {
          v128.store(qbuf + o, q);
          store<i32>(list2 + (<usize>kept2 << 2), <i32>(o >> 4));
          kept2++;
        }
      }
      continue;
    }
    tileColumns(tile, ut, d, h2, d, false, 0, 4, cv);
    finishTile(lp, mx, list, g, n, cv, half);
  }
  // the pairs left at h2: the rest of their columns
  for (let g = 0; g < kept2; g += 4) {
    const n = min(4, kept2 - g);
    gathered(tile, xt, S, d, mu, list2, qbuf, g, n);
    tileColumns(tile, ut, d, h2, d, false, 0, 4, cv);
    finishTile(lp, mx, list2, g, n, cv, half);
  }
}

/** Which of a tile's n pairs (from pair p) are done (bit t): their bound logConst − ½q (q
 *  in QB) minus their rows' maxima so far is below the cutoff in both lanes. */
// @ts-ignore: decorator
@inline function doneMask(qb: usize, mx: usize, p: i32, n: i32, cv: v128, half: v128, cut: v128): i32 {
  let done = 0;
  for (let t = 0; t < n; t++) {
    const o = <usize>(p + t) << 4;
    const bound = f64x2.add(cv, f64x2.mul(half, v128.load(qb + (<usize>t << 4))));
    done |= <i32>i64x2.all_true(f64x2.lt(f64x2.sub(bound, v128.load(mx + o)), cut)) << t;
  }
  return done;
}

/** A consecutive tile's done pairs get their bounds; the others are listed (from count on)
 *  with their sums in qbuf. Returns the new count. */
// @ts-ignore: decorator
@inline function park(qb: usize, lp: usize, qbuf: usize, list: usize, count: i32, p: i32, n: i32, done: i32,
  cv: v128, half: v128): i32 {
  for (let t = 0; t < n; t++) {
    const o = <usize>(p + t) << 4;
    const q = v128.load(qb + (<usize>t << 4));
    if (done & (1 << t)) {
      v128.store(lp + o, f64x2.add(cv, f64x2.mul(half, q)));
    } else {
      v128.store(qbuf + o, q);
      store<i32>(list + (<usize>count << 2), p + t);
      count++;
    }
  }
  return count;
}

/** Byte offset of the t-th of the n listed pairs from entry g (the first again past n). */
// @ts-ignore: decorator
@inline function pairAt(list: usize, g: i32, t: i32, n: i32): usize {
  return <usize>load<i32>(list + (<usize>(g + (t < n ? t : 0)) << 2)) << 4;
}

/** Fills the tile with x − μ of the listed pairs g … g + 3 (the first again past n) and
 *  QB with their sums so far. */
// @ts-ignore: decorator
@inline function gathered(tile: usize, xt: usize, S: i32, d: i32, mu: usize, list: usize, qbuf: usize,
  g: i32, n: i32): void {
  const o0 = pairAt(list, g, 0, n), o1 = pairAt(list, g, 1, n), o2 = pairAt(list, g, 2, n), o3 = pairAt(list, g, 3, n);
  fillTile(tile, xt, S, 0, d, mu, o0, o1, o2, o3);
  v128.store(QB, v128.load(qbuf + o0));
  v128.store(QB, v128.load(qbuf + o1), 16);
  v128.store(QB, v128.load(qbuf + o2), 32);
  v128.store(QB, v128.load(qbuf + o3), 48);
}

/** The log-densities of the listed pairs g … g + n − 1 from their full sums in QB. */
// @ts-ignore: decorator
@inline function finishTile(lp: usize, mx: usize, list: usize, g: i32, n: i32, cv: v128, half: v128): void {
  for (let t = 0; t < n; t++) finish(lp, mx, pairAt(list, g, t, n), v128.load(QB + (<usize>t << 4)), cv, half);
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
