import type { Block, Inline } from "../article/types.ts";

/** The visible text of inline nodes, without any markup. */
export function inlineText(nodes: Inline[]): string {
  let out = "";
  for (const node of nodes) {
    switch (node.type) {
      case "text":
      case "code":
        out += node.value;
        break;
      case "break":
        out += "\n";
        break;
      default:
        out += inlineText(node.children);
    }
  }
  return out;
}

/** The visible text of blocks: paragraphs separated by blank lines, list items by newlines. */
export function blocksText(blocks: Block[]): string {
  return blocks
    .map((block) => {
      switch (block.type) {
        case "list":
          return block.items.map((item) => inlineText(item)).join("\n");
        case "code":
          return block.value;
        default:
          return inlineText(block.children);
      }
    })
    .join("\n\n");
}
