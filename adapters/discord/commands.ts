/**
 * Herald's slash commands as Discord application commands: `/news` for
 * everyone, `/feeds` for members with Manage Server. Names stay English on
 * every client (they are what people type and what the docs show); only the
 * descriptions are localized.
 */
import type { REST } from "@discordjs/rest";
import {
  type APIApplicationCommand,
  ApplicationIntegrationType,
  InteractionContextType,
  type LocalizationMap,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
  SlashCommandBuilder,
  type SlashCommandSubcommandBuilder,
} from "discord.js";
import { toDiscordError } from "./errors.ts";

/** What `/news latest` may ask for; the command core enforces the same range. */
export const LATEST_COUNT = { min: 1, max: 20 } as const;
/** Discord's limit on a string option is 6000; a search or an id never needs more than this. */
const MAX_QUERY = 200;
const MAX_ARTICLE_REF = 500;
/** URLs beyond this are not feeds anyone types into a chat box. */
const MAX_URL = 2000;

/** English description first, then the localizations. */
type Described = [en: string, localized: LocalizationMap];

const TEXT = {
  news: ["Read the news Herald has posted", { ko: "Herald가 올린 뉴스 보기" }],
  latest: ["Show the latest articles", { ko: "최신 기사 보기" }],
  count: ["How many articles (1–20)", { ko: "기사 수 (1–20)" }],
  search: ["Search articles", { ko: "기사 검색" }],
  query: ["Words to look for", { ko: "찾을 단어" }],
  show: ["Show one article in full", { ko: "기사 하나를 전체로 보기" }],
  article: ["Article id or link", { ko: "기사 ID 또는 링크" }],
  trace: [
    "Why an article was or was not delivered here (admins)",
    { ko: "기사가 이 채널에 전송됐는지, 안 됐다면 왜인지 (관리자)" },
  ],
  feeds: ["Manage the feeds Herald follows", { ko: "Herald가 구독하는 피드 관리" }],
  list: ["List the feeds", { ko: "피드 목록 보기" }],
  add: ["Follow a new feed", { ko: "새 피드 구독" }],
  url: ["Feed URL (RSS, Atom or JSON Feed)", { ko: "피드 URL (RSS, Atom, JSON Feed)" }],
  remove: ["Stop following a feed", { ko: "피드 구독 해지" }],
  pause: ["Pause a feed", { ko: "피드 일시 중지" }],
  resume: ["Resume a paused feed", { ko: "일시 중지한 피드 다시 시작" }],
  id: ["Feed id (see /feeds list)", { ko: "피드 ID (/feeds list 참고)" }],
} satisfies Record<string, Described>;

function subcommand(name: keyof typeof TEXT): (sub: SlashCommandSubcommandBuilder) => SlashCommandSubcommandBuilder {
  return (sub) => sub.setName(name).setDescription(TEXT[name][0]).setDescriptionLocalizations(TEXT[name][1]);
}

/** A subcommand taking one required string option, e.g. `/feeds remove id:<id>`, `/news show article:<ref>`. */
function withRequiredString(name: keyof typeof TEXT, optionName: "id" | "article", maxLength: number) {
  return (sub: SlashCommandSubcommandBuilder) =>
    subcommand(name)(sub).addStringOption((option) =>
      option
        .setName(optionName)
        .setDescription(TEXT[optionName][0])
        .setDescriptionLocalizations(TEXT[optionName][1])
        .setRequired(true)
        .setMaxLength(maxLength),
    );
}

const feedIdSubcommand = (name: "remove" | "pause" | "resume") => withRequiredString(name, "id", MAX_QUERY);
const articleSubcommand = (name: "show" | "trace") => withRequiredString(name, "article", MAX_ARTICLE_REF);

function newsCommand(): SlashCommandBuilder {
  const command = new SlashCommandBuilder()
    .setName("news")
    .setDescription(TEXT.news[0])
    .setDescriptionLocalizations(TEXT.news[1])
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);
  command.addSubcommand((sub) =>
    subcommand("latest")(sub).addIntegerOption((option) =>
      option
        .setName("count")
        .setDescription(TEXT.count[0])
        .setDescriptionLocalizations(TEXT.count[1])
        .setMinValue(LATEST_COUNT.min)
        .setMaxValue(LATEST_COUNT.max),
    ),
  );
  command.addSubcommand((sub) =>
    subcommand("search")(sub).addStringOption((option) =>
      option
        .setName("query")
        .setDescription(TEXT.query[0])
        .setDescriptionLocalizations(TEXT.query[1])
        .setRequired(true)
        .setMaxLength(MAX_QUERY),
    ),
  );
  command.addSubcommand(articleSubcommand("show"));
  // Visible to everyone as part of /news; Herald answers only admins (the check is Herald's, as for /feeds).
  command.addSubcommand(articleSubcommand("trace"));
  return command;
}

function feedsCommand(): SlashCommandBuilder {
  const command = new SlashCommandBuilder()
    .setName("feeds")
    .setDescription(TEXT.feeds[0])
    .setDescriptionLocalizations(TEXT.feeds[1])
    // A default for server owners to change in Integrations settings; Herald still checks isAdmin itself.
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);
  command.addSubcommand(subcommand("list"));
  command.addSubcommand((sub) =>
    subcommand("add")(sub).addStringOption((option) =>
      option
        .setName("url")
        .setDescription(TEXT.url[0])
        .setDescriptionLocalizations(TEXT.url[1])
        .setRequired(true)
        .setMaxLength(MAX_URL),
    ),
  );
  command.addSubcommand(feedIdSubcommand("remove"));
  command.addSubcommand(feedIdSubcommand("pause"));
  command.addSubcommand(feedIdSubcommand("resume"));
  return command;
}

/** The JSON Discord receives for `/news` and `/feeds`. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [newsCommand().toJSON(), feedsCommand().toJSON()];
}

/**
 * Replaces the application's commands with Herald's (bulk overwrite, so
 * commands Herald no longer has disappear). With `guildId` they apply to that
 * server at once, which suits testing; global commands reach every server.
 *
 * @example await registerDiscordCommands(rest, "123456789012345678")
 */
export async function registerDiscordCommands(
  rest: REST,
  applicationId: string,
  guildId?: string,
): Promise<APIApplicationCommand[]> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  try {
    return (await rest.put(route, { body: commandDefinitions() })) as APIApplicationCommand[];
  } catch (error) {
    throw toDiscordError(error);
  }
}
