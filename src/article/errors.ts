/** Why an input could not become an article. The message names the input and the reason. */
export class ArticleParseError extends Error {
  override readonly name = "ArticleParseError";
  constructor(
    /** The file path, URL or feed item the input came from. */
    readonly input: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${input}: ${reason}`, options);
  }
}
