import { type Logger, pino } from "pino";

/**
 * Structured logs: the pino logger every part of Herald writes to (as src/log.ts's `Log`). Secrets are redacted by key wherever they appear, and
 * webhook URLs are never logged whole (adapters redact them in errors).
 */
export function createLogger(
  level = process.env.HERALD_LOG_LEVEL ?? "info",
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
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
  };
  return destination ? pino(options, destination) : pino(options);
}
