import type { Notify } from "../adapter.ts";
import type { Severity } from "./severity.ts";

/**
 * What a destination does with a developing story, as its admins configured it
 * (config: `updates`, `retractions`, `mention`, `silent`, `crosspost`).
 */
export interface StoryPolicy {
  /** `story`: edit the original and reply with what changed; `edit`: edit only; `thread`: reply only; `post`: post each version anew. */
  updates: UpdateMode;
  /** A retracted article's post is edited to the retracted form (`mark`) or deleted (`delete`). */
  retractions: "mark" | "delete";
  /** The admin-chosen mention per severity of a first post ("<@&123>", "<!here>", "@channel"). */
  mention: { breaking?: string | undefined; normal?: string | undefined };
  /** Severities sent without a notification. */
  silent: readonly Severity[];
  /** `breaking`: publish breaking posts to following servers (announcement channels). */
  crosspost: "breaking" | "never";
}

export type UpdateMode = "story" | "edit" | "thread" | "post";

export const DEFAULT_STORY_POLICY: StoryPolicy = {
  updates: "story",
  retractions: "mark",
  mention: {},
  silent: ["minor"],
  crosspost: "never",
};

/** What the poster can do; an update mode falls back to what it allows. */
export interface PosterAbilities {
  edit: boolean;
  reply: boolean;
}

/**
 * The update mode a poster can carry out: a poster without `reply` (Slack incoming webhooks)
 * edits only; one without `edit` posts each version anew.
 */
export function effectiveUpdates(mode: UpdateMode, can: PosterAbilities): UpdateMode {
  if (mode === "post") return "post";
  if (!can.edit) return can.reply && mode === "thread" ? "thread" : "post";
  if (!can.reply) return "edit";
  return mode;
}

/**
 * Who a post of this severity may wake. Minor updates never carry a mention: the config names
 * mentions for breaking and normal posts only. Undefined when the platform default applies.
 */
export function notifyFor(severity: Severity, policy: Pick<StoryPolicy, "mention" | "silent">): Notify | undefined {
  const mention = severity === "minor" ? undefined : policy.mention[severity];
  const silent = policy.silent.includes(severity);
  if (!mention && !silent) return undefined;
  return { ...(mention ? { mention } : {}), ...(silent ? { silent: true } : {}) };
}
