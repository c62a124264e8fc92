import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The fonts Herald ships for its cards, served to Chromium without network.
 *
 * The @fontsource packages split each font into ~100 unicode-range subsets.
 * Their CSS is rewritten to point at a fake origin that the renderer answers
 * from these files through request interception, so a page only pulls the
 * subsets its text needs and no system font is involved. Inlining every
 * subset as a data: URL instead would push ~10 MB of base64 through each
 * page load.
 */

/** Origin of the fake font URLs. `.invalid` can never resolve, so a leak past interception fails closed. */
export const FONT_ORIGIN = "https://fonts.herald.invalid";

/** Hangul, Latin, kana and the Korean hanja set. */
export const KOREAN_FAMILY = "Noto Sans KR";
/** Simplified Chinese and the Japanese kanji Noto Sans KR lacks (発, 駅, …). */
export const CHINESE_FAMILY = "Noto Sans SC Variable";

interface FontPackage {
  /** First path segment of the fake URL. */
  id: string;
  name: string;
  /** The CSS files of the weights the card uses. */
  css: string[];
}

const PACKAGES: FontPackage[] = [
  { id: "kr", name: "@fontsource/noto-sans-kr", css: ["400.css", "700.css"] },
  // The variable build covers every weight with one file per subset.
  { id: "sc", name: "@fontsource-variable/noto-sans-sc", css: ["wght.css"] },
];

export interface BundledFonts {
  /** @font-face rules for every bundled subset, pointing at {@link FONT_ORIGIN}. */
  css: string;
  /** The woff2 bytes for a URL from {@link css}, or null for any other URL. */
  file(url: string): Buffer | null;
  /** The same rules pointing at the installed files (file: URLs), for pages a person opens locally, like preview.html. */
  localCss(): string;
}

let loaded: BundledFonts | undefined;

/** Reads the font CSS once per process; font files are read on first use and kept. */
export function bundledFonts(): BundledFonts {
  loaded ??= loadBundledFonts();
  return loaded;
}

function loadBundledFonts(): BundledFonts {
  const require = createRequire(import.meta.url);
  const files = new Map<string, string>();
  const cssParts: string[] = [];
  for (const pkg of PACKAGES) {
    const root = dirname(require.resolve(`${pkg.name}/package.json`));
    for (const cssFile of pkg.css) {
      const css = readFileSync(join(root, cssFile), "utf8");
      cssParts.push(
        rewriteFontCss(css, pkg.id, (fileName) => files.set(`${pkg.id}/${fileName}`, join(root, "files", fileName))),
      );
    }
  }
  const bytes = new Map<string, Buffer>();
  const css = cssParts.join("\n");
  return {
    css,
    localCss: () =>
      css.replaceAll(/https:\/\/fonts\.herald\.invalid\/([\w./-]+)/g, (url, key: string) => {
        const path = files.get(key);
        return path ? pathToFileURL(path).href : url;
      }),
    file(url) {
      if (!url.startsWith(`${FONT_ORIGIN}/`)) return null;
      const key = url.slice(FONT_ORIGIN.length + 1);
      // Only files the CSS names are served: the URL never becomes a free-form path.
      const path = files.get(key);
      if (!path) return null;
      let data = bytes.get(key);
      if (!data) {
        data = readFileSync(path);
        bytes.set(key, data);
      }
      return data;
    },
  };
}

/**
 * Keeps only the woff2 source of each @font-face, moved to the fake origin,
 * and blocks (rather than swaps) while a face loads: the renderer waits for
 * fonts anyway, and a fallback glyph must never reach a screenshot.
 */
function rewriteFontCss(css: string, id: string, onFile: (fileName: string) => void): string {
  return css
    .replace(/src:[^;]*;/g, (src) => {
      const match = /url\(\.\/files\/([a-z0-9-]+\.woff2)\)\s*format\('(woff2(?:-variations)?)'\)/.exec(src);
      if (!match?.[1]) throw new Error(`Unexpected @font-face source in the bundled ${id} font CSS: ${src}`);
      onFile(match[1]);
      return `src: url(${FONT_ORIGIN}/${id}/${match[1]}) format('${match[2]}');`;
    })
    .replace(/font-display:\s*swap;/g, "font-display: block;");
}
