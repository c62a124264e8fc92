/** Herald's reply strings in English and Korean. */
export { type Language, languageOf } from "./locale.ts";
export { fillParts, placeholdersOf, STRINGS, type StringKey, t, template } from "./strings.ts";
