/**
 * The command menu Telegram shows when a user types "/". Telegram picks the
 * most specific list for each user: chat admins see /feeds in groups, other
 * group members only /news; in private chats (where the user administers
 * their own deliveries) both are listed. Korean users get Korean descriptions.
 */
import type { Api } from "grammy";
import type { BotCommand, BotCommandScope } from "grammy/types";
import type { CommandName } from "../../src/chat/types.ts";
import { toTelegramError } from "./errors.ts";

/** The commands Herald answers on Telegram. */
export const TELEGRAM_COMMANDS: readonly CommandName[] = ["news", "feeds"];

interface Descriptions {
  news: string;
  feeds: string;
}

const ENGLISH: Descriptions = {
  news: "Latest news, search, or show an article: latest 5 · search <words> · show <id>",
  feeds: "Manage feeds (admins): list · add <url> · remove|pause|resume <id> · /news trace <id>: why not delivered",
};
const KOREAN: Descriptions = {
  news: "최신 뉴스·검색·기사 보기: latest 5 · search <검색어> · show <id>",
  feeds: "피드 관리 (관리자): list · add <url> · remove|pause|resume <id> · /news trace <id>: 전송 기록",
};

const SCOPES: Array<{ scope: BotCommandScope; withFeeds: boolean }> = [
  { scope: { type: "default" }, withFeeds: true },
  { scope: { type: "all_group_chats" }, withFeeds: false },
  { scope: { type: "all_chat_administrators" }, withFeeds: true },
];

function commandsFor(text: Descriptions, withFeeds: boolean): BotCommand[] {
  const news = { command: "news", description: text.news };
  return withFeeds ? [news, { command: "feeds", description: text.feeds }] : [news];
}

/**
 * Sets the command menus (default language English, plus `language_code: "ko"`).
 * Safe to call on every start: setMyCommands replaces the lists.
 *
 * @example await registerTelegramCommands(bot.api, token)
 */
export async function registerTelegramCommands(api: Api, token = ""): Promise<void> {
  for (const { scope, withFeeds } of SCOPES) {
    for (const [language, text] of [
      [undefined, ENGLISH],
      ["ko", KOREAN],
    ] as const) {
      try {
        await api.setMyCommands(commandsFor(text, withFeeds), {
          scope,
          ...(language ? { language_code: language } : {}),
        });
      } catch (error) {
        throw toTelegramError(error, token, `setMyCommands (${scope.type}${language ? `, ${language}` : ""})`);
      }
    }
  }
}
