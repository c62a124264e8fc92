/**
 * /healthz answers for the roles its process runs: 200 only while every one of them is ready.
 * A Chromium that cannot start makes the `ingest` role not ready (every card would be missing),
 * while a Chromium not launched yet is fine: it starts on the first card. A database that
 * refuses the store's connections makes the process not ready until it accepts them again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseRoles } from "../jobs/roles.ts";
import { startService } from "../jobs/service.ts";
import { silentLog, testConfig, waitFor } from "./helpers/pipeline.ts";
import { koreanPost } from "./helpers/posts.ts";
import { adminQuery, createPgDatabase } from "./helpers/store-backends.ts";
import { startTcpProxy } from "./helpers/tcp-proxy.ts";

const TOKEN = "roles-health-token";

describe("/healthz per role", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("reports each role it runs; a Chromium that fails to launch turns ingest not ready with the reason", async () => {
    const t = testConfig({
      cards: { enabled: true, chromiumPath: "/nonexistent/chromium" },
      destinations: [
        { id: "hook", type: "discord-webhook", url: "https://discord.com/api/webhooks/123456789012345678/token" },
      ],
      feeds: [{ id: "wire", type: "webhook", token: TOKEN, destinations: ["hook"] }],
    });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog, roles: parseRoles("http,ingest") });
    cleanups.push(() => service.stop(0));
    const healthz = async () => {
      const res = await fetch(`http://127.0.0.1:${service.port}/healthz`);
      return { status: res.status, body: await res.json() };
    };

    expect(await healthz()).toEqual({
      status: 200,
      body: {
        ok: true,
        redis: true,
        database: true,
        roles: { http: true, ingest: true },
        chromium: "not launched yet",
        duties: [],
      },
    });

    const accepted = await fetch(`http://127.0.0.1:${service.port}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
      body: koreanPost(1),
    });
    expect(accepted.status).toBe(202);
    // The post is still queued for delivery (without its card); the operator is told why cards are missing.
    await waitFor(
      async () => (await service.runtime.store.countByState()).pending === 1,
      30_000,
      "the delivery to be queued",
    );
    const failing = await waitFor(
      async () => {
        const answer = await healthz();
        return answer.status === 503 ? answer : null;
      },
      15_000,
      "/healthz to report the failed launch",
    );
    const reason =
      "failed to launch: Chromium not found or not executable at /nonexistent/chromium. Install Debian's chromium package, or set HERALD_CHROMIUM_PATH or the executablePath option.";
    expect(failing.body).toEqual({
      ok: false,
      redis: true,
      database: true,
      roles: { http: true, ingest: `chromium ${reason}` },
      chromium: reason,
      duties: [],
    });
  });

  it("turns 503 with database false while PostgreSQL refuses the store's connections, and 200 once it accepts them again", async () => {
    const db = await createPgDatabase();
    cleanups.push(db.drop);
    const t = testConfig({ database: { url: db.url } });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog, roles: parseRoles("http") });
    cleanups.push(() => service.stop(0));
    const healthz = async () => {
      const res = await fetch(`http://127.0.0.1:${service.port}/healthz`);
      const body = (await res.json()) as { database: boolean; redis: boolean };
      return { status: res.status, database: body.database, redis: body.redis };
    };
    expect(await healthz()).toEqual({ status: 200, database: true, redis: true });

    // What a database being failed over or restarted looks like to Herald: open connections cut, new ones refused.
    await adminQuery(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    cleanups.push(() => adminQuery(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`));
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
    expect(await healthz()).toEqual({ status: 503, database: false, redis: true });

    await adminQuery(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    expect(await healthz()).toEqual({ status: 200, database: true, redis: true });
  });

  it("still answers, database false, while PostgreSQL stops answering altogether (a network partition)", async () => {
    const db = await createPgDatabase();
    cleanups.push(db.drop);
    const url = new URL(db.url);
    const proxy = await startTcpProxy(Number(url.port || 5432), url.hostname);
    url.port = String(proxy.port);
    const t = testConfig({ database: { url: url.toString() } });
    cleanups.push(t.cleanup);
    const service = await startService(t.config, { log: silentLog, roles: parseRoles("http") });
    cleanups.push(() => service.stop(0));
    // Closed first: the store's stalled connections break, so stopping the service does not wait on them.
    cleanups.push(() => proxy.close());
    const healthz = async () => {
      // A probe that never gets an answer fails here, by name, instead of timing out the test.
      const res = await fetch(`http://127.0.0.1:${service.port}/healthz`, { signal: AbortSignal.timeout(8000) });
      const body = (await res.json()) as { database: boolean; redis: boolean };
      return { status: res.status, database: body.database, redis: body.redis };
    };
    expect(await healthz()).toEqual({ status: 200, database: true, redis: true });

    proxy.freeze();
    expect(await healthz()).toEqual({ status: 503, database: false, redis: true });
  });
});
