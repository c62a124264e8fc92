import { isUtf8 } from "node:buffer";
import iconv from "iconv-lite";
import { FeedParseError } from "./errors.ts";
import { guessLegacyEncoding } from "./legacy.ts";

/** How many leading bytes are searched for an XML declaration. */
const DECLARATION_WINDOW = 1024;

/**
 * Labels that browsers (WHATWG Encoding) decode with a superset, because
 * publishers who say "ISO-8859-1" or "EUC-KR" routinely send the Windows
 * variants (curly quotes in 0x80–0x9F, extended Hangul).
 */
const SUPERSETS: Record<string, string> = {
  "iso-8859-1": "windows-1252",
  "iso8859-1": "windows-1252",
  latin1: "windows-1252",
  "us-ascii": "windows-1252",
  ascii: "windows-1252",
  "euc-kr": "cp949",
  "ks_c_5601-1987": "cp949",
  gb2312: "gb18030",
  gbk: "gb18030",
  "tis-620": "windows-874",
  "iso-8859-11": "windows-874",
  "iso-8859-9": "windows-1254",
};

/** The text of a feed and the encoding it was decoded with. */
export interface DecodedFeed {
  text: string;
  encoding: string;
}

/**
 * Turns feed bytes into text. The encoding is taken, in order, from a byte
 * order mark, the zero bytes of BOM-less UTF-16/32, the XML declaration, the
 * HTTP Content-Type charset, and finally from the bytes themselves: valid
 * UTF-8 is UTF-8, anything else is guessed (so undeclared EUC-KR, TIS-620
 * or windows-1251 is not garbled; see {@link guessLegacyEncoding}).
 * A declaration the bytes contradict is skipped (see {@link isBelievable}).
 */
export function decodeFeedBytes(bytes: Uint8Array, source: string, contentType?: string | null): DecodedFeed {
  const bom = encodingFromBom(bytes);
  if (bom) return { text: decodeWith(bytes.subarray(bom.length), bom.encoding), encoding: bom.encoding };
  const wide = encodingFromZeroBytes(bytes);
  if (wide) return { text: decodeWith(bytes, wide), encoding: wide };

  const declared = encodingFromXmlDeclaration(bytes);
  if (declared) {
    const known = resolveEncoding(declared);
    // An unknown label only matters when the bytes are not UTF-8 (or ASCII) anyway.
    if (!known && !isValidUtf8(bytes)) {
      throw new FeedParseError(source, `unsupported encoding "${declared}" in the XML declaration`);
    }
    if (known && isBelievable(known, bytes)) return { text: decodeWith(bytes, known), encoding: known };
  }

  const fromHeader = charsetFromContentType(contentType);
  const headerEncoding = fromHeader ? resolveEncoding(fromHeader) : null;
  if (headerEncoding && isBelievable(headerEncoding, bytes)) {
    return { text: decodeWith(bytes, headerEncoding), encoding: headerEncoding };
  }

  return sniff(bytes, source);
}

/**
 * Whether a declared encoding can be true of these bytes. Templates and
 * servers that re-encode feeds leave stale declarations behind, so:
 * - "UTF-8" over bytes that are not UTF-8 is false;
 * - "UTF-16" readable as ASCII (no BOM, or we would not be here) is false;
 * - a legacy encoding over bytes that are valid UTF-8 *and* non-ASCII is
 *   false: legacy text is practically never valid UTF-8 by accident (a
 *   real Daily Mail feed says ISO-8859-1 and sends UTF-8 "©").
 */
function isBelievable(encoding: string, bytes: Uint8Array): boolean {
  if (encoding === "utf-8") return isValidUtf8(bytes);
  // Without a BOM, UTF-16/32 would have been recognised by its zero bytes before any declaration was read.
  if (/^utf-?(?:16|32)/.test(encoding)) return false;
  return !(isValidUtf8(bytes) && hasNonAscii(bytes));
}

function hasNonAscii(bytes: Uint8Array): boolean {
  return bytes.some((byte) => byte > 0x7f);
}

function sniff(bytes: Uint8Array, source: string): DecodedFeed {
  if (isValidUtf8(bytes)) return { text: decodeWith(bytes, "utf-8"), encoding: "utf-8" };
  const lossy = mostlyUtf8(bytes);
  if (lossy !== null) return { text: lossy, encoding: "utf-8" };
  const guess = guessLegacyEncoding(bytes);
  const encoding = guess ? resolveEncoding(guess) : null;
  if (!encoding || encoding === "utf-8") {
    throw new FeedParseError(
      source,
      `unsupported encoding (bytes are not UTF-8 and the guess was ${guess ?? "nothing"})`,
    );
  }
  return { text: decodeWith(bytes, encoding), encoding };
}

/**
 * UTF-8 with a few broken sequences (a CMS that cut a character in half) is
 * still UTF-8: decoded with replacement characters it keeps all its other
 * text, where a statistical guess would garble every Hangul syllable.
 * Legacy encodings almost never form valid multi-byte UTF-8, so many valid
 * sequences against few broken ones is a safe sign. Null when it is not.
 */
function mostlyUtf8(bytes: Uint8Array): string | null {
  const text = new TextDecoder("utf-8").decode(bytes);
  let broken = 0;
  let multibyte = 0;
  for (const char of text) {
    if (char === "\uFFFD") broken++;
    else if (char.charCodeAt(0) > 0x7f) multibyte++;
  }
  return multibyte >= 8 * broken ? text : null;
}

function encodingFromBom(bytes: Uint8Array): { encoding: string; length: number } | null {
  const [a, b, c, d] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: "utf-8", length: 3 };
  // UTF-32LE's BOM starts like UTF-16LE's, so it is tested first.
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return { encoding: "utf-32le", length: 4 };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { encoding: "utf-32be", length: 4 };
  if (a === 0xfe && b === 0xff) return { encoding: "utf-16be", length: 2 };
  if (a === 0xff && b === 0xfe) return { encoding: "utf-16le", length: 2 };
  return null;
}

/**
 * UTF-16 or UTF-32 without a BOM, from where the zero bytes of the first
 * character fall (XML 1.0 Appendix F, RFC 4627 §3): a feed starts with an
 * ASCII character (`<`, `{`, whitespace), which these encodings pad with
 * zeros, and no ASCII-compatible feed starts with a zero byte.
 */
function encodingFromZeroBytes(bytes: Uint8Array): string | null {
  if (bytes.length < 4) return null;
  const [a, b, c, d] = [bytes[0] !== 0, bytes[1] !== 0, bytes[2] !== 0, bytes[3] !== 0];
  if (!a && !b && !c && d) return "utf-32be";
  if (a && !b && !c && !d) return "utf-32le";
  if (!a && b && !c && d) return "utf-16be";
  if (a && !b && c && !d) return "utf-16le";
  return null;
}

/**
 * `<?xml version="1.0" encoding="euc-kr"?>`. Searched for in the first bytes
 * read as Latin-1 (every ASCII-compatible encoding agrees on the declaration's
 * characters); some feeds put a comment before it, so it need not be first.
 */
function encodingFromXmlDeclaration(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, DECLARATION_WINDOW)).toString("latin1");
  const m = /<\?xml\s[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)\s*["']/.exec(head);
  return m?.[1] ?? null;
}

function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*"?\s*([A-Za-z0-9._:-]+)/i.exec(contentType);
  return m?.[1] ?? null;
}

/** The iconv-lite name for an encoding label, or null when iconv-lite does not know it. */
function resolveEncoding(label: string): string | null {
  const lower = label.trim().toLowerCase();
  if (lower === "utf-8" || lower === "utf8") return "utf-8";
  const name = SUPERSETS[lower] ?? lower;
  return iconv.encodingExists(name) ? name : null;
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  if (encoding === "utf-8") return new TextDecoder("utf-8").decode(bytes);
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}

function isValidUtf8(bytes: Uint8Array): boolean {
  return isUtf8(bytes);
}
