import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { postTo } from "../adapters/shared/http.ts";
import { deliveryTimes, failureReason } from "../jobs/metrics/events.ts";
import { errorFromStatus, NetworkError, RateLimitError } from "../src/errors.ts";
import type { StoredArticle } from "../src/store/index.ts";

const stored = (date: string | null, version = 1, createdAt = "2026-10-14T01:00:00.000Z") =>
  ({
    article: { date },
    version,
    createdAt,
    updatedAt: createdAt,
    contentHash: "x",
    feedId: null,
  }) as unknown as StoredArticle;

describe("metric labels and latencies", () => {
  it("maps every platform answer onto the bounded failure reasons", () => {
    expect(failureReason(errorFromStatus("discord-webhook", 404, "Unknown Webhook"))).toBe("not_found");
    expect(failureReason(errorFromStatus("slack", 403, "not_in_channel"))).toBe("permission");
    expect(failureReason(errorFromStatus("telegram", 401, "Unauthorized"))).toBe("auth");
    expect(failureReason(errorFromStatus("discord", 400, "Invalid Form Body"))).toBe("invalid");
    expect(failureReason(errorFromStatus("slack-webhook", 503, "busy"))).toBe("server");
    expect(failureReason(new RateLimitError("telegram", 3000))).toBe("rate_limit");
    expect(failureReason(new NetworkError("discord-webhook", "request failed", { timedOut: true }))).toBe("timeout");
    expect(failureReason(new NetworkError("discord-webhook", "request failed"))).toBe("other");
    expect(failureReason(new Error("database is locked"))).toBe("other");
  });

  it("tells a request that got no answer in time (timeout) from one that was refused (other), from the request itself", async () => {
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    try {
      const reasonFor = (url: string) =>
        postTo("discord-webhook", url, "{}", {}, 300).then(
          () => "answered",
          (error: unknown) => failureReason(error),
        );
      expect(await reasonFor(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/webhooks/1/secret`)).toBe(
        "timeout",
      );
      expect(await reasonFor(`http://127.0.0.1:${closedPort}/api/webhooks/1/secret`)).toBe("other");
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("measures publish latency from the article's date, or from ingest when undated or dated ahead of it", () => {
    const ack = Date.parse("2026-10-14T01:00:30.000Z");
    expect(deliveryTimes(stored("2026-10-14T00:00:00.000Z"), ack)).toEqual({
      publishedAt: Date.parse("2026-10-14T00:00:00.000Z"),
      ingestedAt: Date.parse("2026-10-14T01:00:00.000Z"),
      acknowledgedAt: ack,
    });
    expect(deliveryTimes(stored(null), ack).publishedAt).toBe(Date.parse("2026-10-14T01:00:00.000Z"));
    expect(deliveryTimes(stored("2027-01-01T00:00:00.000Z"), ack).publishedAt).toBe(
      Date.parse("2026-10-14T01:00:00.000Z"),
    );
  });

  it("leaves a correction out of publish latency: its date is the original's", () => {
    expect(deliveryTimes(stored("2026-10-14T00:00:00.000Z", 2), Date.now()).publishedAt).toBeNull();
  });
});
