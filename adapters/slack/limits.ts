/**
 * Slack Block Kit limits (characters) for what Herald sends. See
 * https://docs.slack.dev/reference/block-kit/blocks
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  contextElements: 10,
  contextText: 3000,
  imageUrl: 3000,
  imageAltText: 2000,
  buttonText: 75,
  buttonUrl: 3000,
  /** Slack truncates top-level `text` at 40,000; a notification needs far less. */
  fallbackText: 3000,
} as const;
