import { describe, expect, it } from "vitest";
import { createBots } from "../jobs/bots.ts";
import { openStore } from "../src/store/index.ts";
import { silentLog, testConfig } from "./helpers/pipeline.ts";

/** Every bot section fails at start, naming what to set, when its mode lacks a token or secret. */
describe("bot sections in the config", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["discord without a token", { discord: { mode: "gateway" } }, /DISCORD_TOKEN/],
    ["discord http mode without a public key", { discord: { token: "x", mode: "http" } }, /DISCORD_PUBLIC_KEY/],
    ["slack without a bot token", { slack: { mode: "socket", appToken: "xapp-1" } }, /SLACK_BOT_TOKEN/],
    ["slack socket mode without an app token", { slack: { botToken: "xoxb-1", mode: "socket" } }, /SLACK_APP_TOKEN/],
    [
      "slack http mode without a signing secret",
      { slack: { botToken: "xoxb-1", mode: "http" } },
      /SLACK_SIGNING_SECRET/,
    ],
    ["telegram without a token", { telegram: { mode: "polling" } }, /TELEGRAM_BOT_TOKEN/],
    [
      "telegram webhook mode without a secret",
      { telegram: { token: "123456:ABCdefGhIJKlmNoPQRsTUVwxyZ0123456789", mode: "webhook" } },
      /TELEGRAM_WEBHOOK_SECRET/,
    ],
  ];

  it.each(cases)("%s fails at start naming the env var", async (_name, section, envVar) => {
    const t = testConfig(section);
    const store = await openStore({ path: t.config.database.path });
    try {
      await expect(createBots(t.config, store, silentLog)).rejects.toThrow(envVar);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });

  it("needs no bot section when only webhooks are configured", async () => {
    const t = testConfig({});
    const store = await openStore({ path: t.config.database.path });
    try {
      expect((await createBots(t.config, store, silentLog)).adapters.size).toBe(0);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
});
