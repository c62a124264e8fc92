import chardet from "chardet";

/** chardet's multi-byte detectors: trusted when confident, because their byte grammar is strict. */
const MULTIBYTE = new Set(["big5", "gb18030", "shift_jis", "euc-jp", "euc-kr"]);
/** chardet says 100 for real CJK text; Thai read as Big5 scored 34. */
const CONFIDENT = 50;
/** Share of non-ASCII bytes next to another non-ASCII byte above which the text is a non-Latin script. */
const SCRIPT_RUNS = 0.5;
/** Share of non-ASCII bytes in 0xA1–0xBF above which a run-heavy text is Thai (ก–ฟ live there). */
const THAI_CONSONANTS = 0.25;
const CYRILLIC_LANGUAGES = new Set(["ru", "uk", "bg", "sr", "mk", "be"]);
/** Languages of chardet's single-byte models written in a non-Latin script. */
const NON_LATIN_LANGUAGES = new Set([...CYRILLIC_LANGUAGES, "el", "he", "ar", "fa"]);

/**
 * Names the legacy encoding of bytes that are not UTF-8, as a label for
 * `resolveEncoding` (chardet's names or WHATWG labels), or null.
 *
 * chardet recognises CJK multi-byte text well, but its single-byte
 * statistics drown in feed markup: Russian in windows-1251 or KOI8-R came out
 * as ISO-8859-1, and it has no Thai model at all. Single-byte text is
 * therefore judged from the bytes: Cyrillic, Greek, Hebrew, Arabic and Thai
 * letters come in runs of non-ASCII bytes where Latin accents stand alone;
 * Thai consonants fill 0xA1–0xBF, which the others barely use; chardet's best
 * non-Latin model then names the script; and KOI8-R puts lower case where
 * windows-1251 puts upper case, while running text is mostly lower case.
 */
export function guessLegacyEncoding(bytes: Uint8Array): string | null {
  const candidates = chardet.analyse(bytes);
  const top = candidates[0];
  if (top && MULTIBYTE.has(top.name.toLowerCase()) && top.confidence >= CONFIDENT) return top.name;

  // Too little Korean for chardet's statistics (a two-syllable title) still has EUC-KR's strict shape.
  if (isAllHangulPairs(bytes)) return "euc-kr";
  const shape = byteShape(bytes);
  if (shape.high > 0 && shape.inRuns / shape.high >= SCRIPT_RUNS) {
    if (shape.thaiRange / shape.high >= THAI_CONSONANTS) return "windows-874";
    // chardet ranks Latin-1 first on most markup-heavy text; its best non-Latin model names the script.
    const script = candidates.find((candidate) => candidate.lang && NON_LATIN_LANGUAGES.has(candidate.lang));
    if (script?.lang && CYRILLIC_LANGUAGES.has(script.lang))
      return shape.fromE0 >= shape.fromC0 ? "windows-1251" : "koi8-r";
    if (script) return script.name;
  }
  return top?.name ?? null;
}

interface ByteShape {
  /** Bytes ≥ 0x80. */
  high: number;
  /** Non-ASCII bytes that follow another non-ASCII byte. */
  inRuns: number;
  /** Bytes in 0xA1–0xBF. */
  thaiRange: number;
  /** Bytes in 0xC0–0xDF (windows-1251 upper case, KOI8-R lower case). */
  fromC0: number;
  /** Bytes in 0xE0–0xFF (windows-1251 lower case, KOI8-R upper case). */
  fromE0: number;
}

function byteShape(bytes: Uint8Array): ByteShape {
  const shape: ByteShape = { high: 0, inRuns: 0, thaiRange: 0, fromC0: 0, fromE0: 0 };
  let previousHigh = false;
  for (const byte of bytes) {
    const high = byte >= 0x80;
    if (high) {
      shape.high++;
      if (previousHigh) shape.inRuns++;
      if (byte >= 0xa1 && byte <= 0xbf) shape.thaiRange++;
      else if (byte >= 0xc0 && byte <= 0xdf) shape.fromC0++;
      else if (byte >= 0xe0) shape.fromE0++;
    }
    previousHigh = high;
  }
  return shape;
}

/**
 * Whether every non-ASCII byte pairs into an EUC-KR Hangul syllable (lead
 * 0xB0–0xC8, trail 0xA1–0xFE). Thai, Cyrillic and other CJK text break that
 * shape within a few characters; Korean text without Hanja keeps it. Short
 * GB2312 text whose characters all lead with 0xB0–0xC8 fits it too and is
 * read as Korean: Herald's feeds are far more often Korean.
 */
function isAllHangulPairs(bytes: Uint8Array): boolean {
  let pairs = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i]!;
    if (lead < 0x80) continue;
    const trail = bytes[i + 1] ?? 0;
    if (lead < 0xb0 || lead > 0xc8 || trail < 0xa1 || trail > 0xfe) return false;
    pairs++;
    i++;
  }
  return pairs > 0;
}
