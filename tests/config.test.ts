import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ConfigError, parseConfig } from "../config/load.ts";
import { projectRoot } from "./helpers/paths.ts";

const env = {
  HERALD_INGEST_TOKEN: "tok",
  DISCORD_TOKEN: "discord-token",
  SLACK_BOT_TOKEN: "xoxb-1",
  TELEGRAM_BOT_TOKEN: "1:abc",
  DISCORD_WEBHOOK_URL: "https://discord.com/api/webhooks/123456789012345678/abc-DEF_1",
  SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/x",
};

const failure = (text: string, environment: Record<string, string> = {}) => {
  try {
    parseConfig(text, "herald.yaml", environment);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error("expected the config to be refused");
};

describe("config", () => {
  it("accepts the documented example with its variables set, and applies the environment", () => {
    const text = readFileSync(join(projectRoot, "config/herald.example.yaml"), "utf8");
    const config = parseConfig(text, "herald.example.yaml", {
      ...env,
      REDIS_URL: "redis://10.1.1.1:6380/2",
      HERALD_DB: "/var/lib/herald.db",
    });
    expect(config.redis.url).toBe("redis://10.1.1.1:6380/2");
    expect(config.database.path).toBe("/var/lib/herald.db");
    expect(config.ingest.token).toBe("tok");
    expect(config.feeds.find((f) => f.id === "status")).toMatchObject({ type: "rss", interval: 300_000 });
    expect(config.destinations).toHaveLength(5);
  });

  it("keeps the queue dashboard off unless an admin token or user is set, and refuses users HTTP Basic cannot carry", () => {
    const example = readFileSync(join(projectRoot, "config/herald.example.yaml"), "utf8");
    expect(parseConfig(example, "herald.example.yaml", env).admin).toEqual({ token: undefined, users: [] });
    expect(parseConfig(example, "herald.example.yaml", { ...env, HERALD_ADMIN_TOKEN: "adm" }).admin.token).toBe("adm");
    expect(parseConfig("admin: { users: [{ name: ops, password: pw }] }\n", "herald.yaml", env).admin.users).toEqual([
      { name: "ops", password: "pw" },
    ]);
    const error = failure("admin: { users: [{ name: 'a:b', password: pw }, { name: ops, password: '' }] }\n");
    expect(error.message).toContain("admin.users[0].name: a user name has no ':' and no spaces (HTTP Basic)");
    expect(error.message).toContain("admin.users[1].password: must not be empty");
  });

  it("takes a shared PostgreSQL store from database.url or DATABASE_URL, and refuses any other URL", () => {
    expect(parseConfig("{}", "herald.yaml", env).database.url).toBeUndefined();
    const fromFile = parseConfig("database: { url: 'postgres://herald@db:5432/herald' }\n", "herald.yaml", env);
    expect(fromFile.database.url).toBe("postgres://herald@db:5432/herald");
    const fromEnv = parseConfig("database: { url: 'postgres://a@b/c' }\n", "herald.yaml", {
      ...env,
      DATABASE_URL: "postgresql://x@y:5433/z",
    });
    expect(fromEnv.database.url).toBe("postgresql://x@y:5433/z");
    expect(failure("database: { url: 'mysql://root@db/herald' }\n").message).toContain(
      "database.url: must be a postgres:// or postgresql:// URL",
    );
  });

  it("names a missing environment variable and where it is used", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax under test
    expect(failure("ingest: { token: ${HERALD_INGEST_TOKEN} }\n").message).toBe(
      "config herald.yaml: ingest.token: environment variable HERALD_INGEST_TOKEN is not set. Set HERALD_INGEST_TOKEN, or write the value in the file",
    );
  });

  it("reports every invalid key with its path and reason, at once", () => {
    const error = failure(`
destinations:
  - { id: a, type: discord-webhook, url: "https://example.com/not-a-webhook" }
  - { id: a, type: telegram, chatId: "not a chat" }
feeds:
  - { id: f, type: rss, url: "ftp://x/feed", interval: 5 minutes, destinations: [a] }
`);
    expect(error.message).toContain(
      "destinations[0].url: must be a Discord webhook URL ending in /api/webhooks/{id}/{token}",
    );
    expect(error.message).toContain("destinations[1].chatId: must be @channelname or a numeric chat id");
    expect(error.message).toContain("feeds[0].url: must be an http(s) URL");
    expect(error.message).toContain("feeds[0].interval: '5 minutes' is not a duration (use e.g. 30s, 5m, 1h)");
  });

  it("refuses unknown destinations, duplicate ids and bot destinations without their bot section", () => {
    const error = failure(`
ingest: { token: t }
destinations:
  - { id: d, type: slack, channel: C0123456789 }
  - { id: d, type: slack-webhook, url: "https://hooks.slack.com/x" }
feeds:
  - { id: w, type: webhook, destinations: [d, ghost] }
`);
    expect(error.message).toContain("destinations[1].id: duplicate destination id 'd'");
    expect(error.message).toContain("feeds[0].destinations[1]: unknown destination 'ghost'");
    expect(error.message).toContain("destinations[0].type: a 'slack' destination needs the 'slack:' bot section");
  });

  it("needs a token or secret for webhook feeds", () => {
    expect(failure("feeds:\n  - { id: w, type: webhook }\n").message).toContain(
      "feeds[0]: a webhook feed needs a token or secret",
    );
  });

  it("does not let an environment value change the YAML structure", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax under test
    const config = parseConfig("ingest: { token: ${T} }\n", "x.yaml", { T: "a, evil: [1], b: {c" });
    expect(config.ingest.token).toBe("a, evil: [1], b: {c");
  });

  it("reads alerts with their defaults, and names alerts.destination when it is not a destination", () => {
    const example = parseConfig(
      readFileSync(join(projectRoot, "config/herald.example.yaml"), "utf8"),
      "herald.example.yaml",
      env,
    );
    expect(example.alerts).toEqual({
      destination: "ops-discord",
      after: 3,
      backlogAge: 600_000,
      repeat: 86_400_000,
      locale: "en",
    });
    const hooks = "destinations: [{ id: ops, type: slack-webhook, url: 'https://hooks.example/x' }]\n";
    expect(
      parseConfig(
        `${hooks}alerts: { destination: ops, after: 5, backlogAge: 30s, repeat: 12h, locale: ko }\n`,
        "herald.yaml",
        env,
      ).alerts,
    ).toEqual({
      destination: "ops",
      after: 5,
      backlogAge: 30_000,
      repeat: 43_200_000,
      locale: "ko",
    });
    expect(parseConfig(hooks, "herald.yaml", env).alerts).toBeUndefined();
    expect(failure(`${hooks}alerts: { destination: opz }\n`).message).toContain(
      "alerts.destination: unknown destination 'opz'; use the id of one of the destinations",
    );
  });
});
