/**
 * One store, many deliveries stepped through at the same moment, as a worker
 * running a fan-out does: every call gets its own answer, and one call that
 * cannot succeed fails alone (a backend may write calls made together in one
 * statement; it must not let them share a fate).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_ATTEMPTS_KEPT, StoreError } from "../../src/store/index.ts";
import { outageArticle } from "../fixtures/store/articles.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

const ARTICLE = "ms-outlook-outage";
const COUNT = 60;
const destinations = Array.from({ length: COUNT }, (_, i) => `hook-${i}`);

describe.each(STORE_BACKENDS)("$name store: many deliveries at once", (backend) => {
  const current = freshStorePerTest(backend, { beforeEach, afterEach });
  beforeEach(async () => {
    const { store } = current();
    for (const id of destinations) await store.upsertDestination({ id, type: "discord-webhook", config: {} });
    await store.upsertArticle(outageArticle(), null);
    await store.recordDeliveriesPending(ARTICLE, 1, destinations);
  });

  it("reads, marks sending and marks delivered each one, whatever else runs at the same moment", async () => {
    const { store } = current();
    const read = await Promise.all([...destinations, "nowhere"].map((id) => store.getDelivery(ARTICLE, 1, id)));
    expect(read.map((d) => d?.destinationId ?? null)).toEqual([...destinations, null]);

    const sending = await Promise.all(destinations.map((id) => store.markSending(ARTICLE, 1, id)));
    expect(sending.map((d) => [d.destinationId, d.state, d.attempts])).toEqual(
      destinations.map((id) => [id, "sending", 1]),
    );

    const delivered = await Promise.all(
      destinations.map((id, i) => store.markDelivered(ARTICLE, 1, id, i % 2 ? `message-${i}` : null)),
    );
    expect(delivered.map((d) => [d.destinationId, d.state, d.platformMessageId])).toEqual(
      destinations.map((id, i) => [id, "delivered", i % 2 ? `message-${i}` : null]),
    );
    expect(await store.countByState()).toEqual({ pending: 0, sending: 0, delivered: COUNT, failed: 0 });
  });

  it("answers what each destination shows and the newest version, for many callers at once", async () => {
    const { store } = current();
    // Even destinations show v1; v2 is stored and delivered to hook-0 only.
    for (const id of destinations.filter((_, i) => i % 2 === 0)) {
      await store.markSending(ARTICLE, 1, id);
      await store.markDelivered(ARTICLE, 1, id, `v1-${id}`);
    }
    const v2 = await store.upsertArticle({ ...outageArticle(), title: "MS 아웃룩 장애 (2보)" }, null);
    expect(v2.version).toBe(2);
    await store.recordDeliveriesPending(ARTICLE, 2, ["hook-0"]);
    await store.markSending(ARTICLE, 2, "hook-0");
    await store.markDelivered(ARTICLE, 2, "hook-0", "v2-hook-0");

    const shown = await Promise.all([...destinations, "nowhere"].map((id) => store.latestDelivered(ARTICLE, id)));
    expect(shown.map((d) => (d ? [d.version, d.platformMessageId] : null))).toEqual([
      ...destinations.map((id, i) => (i === 0 ? [2, "v2-hook-0"] : i % 2 === 0 ? [1, `v1-${id}`] : null)),
      null,
    ]);
    const newest = await Promise.all(
      Array.from({ length: COUNT }, (_, i) => store.latestVersion(i % 3 === 0 ? "no-such-article" : ARTICLE)),
    );
    expect(newest).toEqual(Array.from({ length: COUNT }, (_, i) => (i % 3 === 0 ? null : 2)));
  });

  it("a call that cannot succeed fails alone; the calls made with it are applied", async () => {
    const { store } = current();
    await store.markSending(ARTICLE, 1, "hook-0");
    await store.markDelivered(ARTICLE, 1, "hook-0", "sent-before");

    const sending = await Promise.allSettled(
      [...destinations, "nowhere"].map((id) => store.markSending(ARTICLE, 1, id)),
    );
    expect(sending[0]).toMatchObject({
      status: "rejected",
      reason: expect.objectContaining({ message: expect.stringMatching(/already delivered/) }),
    });
    expect(sending.at(-1)).toMatchObject({
      status: "rejected",
      reason: expect.objectContaining({ message: expect.stringMatching(/not recorded/) }),
    });
    expect(sending.slice(1, -1).every((s) => s.status === "fulfilled" && s.value.state === "sending")).toBe(true);

    const delivered = await Promise.allSettled(
      ["nowhere", ...destinations.slice(1)].map((id) => store.markDelivered(ARTICLE, 1, id, `m-${id}`)),
    );
    expect(delivered[0]).toMatchObject({ status: "rejected", reason: expect.any(StoreError) });
    expect(
      delivered
        .slice(1)
        .every((d) => d.status === "fulfilled" && d.value.platformMessageId === `m-${d.value.destinationId}`),
    ).toBe(true);

    // The attempt of a delivery never recorded breaks a constraint; the others around it are kept.
    const noted = await Promise.allSettled(
      [...destinations, "nowhere"].map((destinationId) =>
        store.recordAttempt({
          articleId: ARTICLE,
          version: 1,
          destinationId,
          outcome: "delivered",
          messageId: `m-${destinationId}`,
        }),
      ),
    );
    expect(noted.at(-1)).toMatchObject({ status: "rejected", reason: expect.any(StoreError) });
    expect(noted.slice(0, -1).every((n) => n.status === "fulfilled")).toBe(true);
    const attempts = await store.listAttempts(ARTICLE);
    expect(attempts.map((a) => a.messageId).sort()).toEqual(destinations.map((id) => `m-${id}`).sort());
  });

  it("two calls on one delivery at the same moment both count, in the order they were made", async () => {
    const { store } = current();
    const twice = await Promise.all([
      store.markSending(ARTICLE, 1, "hook-1"),
      store.markSending(ARTICLE, 1, "hook-1"),
      store.markSending(ARTICLE, 1, "hook-2"),
    ]);
    expect(twice.map((d) => d.attempts).sort()).toEqual([1, 1, 2]);
    await Promise.all(
      ["first", "second", "third"].map((error) =>
        store.recordAttempt({ articleId: ARTICLE, version: 1, destinationId: "hook-1", outcome: "retrying", error }),
      ),
    );
    expect((await store.listAttempts(ARTICLE)).map((a) => a.error)).toEqual(["first", "second", "third"]);
  });

  it("attempts made at the same moment on several deliveries keep each delivery's newest ones", async () => {
    const { store } = current();
    const made = MAX_ATTEMPTS_KEPT + 5;
    const on = ["hook-1", "hook-2", "hook-3"];
    await Promise.all(
      Array.from({ length: made }, (_, n) =>
        on.map((destinationId) =>
          store.recordAttempt({
            articleId: ARTICLE,
            version: 1,
            destinationId,
            outcome: "retrying",
            error: `try ${n}`,
          }),
        ),
      ).flat(),
    );
    const attempts = await store.listAttempts(ARTICLE);
    for (const destinationId of on) {
      expect(attempts.filter((a) => a.destinationId === destinationId).map((a) => a.error)).toEqual(
        Array.from({ length: MAX_ATTEMPTS_KEPT }, (_, n) => `try ${n + 5}`),
      );
    }
  });
});
