import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../jobs/log.ts";
import { deliverJobId } from "../jobs/queues.ts";
import { type Service, startService } from "../jobs/service.ts";
import { DiscordFake } from "./fakes/discord/server.ts";
import { lineSink } from "./helpers/log.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { plainPost } from "./helpers/posts.ts";

const INGEST_TOKEN = "test-ingest-token";
const ADMIN_TOKEN = "admin-bearer-token-5f2c";
const USER = { name: "ops", password: "correct horse battery staple" };
const basic = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString("base64")}`;

describe("the queue dashboard at /admin/queues", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(raw: Record<string, unknown>, log = silentLog): Promise<Service> {
    const t = testConfig({ cards: { enabled: false }, ingest: { token: INGEST_TOKEN }, ...raw });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log });
    cleanups.push(() => service.stop(5000));
    return service;
  }

  const board = (service: Service, path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${service.port}/admin/queues${path}`, init);

  it("does not exist unless admin credentials are configured", async () => {
    const service = await start({});
    expect((await board(service, "")).status).toBe(404);
    expect((await board(service, "", { headers: { authorization: basic(USER.name, USER.password) } })).status).toBe(
      404,
    );
  });

  it("refuses a request without credentials or with wrong ones with 401 and a Basic challenge, and logs no secret", async () => {
    const lines: string[] = [];
    const service = await start(
      {
        admin: { token: ADMIN_TOKEN, users: [USER] },
        http: { host: "127.0.0.1", port: 0, authFailuresPerMinute: 100 },
      },
      createLogger(
        "debug",
        lineSink((l) => lines.push(l)),
      ),
    );
    const wrong: Record<string, string>[] = [
      {},
      { authorization: "Bearer not-the-admin-token" },
      { authorization: `Bearer ${INGEST_TOKEN}` },
      { authorization: basic(USER.name, "guessed password") },
      { authorization: basic("root", USER.password) },
      { authorization: basic(USER.name, `${USER.password}x`) },
      { authorization: "Basic not base64!" },
    ];
    for (const headers of wrong) {
      for (const path of ["", "/", "/api/queues", "/queue/deliver"]) {
        const answer = await board(service, path, { headers });
        expect(answer.status, `${path} with ${JSON.stringify(headers)}`).toBe(401);
        expect(answer.headers.get("www-authenticate")).toBe('Basic realm="herald"');
        expect(await answer.text()).not.toContain("<html");
      }
    }
    const retry = await board(service, "/api/queues/deliver/some-job/retry", {
      method: "PUT",
      headers: { authorization: basic(USER.name, "guessed password") },
    });
    expect(retry.status).toBe(401);
    const log = lines.join("\n");
    expect(log).toContain("request refused");
    for (const secret of ["not-the-admin-token", "guessed password", USER.password, ADMIN_TOKEN])
      expect(log).not.toContain(secret);
  });

  it("stops a password guesser: past the per-IP budget of failed logins, even the right password gets 429", async () => {
    const service = await start({
      admin: { users: [USER] },
      http: { host: "127.0.0.1", port: 0, authFailuresPerMinute: 3 },
    });
    for (const guess of ["one", "two", "three"])
      expect((await board(service, "", { headers: { authorization: basic(USER.name, guess) } })).status).toBe(401);
    const right = await board(service, "", { headers: { authorization: basic(USER.name, USER.password) } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("serves the dashboard page and its API with the bearer token or a Basic user, showing every Herald queue", async () => {
    const service = await start({
      admin: { token: ADMIN_TOKEN, users: [USER, { name: "second", password: "another one" }] },
    });
    for (const authorization of [
      `Bearer ${ADMIN_TOKEN}`,
      basic(USER.name, USER.password),
      basic("second", "another one"),
    ]) {
      for (const path of ["", "/", "/queue/deliver"]) {
        const page = await board(service, path, { headers: { authorization } });
        expect(page.status, `${path} with ${authorization}`).toBe(200);
        expect(page.headers.get("content-type")).toMatch(/^text\/html/);
        expect(page.headers.get("x-powered-by")).toBeNull();
        const html = await page.text();
        // The page loads its scripts from below the mount point, so they pass the same check.
        expect(html).toContain('<base href="/admin/queues/"');
      }
      const api = await board(service, "/api/queues", { headers: { authorization } });
      expect(api.status).toBe(200);
      const { queues } = (await api.json()) as { queues: { name: string }[] };
      expect(queues.map((q) => q.name).sort()).toEqual(["alert", "deliver", "ingest", "maintenance", "poll"]);
    }
    // Paths beside the mount point are not the dashboard's.
    expect(
      (
        await fetch(`http://127.0.0.1:${service.port}/admin/queuesx`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).status,
    ).toBe(404);
  });

  it("retrying failed delivery jobs runs Herald's checks: one the store records as delivered is not posted; one given up is posted exactly once", async () => {
    const discord = await DiscordFake.start();
    cleanups.push(() => discord.close());
    const service = await start({
      admin: { users: [USER] },
      destinations: [
        { id: "done", type: "discord-webhook", url: discord.webhookUrl() },
        { id: "broken", type: "discord-webhook", url: discord.webhookUrl() },
      ],
      feeds: [{ id: "inbox", type: "webhook", destinations: ["done", "broken"] }],
    });
    const { store, deliverQueue } = service.runtime;
    // Every attempt (4 per job in tests) fails: both jobs end failed, and their deliveries failed for good.
    discord.failNext(8, 500);
    const ingested = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "text/markdown" },
      body: plainPost(1),
    });
    expect(ingested.status).toBe(202);
    const failed = await waitFor(
      async () => {
        const rows = (await store.listRecentDeliveries(10)).filter((d) => d.state === "failed" && d.permanentFailure);
        return rows.length === 2 ? rows : null;
      },
      30_000,
      "both deliveries to fail",
    );
    const jobIds = failed.map((d) => deliverJobId(d));
    await waitFor(
      async () =>
        (await Promise.all(jobIds.map((id) => deliverQueue.getJobState(id)))).every((state) => state === "failed"),
      10_000,
      "both jobs to be failed",
    );
    // What a send the platform accepted but that was recorded only afterwards leaves behind: the job failed, the store says delivered.
    const done = failed.find((d) => d.destinationId === "done");
    if (!done) throw new Error("no delivery to 'done'");
    await store.markDelivered(done.articleId, done.version, done.destinationId, "123456789012345678");

    const authorization = basic(USER.name, USER.password);
    const listed = (await (
      await board(service, "/api/queues?activeQueue=deliver&status=failed", { headers: { authorization } })
    ).json()) as { queues: { name: string; jobs: { id: string }[] }[] };
    expect(
      listed.queues
        .find((q) => q.name === "deliver")
        ?.jobs.map((j) => j.id)
        .sort(),
    ).toEqual([...jobIds].sort());
    const outcomes: Record<string, unknown> = {};
    for (const delivery of failed) {
      const jobPath = `/api/queues/deliver/${encodeURIComponent(deliverJobId(delivery))}`;
      expect((await board(service, `${jobPath}/retry`, { method: "PUT", headers: { authorization } })).status).toBe(
        204,
      );
      // The retried job ran Herald's delivery processor, which read the store before sending anything.
      outcomes[delivery.destinationId] = await waitFor(
        async () => {
          const answer = (await (await board(service, jobPath, { headers: { authorization } })).json()) as {
            status: string;
            job: { returnValue: unknown };
          };
          return answer.status === "completed" ? answer.job.returnValue : null;
        },
        20_000,
        `the retried job to ${delivery.destinationId} to complete`,
      );
    }
    // The admin's retry reopens the delivery given up on (Discord answers again now) and sends it once.
    expect(outcomes).toEqual({
      done: { status: "skipped", reason: "already delivered" },
      broken: { status: "delivered", messageId: discord.messages[0]?.id },
    });
    expect(discord.messages.map((m) => m.body.embeds[0].title)).toEqual(["Plain post 1"]);
    expect(discord.requests.filter((r) => r.method === "POST")).toHaveLength(9);
    expect(await store.getDelivery(done.articleId, done.version, done.destinationId)).toMatchObject({
      state: "delivered",
      platformMessageId: "123456789012345678",
    });
    const broken = failed.find((d) => d.destinationId === "broken");
    expect(await store.getDelivery(broken?.articleId ?? "", 1, "broken")).toMatchObject({
      state: "delivered",
      platformMessageId: discord.messages[0]?.id,
    });

    // Retrying it again from the board (now a completed job) sends nothing more.
    const brokenPath = `/api/queues/deliver/${encodeURIComponent(deliverJobId(broken ?? done))}`;
    expect((await board(service, `${brokenPath}/retry`, { method: "PUT", headers: { authorization } })).status).toBe(
      204,
    );
    const again = await waitFor(
      async () => {
        const answer = (await (await board(service, brokenPath, { headers: { authorization } })).json()) as {
          status: string;
          job: { returnValue: { reason?: string } | null };
        };
        return answer.status === "completed" && answer.job.returnValue?.reason ? answer.job.returnValue : null;
      },
      20_000,
      "the second retry to complete",
    );
    expect(again).toEqual({ status: "skipped", reason: "already delivered" });
    expect(discord.messages).toHaveLength(1);
  }, 60_000);
});
