/** The current instant as the ISO 8601 UTC string every timestamp column holds. */
export function nowIso(): string {
  return new Date().toISOString();
}
