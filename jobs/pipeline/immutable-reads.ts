/**
 * Reads of what never changes once stored: an article version (a new version
 * gets a new number) and a card (its key is a hash of its data). A fan-out of
 * one article to thousands of destinations then reads each from the store once
 * per process instead of once per delivery — on a shared PostgreSQL store
 * that is a round trip and a JSON parse saved per delivery.
 */
import { LRUCache } from "lru-cache";
import type { Store, StoredArticle } from "../../src/store/index.ts";

interface Caches {
  versions: LRUCache<string, StoredArticle>;
  cards: LRUCache<string, Buffer>;
}

const byStore = new WeakMap<Store, Caches>();

function cachesOf(store: Store): Caches {
  let caches = byStore.get(store);
  if (!caches) {
    caches = {
      versions: new LRUCache({ max: 256 }),
      cards: new LRUCache({ maxSize: 32 * 1024 * 1024, sizeCalculation: (png) => Math.max(1, png.length) }),
    };
    byStore.set(store, caches);
  }
  return caches;
}

/** `store.getArticleVersion`, remembered once found (a missing version may be stored later, so it is not remembered). */
export async function storedVersion(store: Store, articleId: string, version: number): Promise<StoredArticle | null> {
  const { versions } = cachesOf(store);
  const key = `${version}:${articleId}`;
  const known = versions.get(key);
  if (known) return known;
  const stored = await store.getArticleVersion(articleId, version);
  if (stored) versions.set(key, stored);
  return stored;
}

/** `store.getCard`, remembered once found (up to 32 MB of cards per process). */
export async function storedCard(store: Store, key: string): Promise<Buffer | null> {
  const { cards } = cachesOf(store);
  const known = cards.get(key);
  if (known) return known;
  const png = await store.getCard(key);
  if (png) cards.set(key, png);
  return png;
}
