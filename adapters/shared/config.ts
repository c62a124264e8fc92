/** Zod pieces every platform's config section uses, so each says "an http(s) URL" the same way. */
import { z } from "zod";

export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** `<id>.apiUrl`: the platform's API base; its descriptor's `apiUrlEnv` overrides it. */
export const apiUrl = httpUrl.optional();
