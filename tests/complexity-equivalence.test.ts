/**
 * The linear rewrites read exactly what the regexes and searches they
 * replaced read: each is compared with its predecessor on random strings
 * made of the characters that matter to it (fast-check, fixed seed).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stripTemplateTags } from "../src/article/hast.ts";
import { mayHoldMarkup } from "../src/article/parse.ts";
import { sniffDocument } from "../src/feed/sniff.ts";
import { occurringIn } from "../src/text/occurrences.ts";

const SEED = 20261014;
const textOf = (pieces: string[]) => fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join(""));

describe("linear rewrites agree with what they replaced", () => {
  it("stripTemplateTags removes what the old template regex removed", () => {
    const old = (s: string) => s.replace(/\{%-?[\s\S]*?-?%\}|\{\{[<%][\s\S]*?[>%]\}\}|\{\{[\s\S]*?\}\}/g, "");
    const pieces = ["{", "}", "%", "<", ">", "-", "a", " ", "\n", "{{", "}}", "{%", "%}", "{{<", ">}}", "{{%", "%}}", "{%-", "-%}"];
    fc.assert(
      fc.property(textOf(pieces), (text) => stripTemplateTags(text) === old(text)),
      { seed: SEED, numRuns: 20_000 },
    );
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
    const pieces = ["<!DOCTYPE ", "rss", " ", "\n", "[", "]", ">", "<!--", "-->", "<?xml ", "?>", "<rss>", "<html>", "x"];
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
