import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRoles } from "../jobs/roles.ts";
import { type Service, startService } from "../jobs/service.ts";
import { silentLog, testConfig } from "./helpers/pipeline.ts";
import { koreanPost } from "./helpers/posts.ts";

const TOKEN = "ingest-token-for-tests";
const SECRET = "hmac-secret-for-tests";

/** X-Herald-Timestamp and X-Herald-Signature for `body`, signed now. */
function signed(body: string, timestamp = Math.floor(Date.now() / 1000)) {
  return {
    "x-herald-timestamp": String(timestamp),
    "x-herald-signature": `sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex")}`,
  };
}

describe("POST /ingest: authentication, routing and input errors", () => {
  let service: Service;
  let cleanup: () => Promise<void>;
  const url = (path = "/ingest") => `http://127.0.0.1:${service.port}${path}`;
  const jobs = () => service.runtime.ingestQueue.getJobCounts("waiting", "active", "completed", "failed", "delayed");
  const queued = async () => Object.values(await jobs()).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    const t = testConfig({
      cards: { enabled: false },
      ingest: { token: TOKEN },
      feeds: [
        { id: "wire", type: "webhook", secret: SECRET },
        { id: "desk", type: "webhook" },
      ],
    });
    cleanup = t.cleanup;
    // Workers off: these tests look at what is accepted and queued, not at delivery.
    service = await startService(t.config, { log: silentLog, roles: parseRoles("http,sources,bots") });
  });
  afterAll(async () => {
    await service.stop(1000);
    await cleanup();
  });

  it("answers /healthz with Redis and the database reachable", async () => {
    const res = await fetch(url("/healthz"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      redis: true,
      database: true,
      roles: { http: true, sources: true, bots: true },
      duties: ["feed-schedules"],
    });
  });

  it("accepts a post with the bearer token and queues it", async () => {
    const before = await queued();
    const res = await fetch(url("/ingest/desk"), {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body: koreanPost(1),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { articleId: string; feedId: string };
    expect(body.feedId).toBe("desk");
    expect(body.articleId).toMatch(/^[0-9a-f]{16}$/);
    expect(await queued()).toBe(before + 1);
  });

  it("accepts a JSON article signed with the feed's HMAC secret", async () => {
    const raw = JSON.stringify({
      title: "서울 정전 속보",
      body: "<p>강남 일대 정전</p>",
      url: "https://news.example.kr/a/1",
      date: "2026-10-14T01:00:00Z",
    });
    const res = await fetch(url("/ingest/wire"), {
      method: "POST",
      headers: { ...signed(raw), "content-type": "application/json" },
      body: raw,
    });
    expect(res.status).toBe(202);
  });

  it("refuses a wrong or missing token, a bad signature and a signature over other bytes with 401, queuing nothing", async () => {
    const before = await queued();
    const raw = JSON.stringify({ title: "x", body: "y" });
    const attempts: RequestInit[] = [
      { headers: { authorization: "Bearer nope", "content-type": "text/markdown" }, body: koreanPost(2) },
      { headers: { "content-type": "text/markdown" }, body: koreanPost(2) },
      {
        headers: { ...signed(raw), "x-herald-signature": "sha256=deadbeef", "content-type": "application/json" },
        body: raw,
      },
      { headers: { ...signed(`${raw} `), "content-type": "application/json" }, body: raw },
      { headers: { authorization: `Bearer ${TOKEN}x`, "content-type": "text/markdown" }, body: koreanPost(2) },
    ];
    for (const init of attempts) {
      const res = await fetch(url("/ingest/wire"), { method: "POST", ...init });
      expect(res.status).toBe(401);
      expect(JSON.stringify(await res.json())).not.toContain(TOKEN);
    }
    expect(await queued()).toBe(before);
  });

  it("answers plain /ingest with 400 naming the feeds when there are several", async () => {
    const res = await fetch(url(), {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body: koreanPost(3),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(
      "several webhook feeds: POST to /ingest/<feed id>, one of wire, desk",
    );
  });

  it("rejects unparseable input with a reason, and an unknown feed with 404", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const noTitle = await fetch(url("/ingest/desk"), {
      method: "POST",
      headers: { ...auth, "content-type": "text/markdown" },
      body: "---\ncategories: [x]\n---\nbody",
    });
    expect(noTitle.status).toBe(422);
    expect(((await noTitle.json()) as { error: string }).error).toBe(
      "POST /ingest/desk: no title (front matter has no `title`)",
    );
    const badJson = await fetch(url("/ingest/desk"), {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: "{nope",
    });
    expect(badJson.status).toBe(400);
    const wrongType = await fetch(url("/ingest/desk"), {
      method: "POST",
      headers: { ...auth, "content-type": "image/png" },
      body: "x",
    });
    expect(wrongType.status).toBe(415);
    const unknown = await fetch(url("/ingest/nope"), {
      method: "POST",
      headers: { ...auth, "content-type": "text/markdown" },
      body: koreanPost(4),
    });
    expect(unknown.status).toBe(404);
  });

  it("refuses bodies over the size limit with 413", async () => {
    const res = await fetch(url("/ingest/desk"), {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body: `---\ntitle: big\n---\n${"가".repeat(600_000)}`,
    });
    expect(res.status).toBe(413);
  });
});
