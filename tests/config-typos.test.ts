import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type ConfigError, parseConfig } from "../config/load.ts";
import { nearestKey } from "../config/nearest-key.ts";
import { configSchema } from "../config/schema.ts";
import { plainLines, spawnHerald } from "./helpers/herald.ts";
import { testConfig } from "./helpers/pipeline.ts";

const problems = (text: string, env: Record<string, string> = {}): string[] => {
  try {
    parseConfig(text, "herald.yaml", env);
  } catch (error) {
    return (error as ConfigError).message.split("\n");
  }
  throw new Error("expected the config to be refused");
};

describe("config: unknown keys are refused, with the nearest known key", () => {
  it("names each typo with its path and what was meant, at every depth", () => {
    const lines = problems(`
databse: { path: x.db }
redis: { prefx: herald }
discord: { token: t, applicationID: "123456789012345678" }
destinations:
  - { id: d, type: discord, channelId: "123456789012345678", tpye: discord }
feeds:
  - { id: a, type: rss, url: "https://example.com/a.xml" }
  - { id: b, type: webhook, token: t }
  - { id: c, type: rss, url: "https://example.com/c.xml", intervall: 5m, filters: { categorys: [News] } }
  - { id: e, type: directory, path: ./posts, site: { timeZone: Asia/Seoul } }
`);
    expect(lines.sort()).toEqual(
      [
        'config herald.yaml: unknown key "databse" at top level — did you mean "database"?',
        'config herald.yaml: unknown key "redis.prefx" — did you mean "prefix"?',
        'config herald.yaml: unknown key "discord.applicationID" — did you mean "applicationId"?',
        'config herald.yaml: unknown key "destinations[0].tpye" — did you mean "type"?',
        'config herald.yaml: unknown key "feeds[2].intervall" — did you mean "interval"?',
        'config herald.yaml: unknown key "feeds[2].filters.categorys" — did you mean "categories"?',
        'config herald.yaml: unknown key "feeds[3].site.timeZone" — did you mean "timezone"?',
      ].sort(),
    );
  });

  it("suggests nothing for a key unlike any known one, and lists what is known there instead", () => {
    expect(problems("banner: { to: ops }\n")).toEqual([
      expect.stringMatching(
        /^config herald\.yaml: unknown key "banner" at top level — known keys there: discord, slack, .*feeds$/,
      ),
    ]);
    expect(problems("alert: { destination: ops }\n")).toEqual([
      'config herald.yaml: unknown key "alert" at top level — did you mean "alerts"?',
    ]);
    expect(problems("log: { level: info, colour: true }\n")).toEqual([
      'config herald.yaml: unknown key "log.colour" — known keys there: level',
    ]);
    expect(problems('delivery: { backoff: "2s\\nconfig herald.yaml: all good" }\n')).toEqual([
      "config herald.yaml: delivery.backoff: '2s\\nconfig herald.yaml: all good' is not a duration (use e.g. 30s, 5m, 1h)",
    ]);
    // A key with a line break stays on its one line, escaped: it cannot forge a second problem line.
    expect(problems('"x\\nconfig herald.yaml: all good": 1\n')).toEqual([
      expect.stringMatching(/^config herald\.yaml: unknown key "x\\nconfig herald\.yaml: all good" at top level/),
    ]);
  });

  it("suggests the nearest choice for a misspelt value, including a feed's or destination's type", () => {
    const lines = problems(`
discord: { mode: gatway }
log: { level: loud }
destinations:
  - { id: d, type: telegam, chatId: "@herald_news" }
feeds:
  - { id: a, type: rsss, url: "https://example.com/a.xml" }
`);
    expect(lines.sort()).toEqual(
      [
        'config herald.yaml: discord.mode: "gatway" is not one of gateway, http, none — did you mean "gateway"?',
        'config herald.yaml: log.level: "loud" is not one of trace, debug, info, warn, error, fatal, silent',
        'config herald.yaml: destinations[0].type: "telegam" is not one of discord, discord-webhook, slack, slack-webhook, telegram — did you mean "telegram"?',
        'config herald.yaml: feeds[0].type: "rsss" is not one of directory, rss, webhook — did you mean "rss"?',
      ].sort(),
    );
  });

  it("reports unknown keys together with the other problems of the file", () => {
    const lines = problems("http: { port: -1, hots: 0.0.0.0 }\n");
    expect(lines).toContain('config herald.yaml: unknown key "http.hots" — did you mean "host"?');
    expect(lines).toContainEqual(expect.stringMatching(/^config herald\.yaml: http\.port: /));
  });

  it("still applies environment overrides to a strict config", () => {
    const config = parseConfig("slack: { botToken: x }\n", "herald.yaml", {
      DATABASE_URL: "postgres://a@b/c",
      SLACK_API_URL: "http://127.0.0.1:9/api/",
    });
    expect(config.database.url).toBe("postgres://a@b/c");
    expect(config.slack?.apiUrl).toBe("http://127.0.0.1:9/api/");
  });

  it("refuses unknown keys in every object of the schema (open maps, if any, are records)", () => {
    const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" });
    const open: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (!node || typeof node !== "object") return;
      const object = node as Record<string, unknown>;
      if (object.type === "object" && object.additionalProperties === undefined) open.push(at || "(root)");
      for (const [key, child] of Object.entries(object)) visit(child, `${at}/${key}`);
    };
    visit(schema, "");
    expect(open).toEqual([]);
  });

  it("matches near keys only", () => {
    expect(nearestKey("intervall", ["interval", "url"])).toBe("interval");
    expect(nearestKey("ulr", ["url", "id"])).toBe("url");
    expect(nearestKey("tokn", ["token", "mode"])).toBe("token");
    expect(nearestKey("alert", ["admin", "cards", "limits"])).toBeUndefined();
    expect(nearestKey("xy", ["id"])).toBeUndefined();
  });
});

describe("herald start with a misspelt key", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("exits non-zero with one line naming the key and the nearest known one", async () => {
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const config = join(t.dir, "herald.yaml");
    writeFileSync(
      config,
      JSON.stringify({ redis: t.config.redis, databse: t.config.database, log: { level: "silent" } }),
    );
    const herald = spawnHerald(["start", "--config", config]);
    expect((await herald.exited).code).toBe(1);
    expect(plainLines(herald.output())).toEqual([
      `herald start: config ${config}: unknown key "databse" at top level — did you mean "database"?`,
    ]);
  });
});
