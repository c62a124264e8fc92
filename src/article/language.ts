/** Guesses the primary language of a text from the scripts it is written in. */
export function detectLanguage(text: string): string {
  let hangul = 0;
  let kana = 0;
  let han = 0;
  let latin = 0;
  for (const ch of text.slice(0, 4000)) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) hangul++;
    else if (c >= 0x3040 && c <= 0x30ff) kana++;
    else if (c >= 0x4e00 && c <= 0x9fff) han++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  if (hangul > 0 && hangul >= kana && hangul * 4 >= latin / 4) return "ko";
  if (kana > 0) return "ja";
  if (han > 0 && han * 2 >= latin / 4) return "zh";
  return "en";
}

/** Normalises a front-matter language tag ("ko-KR", "ko_KR", "Korean") to its primary subtag. */
export function normaliseLanguage(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const tag = value.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return /^[a-z]{2,3}$/.test(tag) ? tag : null;
}
