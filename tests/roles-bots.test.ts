/**
 * Bots by role: a bot in an HTTP mode is answered by the `http` role's server; a bot whose
 * connection Herald opens (here Telegram long polling) is the `bots` role, which needs no port.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseRoles } from "../jobs/roles.ts";
import { startService } from "../jobs/service.ts";
import { TelegramFake, textMessageUpdate } from "./fakes/telegram/server.ts";
import { silentLog, testConfig } from "./helpers/pipeline.ts";

const CHAT = 4343;
const SECRET = "roles-webhook-secret-0123456789";

describe("bots by role", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function telegramService(mode: "polling" | "webhook", roles: string) {
    const telegram = await TelegramFake.start();
    cleanups.push(() => telegram.close());
    const t = testConfig({
      telegram: { token: telegram.token, mode, webhookSecret: SECRET, apiUrl: telegram.apiRoot },
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog, roles: parseRoles(roles) });
    cleanups.push(() => service.stop(0));
    return { telegram, service };
  }

  it("--roles bots answers Telegram commands over long polling, with no port bound", async () => {
    const { telegram, service } = await telegramService("polling", "bots");
    expect(service.server).toBeNull();
    expect(service.port).toBeNull();
    telegram.pushUpdate(textMessageUpdate({ chatId: CHAT, text: "/news latest" }));
    const [reply] = await telegram.waitForSent(1, 15_000);
    expect(reply).toBeDefined();
  });

  it("--roles http answers the Telegram webhook and never polls", async () => {
    const { telegram, service } = await telegramService("webhook", "http");
    const answer = await fetch(`http://127.0.0.1:${service.port}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify({ update_id: 910_001, ...textMessageUpdate({ chatId: CHAT, text: "/news latest" }) }),
    });
    expect(answer.status).toBe(200);
    const [reply] = await telegram.waitForSent(1, 15_000);
    expect(reply).toBeDefined();
    expect(telegram.calls.filter((c) => c.method === "getUpdates")).toEqual([]);
  });

  it("--roles http leaves a polling bot to the bots role: no getUpdates, no getMe", async () => {
    const { telegram, service } = await telegramService("polling", "http");
    expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
    expect(telegram.calls.map((c) => c.method)).toEqual([]);
  });
});
