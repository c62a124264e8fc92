/**
 * Developing stories, pure: what changed between versions, the "updated" marker, severity,
 * retraction, and what a destination does with each. The pipeline (jobs/pipeline/story.ts) applies them.
 */
export { type StoryChange, storyChange } from "./changes.ts";
export { type VersionTime, versionTimesText } from "./history.ts";
export { storyZone, updatedLabel, updateHeading } from "./labels.ts";
export { storyLanguage } from "./language.ts";
export {
  DEFAULT_STORY_POLICY,
  effectiveUpdates,
  notifyFor,
  type PosterAbilities,
  type StoryPolicy,
  type UpdateMode,
} from "./policy.ts";
export { retractedMessage, retractionNotice } from "./retraction.ts";
export { DEFAULT_BREAKING_PREFIXES, SEVERITIES, type Severity, severityOf } from "./severity.ts";
export { type StoryClock, storyUpdate, updatedMessage } from "./update.ts";
