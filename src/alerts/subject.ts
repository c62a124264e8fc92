/**
 * What a health alert is about, and its key in the store's alert table:
 * `feed:<id>`, `destination:<id>`, `delivery:<article>.v<version>:<destination>`, `backlog:<queue>`.
 * One key per thing that can break, so its alert opens and closes once per outage.
 */
export type AlertSubject =
  | { kind: "feed"; feedId: string }
  | { kind: "destination"; destinationId: string }
  | { kind: "delivery"; articleId: string; version: number; destinationId: string }
  | { kind: "backlog"; queue: string };

export function alertKey(subject: AlertSubject): string {
  switch (subject.kind) {
    case "feed":
      return `feed:${subject.feedId}`;
    case "destination":
      return `destination:${subject.destinationId}`;
    case "delivery":
      return `delivery:${subject.articleId}.v${subject.version}:${subject.destinationId}`;
    case "backlog":
      return `backlog:${subject.queue}`;
  }
}

/** What changed: the alert opened, it is still open a repeat interval later, or the thing works again. */
export type AlertTransitionKind = "opened" | "repeated" | "recovered";

/** One alert message to send: everything the message needs, so the job that sends it reads nothing else. */
export interface AlertNotice {
  subject: AlertSubject;
  transition: AlertTransitionKind;
  /** Why it broke (already redacted by the store). */
  reason: string;
  /** When it broke (ISO 8601). */
  since: string;
  /** When this transition happened (ISO 8601): the recovery time for `recovered`. */
  at: string;
}
