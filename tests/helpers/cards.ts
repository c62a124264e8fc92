import { PNG } from "pngjs";

/** A small real PNG, like a (tiny) timeline card: platforms and fakes that check images accept it. */
export function cardPng({
  width = 48,
  height = 24,
  shade = 0x80,
}: {
  width?: number;
  height?: number;
  shade?: number;
} = {}): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(shade);
  return PNG.sync.write(png);
}
