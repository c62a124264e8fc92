import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Article } from "../../src/article/types.ts";
import { makeArticle } from "../fixtures/store/articles.ts";
import { laterInstant } from "../helpers/clock.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

describe.each(STORE_BACKENDS)("$name store: destinations", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });

  it("never keep tokens or webhook URLs", async () => {
    const { store } = current();
    const token = "7012345678:AAHb4r3GhJkLmNoPqRsTuVwXyZ0123456789";
    const webhook = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";
    await store.upsertDestination({ id: "tg", type: "telegram", config: { botToken: token, chatId: "-100123" } });
    await store.upsertDestination({ id: "sl", type: "slack", config: { webhookUrl: webhook, channel: "#news" } });
    await store.upsertDestination({ id: "sl2", type: "slack", config: { target: { url: webhook } } });
    expect((await store.getDestination("tg"))?.config).toEqual({ botToken: "[redacted]", chatId: "-100123" });
    expect((await store.getDestination("sl"))?.config).toEqual({ webhookUrl: "[redacted]", channel: "#news" });
    expect((await store.getDestination("sl2"))?.config).toEqual({
      target: { url: "https://hooks.slack.com/[redacted]" },
    });
    expect(JSON.stringify(await store.listDestinations())).not.toMatch(/AAHb4r3GhJkLmNoPqRsTuVwXyZ|XXXXXXXXXXXXXXXX/);
  });

  it("are flagged with a reason, keep the flag across upserts, and are cleared again", async () => {
    const { store } = current();
    const created = await store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    expect(created).toMatchObject({ id: "discord-main", type: "discord", flaggedReason: null, flaggedAt: null });
    await store.flagDestination("discord-main", "Missing Access: the bot was removed from the channel");
    expect(await store.getDestination("discord-main")).toMatchObject({
      flaggedReason: "Missing Access: the bot was removed from the channel",
    });
    expect((await store.getDestination("discord-main"))?.flaggedAt).toMatch(/^\d{4}-/);
    await store.upsertDestination({ id: "discord-main", type: "discord", config: {} });
    expect((await store.listDestinations())[0]?.flaggedReason).toMatch(/Missing Access/);
    await store.clearDestinationFlag("discord-main");
    expect(await store.getDestination("discord-main")).toMatchObject({ flaggedReason: null, flaggedAt: null });
    await expect(store.flagDestination("ghost", "x")).rejects.toThrow(/destination ghost is not stored/);
    await expect(store.flagDestination("discord-main", "  ")).rejects.toThrow(/a flag needs a reason/);
    expect(await store.getDestination("ghost")).toBeNull();
  });

  it("list by id", async () => {
    const { store } = current();
    for (const id of ["b", "a", "C"]) await store.upsertDestination({ id, type: "slack", config: {} });
    expect((await store.listDestinations()).map((d) => d.id)).toEqual(["C", "a", "b"]);
  });

  it("list only the flagged ones when asked, and none once every flag is cleared", async () => {
    const { store } = current();
    for (const id of ["ok-1", "gone", "ok-2", "banned"])
      await store.upsertDestination({ id, type: "slack", config: {} });
    await store.flagDestination("gone", "channel_not_found");
    await store.flagDestination("banned", "not_in_channel");
    const flagged = await store.listDestinations({ flagged: true });
    expect(flagged.map((d) => [d.id, d.flaggedReason])).toEqual([
      ["banned", "not_in_channel"],
      ["gone", "channel_not_found"],
    ]);
    for (const { id } of flagged) await store.clearDestinationFlag(id);
    expect(await store.listDestinations({ flagged: true })).toEqual([]);
    expect(await store.listDestinations()).toHaveLength(4);
  });

  it("list those of one chat channel, by platform, and combine the options", async () => {
    const { store } = current();
    const add = (id: string, type: string, channelId: string) =>
      store.upsertDestination({ id, type, config: { channelId } });
    await add("d-news", "discord", "1234");
    await add("s-news", "slack", "1234");
    await add("d-other", "discord", "5678");
    await add("d-quote", "discord", "it's");
    await add("d-news-2", "discord", "1234");
    await store.upsertDestination({ id: "hook", type: "discord-webhook", config: {} });
    await store.flagDestination("d-news-2", "Missing Access");
    const ids = async (filter: Parameters<typeof store.listDestinations>[0]) =>
      (await store.listDestinations(filter)).map((d) => d.id);
    expect(await ids({ type: "discord", channelId: "1234" })).toEqual(["d-news", "d-news-2"]);
    expect(await ids({ channelId: "1234" })).toEqual(["d-news", "d-news-2", "s-news"]);
    expect(await ids({ type: "discord", channelId: "it's" })).toEqual(["d-quote"]);
    expect(await ids({ type: "discord", channelId: "1234", flagged: true })).toEqual(["d-news-2"]);
    expect(await ids({ type: "telegram", channelId: "1234" })).toEqual([]);
    expect(await ids({ flagged: false })).toHaveLength(6);
  });
});

describe.each(STORE_BACKENDS)("$name store: ping", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });

  it("answers while the database does, and rejects once the store is closed", async () => {
    const { store } = current();
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });
});

describe.each(STORE_BACKENDS)("$name store: card cache", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });
  const png = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, n]);

  it("stores, replaces and returns PNG bytes by key, and prunes by age", async () => {
    const { store } = current();
    expect(await store.getCard("k1")).toBeNull();
    await store.putCard("k1", png(1));
    await store.putCard("k1", png(2));
    expect(Buffer.compare((await store.getCard("k1"))!, png(2))).toBe(0);
    expect(await store.pruneCardsBefore("2000-01-01T00:00:00.000Z")).toBe(0);
    expect(await store.pruneCardsBefore("9999-01-01T00:00:00.000Z")).toBe(1);
    expect(await store.getCard("k1")).toBeNull();
  });

  it("prunes only cards older than the cut-off that no article version stored since uses", async () => {
    const { store } = current();
    const cardKeyOf = (article: Article) => article.tags.find((t) => t.startsWith("card:"))?.slice(5) ?? null;
    await store.putCard("reused", png(1));
    await store.putCard("unused", png(2));
    await store.upsertArticle(makeArticle({ id: "old", title: "old version", tags: ["card:unused"] }), null);
    const cutoff = await laterInstant();
    // Stored after the cut-off, reusing a card rendered before it: that card stays.
    await store.upsertArticle(makeArticle({ id: "new", title: "new version", tags: ["card:reused"] }), null);
    await store.putCard("fresh", png(3));
    expect(await store.pruneUnusedCardsBefore(cutoff, cardKeyOf)).toBe(1);
    expect(await store.getCard("unused")).toBeNull();
    expect(await store.getCard("reused")).not.toBeNull();
    expect(await store.getCard("fresh")).not.toBeNull();
  });
});
