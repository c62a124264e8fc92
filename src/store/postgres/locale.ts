import type pg from "pg";

/**
 * What the operator should know about the database's encoding and locale.
 * Herald's own search does not depend on them (it computes its keys itself,
 * see search-keys.ts), but Korean text and SQL run by hand do.
 */
export async function localeNotices(pool: pg.Pool, database: string): Promise<string[]> {
  const { rows } = await pool.query<{ encoding: string; ctype: string; collate: string }>(
    `SELECT pg_encoding_to_char(encoding) AS encoding, datctype AS ctype, datcollate AS collate
     FROM pg_database WHERE datname = current_database()`,
  );
  const row = rows[0];
  if (!row) return [];
  const notices: string[] = [];
  if (row.encoding !== "UTF8") {
    notices.push(
      `PostgreSQL database ${database} uses encoding ${row.encoding}: articles in Korean or any other text outside it ` +
        "cannot be stored. Create the database with ENCODING 'UTF8' and point Herald at it.",
    );
  }
  if (/^(C|POSIX)$/i.test(row.ctype)) {
    notices.push(
      `PostgreSQL database ${database} has LC_CTYPE ${row.ctype}: Herald's search still finds Korean (it indexes words ` +
        "itself), but PostgreSQL's own text functions there (lower(), ILIKE, regular expressions, pg_trgm) treat Hangul " +
        "as non-letters, so SQL run by hand against Herald's tables will miss Korean words. Create the database with " +
        "LC_CTYPE 'C.UTF-8' (or another UTF-8 locale) to have both.",
    );
  }
  return notices;
}
