/** Why an input could not become an article. The message names the input and the reason. */
export class ArticleParseError extends Error {
  override readonly name: string = "ArticleParseError";
  constructor(
    /** The file path, URL or feed item the input came from. */
    readonly input: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${input}: ${reason}`, options);
  }
}

/**
 * A post its site would not publish (now): a draft, `published: false`,
 * expired, or dated in the future (`publishAt` set: it is due then).
 * It extends ArticleParseError so that code which only knows parse errors
 * still never posts it; code that knows better skips or schedules it.
 */
export class NotPublishedError extends ArticleParseError {
  override readonly name: string = "NotPublishedError";
  constructor(
    input: string,
    reason: string,
    /** ISO instant the post becomes published, or null when it never will by itself. */
    readonly publishAt: string | null,
  ) {
    super(input, reason);
  }
}
