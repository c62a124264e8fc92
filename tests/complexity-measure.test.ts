/**
 * The growth measure the complexity tests rely on (tests/helpers/hostile.ts) tells quadratic work from
 * linear work: without this, a measure that always said "linear" would pass every one of them.
 */
import { describe, expect, it } from "vitest";
import { GROWTH_LIMIT, growthDetail, growthRatio, hostileText } from "./helpers/hostile.ts";

const KB = 1024;
const text = (kb: number) => hostileText("seeded mix", kb * KB);

/** One pass over the text. */
function linear(input: string): number {
  let odd = 0;
  for (let i = 0; i < input.length; i++) odd += input.charCodeAt(i) & 1;
  return odd;
}

/** Every 16th character against every later 16th character: the shape of a rescan from each position. */
function quadratic(input: string): number {
  let odd = 0;
  for (let i = 0; i < input.length; i += 16)
    for (let j = i; j < input.length; j += 16) odd += (input.charCodeAt(i) ^ input.charCodeAt(j)) & 1;
  return odd;
}

describe("the growth measure", () => {
  it("finds linear work under the limit", () => {
    const growth = growthRatio(text, linear, GROWTH_LIMIT);
    expect(growth.ratio, growthDetail(growth)).toBeLessThan(GROWTH_LIMIT);
  });

  it("finds quadratic work over the limit, even measured five times", () => {
    const growth = growthRatio(text, quadratic, GROWTH_LIMIT);
    expect(growth.ratio, growthDetail(growth)).toBeGreaterThanOrEqual(GROWTH_LIMIT);
  });
});
