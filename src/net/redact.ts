/**
 * A URL fit for logs and error messages: user name and password removed
 * (`https://user:secret@host/feed` → `https://host/feed`). Anything that is
 * not a URL (a feed id) is returned unchanged.
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (!url.username && !url.password) return value;
  url.username = "";
  url.password = "";
  return url.href;
}
