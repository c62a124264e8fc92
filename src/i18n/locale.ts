/** The languages Herald answers commands in. */
export type Language = "en" | "ko";

/**
 * The reply language for a platform locale: Korean for "ko", "ko-KR",
 * "ko_KR" (any case); English for everything else, including null (Slack
 * gives no locale with a slash command).
 *
 * @example languageOf("ko-KR") // "ko"
 */
export function languageOf(locale: string | null | undefined): Language {
  const primary = (locale ?? "").trim().split(/[-_]/)[0]?.toLowerCase();
  return primary === "ko" ? "ko" : "en";
}
