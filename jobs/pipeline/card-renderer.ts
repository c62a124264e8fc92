import type { HeraldConfig } from "../../config/schema.ts";
import { CardRenderer } from "../../src/card/index.ts";
import { redactSecrets } from "../../src/net/redact.ts";
import { stripControlsInLine } from "../../src/text/controls.ts";

/**
 * The Chromium pool of a process that runs the `ingest` role, launched on the
 * first card (a process that never renders never pays ~0.45 GB for it).
 * Nothing else in the service imports {@link CardRenderer}: a process
 * without `ingest` has no way to start Chromium (tests/architecture.test.ts).
 */
export interface LazyCardRenderer {
  /** The pool, launching it on first use; null when cards are disabled. A failed launch is tried again on the next card. */
  get(): Promise<CardRenderer | null>;
  /** For /healthz: true when cards can be rendered (or will be, on the first one), else why not. */
  readiness(): { ready: boolean; chromium: string };
  close(): Promise<void>;
}

export function lazyCardRenderer(cards: HeraldConfig["cards"]): LazyCardRenderer {
  let launching: Promise<CardRenderer> | null = null;
  let state: "not launched yet" | "launching" | "running" = "not launched yet";
  let failure: string | null = null;
  let closed = false;
  return {
    get() {
      if (!cards.enabled) return Promise.resolve(null);
      if (closed) return Promise.reject(new Error("the card renderer is closed"));
      if (!launching) {
        state = "launching";
        launching = CardRenderer.launch({ executablePath: cards.chromiumPath, browsers: cards.browsers }).then(
          (renderer) => {
            [state, failure] = ["running", null];
            return renderer;
          },
          (error: Error) => {
            // Kept until the next card asks: a Chromium missing now may be installed later without a restart.
            [state, failure, launching] = ["not launched yet", stripControlsInLine(redactSecrets(error.message)), null];
            throw error;
          },
        );
      }
      return launching;
    },
    readiness() {
      if (!cards.enabled) return { ready: true, chromium: "cards disabled (cards.enabled: false)" };
      if (failure) return { ready: false, chromium: `failed to launch: ${failure}` };
      return { ready: true, chromium: state };
    },
    async close() {
      closed = true;
      await (await launching?.catch(() => null))?.close();
    },
  };
}
