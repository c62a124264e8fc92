/**
 * Why the store refused or failed an operation. The message names the thing
 * (database file, feed, article, delivery) and the reason, and never carries
 * a secret: destination configs are redacted before they are stored.
 */
export class StoreError extends Error {
  override readonly name: string = "StoreError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A search query that cannot be run: empty, too long, or with nothing
 * searchable in it. Safe to show to the person who typed the query.
 */
export class SearchQueryError extends StoreError {
  override readonly name = "SearchQueryError";
}

/** True when `error` is a foreign key violation: SQLite's "FOREIGN KEY constraint failed" or PostgreSQL's SQLSTATE 23503. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_FOREIGNKEY" || code === "23503";
}
