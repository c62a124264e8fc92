import type { Server } from "node:http";
import { platformById } from "../adapters/registry.ts";
import type { HeraldConfig } from "../config/schema.ts";
import type { Log } from "../src/log.ts";
import { stripControlsInLine } from "../src/text/controls.ts";
import { scheduleAlertChecks } from "./alerts/check.ts";
import { commandTransports } from "./bots.ts";
import { directoryFeedDutySpec, feedSchedulesDutySpec } from "./fleet/duties.ts";
import { Fleet } from "./fleet/fleet.ts";
import { adminRoutes } from "./http/admin.ts";
import { HttpError } from "./http/body.ts";
import { HttpGuard } from "./http/guard.ts";
import { handleIngest, handleRetract } from "./http/ingest.ts";
import { FloodReclaimer } from "./http/reclaim.ts";
import { closeServer, type Route, type RouteTable, sendJson, startHttpServer } from "./http/server.ts";
import { webRoute } from "./http/web.ts";
import { metricsRoutes } from "./metrics/route.ts";
import { PRUNE_CARDS_EVERY_MS, PRUNE_CARDS_JOB } from "./pipeline/prune-cards.ts";
import { type Recovery, startRecovery } from "./recovery/index.ts";
import { describeRedis } from "./redis.ts";
import { ALL_ROLES, ROLES, type Role, type Roles } from "./roles.ts";
import { createRuntime, type Runtime } from "./runtime.ts";
import { reconcileFeedSchedules } from "./sources/schedules.ts";

/** Response.json says `application/json` alone; the ingest and retract answers name their charset, as every other JSON answer does (sendJson). */
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

export interface Service {
  runtime: Runtime;
  /** The singleton duties (bot connections, folder watchers, feed schedules) this process contends for. */
  fleet: Fleet;
  /** What this process does (see jobs/roles.ts). */
  roles: Roles;
  server: Server | null;
  /** The port the HTTP server listens on (useful when the config says 0). */
  port: number | null;
  stop(graceMs?: number): Promise<void>;
}

/**
 * `herald start`: the ingest endpoint, the feed sources (folder watchers,
 * RSS job schedulers), the bots and the workers, in one process; `roles`
 * picks a part of them (jobs/roles.ts). `herald worker` runs only the delivery
 * workers; any number of processes can share the same Redis.
 *
 * Folder watchers, feed-schedule upkeep, Telegram long polling and the Discord
 * gateway are singleton duties: each is done by the one process of the fleet
 * holding its lease in Redis; the others stand by and take over when it dies.
 *
 * All or nothing: the port is bound first, so a taken port fails before a bot
 * takes Telegram polling or a Discord session from a running process; any
 * later failure undoes what was started, newest first, and is rethrown as a
 * {@link StartupError} naming what failed.
 */
export async function startService(
  config: HeraldConfig,
  options: { log?: Log | undefined; roles?: Roles | undefined } = {},
): Promise<Service> {
  const roles = options.roles ?? ALL_ROLES;
  const runtime = await createRuntime(config, { log: options.log });
  const { log, store } = runtime;
  let server: Server | null = null;
  let guard: HttpGuard | null = null;
  // Bots add their HTTP-mode routes once started; until then those paths answer 404.
  let table: RouteTable = {};
  // The port is bound first, but /healthz says ready only once everything behind it has started.
  let ready = false;
  const fleet = new Fleet(runtime.connection, config.redis.prefix, log);
  let recovery: Recovery | null = null;
  const undo = async () => {
    if (server) await closeServer(server);
    recovery?.stop();
    await runtime.bots.stop();
    await fleet.end();
    await runtime.close(0);
  };

  try {
    if (roles.has("http")) {
      guard = new HttpGuard({
        maxUnauthenticated: config.http.maxUnauthenticated,
        authFailuresPerMinute: config.http.authFailuresPerMinute,
        reclaimer: new FloodReclaimer(),
      });
      table = routes(runtime, guard, () => (ready ? readiness(runtime, roles) : null), fleet);
      server = await startHttpServer(() => table, config.http.host, config.http.port, log).catch(
        (error: NodeJS.ErrnoException) => {
          throw new StartupError(listenFailure(error, config.http.host, config.http.port));
        },
      );
    }
    await redisReachable(runtime, REDIS_START_TIMEOUT_MS);
    if (roles.has("sources")) {
      await runtime.maintenanceQueue.upsertJobScheduler(
        PRUNE_CARDS_JOB,
        { every: PRUNE_CARDS_EVERY_MS },
        { name: PRUNE_CARDS_JOB },
      );
      await scheduleAlertChecks(runtime.maintenanceQueue, config.alerts);
      await fleet.run(feedSchedulesDutySpec(runtime));
      for (const feed of config.feeds) {
        if (feed.type !== "directory" || feed.paused) continue;
        await fleet.run(
          directoryFeedDutySpec({ id: feed.id, path: feed.path, backfill: feed.backfill, site: feed.site }, runtime),
        );
      }
    }
    // Every process watches for a Redis that lost its data: the fleet may be all workers but one.
    recovery = await startRecovery(runtime, () => scheduleRecurring(runtime));
    const botServices = {
      store,
      log,
      allowPrivateFeedUrls: config.security.allowPrivateFeedUrls,
      limits: config.limits,
      // Whichever process took the command applies it at once; the schedules' owner also reconciles every 30 s.
      onFeedsChanged: () => reconcileFeedSchedules(runtime),
    };
    await runtime.bots.start(botServices, commandTransports(roles));
    if (roles.has("bots")) for (const duty of runtime.bots.connectionDuties(botServices)) await fleet.run(duty);
    if (guard) table = { ...table, ...botRoutes(runtime, guard) };
    // Parsing posts is this process's work (its ingest workers, or the HTTP /ingest that checks them): a thread stays ready for it.
    if (roles.has("ingest") || roles.has("http")) runtime.untrusted.warmUp();
    runtime.startWorkers(roles);
    ready = true;
  } catch (error) {
    await undo().catch((undoError: Error) => log.warn({ err: undoError.message }, "undoing a failed start failed"));
    throw error;
  }
  const address = server?.address();

  return {
    runtime,
    fleet,
    roles,
    server,
    port: address && typeof address === "object" ? address.port : null,
    async stop(graceMs = 10_000) {
      if (server) await closeServer(server);
      recovery?.stop();
      // Duties first: their leases are handed back while Redis is still open, so a standby takes over at once.
      await fleet.end();
      await runtime.close(graceMs);
    },
  };
}

/** A start that could not complete; its message is the one line the CLI prints. */
export class StartupError extends Error {
  override name = "StartupError";
}

/** Long enough for a Redis that is starting up, short enough that `herald start` fails within 10 s. */
const REDIS_START_TIMEOUT_MS = 4000;

/** ioredis queues commands and reconnects forever (BullMQ needs that once running); at start, an unreachable Redis is fatal. */
async function redisReachable(runtime: Runtime, timeoutMs: number): Promise<void> {
  let lastError: string | null = null;
  const noteError = (error: Error) => {
    lastError = error.message;
  };
  runtime.connection.on("error", noteError);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const answer = await Promise.race([runtime.connection.ping().catch((error: Error) => error), timeout]).finally(() => {
    clearTimeout(timer);
    runtime.connection.off("error", noteError);
  });
  if (answer === "PONG") return;
  const where = describeRedis(runtime.config.redis);
  const reason =
    answer === "timeout"
      ? `${lastError ? stripControlsInLine(lastError) : "no answer"} for ${timeoutMs / 1000} s`
      : stripControlsInLine((answer as Error).message ?? String(answer));
  throw new StartupError(
    `Redis at ${where} is unreachable: ${reason} (${runtime.config.redis.sentinels ? "redis.sentinels" : "redis.url"})`,
  );
}

function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): string {
  if (error.code === "EADDRINUSE") return `port ${port} on ${host} is already in use (http.port)`;
  if (error.code === "EACCES") return `not allowed to listen on port ${port} on ${host} (http.port)`;
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND")
    return `cannot listen on ${host}: no such local address (http.host)`;
  return `cannot listen on ${host}:${port}: ${error.message} (http.host, http.port)`;
}

/**
 * Everything Herald keeps on a schedule in Redis, derived from the store and the config:
 * created at start (feed schedules by the owner of that duty), and again after Redis lost its data.
 */
export async function scheduleRecurring(runtime: Runtime): Promise<void> {
  await reconcileFeedSchedules(runtime);
  await runtime.maintenanceQueue.upsertJobScheduler(
    PRUNE_CARDS_JOB,
    { every: PRUNE_CARDS_EVERY_MS },
    { name: PRUNE_CARDS_JOB },
  );
  await scheduleAlertChecks(runtime.maintenanceQueue, runtime.config.alerts);
}

/**
 * The bots' HTTP-mode endpoints. A platform that signs the body has it read
 * before the sender is known (within the guard's budget); one whose secret is
 * a header has it checked before the body is read.
 */
function botRoutes(runtime: Runtime, guard: HttpGuard): RouteTable {
  return Object.fromEntries(
    Object.entries(runtime.bots.httpRoutes()).map(([key, { platform, handler }]) => {
      const route = webRoute(handler);
      return [
        key,
        platformById(platform)?.httpAuth === "header" ? guard.authenticating(route) : guard.signedBody(route),
      ];
    }),
  );
}

/**
 * Once started, per role this process runs: true when ready, else why not. A role with
 * workers is ready while they take jobs (and, for `ingest`, while Chromium can start).
 */
function readiness(
  runtime: Runtime,
  roles: Roles,
): { roles: Partial<Record<Role, true | string>>; chromium: string | null } {
  const workers = runtime.workerReadiness();
  const each = ROLES.filter((role) => roles.has(role)).map((role) => [role, workers.roles[role] ?? true]);
  return { roles: Object.fromEntries(each), chromium: workers.chromium };
}

/** How long /healthz waits for Redis and for the database before it reports the one that did not answer. */
const HEALTH_CHECK_MS = 1000;

/** True when `check` resolves true within `ms`; false when it rejects, resolves false, or takes longer. */
function answersWithin(check: Promise<boolean>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    check.then(
      (ok) => {
        clearTimeout(timer);
        resolve(ok);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}

function routes(
  runtime: Runtime,
  guard: HttpGuard,
  readyRoles: () => ReturnType<typeof readiness> | null,
  fleet: Fleet,
): RouteTable {
  const { config, store, connection, ingestQueue, claimOnce } = runtime;
  // A web handler like the adapters' receivers; the guard's slot (and its slow-body timeout) holds the node request.
  const ingest =
    (feedId: string | null): Route =>
    (req, res) =>
      webRoute(async (request) => {
        const accepted = await handleIngest(request, feedId, config, ingestQueue, {
          holdUnauthenticatedSlot: () => guard.holdUnauthenticatedSlot(req),
          claimOnce,
          untrusted: runtime.untrusted,
          store,
          log: runtime.log,
        });
        return Response.json(accepted, {
          status: accepted.accepted ? 202 : 200,
          headers: JSON_HEADERS,
        });
      })(req, res, []);
  return {
    "GET /healthz": async (_req, res) => {
      // Both asked at once, each given a second: commands queue while Redis is away (BullMQ needs that),
      // and a query waits for a free pooled connection or a new one (up to 10 s) while PostgreSQL is
      // unreachable; a health check must answer anyway, within a probe's usual timeout.
      const [redis, database] = await Promise.all([
        answersWithin(
          connection.ping().then((r) => r === "PONG"),
          HEALTH_CHECK_MS,
        ),
        answersWithin(
          store.ping().then(() => true),
          HEALTH_CHECK_MS,
        ),
      ]);
      const checks = { redis, database };
      const roles = readyRoles();
      const ok =
        checks.redis && checks.database && roles !== null && Object.values(roles.roles).every((r) => r === true);
      sendJson(res, ok ? 200 : 503, {
        ok,
        ...checks,
        ...(roles
          ? { roles: roles.roles, ...(roles.chromium ? { chromium: roles.chromium } : {}) }
          : { starting: true }),
        duties: fleet.owned(),
      });
    },
    ...metricsRoutes(runtime, guard, fleet),
    ...adminRoutes(
      config.admin,
      [ingestQueue, runtime.deliverQueue, runtime.pollQueue, runtime.maintenanceQueue, runtime.alertQueue],
      guard,
    ),
    "POST /ingest": guard.authenticating(ingest(null)),
    "POST /ingest/:feed": guard.authenticating((req, res, [feedId]) => ingest(feedId ?? null)(req, res, [])),
    "DELETE /ingest/:feed/:id": guard.authenticating((req, res, [feedId, articleId]) =>
      webRoute(async (request) => {
        const outcome = await handleRetract(request, feedId ?? "", articleId ?? "", config, {
          holdUnauthenticatedSlot: () => guard.holdUnauthenticatedSlot(req),
          claimOnce,
          store,
          deliverQueue: runtime.deliverQueue,
          log: runtime.log,
        });
        return Response.json(outcome, {
          status: outcome.status === "retracted" ? 202 : 200,
          headers: JSON_HEADERS,
        });
      })(req, res, []),
    ),
    "GET /cards/:file": async (_req, res, [file]) => {
      const key = /^([a-f0-9]{16,64})\.png$/.exec(file ?? "")?.[1];
      const png = key ? await store.getCard(key) : null;
      if (!png) throw new HttpError(404, "no such card");
      res.writeHead(200, {
        "content-type": "image/png",
        "content-length": png.length,
        "cache-control": "public, max-age=31536000, immutable",
      });
      res.end(png);
    },
  };
}
