// The fixed summation tree over chunk indices that makes every result independent of how
// the chunks are split between workers, streams or shards.
//
// Node (level j, index i) covers the chunks [i·2^j, (i+1)·2^j) that exist. Its value is
// left + right (elementwise, IEEE double addition) when both children cover some chunk,
// otherwise the one child that does; a leaf is one chunk's statistics. Whoever holds a
// whole node may compute it (a worker holding chunks 0–7 sends node (3, 0)), and the
// coordinator computes the nodes that straddle two holders from their children: every
// addition is the same pair of operands, so the root has the same bits however the chunks
// were spread. Addition of two doubles is commutative, so no ordering inside a pair matters.

/** A node of the tree: the sum of the statistics of chunks [index·2^level, …). */
export interface TreeNode {
  level: number;
  index: number;
  data: Float64Array;
}

/** First and one-past-last chunk a node covers (before clipping to the chunks that exist). */
export function nodeRange(level: number, index: number): [number, number] {
  const size = 2 ** level;
  return [index * size, (index + 1) * size];
}

/** Adds src into dst elementwise. */
export function addInto(dst: Float64Array, src: Float64Array): void {
  for (let i = 0; i < dst.length; i++) dst[i] += src[i];
}

/**
 * The maximal whole nodes of consecutive chunks, fed one leaf at a time in chunk order (a
 * binary counter, as in pairwise summation): at most log₂(chunks) + 1 nodes are held.
 * `add` is the elementwise sum (left += right), so the holder can keep nodes in its own
 * memory (WebAssembly, for the shards).
 */
export class NodeStack<T> {
  readonly nodes: { level: number; index: number; value: T }[] = [];
  constructor(private readonly add: (left: T, right: T) => void) {}

  push(chunk: number, value: T): void {
    let node = { level: 0, index: chunk, value };
    for (;;) {
      const top = this.nodes[this.nodes.length - 1];
      // siblings: same level, top is the left child (even index) right before this one
      if (!top || top.level !== node.level || top.index !== node.index - 1 || (top.index & 1) !== 0) break;
      this.nodes.pop();
      this.add(top.value, node.value);
      node = { level: node.level + 1, index: top.index >> 1, value: top.value };
    }
    this.nodes.push(node);
  }

  /** The root, when the stack holds every chunk from 0 to the end of the data: the held
   *  nodes added right to left, which is the rule of combineNodes for a truncated tree.
   *  Adds into the held values (left += right) and returns the one holding the root. */
  root(): T {
    const n = this.nodes;
    let acc = n[n.length - 1].value;
    for (let i = n.length - 2; i >= 0; i--) {
      this.add(n[i].value, acc);
      acc = n[i].value;
    }
    return acc;
  }
}

/** How many whole nodes a holder of chunks [first, end) sends (NodeStack's, at the end). */
export function nodeCount(first: number, end: number): number {
  const held = new NodeStack<null>(() => {});
  for (let c = first; c < end; c++) held.push(c, null);
  return held.nodes.length;
}

/**
 * The root over chunks [first, end) from nodes that cover them exactly (each chunk in one
 * node, none missing). Nodes are read, never changed, unless `consume`: then each sum is
 * made in its left operand's array (the nodes are the caller's to spend) and the root is
 * the data of the node holding chunk `first`, with no copy. Throws (a plain Error: callers
 * check coverage first and report it) if a chunk is missing.
 */
export function combineNodes(nodes: readonly TreeNode[], first: number, end: number, consume = false): Float64Array {
  const byKey = new Map<number, TreeNode>();
  // level < 64 and index < 2^46 (chunks are counted in 31 bits): one number a key
  for (const n of nodes) byKey.set(n.index * 64 + n.level, n);
  let top = 0;
  while (2 ** top < end) top++;
  const get = (level: number, index: number): Float64Array | null => {
    const [a, b] = nodeRange(level, index);
    if (b <= first || a >= end) return null;
    const held = byKey.get(index * 64 + level);
    if (held) return held.data;
    if (level === 0) throw new Error(`chunk ${index} is missing`);
    const l = get(level - 1, 2 * index), r = get(level - 1, 2 * index + 1);
    if (l && r) {
      const s = consume ? l : l.slice();
      addInto(s, r);
      return s;
    }
    return l ?? r;
  };
  const root = get(top, 0);
  if (!root) throw new Error('no chunks');
  return consume ? root : root.slice();
}

/** Merges node sets of disjoint chunk ranges: siblings that are both present are added
 *  (the same additions the final tree makes), so the result stays small. */
export function mergeNodeSets(sets: readonly (readonly TreeNode[])[]): TreeNode[] {
  const byKey = new Map<string, TreeNode>();
  for (const s of sets) for (const n of s) byKey.set(`${n.level}:${n.index}`, n);
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of [...byKey.values()].sort((a, b) => a.level - b.level || a.index - b.index)) {
      if ((n.index & 1) !== 0 || !byKey.has(`${n.level}:${n.index}`)) continue;
      const r = byKey.get(`${n.level}:${n.index + 1}`);
      if (!r) continue;
      const data = n.data.slice();
      addInto(data, r.data);
      byKey.delete(`${n.level}:${n.index}`);
      byKey.delete(`${n.level}:${n.index + 1}`);
      byKey.set(`${n.level + 1}:${n.index >> 1}`, { level: n.level + 1, index: n.index >> 1, data });
      changed = true;
    }
  }
  return [...byKey.values()].sort((a, b) => nodeRange(a.level, a.index)[0] - nodeRange(b.level, b.index)[0]);
}
