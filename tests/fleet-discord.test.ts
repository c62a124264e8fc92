/**
 * Two `herald start` processes with the Discord gateway: one session at a time (the fake keeps
 * the peak per token), SIGKILL of the connected one → the other connects within 30 s and answers
 * an interaction dispatched afterwards exactly once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DiscordFake } from "./fakes/discord/server.ts";
import { gatewayCommandInteraction } from "./helpers/discord.ts";
import { type FleetMember, fleetConfigWriter, ownerOf, startMember } from "./helpers/fleet.ts";
import { sleep, testConfig, waitFor } from "./helpers/pipeline.ts";

const TOKEN = "fleet-discord-bot-token";
const APPLICATION = "1240000000000000888";
const CHANNEL = "1230000000000000999";
const GATEWAY = "discord-gateway:";

describe("a fleet of two herald start processes on the Discord gateway", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("holds one gateway session at a time and fails over within 30 s of a SIGKILL, answering each interaction once", async () => {
    const discord = await DiscordFake.start({
      botToken: TOKEN,
      gateway: { heartbeatIntervalMs: 1000, applicationId: APPLICATION },
    });
    cleanups.push(() => discord.close());
    const t = testConfig({});
    cleanups.push(t.cleanup);
    const configFor = fleetConfigWriter(t, {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax, filled from the environment
      discord: { token: "${DISCORD_TOKEN}", mode: "gateway", apiUrl: discord.api, applicationId: APPLICATION },
    });
    const members: FleetMember[] = [];
    const start = async () => {
      const member = await startMember(configFor, { DISCORD_TOKEN: TOKEN });
      cleanups.push(() => void member.process.kill("SIGKILL"));
      members.push(member);
    };
    /** Dispatches `/news latest` and waits for its @original edit; returns every response to it. */
    const ask = async (within: number) => {
      const interaction = gatewayCommandInteraction({
        command: "news",
        subcommand: "latest",
        channelId: CHANNEL,
        permissions: "2048",
      });
      discord.gateway.dispatchInteraction(interaction);
      await waitFor(
        () => discord.interactionResponses.some((r) => r.token === interaction.token && r.kind === "edit-original"),
        within,
        "the answer",
      ).catch((error: Error) => {
        // Which process had the session and what it logged is what a failure here needs.
        throw new Error(
          `${error.message}; responses ${JSON.stringify(discord.interactionResponses.map((r) => r.kind))}; logs:\n${members.map((m) => m.process.output()).join("\n")}`,
        );
      });
      return () => discord.interactionResponses.filter((r) => r.token === interaction.token).map((r) => r.kind);
    };

    await Promise.all([start(), start()]);
    const owner = await ownerOf(members, GATEWAY, 15_000);
    const standby = members.find((m) => m !== owner) as FleetMember;
    await waitFor(() => discord.gateway.ready, 15_000, "a gateway session");
    const before = await ask(15_000);

    owner.process.kill("SIGKILL");
    await owner.process.exited;
    // The standby's own session: the dead owner's socket may look open to the fake for a moment after the kill.
    await waitFor(
      () =>
        discord.gateway.connections.filter((c) => c.identify !== null).length === 2 &&
        discord.gateway.openSessions(TOKEN) === 1 &&
        discord.gateway.ready,
      30_000,
      "the standby's gateway session",
    );
    const after = await ask(15_000);
    expect((await ownerOf(members, GATEWAY, 5000)).process.pid).toBe(standby.process.pid);

    // Late duplicates would arrive within moments; give them time to show.
    await sleep(2000);
    expect(before()).toEqual(["callback", "edit-original"]);
    expect(after()).toEqual(["callback", "edit-original"]);
    expect(discord.gateway.maxConcurrentSessions(TOKEN)).toBe(1);
    expect(discord.gateway.connections.filter((c) => c.identify !== null)).toHaveLength(2);
  }, 100_000);
});
