// Entry of the untrusted-input worker threads. A worker thread does not reliably
// inherit the tsx loader of the process that starts it, so it registers its own
// before loading the TypeScript tasks.
import { register } from "tsx/esm/api";

register();
const tasks = await import("./tasks.ts");

export const article = tasks.article;
export const feed = tasks.feed;
