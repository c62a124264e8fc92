/**
 * Telegram's `parse_mode: "HTML"`, parsed the way the Bot API server (tdlib) parses it, with its
 * error messages: `Unsupported start tag "div" at byte offset 0`, `Can't find end tag
 * corresponding to start tag "b"`, `Unmatched end tag at byte offset 9, expected "</b>", found
 * "</i>"`. Offsets in errors are UTF-8 byte offsets into the sent text; entity offsets and the
 * visible length are UTF-16 code units, as in the Bot API.
 *
 * One deliberate difference, on by default (`strict`): tdlib keeps a bare `&` or `>` and unknown
 * named entities such as `&nbsp;` literally, so users see "&nbsp;"; the Bot API documentation says
 * they must be escaped, and the fake refuses them so an escaping bug fails a test instead.
 */

/** A MessageEntity produced by parsing. */
export interface TelegramEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export interface ParsedText {
  /** What the user sees: tags removed, entities decoded, surrounding whitespace trimmed. */
  text: string;
  entities: TelegramEntity[];
}

/** A parse failure; `message` is the part after "Bad Request: can't parse entities: ". */
export class EntityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EntityParseError";
  }
}

const SUPPORTED_TAGS = new Set([
  "a",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "tg-spoiler",
  "span",
  "tg-emoji",
  "code",
  "pre",
  "blockquote",
]);

const ENTITY_TYPE_BY_TAG: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  code: "code",
  pre: "pre",
};

const NAMED_ENTITIES: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };

interface OpenTag {
  name: string;
  /** href, language, spoiler marker, emoji id or "expandable", depending on the tag. */
  argument: string;
  /** UTF-16 offset in the output where the tag's content starts. */
  start: number;
}

function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
}

/** Decodes `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#NNN;` and `&#xHH;` (the `;` is optional, as in tdlib). */
function decodeEntity(html: string, at: number): { text: string; end: number } | undefined {
  let end = at + 1;
  let code = 0;
  if (html[end] === "#") {
    end += 1;
    const hex = html[end] === "x";
    if (hex) end += 1;
    const digit = hex ? /[0-9a-fA-F]/ : /[0-9]/;
    const digitsStart = end;
    while (end < html.length && digit.test(html[end]!)) end += 1;
    if (end === digitsStart || end - at >= 10) return undefined;
    code = Number.parseInt(html.slice(digitsStart, end), hex ? 16 : 10);
    if (code === 0 || code >= 0x10ffff) return undefined;
  } else {
    while (end < html.length && /[a-zA-Z]/.test(html[end]!)) end += 1;
    const known = NAMED_ENTITIES[html.slice(at + 1, end)];
    if (known === undefined) return undefined;
    code = known;
  }
  if (html[end] === ";") end += 1;
  return { text: String.fromCodePoint(code), end };
}

class HtmlParser {
  readonly #html: string;
  readonly #strict: boolean;
  #pos = 0;
  #out = "";
  readonly #open: OpenTag[] = [];
  readonly #entities: TelegramEntity[] = [];

  constructor(html: string, strict: boolean) {
    this.#html = html;
    this.#strict = strict;
  }

  parse(): ParsedText {
    const html = this.#html;
    while (this.#pos < html.length) {
      const ch = html[this.#pos]!;
      if (ch === "&") {
        const decoded = decodeEntity(html, this.#pos);
        if (decoded) {
          this.#out += decoded.text;
          this.#pos = decoded.end;
          continue;
        }
        if (this.#strict) this.#refuseBare("&");
      }
      if (ch === ">" && this.#strict) this.#refuseBare(">");
      if (ch !== "<") {
        this.#out += ch;
        this.#pos += 1;
        continue;
      }
      if (html[this.#pos + 1] === "/") this.#endTag();
      else this.#startTag();
      this.#pos += 1; // past ">"
    }
    const unclosed = this.#open.at(-1);
    if (unclosed) throw new EntityParseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
    return this.#trimmed();
  }

  #byteOffset(position: number): number {
    return Buffer.byteLength(this.#html.slice(0, position), "utf8");
  }

  #fail(message: string, position: number): never {
    throw new EntityParseError(`${message} at byte offset ${this.#byteOffset(position)}`);
  }

  #refuseBare(ch: string): never {
    const escaped = ch === "&" ? "&amp;" : "&gt;";
    throw new EntityParseError(
      `Character "${ch}" at byte offset ${this.#byteOffset(this.#pos)} must be escaped as ${escaped} ` +
        "(the Bot API docs require it; TelegramFake enforces it)",
    );
  }

  #skipSpaces(): void {
    while (this.#pos < this.#html.length && isSpace(this.#html[this.#pos])) this.#pos += 1;
  }

  #startTag(): void {
    const html = this.#html;
    const begin = this.#pos;
    this.#pos += 1;
    while (this.#pos < html.length && !isSpace(html[this.#pos]) && html[this.#pos] !== ">") this.#pos += 1;
    if (this.#pos >= html.length) this.#fail("Unclosed start tag", begin);
    const name = html.slice(begin + 1, this.#pos).toLowerCase();
    if (!SUPPORTED_TAGS.has(name)) this.#fail(`Unsupported start tag "${name}"`, begin);
    let argument = "";
    while (html[this.#pos] !== ">") {
      this.#skipSpaces();
      if (html[this.#pos] === ">") break;
      const attribute = this.#attribute(name, begin);
      argument = this.#argumentFrom(name, attribute) ?? argument;
    }
    if (name === "span" && argument !== "spoiler") this.#fail('Tag "span" must have class "tg-spoiler"', begin);
    this.#open.push({ name, argument, start: this.#out.length });
  }

  /** Reads `name`, `name=token` or `name="value"`; leaves the position on the next space or ">". */
  #attribute(tag: string, tagBegin: number): { name: string; value: string | undefined } {
    const html = this.#html;
    const nameBegin = this.#pos;
    while (this.#pos < html.length && !isSpace(html[this.#pos]) && !"=>/\"'".includes(html[this.#pos]!)) {
      this.#pos += 1;
    }
    const name = html.slice(nameBegin, this.#pos).toLowerCase();
    if (name === "") this.#fail(`Empty attribute name in the tag "${tag}"`, tagBegin);
    this.#skipSpaces();
    if (this.#pos >= html.length) this.#fail(`Unclosed start tag "${tag}"`, tagBegin);
    if (html[this.#pos] !== "=") return { name, value: undefined };
    this.#pos += 1;
    this.#skipSpaces();
    if (this.#pos >= html.length) this.#fail(`Unclosed start tag "${tag}"`, tagBegin);
    const quote = html[this.#pos];
    if (quote !== '"' && quote !== "'") {
      const tokenBegin = this.#pos;
      while (this.#pos < html.length && /[a-zA-Z0-9.-]/.test(html[this.#pos]!)) this.#pos += 1;
      if (this.#pos >= html.length || (!isSpace(html[this.#pos]) && html[this.#pos] !== ">")) {
        this.#fail("Unexpected end of name token", tokenBegin);
      }
      return { name, value: html.slice(tokenBegin, this.#pos).toLowerCase() };
    }
    this.#pos += 1;
    let value = "";
    while (this.#pos < html.length && html[this.#pos] !== quote) {
      const decoded = html[this.#pos] === "&" ? decodeEntity(html, this.#pos) : undefined;
      if (decoded) {
        value += decoded.text;
        this.#pos = decoded.end;
      } else {
        value += html[this.#pos];
        this.#pos += 1;
      }
    }
    this.#pos += 1; // past the closing quote
    if (this.#pos >= html.length) this.#fail("Unclosed start tag", tagBegin);
    return { name, value };
  }

  #argumentFrom(tag: string, attribute: { name: string; value: string | undefined }): string | undefined {
    const { name, value } = attribute;
    if (tag === "blockquote" && name === "expandable") return "expandable";
    if (value === undefined) return undefined;
    if (tag === "a" && name === "href") return value;
    if (tag === "code" && name === "class" && value.startsWith("language-")) return value.slice("language-".length);
    if (tag === "span" && name === "class" && value.startsWith("tg-")) return value.slice("tg-".length);
    if (tag === "tg-emoji" && name === "emoji-id") return value;
    return undefined;
  }

  #endTag(): void {
    const html = this.#html;
    const begin = this.#pos;
    const top = this.#open.at(-1);
    if (!top) this.#fail("Unexpected end tag", begin);
    this.#pos += 2;
    const nameBegin = this.#pos;
    while (this.#pos < html.length && !isSpace(html[this.#pos]) && html[this.#pos] !== ">") this.#pos += 1;
    const name = html.slice(nameBegin, this.#pos).toLowerCase();
    this.#skipSpaces();
    if (html[this.#pos] !== ">") this.#fail("Unclosed end tag", begin);
    if (name !== "" && name !== top.name) {
      throw new EntityParseError(
        `Unmatched end tag at byte offset ${this.#byteOffset(begin)}, expected "</${top.name}>", found "</${name}>"`,
      );
    }
    this.#open.pop();
    const length = this.#out.length - top.start;
    if (length > 0) this.#entities.push(this.#entityFor(top, length));
  }

  #entityFor(tag: OpenTag, length: number): TelegramEntity {
    const base = { offset: tag.start, length };
    switch (tag.name) {
      case "a":
        return { type: "text_link", ...base, url: tag.argument || this.#out.slice(tag.start) };
      case "tg-emoji":
        if (!/^\d+$/.test(tag.argument)) throw new EntityParseError("Invalid custom emoji identifier specified");
        return { type: "custom_emoji", ...base, custom_emoji_id: tag.argument };
      case "blockquote":
        return { type: tag.argument === "expandable" ? "expandable_blockquote" : "blockquote", ...base };
      case "code": {
        // <pre><code class="language-x"> is one pre entity with a language.
        const pre = this.#open.at(-1);
        if (pre?.name === "pre" && pre.start === tag.start && tag.argument) {
          pre.argument = tag.argument;
        }
        return { type: "code", ...base };
      }
      case "pre": {
        const inner = this.#entities.at(-1);
        if (inner?.type === "code" && inner.offset === tag.start && inner.length === length) this.#entities.pop();
        return { type: "pre", ...base, ...(tag.argument ? { language: tag.argument } : {}) };
      }
      default:
        return { type: ENTITY_TYPE_BY_TAG[tag.name] ?? tag.name, ...base };
    }
  }

  /** Telegram trims surrounding whitespace from the text; entities shift and clip with it. */
  #trimmed(): ParsedText {
    const text = this.#out.trim();
    const lead = this.#out.length - this.#out.trimStart().length;
    const entities = this.#entities
      .map((entity) => {
        const start = Math.max(0, entity.offset - lead);
        const end = Math.min(text.length, entity.offset - lead + entity.length);
        return { ...entity, offset: start, length: end - start };
      })
      .filter((entity) => entity.length > 0)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    return { text, entities };
  }
}

/**
 * Parses Telegram HTML. Throws EntityParseError with tdlib's wording on malformed markup.
 *
 * @example parseTelegramHtml("<b>안녕</b> &amp; hi") // → { text: "안녕 & hi", entities: [{ type: "bold", offset: 0, length: 2 }] }
 */
export function parseTelegramHtml(html: string, options: { strict?: boolean } = {}): ParsedText {
  return new HtmlParser(html, options.strict ?? true).parse();
}
