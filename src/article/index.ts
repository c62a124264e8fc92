export { ArticleParseError, NotPublishedError } from "./errors.ts";
export { type ArticleFields, articleFromFields, decodeUnicodeBom, type ParseOptions, parsePost } from "./parse.ts";
export { findTimeline, isTimeCell } from "./timeline.ts";
export type * from "./types.ts";
