/**
 * Two `herald start` processes with Telegram long polling, as an operator runs them for failover:
 * one polls, the other stands by (the fake counts every getUpdates ended by a concurrent one);
 * SIGKILL of the poller → the other answers within 30 s; SIGTERM → the standby takes over at once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { TelegramFake, textMessageUpdate } from "./fakes/telegram/server.ts";
import { type FleetMember, fleetConfigWriter, ownerOf, startMember } from "./helpers/fleet.ts";
import { runHerald } from "./helpers/herald.ts";
import { testConfig, waitFor } from "./helpers/pipeline.ts";

const CHAT = 4242;
const POLLING = "telegram-polling:";

describe("a fleet of two herald start processes polling Telegram", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("polls from one process at a time, fails over within 30 s of a SIGKILL, and hands over at once on SIGTERM", async () => {
    const telegram = await TelegramFake.start();
    cleanups.push(() => telegram.close());
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const configFor = fleetConfigWriter(t, {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax, filled from the environment
      telegram: { token: "${TELEGRAM_BOT_TOKEN}", mode: "polling", apiUrl: telegram.apiRoot },
      // Debug shows each time the standby is refused the duty: the positive signal that it stands by.
      log: { level: "debug" },
    });
    const env = { TELEGRAM_BOT_TOKEN: telegram.token };
    const members: FleetMember[] = [];
    const start = async () => {
      const member = await startMember(configFor, env);
      cleanups.push(() => void member.process.kill("SIGKILL"));
      members.push(member);
      return member;
    };
    const answered = async (text: string, within: number) => {
      const before = telegram.messagesIn(CHAT).length;
      telegram.pushUpdate(textMessageUpdate({ chatId: CHAT, text }));
      await waitFor(() => telegram.messagesIn(CHAT).length > before, within, `an answer to ${text}`);
    };

    await Promise.all([start(), start()]);
    const first = await ownerOf(members, POLLING, 15_000);
    const standby = members.find((m) => m !== first) as FleetMember;
    expect(await standby.duties()).toEqual([]);
    await waitFor(() => telegram.isPolling, 15_000, "long polling");
    await answered("/news latest", 15_000);

    // herald status names the poller by its pid.
    const status = await runHerald(["status", "--config", `${t.dir}/herald-${first.port}.yaml`], env);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(`telegram-polling:[0-9a-f]{12}\\s+\\S+ pid ${first.process.pid} since \\d{4}-`),
    );
    expect(status.stdout).not.toContain(telegram.token);

    // Both keep running side by side: the standby tries to take the duty, is refused, and never polls.
    const standingBy = () =>
      standby.process
        .output()
        .split("\n")
        .filter((line) => line.includes("standing by")).length;
    await waitFor(() => standingBy() >= 4, 30_000, "the standby to be refused the duty four times");
    expect(telegram.getUpdatesConflicts).toBe(0);

    first.process.kill("SIGKILL");
    await first.process.exited;
    await answered("/news latest", 30_000);
    expect((await ownerOf(members, POLLING, 5000)).process.pid).toBe(standby.process.pid);

    // A clean shutdown hands the lease back: a fresh standby takes over within a few retries.
    const third = await start();
    standby.process.kill("SIGTERM");
    expect(await standby.process.exited).toEqual({ code: 0, signal: null });
    await ownerOf([third], POLLING, 10_000);
    await answered("/news latest", 15_000);

    expect(telegram.getUpdatesConflicts).toBe(0);
    expect(telegram.calls.filter((c) => c.status === 409)).toEqual([]);
    // Not even at debug does the bot token reach the logs.
    for (const member of members) expect(member.process.output()).not.toContain(telegram.token);
  }, 115_000);
});

describe("a poller kicked off by another getUpdates (409)", () => {
  it("hands its duty back and polls again, saying so once", async () => {
    const telegram = await TelegramFake.start();
    const t = testConfig({});
    const configFor = fleetConfigWriter(t, {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax, filled from the environment
      telegram: { token: "${TELEGRAM_BOT_TOKEN}", mode: "polling", apiUrl: telegram.apiRoot },
    });
    const member = await startMember(configFor, { TELEGRAM_BOT_TOKEN: telegram.token });
    try {
      await waitFor(() => telegram.isPolling, 15_000, "long polling");
      // Someone runs the same bot token elsewhere for a moment: Herald's held poll ends with 409.
      const foreign = await fetch(`${telegram.apiRoot}/bot${telegram.token}/getUpdates?timeout=0`);
      expect(foreign.status).toBe(200);
      await waitFor(() => telegram.getUpdatesConflicts === 1, 5000, "the conflict");
      await waitFor(() => telegram.isPolling, 20_000, "long polling again");
      const before = telegram.messagesIn(CHAT).length;
      telegram.pushUpdate(textMessageUpdate({ chatId: CHAT, text: "/news latest" }));
      await waitFor(() => telegram.messagesIn(CHAT).length > before, 15_000, "an answer");
      const lines = member.process.output().split("\n");
      const said = lines.filter((line) => line.includes("handing it back"));
      expect(said).toHaveLength(1);
      expect(said[0]).toContain("terminated by other getUpdates request");
      expect(member.process.output()).not.toContain(telegram.token);
    } finally {
      member.process.kill("SIGKILL");
      await telegram.close();
      await t.cleanup();
    }
  }, 60_000);
});
