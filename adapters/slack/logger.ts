/**
 * Bolt and the WebClient log through Slack's own `Logger` interface; this
 * forwards it to Herald's pino-shaped logger. Debug lines are always dropped:
 * they carry whole request bodies (message text, command payloads).
 */
import { type Logger, LogLevel } from "@slack/web-api";
import type { Log } from "../../src/log.ts";

const RANK: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

function joined(parts: unknown[]): string {
  return parts
    .map((part) => (part instanceof Error ? part.message : typeof part === "string" ? part : JSON.stringify(part)))
    .join(" ");
}

/** A Slack `Logger` writing to `log` with `{ component }` (e.g. "slack-web-api", "slack-bolt"). */
export function slackLogger(log: Log, component: string): Logger {
  let level = LogLevel.INFO;
  let name = component;
  const at =
    (wanted: LogLevel, write: "info" | "warn" | "error") =>
    (...parts: unknown[]) => {
      if (RANK[wanted] >= RANK[level]) log[write]({ component: name }, joined(parts));
    };
  return {
    debug: () => {},
    info: at(LogLevel.INFO, "info"),
    warn: at(LogLevel.WARN, "warn"),
    error: at(LogLevel.ERROR, "error"),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}
