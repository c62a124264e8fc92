import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config/load.ts";
import { storyPolicyOf } from "../jobs/pipeline/story-policy.ts";
import { projectRoot } from "./helpers/paths.ts";

const env = {
  HERALD_INGEST_TOKEN: "tok",
  DISCORD_TOKEN: "discord-token",
  SLACK_BOT_TOKEN: "xoxb-1",
  SLACK_APP_TOKEN: "xapp-1",
  TELEGRAM_BOT_TOKEN: "1:abc",
  SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/x",
};

const base = `ingest: { token: t }
destinations:
  - { id: d, type: slack-webhook, url: "https://hooks.slack.com/services/T0/B0/x" }
feeds:
  - { id: f, type: webhook, destinations: [d] }
`;

const refusal = (text: string): string => {
  try {
    parseConfig(text, "herald.yaml", {});
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected the config to be refused");
};

describe("developing-story config", () => {
  it("accepts the documented example and reads each destination's story keys", () => {
    const text = readFileSync(join(projectRoot, "config/examples/developing-stories.yaml"), "utf8");
    const config = parseConfig(text, "developing-stories.yaml", env);
    expect(config.delivery.coalesce).toBe(30_000);
    expect(storyPolicyOf(config, "newsroom")).toEqual({
      updates: "story",
      retractions: "mark",
      mention: { breaking: "<@&234567890123456789>" },
      silent: ["minor"],
      crosspost: "breaking",
    });
    expect(storyPolicyOf(config, "desk").silent).toEqual(["minor", "normal"]);
    expect(storyPolicyOf(config, "alerts")).toMatchObject({ updates: "post", retractions: "delete" });
    expect(config.feeds[0]?.breaking).toEqual(["[속보]", "[긴급]", "[특보]", "BREAKING"]);
  });

  it("defaults to story mode, marked retractions, no mention, silent thread updates, no crosspost", () => {
    const config = parseConfig(base, "herald.yaml", {});
    expect(storyPolicyOf(config, "d")).toEqual({
      updates: "story",
      retractions: "mark",
      mention: {},
      silent: ["minor"],
      crosspost: "never",
    });
  });

  it("keeps delivery.updates: edit | post working as the default of every destination that sets none", () => {
    const config = parseConfig(`${base}delivery: { updates: post }\n`, "herald.yaml", {});
    expect(storyPolicyOf(config, "d").updates).toBe("post");
  });

  it("refuses a misspelt or wrong story key with its path and the nearest key", () => {
    const text = base.replace('url: "https', 'retraction: delete, url: "https');
    expect(refusal(text)).toContain('"destinations[0].retraction"');
    expect(refusal(text)).toContain('did you mean "retractions"');
    expect(refusal(base.replace('url: "https', 'updates: reply, url: "https'))).toContain("destinations[0].updates");
    expect(refusal(base.replace('url: "https', 'silent: [loud], url: "https'))).toContain("destinations[0].silent[0]");
    expect(refusal(base.replace("destinations: [d] }", "destinations: [d], breaking: [''] }"))).toContain(
      "a breaking prefix must not be empty",
    );
  });
});

describe("delivery.coalesce", () => {
  const coalesce = (value: string) =>
    parseConfig(`${base}delivery: { coalesce: ${value} }\n`, "herald.yaml", {}).delivery.coalesce;
  it("reads a window, or none as 0s, 0 or off, and refuses anything else with the way to write it", () => {
    expect(coalesce("2m")).toBe(120_000);
    expect([coalesce("0s"), coalesce("0"), coalesce("off")]).toEqual([0, 0, 0]);
    expect(refusal(`${base}delivery: { coalesce: soon }\n`)).toContain(
      "'soon' is not a window (use e.g. 30s, 2m, or 0s for none)",
    );
  });
});
