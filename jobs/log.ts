import { type Logger, pino } from "pino";

/**
 * Structured logs. Secrets are redacted by key wherever they appear, and
 * webhook URLs are never logged whole (adapters redact them in errors).
 */
export function createLogger(level = process.env.HERALD_LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { app: "herald" },
    redact: {
      paths: [
        "token",
        "*.token",
        "secret",
        "*.secret",
        "url",
        "*.url",
        "authorization",
        "*.authorization",
        "headers.authorization",
        "*.headers.authorization",
        "botToken",
        "*.botToken",
        "signingSecret",
        "*.signingSecret",
        "appToken",
        "*.appToken",
      ],
      censor: "[redacted]",
    },
  });
}

export type { Logger };
