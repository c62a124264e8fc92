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
  const goto: Map<number, number>[] = [new Map()];
  const ends = needles.map((needle) => {
    let node = 0;
    for (let i = 0; i < needle.length; i++) {
      const unit = needle.charCodeAt(i);
      let child = (goto[node] as Map<number, number>).get(unit);
      if (child === undefined) {
        child = goto.length;
        goto.push(new Map());
        (goto[node] as Map<number, number>).set(unit, child);
      }
      node = child;
    }
    return node;
  });

  // Breadth-first, so a node's fallback (its longest proper suffix in the trie) is settled before it is used.
  const fallback = new Int32Array(goto.length);
  const order = [...(goto[0] as Map<number, number>).values()];
  for (let q = 0; q < order.length; q++) {
    const node = order[q] as number;
    for (const [unit, child] of goto[node] as Map<number, number>) {
      let back = fallback[node] as number;
      while (back !== 0 && !(goto[back] as Map<number, number>).has(unit)) back = fallback[back] as number;
      fallback[child] = (goto[back] as Map<number, number>).get(unit) ?? 0;
      order.push(child);
    }
  }

  const reached = new Uint8Array(goto.length);
  reached[0] = 1;
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    while (state !== 0 && !(goto[state] as Map<number, number>).has(unit)) state = fallback[state] as number;
    state = (goto[state] as Map<number, number>).get(unit) ?? 0;
    reached[state] = 1;
  }
  // A node reached means every suffix of its string occurred too: pass that down the fallbacks, deepest first.
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k] as number;
    if (reached[node]) reached[fallback[node] as number] = 1;
  }
  return new Set(needles.filter((_, i) => reached[ends[i] as number] === 1));
}
