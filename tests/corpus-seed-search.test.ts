/**
 * The reference seed (../shared/seed), parsed by Herald's own parser, is
 * found by the words a reader would type. Runs where shared/ sits beside the
 * checkout (locally and in CI); vitest.config.ts leaves corpus-* files out elsewhere.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parsePost } from "../src/article/index.ts";
import { marketArticle } from "./fixtures/store/articles.ts";
import { seedPath } from "./helpers/paths.ts";
import { freshStorePerTest, STORE_BACKENDS } from "./helpers/store-backends.ts";

describe.each(STORE_BACKENDS)(
  "$name store, searchArticles: the reference post, parsed by Herald's own parser",
  (backend) => {
    const current = freshStorePerTest(backend, { beforeEach, afterEach });
    beforeEach(async () => {
      await current().store.upsertArticle(marketArticle(), null);
    });

    it("finds it by 장애, 아웃룩, Azure and 애저 네트워킹", async () => {
      const { store } = current();
      const ids = async (query: string) => (await store.searchArticles(query)).map((hit) => hit.article.id);
      const seed = parsePost(readFileSync(seedPath), seedPath, { baseUrl: "https://newsdao.kr" });
      await store.upsertArticle(seed, null);
      for (const query of ["장애", "아웃룩", "Azure", "azure", "애저 네트워킹"]) {
        expect(await ids(query), query).toContain(seed.id);
      }
      expect(await ids("장애")).not.toContain("market-weather");
      expect((await store.searchArticles("애저 네트워킹")).find((h) => h.article.id === seed.id)?.snippet).toMatch(
        /애저/,
      );
    });
  },
);
