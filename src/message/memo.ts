/**
 * Remembers a rendering per model node. fitBlocks and paginate render the
 * same blocks a dozen times while they search for a cut; only the block that
 * is cut is new each time, so every other block renders once.
 *
 * The model is treated as immutable: nodes are never changed after they are
 * built (cutting makes new nodes), which is what makes this cache safe.
 */
export function memoByNode<T extends object>(render: (node: T) => string): (node: T) => string {
  const cache = new WeakMap<T, string>();
  return (node) => {
    let out = cache.get(node);
    if (out === undefined) {
      out = render(node);
      cache.set(node, out);
    }
    return out;
  };
}
