/**
 * The linear rewrites read exactly what the regexes and searches they
 * replaced read: each is compared with its predecessor on random strings
 * made of the characters that matter to it (fast-check, fixed seed).
 */
import fc from "fast-check";
import matter from "gray-matter";
import yaml from "js-yaml";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { splitFrontMatter } from "../src/article/frontmatter.ts";
import { stripTemplateTags } from "../src/article/hast.ts";
import { mayHoldMarkup } from "../src/article/parse.ts";
import { sniffDocument } from "../src/feed/sniff.ts";
import { occurringIn } from "../src/text/occurrences.ts";

const SEED = 20261014;
const textOf = (pieces: string[]) =>
  fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join(""));

describe("linear rewrites agree with what they replaced", () => {
  it("stripTemplateTags removes what the old template regex removed", () => {
    const old = (s: string) => s.replace(/\{%-?[\s\S]*?-?%\}|\{\{[<%][\s\S]*?[>%]\}\}|\{\{[\s\S]*?\}\}/g, "");
    const pieces = [
      "{",
      "}",
      "%",
      "<",
      ">",
      "-",
      "a",
      " ",
      "\n",
      "{{",
      "}}",
      "{%",
      "%}",
      "{{<",
      ">}}",
      "{{%",
      "%}}",
      "{%-",
      "-%}",
    ];
    fc.assert(
      fc.property(textOf(pieces), (text) => stripTemplateTags(text) === old(text)),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  it("splitFrontMatter reads fenced front matter as gray-matter did", () => {
    const engines = {
      yaml: (source: string) => yaml.load(source, { schema: yaml.CORE_SCHEMA }) ?? {},
      toml: (source: string) => parseToml(source) as Record<string, unknown>,
    };
    const viaGrayMatter = (text: string, delimiter: "---" | "+++") => {
      const format = delimiter === "---" ? "yaml" : "toml";
      const normalised = text.replace(/^(---|\+\+\+)[ \t]+\n/, "$1\n");
      const parsed = matter(normalised, { delimiters: delimiter, language: format, engines });
      const data = parsed.data ?? {};
      if (typeof data !== "object" || Array.isArray(data)) throw new Error("front matter is not a key/value map");
      return { data, body: parsed.content.replace(/^\n+/, "") };
    };
    const outcome = (read: () => { data: unknown; body: string }) => {
      try {
        const { data, body } = read();
        return { data: JSON.stringify(data), body };
      } catch {
        return "throws";
      }
    };
    for (const [delimiter, lines] of [
      [
        "---",
        [
          "title: a\n",
          "# note\n",
          "#\n",
          "  # x\n",
          "\n",
          "   \n",
          "---\n",
          "----\n",
          "...\n",
          "body\n",
          "key: [1, 2]\n",
          "- x\n",
        ],
      ],
      ["+++", ['title = "a"\n', "# note\n", "#\n", "\n", "+++\n", "body\n", "x = 1\n", "[t]\n"]],
    ] as const) {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...lines), { maxLength: 12 }),
          fc.constantFrom("", " ", "\t "),
          (parts, pad) => {
            const text = `${delimiter}${pad}\n${parts.join("")}`;
            // The old reading, minus the YAML "..." end marker Herald rewrites before either reader sees it.
            if (text.includes("\n...")) return true;
            const ours = outcome(() => {
              // Strict: the lenient reading (Jekyll's, for YAML errors) deliberately differs where gray-matter threw.
              const split = splitFrontMatter(text, { strict: true });
              return { data: split.data, body: split.body };
            });
            const theirs = outcome(() => viaGrayMatter(text, delimiter));
            // splitFrontMatter lower-cases keys; these samples have only lower-case keys.
            expect(ours).toEqual(theirs);
            return true;
          },
        ),
        { seed: SEED, numRuns: 5_000 },
      );
    }
  });

  it("mayHoldMarkup answers what the old excerpt MARKUP regex answered", () => {
    const old = /[*_`[\]<>&\\~|!#]|^\s*([-+>]|\d+[.)])\s/m;
    const pieces = ["a", " ", "\t", "\n", "\r", "\u2028", "\u00a0", "-", "+", ">", "1", "12", ".", ")", "*", "#", "x."];
    fc.assert(
      fc.property(textOf(pieces), (text) => mayHoldMarkup(text) === old.test(text)),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  it("sniffDocument reads a prolog as the old doctype pattern did", () => {
    const oldProlog = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE\s[^[>]*(?:\[[\s\S]*?\])?\s*>)/i;
    const oldSniff = (text: string) => {
      let rest = text;
      for (let m = oldProlog.exec(rest); m; m = oldProlog.exec(rest)) rest = rest.slice(m[0].length);
      return rest;
    };
    const pieces = [
      "<!DOCTYPE ",
      "rss",
      " ",
      "\n",
      "[",
      "]",
      ">",
      "<!--",
      "-->",
      "<?xml ",
      "?>",
      "<rss>",
      "<html>",
      "x",
    ];
    fc.assert(
      fc.property(textOf(pieces), (text) => {
        const kind = sniffDocument(text);
        const rest = oldSniff(text.replace(/^\uFEFF/, ""));
        const root = /^<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)[\s/>]/.exec(rest)?.[1];
        if (kind.kind === "xml") return kind.root === root;
        return true;
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  it("occurringIn finds exactly the strings String.includes finds", () => {
    const pieces = ["a", "b", "ab", " · ", "\n", "장애", "😀"];
    fc.assert(
      fc.property(textOf(pieces), fc.array(textOf(pieces), { maxLength: 12 }), (text, needles) => {
        const found = occurringIn(text, needles);
        return needles.every((needle) => found.has(needle) === text.includes(needle));
      }),
      { seed: SEED, numRuns: 20_000 },
    );
    expect(occurringIn("a · b\nc", ["b", "a · b", "d", "b\nc"])).toEqual(new Set(["b", "a · b", "b\nc"]));
  });
});
