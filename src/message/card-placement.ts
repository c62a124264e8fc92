import type { CardRef } from "./types.ts";

/**
 * How one request shows a message's card, decided before formatting so that a
 * formatter is a pure function of (message, placement) and nothing rewrites
 * its output afterwards. Each platform's formatter accepts the kinds it can
 * show (Discord: none/upload; Telegram: none/upload/kept; Slack:
 * none/hosted/linked).
 */
export type CardPlacement = NoCard | UploadedCard | KeptCard | HostedCard | LinkedCard;

/** No card: the timeline is listed as text, and the lead image is shown where the platform can. */
export interface NoCard {
  kind: "none";
}

/** The PNG travels with this request as a file named `filename` (Discord's attachment://, Telegram's attach://). */
export interface UploadedCard {
  kind: "upload";
  filename: string;
}

/** An edit: the card the platform already shows stays as it is (Telegram cannot swap a photo in a caption edit). */
export interface KeptCard {
  kind: "kept";
}

/** A file the platform already holds, by its id there (Slack's privately uploaded file). */
export interface HostedCard {
  kind: "hosted";
  ref: string;
}

/** A public URL the platform fetches itself (Slack incoming webhooks, which cannot upload). */
export interface LinkedCard {
  kind: "linked";
  url: string;
}

export const NO_CARD: NoCard = { kind: "none" };
export const KEPT_CARD: KeptCard = { kind: "kept" };

/** The card uploaded under its own file name, when there is a PNG to upload. */
export function uploadedCard(file: { filename: string } | null): UploadedCard | NoCard {
  return file ? { kind: "upload", filename: file.filename } : NO_CARD;
}

/** The card at its public URL (`cards.publicBaseUrl`), when it has one. */
export function linkedCard(card: CardRef | null): LinkedCard | NoCard {
  return card?.url ? { kind: "linked", url: card.url } : NO_CARD;
}

/** A card held by the platform under `ref`. */
export function hostedCard(ref: string): HostedCard {
  return { kind: "hosted", ref };
}
