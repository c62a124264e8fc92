import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePost } from "../src/article/index.ts";
import { passesFilters } from "../src/filters.ts";
import { examplePost } from "./helpers/paths.ts";

const article = parsePost(readFileSync(examplePost), examplePost);
const none = { categories: [], include: [], exclude: [] };

describe("feed filters", () => {
  it("lets everything through when every list is empty", () => {
    expect(passesFilters(article, none)).toBe(true);
  });

  it("keeps only the listed categories, case-insensitively", () => {
    expect(passesFilters(article, { ...none, categories: ["news"] })).toBe(true);
    expect(passesFilters(article, { ...none, categories: ["Sports", "경제"] })).toBe(false);
  });

  it("needs one of the include words anywhere in the article, Korean included", () => {
    expect(passesFilters(article, { ...none, include: ["데이터베이스"] })).toBe(true);
    expect(passesFilters(article, { ...none, include: ["API"] })).toBe(true);
    expect(passesFilters(article, { ...none, include: ["지진", "태풍"] })).toBe(false);
  });

  it("drops articles with any exclude word, even when included", () => {
    expect(passesFilters(article, { ...none, include: ["장애"], exclude: ["쇼핑몰"] })).toBe(false);
    expect(passesFilters(article, { ...none, exclude: ["지진"] })).toBe(true);
  });

  it("matches full-width and half-width forms alike", () => {
    expect(passesFilters(article, { ...none, include: ["ＡＰＩ"] })).toBe(true);
  });
});
