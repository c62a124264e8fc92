/**
 * What a retracted photo post shows instead of its timeline card. Telegram can neither remove the
 * photo from a message nor turn a photo message into text, so a retraction replaces the card with
 * this plain grey image (editMessageMedia) and the caption says the article was retracted: the
 * retracted timeline is no longer on screen.
 */
import { crc32, deflateSync } from "node:zlib";
import type { CardFile } from "../../src/adapter.ts";

const WIDTH = 640;
const HEIGHT = 160;
/** Slate grey, as the card's own border: reads as "nothing here" in light and dark themes. */
const GREY = [0xcb, 0xd5, 0xe1] as const;

/** A PNG chunk: length, type, data, CRC of type + data. */
function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A one-colour 8-bit RGB PNG: each row is filter byte 0 then the pixels. */
function solidPng(width: number, height: number, [r, g, b]: readonly [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export const RETRACTED_PHOTO: CardFile = { filename: "retracted.png", png: solidPng(WIDTH, HEIGHT, GREY) };
