import type { MediaNs } from "feedsmith";

const IMAGE_PATH = /\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])/i;

/** A picture reference found in a feed item, before URL resolution. */
interface ImageCandidate {
  url: string;
  width: number;
}

/**
 * The best lead image among Media RSS contents/groups/thumbnails and image
 * enclosures: the widest real image, since cards and embeds scale down well
 * but not up. Returns the URL as written (possibly relative).
 */
export function pickImage(
  media: MediaNs.ItemOrFeed | undefined,
  enclosures: { url?: string | undefined; type?: string | undefined }[] = [],
): string | null {
  const candidates: ImageCandidate[] = [];
  const contents = [...(media?.contents ?? []), ...(media?.groups ?? []).flatMap((group) => group.contents ?? [])];
  for (const content of contents) {
    if (content.url && isImage(content.url, content.type, content.medium)) {
      candidates.push({ url: content.url, width: content.width ?? 0 });
    }
  }
  if (candidates.length === 0) {
    for (const thumbnail of media?.thumbnails ?? []) {
      if (thumbnail.url) candidates.push({ url: thumbnail.url, width: thumbnail.width ?? 0 });
    }
  }
  for (const enclosure of enclosures) {
    if (enclosure.url && isImage(enclosure.url, enclosure.type, undefined))
      candidates.push({ url: enclosure.url, width: 0 });
  }
  let best: ImageCandidate | null = null;
  for (const candidate of candidates) {
    if (!best || candidate.width > best.width) best = candidate;
  }
  return best?.url ?? null;
}

function isImage(url: string, type: string | undefined, medium: string | undefined): boolean {
  if (medium) return medium.toLowerCase() === "image";
  if (type) return type.toLowerCase().startsWith("image/");
  return IMAGE_PATH.test(url);
}
