import type { Block } from "../../src/article/types.ts";

/** A one-text paragraph block, the smallest piece of article body a test needs. */
export const paragraph = (value: string): Block => ({ type: "paragraph", children: [{ type: "text", value }] });
