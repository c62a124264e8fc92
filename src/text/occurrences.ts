/**
 * Which of many strings occur in a text, in one pass over the text
 * (Aho–Corasick): time proportional to the text plus the strings, where a
 * `text.includes(s)` per string costs the whole text again for each one.
 */

/**
 * The members of `needles` that occur in `text` as substrings (compared by
 * UTF-16 code units, like `String.prototype.includes`).
 *
 * @example occurringIn("a · b\nc", ["b", "a · b", "d"]) // Set {"b", "a · b"}
 */
export function occurringIn(text: string, needles: readonly string[]): Set<string> {
  // The trie's edges live in one map keyed by (node, code unit): a map per node cost ~200 bytes each.
  const edges = new Map<number, number>();
  const edge = (node: number, unit: number) => edges.get(node * 0x10000 + unit);
  const parent = [0];
  const unitIn = [0];
  const depth = [0];
  const ends = needles.map((needle) => {
    let node = 0;
    for (let i = 0; i < needle.length; i++) {
      const unit = needle.charCodeAt(i);
      let child = edge(node, unit);
      if (child === undefined) {
        child = parent.length;
        parent.push(node);
        unitIn.push(unit);
        depth.push((depth[node] as number) + 1);
        edges.set(node * 0x10000 + unit, child);
      }
      node = child;
    }
    return node;
  });

  // Shallowest first, so a node's fallback (its longest proper suffix in the trie) is settled before its children's.
  const order = byDepth(depth);
  const fallback = new Int32Array(parent.length);
  for (const node of order) {
    const up = parent[node] as number;
    if (node === 0 || up === 0) continue;
    const unit = unitIn[node] as number;
    let back = fallback[up] as number;
    while (back !== 0 && edge(back, unit) === undefined) back = fallback[back] as number;
    fallback[node] = edge(back, unit) ?? 0;
  }

  const reached = new Uint8Array(parent.length);
  reached[0] = 1;
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    while (state !== 0 && edge(state, unit) === undefined) state = fallback[state] as number;
    state = edge(state, unit) ?? 0;
    reached[state] = 1;
  }
  // A node reached means every suffix of its string occurred too: pass that down the fallbacks, deepest first.
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k] as number;
    if (reached[node]) reached[fallback[node] as number] = 1;
  }
  return new Set(needles.filter((_, i) => reached[ends[i] as number] === 1));
}

/** Node ids sorted by depth (counting sort: linear). */
function byDepth(depth: number[]): number[] {
  const deepest = depth.reduce((a, b) => Math.max(a, b), 0);
  const starts = new Array<number>(deepest + 2).fill(0);
  for (const d of depth) starts[d + 1] = (starts[d + 1] as number) + 1;
  for (let d = 1; d < starts.length; d++) starts[d] = (starts[d] as number) + (starts[d - 1] as number);
  const order = new Array<number>(depth.length);
  depth.forEach((d, node) => {
    order[starts[d] as number] = node;
    starts[d] = (starts[d] as number) + 1;
  });
  return order;
}
