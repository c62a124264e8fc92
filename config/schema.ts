import { z } from "zod";
import { type AnyPlatform, builtInPlatforms, destinationType } from "../adapters/registry.ts";
import { httpUrl } from "../adapters/shared/config.ts";
import { parseDuration } from "./duration.ts";
import { breakingPrefixes, coalesceWindow, storyDestinationKeys, updateModes } from "./story.ts";

// Every object is strict: a misspelt key (`databse:`) is an error naming the nearest known key (config/issues.ts),
// not a setting silently dropped. A section that is an open map by nature (headers, labels) is a z.record.

/** `30s`, `5m`, `1h` → milliseconds. */
const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: `'${text}' is not a duration (use e.g. 30s, 5m, 1h)` });
    return z.NEVER;
  }
  return ms;
});

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "ids are letters, digits, '-' and '_' (at most 64)");
const secret = z.string().min(1, "must not be empty");
/** `${VAR:-}` leaves an empty string: for an optional secret that means "not set". */
const optionalSecret = z.preprocess((value) => (value === "" ? undefined : value), secret.optional());

const filters = z
  .strictObject({
    categories: z.array(z.string()).default([]),
    include: z.array(z.string()).default([]),
    exclude: z.array(z.string()).default([]),
  })
  .default({ categories: [], include: [], exclude: [] });

const feedCommon = {
  id,
  baseUrl: httpUrl.optional(),
  /** Human name shown as the source; defaults to the base URL's host. */
  name: z.string().optional(),
  filters,
  destinations: z.array(id).default([]),
  /** On the feed's first run, post the newest N items instead of none. */
  backfill: z.number().int().min(0).max(50).default(0),
  paused: z.boolean().default(false),
  /** Title prefixes that make a post breaking news (default [속보], [긴급], [단독], BREAKING, URGENT). */
  breaking: breakingPrefixes,
};

/**
 * A directory feed's site, overriding what is detected from the site's own
 * config file (`_config.yml`, `hugo.toml`, Zola's `config.toml`) above `path`.
 */
export const siteSchema = z.strictObject({
  generator: z.enum(["jekyll", "hugo", "zola"]).optional(),
  url: httpUrl.optional(),
  baseurl: z.string().optional(),
  permalink: z.string().min(1).optional(),
  timezone: z.string().refine(isTimeZone, "must be an IANA time zone such as Asia/Seoul").optional(),
  future: z.boolean().optional(),
  strictFrontMatter: z.boolean().optional(),
  markdownExt: z.array(z.string().regex(/^\.?[A-Za-z0-9]+$/, "must be an extension such as mkdn")).optional(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const feedSchema = z.discriminatedUnion("type", [
  z.strictObject({ ...feedCommon, type: z.literal("directory"), path: z.string().min(1), site: siteSchema.optional() }),
  z.strictObject({ ...feedCommon, type: z.literal("rss"), url: httpUrl, interval: duration.default(5 * 60_000) }),
  z.strictObject({ ...feedCommon, type: z.literal("webhook"), token: optionalSecret, secret: optionalSecret }),
]);

/** The budget of one parse of untrusted input (posts, feeds) on a worker thread; past it the input fails with a reason. */
export const processingSchema = z
  .strictObject({
    // A number is milliseconds: what a parsed config holds, so a config written back out (as tests do for child processes) still reads.
    timeout: z.union([z.number().int().positive(), duration]).default(2000),
    // A worker thread needs some 20 MB just to load the parsers (at 16 it can fail to start); 64 leaves room for real posts.
    memoryMb: z.number().int().min(64).max(16_384).default(256),
    threads: z.number().int().min(1).max(64).default(2),
  })
  .prefault({});

type BuiltIn = (typeof builtInPlatforms)[number];
/** Each platform's config section (`discord:`, …), optional: a platform without one has no bot. */
type SectionShape = { [P in BuiltIn as P["id"]]: z.ZodOptional<P["section"]> };
/** A destination of any platform's kinds, with its `id`. */
export type DestinationConfig = z.output<BuiltIn["destinations"][number]["schema"]> & {
  id: string;
  locale?: "en" | "ko" | undefined;
} & z.output<z.ZodObject<typeof storyDestinationKeys>>;

/** The language of the people reading a destination (alerts to it are written in it); any platform's destination may say. */
const destinationLocale = z.enum(["en", "ko"]).optional();

/** Which destination kind a `type` is, among `list`'s platforms. */
function kindOf(list: readonly AnyPlatform[], type: string) {
  for (const platform of list) {
    const kind = platform.destinations.find((k) => destinationType(k) === type);
    if (kind) return { platform, kind };
  }
  return undefined;
}

/**
 * The config schema for a set of platforms: their sections and destination
 * kinds come from their descriptors. The types are the built-in platforms';
 * a registered extra platform's section is read through {@link sectionOf}.
 */
export function configSchemaFor(list: readonly AnyPlatform[]) {
  const sections = Object.fromEntries(list.map((p) => [p.id, p.section.optional()])) as unknown as SectionShape;
  const kinds = list.flatMap((p) =>
    p.destinations.map((k) => k.schema.extend({ id, locale: destinationLocale, ...storyDestinationKeys })),
  );
  const [first, ...rest] = kinds;
  if (!first) throw new Error("no platform has a destination kind");
  const destinationSchema = z.discriminatedUnion("type", [first, ...rest]) as unknown as z.ZodType<DestinationConfig>;
  return z
    .strictObject({
      ...sections,
      redis: z
        .strictObject({
          /** The Redis server; with `sentinels` only its password and database number are used (the master comes from Sentinel). */
          url: z.string().default("redis://127.0.0.1:6379/0"),
          prefix: z
            .string()
            .regex(/^[\w:-]+$/)
            .default("herald"),
          /** Redis Sentinel: ask these for the current master of `name` (and follow failovers) instead of connecting to `url`'s host. */
          sentinels: z
            .array(z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535).default(26379) }))
            .min(1, "list at least one sentinel, or leave sentinels out")
            .optional(),
          /** The master's name as the sentinels know it (`sentinel monitor <name> …`). */
          name: z.string().min(1).optional(),
          /** Password of the sentinels themselves (the master's is in `url`). */
          sentinelPassword: optionalSecret,
        })
        .refine((redis) => !redis.sentinels || redis.name, {
          path: ["name"],
          message: "redis.sentinels needs redis.name: the master's name as the sentinels know it",
        })
        .prefault({}),
      database: z
        .strictObject({
          /** The embedded SQLite file: one host (one or several processes on it). */
          path: z.string().default("data/herald.db"),
          /** A shared PostgreSQL database for a fleet of processes and hosts; when set, `path` is not used. Env DATABASE_URL overrides. */
          url: z
            .string()
            .regex(/^postgres(ql)?:\/\//i, "must be a postgres:// or postgresql:// URL")
            .optional(),
        })
        .prefault({}),
      http: z
        .strictObject({
          host: z.string().default("127.0.0.1"),
          port: z.number().int().min(0).max(65535).default(8080),
          /** Signed bodies read at once before their sender is known; more get 503 with Retry-After, unread. */
          maxUnauthenticated: z.number().int().min(1).max(10_000).default(64),
          /** Failed authentications one client IP may make per minute; past that it gets 429 before anything is read. */
          authFailuresPerMinute: z.number().int().min(1).max(1_000_000).default(20),
        })
        .prefault({}),
      /** The queue dashboard at /admin/queues: off unless a token or a user is set. */
      admin: z
        .strictObject({
          /** `Authorization: Bearer <token>`. */
          token: optionalSecret,
          /** HTTP Basic users (what a browser asks for). */
          users: z
            .array(
              z.strictObject({
                name: z.string().regex(/^[^:\s]+$/, "a user name has no ':' and no spaces (HTTP Basic)"),
                password: secret,
              }),
            )
            .default([]),
        })
        .prefault({}),
      ingest: z
        .strictObject({
          token: optionalSecret,
          secret: optionalSecret,
          maxBytes: z
            .number()
            .int()
            .positive()
            .default(1024 * 1024),
        })
        .prefault({}),
      /** GET /metrics (Prometheus): open when no token is set, else only with `Authorization: Bearer <token>`. */
      metrics: z.strictObject({ token: optionalSecret }).prefault({}),
      cards: z
        .strictObject({
          enabled: z.boolean().default(true),
          chromiumPath: z.string().optional(),
          browsers: z.number().int().min(1).max(8).default(2),
          /** Public URL prefix under which cards are reachable (Slack incoming webhooks can only show images by URL). */
          publicBaseUrl: httpUrl.optional(),
          /** Cards no article version of this many days uses are deleted (daily); a later version with the same card renders it again. */
          retentionDays: z.number().int().min(1).max(36_500).default(30),
        })
        .prefault({}),
      delivery: z
        .strictObject({
          attempts: z.number().int().min(1).max(50).default(8),
          backoff: duration.default(2000),
          concurrency: z.number().int().min(1).max(1000).default(50),
          timeout: duration.default(15_000),
          /** How long a worker's job lock lasts: after a crash, its jobs are picked up again after about this long. */
          lockDuration: duration.default(30_000),
          /**
           * How often one process of the fleet looks for pending/sending deliveries unchanged for this long whose
           * job is gone (Redis lost it, someone deleted it) and queues them again.
           */
          sweepInterval: duration.default(2 * 60_000),
          /**
           * What a changed article does at every destination that does not say (`updates:` on the destination):
           * `story` edits the message already posted and replies in its thread with what changed, `edit` only
           * edits, `thread` only replies, `post` posts it again. Each falls back to what the platform allows.
           */
          updates: updateModes.default("story"),
          /** Versions of one article arriving within this window reach a destination that has it as one edit and one reply. */
          coalesce: coalesceWindow,
        })
        .prefault({}),
      processing: processingSchema,
      security: z.strictObject({ allowPrivateFeedUrls: z.boolean().default(false) }).prefault({}),
      /** Caps on what chat users can make Herald do. */
      limits: z
        .strictObject({
          /** Feeds posting to one channel, checked by `/feeds add`. */
          feedsPerChannel: z.number().int().min(1).max(10_000).default(20),
          /** Feeds in the store (config and chat ones), checked by `/feeds add`. */
          feeds: z.number().int().min(1).max(100_000).default(500),
          /** New items posted per feed poll, newest first; the rest are recorded as seen without posting. */
          itemsPerPoll: z.number().int().min(1).max(1000).default(20),
        })
        .prefault({}),
      /** Health alerts into the admins' channel; off when absent. */
      alerts: z
        .strictObject({
          /** The destination alerts go to (a destination id above); alerts never go to the broken destination itself. */
          destination: id,
          /** A feed alerts after this many failed polls in a row. */
          after: z.number().int().min(1).max(1000).default(3),
          /** The delivery queue alerts when its oldest waiting job is older than this. A number is milliseconds (a parsed config written back out). */
          backlogAge: z.union([z.number().int().positive(), duration]).default(10 * 60_000),
          /** While something stays broken, the alert is repeated at most this often. */
          repeat: z.union([z.number().int().positive(), duration]).default(24 * 60 * 60_000),
          /** The language alerts are written in: the alert channel's readers'. */
          locale: z.enum(["en", "ko"]).default("en"),
        })
        .optional(),
      log: z
        .strictObject({ level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info") })
        .prefault({}),
      destinations: z.array(destinationSchema).default([]),
      feeds: z.array(feedSchema).default([]),
    })
    .superRefine((config, ctx) => {
      const destinationIds = new Set<string>();
      config.destinations.forEach((d, i) => {
        if (destinationIds.has(d.id))
          ctx.addIssue({
            code: "custom",
            path: ["destinations", i, "id"],
            message: `duplicate destination id '${d.id}'`,
          });
        destinationIds.add(d.id);
      });
      for (const [i, d] of config.destinations.entries()) {
        const found = kindOf(list, d.type);
        if (found?.kind.botChannel && sectionOf(config, found.platform.id) === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["destinations", i, "type"],
            message: `a '${d.type}' destination needs the '${found.platform.id}:' bot section`,
          });
        }
      }
      if (config.alerts && !destinationIds.has(config.alerts.destination)) {
        ctx.addIssue({
          code: "custom",
          path: ["alerts", "destination"],
          message: `unknown destination '${config.alerts.destination}'; use the id of one of the destinations`,
        });
      }
      const feedIds = new Set<string>();
      config.feeds.forEach((feed, i) => {
        if (feedIds.has(feed.id))
          ctx.addIssue({ code: "custom", path: ["feeds", i, "id"], message: `duplicate feed id '${feed.id}'` });
        feedIds.add(feed.id);
        feed.destinations.forEach((dest, j) => {
          if (!destinationIds.has(dest))
            ctx.addIssue({
              code: "custom",
              path: ["feeds", i, "destinations", j],
              message: `unknown destination '${dest}'`,
            });
        });
        if (feed.type === "webhook" && !feed.token && !feed.secret && !config.ingest.token && !config.ingest.secret) {
          ctx.addIssue({
            code: "custom",
            path: ["feeds", i],
            message: "a webhook feed needs a token or secret (here or under ingest:). Set HERALD_INGEST_TOKEN",
          });
        }
      });
    });
}

/** The schema of the built-in platforms (adapters/registry.ts); config/load.ts also takes registered ones. */
export const configSchema = configSchemaFor(builtInPlatforms);

export type HeraldConfig = z.output<typeof configSchema>;

/** A platform's config section, or undefined when the config has none. */
export function sectionOf(config: object, platformId: string): unknown {
  return (config as Record<string, unknown>)[platformId];
}
export type FeedConfig = HeraldConfig["feeds"][number];
