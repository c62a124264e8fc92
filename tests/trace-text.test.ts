/** `herald trace` as an operator reads it: a version replaced before it went out says which message shows it. */
import { describe, expect, it } from "vitest";
import { traceText } from "../jobs/cli/trace.ts";
import type { Delivery } from "../src/store/index.ts";
import { carriedBy, type Trace } from "../src/trace/collect.ts";

const at = "2026-12-05T09:00:00.000Z";
const delivery = (version: number, fields: Partial<Delivery>): Delivery => ({
  articleId: "a1",
  version,
  destinationId: "news",
  state: "delivered",
  attempts: 1,
  lastError: null,
  permanentFailure: false,
  platformMessageId: "1200",
  createdAt: at,
  updatedAt: at,
  deliveredAt: fields.state === "pending" ? null : at,
  ...fields,
});

// v1 posted as message 1200; v2 arrived while v3 was already on its way and was never sent itself;
// v3 edited message 1200; v4 is waiting for the coalescing window.
const deliveries = [
  delivery(1, {}),
  delivery(2, { attempts: 0 }),
  delivery(3, {}),
  delivery(4, { state: "pending", attempts: 0, platformMessageId: null }),
];

describe("a delivery carried by a newer version's send", () => {
  it("is the newer version that sent the same message; a version with a send of its own, or none delivered, has none", () => {
    expect(deliveries.map((d) => carriedBy(d, { deliveries, attempts: [] }))).toEqual([null, 3, null, null]);
    // Delivered without a send, but no newer send shows it (a record of its own): not explained away.
    const alone = [delivery(1, { attempts: 0 })];
    expect(carriedBy(alone[0] as Delivery, { deliveries: alone, attempts: [] })).toBeNull();
    // An attempt of its own on record (a send the history kept) means it was sent, whatever its count says.
    const sent = { articleId: "a1", version: 2, destinationId: "news", at, outcome: "delivered" as const };
    const attempt = { ...sent, status: null, code: null, retryAfterMs: null, messageId: "1200", error: null };
    expect(carriedBy(deliveries[1] as Delivery, { deliveries, attempts: [attempt] })).toBeNull();
  });

  it("reads in herald trace as delivered in that version's message, not as a delivery with 0 sends", () => {
    const trace: Trace = {
      articleId: "a1",
      url: null,
      versions: [1, 2, 3, 4].map((version) => ({ version, storedAt: at, title: `속보 v${version}` })),
      destinations: [{ id: "news", type: "discord", flaggedReason: null, deliveries, attempts: [] }],
    };
    const lines = traceText(trace).split("\n");
    expect(lines).toContain("    v1 delivered, 1 send, message 1200");
    expect(lines).toContain("    v2 delivered in v3's message 1200 (replaced before it went out: no send of its own)");
    expect(lines).toContain("    v4 pending, 0 sends");
    expect(traceText(trace)).not.toContain("v2 delivered, 0 sends");
  });
});
