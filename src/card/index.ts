/**
 * The timeline card: an article's timeline table drawn as a PNG for chat
 * previews. `cardDataFromArticle` decides whether there is a card at all,
 * `CardRenderer` draws it with warm, network-less Chromium instances.
 */
export { type CardData, cardDataFromArticle, cardKey, formatCardDate } from "./data.ts";
export { bundledFonts } from "./fonts.ts";
export {
  CardRenderError,
  CardRenderer,
  type CardRendererOptions,
  type RenderedCard,
  type RenderOptions,
} from "./renderer.ts";
export { MAX_ROWS, renderCardHtml, TEMPLATE_VERSION } from "./template.ts";
