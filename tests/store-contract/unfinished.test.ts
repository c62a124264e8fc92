import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Delivery } from "../../src/store/index.ts";
import { outageArticle } from "../fixtures/store/articles.ts";
import { freshStorePerTest, STORE_BACKENDS } from "../helpers/store-backends.ts";

describe.each(STORE_BACKENDS)(
  "$name store: listUnfinishedDeliveries paging (what recovery walks after Redis lost its jobs)",
  (backend) => {
    const current = freshStorePerTest(backend, { beforeEach, afterEach });
    beforeEach(async () => {
      await current().store.upsertArticle(outageArticle(), null);
    });

    it("walks every pending and sending delivery exactly once, page after page, even when they share a timestamp", async () => {
      const { store } = current();
      const ids = Array.from({ length: 25 }, (_, i) => `dest-${String(i).padStart(2, "0")}`);
      for (const id of ids) await store.upsertDestination({ id, type: "discord", config: {} });
      // A fan-out records many deliveries within the same millisecond: the cursor must not skip or repeat ties.
      for (const id of ids) await store.recordDeliveryPending("ms-outlook-outage", 1, id);
      await new Promise((r) => setTimeout(r, 5));
      await store.markSending("ms-outlook-outage", 1, "dest-03");
      await store.markDelivered("ms-outlook-outage", 1, "dest-04", "m1");
      await store.markFailed("ms-outlook-outage", 1, "dest-05", "HTTP 403", true);

      const seen: string[] = [];
      let after: Delivery | undefined;
      for (;;) {
        const page = await store.listUnfinishedDeliveries({ after, limit: 4 });
        if (!page.length) break;
        expect(page.length).toBeLessThanOrEqual(4);
        seen.push(...page.map((d) => d.destinationId));
        after = page.at(-1);
      }
      expect(seen).toHaveLength(23);
      expect(new Set(seen)).toEqual(new Set(ids.filter((id) => id !== "dest-04" && id !== "dest-05")));
      // Least recently changed first: the one marked sending last comes last.
      expect(seen.at(-1)).toBe("dest-03");
    });

    it("leaves out deliveries changed since updatedBefore", async () => {
      const { store } = current();
      await store.upsertDestination({ id: "old", type: "discord", config: {} });
      await store.upsertDestination({ id: "new", type: "discord", config: {} });
      await store.recordDeliveryPending("ms-outlook-outage", 1, "old");
      await new Promise((r) => setTimeout(r, 5));
      const cut = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      await store.recordDeliveryPending("ms-outlook-outage", 1, "new");
      const listed = await store.listUnfinishedDeliveries({ updatedBefore: cut, limit: 10 });
      expect(listed.map((d) => d.destinationId)).toEqual(["old"]);
    });
  },
);
