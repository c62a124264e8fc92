/** HTML helpers for the preview mock-ups: everything from a payload is escaped first. */

export const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const httpUrl = (url: string) => (/^https?:\/\//i.test(url) ? url : null);

/** A link only for http(s) URLs: a payload's `javascript:` link stays plain text. */
export const htmlLink = (url: string, text: string) => {
  const href = httpUrl(url);
  return href ? `<a href="${escapeHtml(href)}" rel="noreferrer">${text}</a>` : text;
};
