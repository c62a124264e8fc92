import { type Language, languageOf } from "./locale.ts";

/**
 * What Herald says in reply to commands, in English. `{name}` marks a
 * parameter; the Korean table must use the same parameters (a test checks).
 * Parameters are filled in as data, never re-read as templates, so a search
 * query that contains "{count}" stays as typed.
 */
const en = {
  "usage.unknown": "There is no /{command} {name} command.",
  "usage.news.title": "Herald's news commands:",
  "usage.news.latest": "{syntax}: the newest articles from this channel's feeds ({min}–{max}, default {default})",
  "usage.news.search": "{syntax}: search the articles of this channel's feeds",
  "usage.news.show": "{syntax}: one article in full, with its timeline card",
  "usage.news.trace": "{syntax}: why an article was or was not delivered here (server admins only)",
  "usage.feeds.title": "Feed commands (server admins only):",
  "usage.feeds.list": "{syntax}: the feeds posting to this channel",
  "usage.feeds.add": "{syntax}: add an RSS, Atom or JSON feed to this channel",
  "usage.feeds.remove": "{syntax}: remove a feed that was added from chat",
  "usage.feeds.pause": "{syntax}: stop posting a feed's new items for now",
  "usage.feeds.resume": "{syntax}: start posting a paused feed's new items again",

  "error.generic": "Something went wrong while running that command. Please try again in a moment.",

  "latest.badCount": "The count must be a whole number from {min} to {max}; “{value}” is not.",
  "latest.header": "The newest articles from this channel's feeds:",
  "latest.none": "No articles yet for this channel's feeds.",
  "news.noFeeds":
    "No feeds deliver to this channel, so there are no articles to show here. An admin can add one with {example}.",
  "article.untitled": "(untitled)",

  "search.empty": "Type something to search for, e.g. {example}",
  "search.tooLong": "That search is {length} characters long; searches can be at most {max} characters.",
  "search.invalid": "Herald can't search for that ({reason}). Try other words.",
  "search.header": "Articles from this channel's feeds matching “{query}”:",
  "search.none": "No articles from this channel's feeds match “{query}”.",

  "show.missing": "Give an article id or link, e.g. {example}",
  "show.notFound": "Herald has no article with the id or link “{ref}”.",
  "show.history": "Updated {count} times: {times}",

  "trace.notAdmin": "Only server admins can trace deliveries.",
  "trace.versions": "Versions: {versions}",
  "trace.none": "Herald recorded no delivery of this article to this channel.",
  "trace.flagged": "Herald can't post here: {reason}",
  "trace.more": "{count} earlier attempts are not shown; {command} lists them all.",
  "trace.outcome.delivered": "delivered",
  "trace.outcome.failed": "failed",
  "trace.outcome.rateLimited": "rate limited",
  "trace.outcome.retrying": "failed, will retry",

  "feeds.notAdmin": "Only server admins can manage feeds.",
  "feeds.missingId": "Give a feed id, e.g. {example}. {list} shows the ids.",
  "feeds.unknown": "No feed {id} in this channel. {list} shows the feeds here.",

  "feeds.list.header": "Feeds posting to this channel:",
  "feeds.list.none": "No feeds post to this channel yet. Add one with {example}.",
  "feeds.list.flagged": "Herald can't post here: {reason}",
  "feeds.list.active": "active",
  "feeds.list.paused": "paused",
  "feeds.list.fromChat": "added from chat",
  "feeds.list.fromConfig": "from the config file",
  "feeds.list.lastPolled": "last checked {date}",
  "feeds.list.neverPolled": "not checked yet",
  "feeds.list.lastError": "last error: {error}",
  "feeds.list.more": "…and {count} more.",

  "feeds.add.missing": "Give the feed's address, e.g. {example}",
  "feeds.add.tooLong": "That address is {length} characters long; feed addresses can be at most {max} characters.",
  "feeds.add.unsafe": "Herald won't fetch {url}: {reason}.",
  "feeds.add.unsafeRedirect": "Herald won't fetch {url}: it redirects to {target}, and {reason}.",
  "feeds.add.unresolvable": "Couldn't add {url}: the host name {host} could not be looked up.",
  "feeds.add.fetchFailed": "Couldn't fetch {url}: {reason}.",
  "feeds.add.notAFeed": "{url} is not a feed Herald can read: {reason}.",
  "feeds.add.duplicate": "{url} is already a feed of this channel: {id}.",
  "feeds.add.channelLimit":
    "This channel already has {count} feeds, the most Herald allows per channel ({max}). Remove one with {remove} before adding another.",
  "feeds.add.totalLimit":
    "Herald already checks {count} feeds, as many as it is allowed to ({max}), so it can't add more. Ask the Herald operator.",
  "feeds.add.done": "Added feed {id}: {title}.",
  "feeds.add.firstRun":
    "New items will be posted from now on; the {count} items already in the feed are recorded without posting.",

  "feeds.remove.config": "Feed {id} is defined in the config file; remove it there.",
  "feeds.remove.done": "Removed feed {id}. Herald no longer checks it for this channel.",
  "feeds.shared":
    "Feed {id} also posts to other channels, so it can't be paused or resumed from here. Ask the Herald operator to change it in the config file.",
  "feeds.pause.done": "Paused feed {id}. Nothing new from it is posted until {resume}.",
  "feeds.pause.already": "Feed {id} is already paused.",
  "feeds.resume.done": "Resumed feed {id}. Its new items will be posted again.",
  "feeds.resume.already": "Feed {id} is not paused.",

  "alert.feed.opened": "Feed {feed} is failing",
  "alert.feed.recovered": "Feed {feed} works again",
  "alert.feed.todo": "What to do: check the feed URL and that its server answers; Herald keeps polling.",
  "alert.destination.opened": "Herald can't post to {destination}",
  "alert.destination.recovered": "Herald can post to {destination} again",
  "alert.destination.todo":
    "What to do: re-invite the bot and give it the Send Messages permission, or replace the deleted channel or revoked webhook in the config.",
  "alert.delivery.opened": "Herald gave up delivering {article} to {destination}",
  "alert.delivery.recovered": "{article} was delivered to {destination} after all",
  "alert.delivery.todo":
    "What to do: see {trace} for every attempt; once the cause is fixed, retry the job from the queue dashboard (/admin/queues).",
  "alert.backlog.opened": "Deliveries are stuck in the {queue} queue",
  "alert.backlog.recovered": "The {queue} queue is moving again",
  "alert.backlog.todo":
    "What to do: check that delivery workers are running ({status}) and that Redis and the chat platforms answer.",
  "alert.reason": "Reason: {reason}",
  "alert.since": "Broken since {since}.",
  "alert.stillSince": "Still broken, since {since}.",
  "alert.brokenFrom": "It was broken from {since} to {until}.",
  "alert.source": "Herald health alert",
} as const;

/** A message Herald can say. */
export type StringKey = keyof typeof en;

const ko: Record<StringKey, string> = {
  "usage.unknown": "/{command} {name} 명령은 없습니다.",
  "usage.news.title": "Herald 뉴스 명령어:",
  "usage.news.latest": "{syntax}: 이 채널 피드의 최신 기사 ({min}–{max}개, 기본 {default}개)",
  "usage.news.search": "{syntax}: 이 채널 피드의 기사 검색",
  "usage.news.show": "{syntax}: 기사 전문과 타임라인 카드",
  "usage.news.trace": "{syntax}: 기사가 이 채널에 전송됐는지, 안 됐다면 왜인지 (서버 관리자 전용)",
  "usage.feeds.title": "피드 명령어 (서버 관리자 전용):",
  "usage.feeds.list": "{syntax}: 이 채널에 게시되는 피드 목록",
  "usage.feeds.add": "{syntax}: 이 채널에 RSS, Atom, JSON 피드 추가",
  "usage.feeds.remove": "{syntax}: 채팅으로 추가한 피드 삭제",
  "usage.feeds.pause": "{syntax}: 피드의 새 글 게시를 잠시 멈춤",
  "usage.feeds.resume": "{syntax}: 멈춘 피드의 새 글 게시를 다시 시작",

  "error.generic": "명령을 처리하는 중 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.",

  "latest.badCount": "개수는 {min}에서 {max} 사이의 정수여야 합니다. “{value}”은(는) 사용할 수 없습니다.",
  "latest.header": "이 채널 피드의 최신 기사:",
  "latest.none": "이 채널의 피드에 아직 기사가 없습니다.",
  "news.noFeeds":
    "이 채널에 게시되는 피드가 없어 여기서 보여 줄 기사가 없습니다. 관리자가 {example} 명령으로 추가할 수 있습니다.",
  "article.untitled": "(제목 없음)",

  "search.empty": "검색할 내용을 입력해 주세요. 예: {example}",
  "search.tooLong": "검색어가 {length}자입니다. 검색어는 최대 {max}자까지 쓸 수 있습니다.",
  "search.invalid": "그 검색어로는 검색할 수 없습니다 ({reason}). 다른 단어로 검색해 보세요.",
  "search.header": "이 채널 피드에서 “{query}” 검색 결과:",
  "search.none": "이 채널 피드에 “{query}”와(과) 일치하는 기사가 없습니다.",

  "show.missing": "기사 ID나 링크를 입력해 주세요. 예: {example}",
  "show.notFound": "ID나 링크가 “{ref}”인 기사를 찾을 수 없습니다.",
  "show.history": "{count}번 업데이트됨: {times}",

  "trace.notAdmin": "서버 관리자만 전송 기록을 볼 수 있습니다.",
  "trace.versions": "버전: {versions}",
  "trace.none": "이 기사를 이 채널로 보낸 기록이 없습니다.",
  "trace.flagged": "Herald가 이 채널에 게시할 수 없습니다: {reason}",
  "trace.more": "이전 시도 {count}건은 생략했습니다. {command} 명령으로 모두 볼 수 있습니다.",
  "trace.outcome.delivered": "전송됨",
  "trace.outcome.failed": "실패",
  "trace.outcome.rateLimited": "속도 제한",
  "trace.outcome.retrying": "실패, 재시도 예정",

  "feeds.notAdmin": "피드 관리는 관리자만 할 수 있습니다.",
  "feeds.missingId": "피드 ID를 입력해 주세요. 예: {example}. ID는 {list} 명령으로 볼 수 있습니다.",
  "feeds.unknown": "이 채널에 {id} 피드가 없습니다. 이 채널의 피드는 {list} 명령으로 볼 수 있습니다.",

  "feeds.list.header": "이 채널에 게시되는 피드:",
  "feeds.list.none": "이 채널에 게시되는 피드가 아직 없습니다. {example} 명령으로 추가하세요.",
  "feeds.list.flagged": "Herald가 이 채널에 게시할 수 없습니다: {reason}",
  "feeds.list.active": "게시 중",
  "feeds.list.paused": "일시 중지됨",
  "feeds.list.fromChat": "채팅으로 추가됨",
  "feeds.list.fromConfig": "설정 파일에 정의됨",
  "feeds.list.lastPolled": "마지막 확인 {date}",
  "feeds.list.neverPolled": "아직 확인 전",
  "feeds.list.lastError": "마지막 오류: {error}",
  "feeds.list.more": "…외 {count}개.",

  "feeds.add.missing": "피드 주소를 입력해 주세요. 예: {example}",
  "feeds.add.tooLong": "주소가 {length}자입니다. 피드 주소는 최대 {max}자까지 쓸 수 있습니다.",
  "feeds.add.unsafe": "{url} 주소는 가져올 수 없습니다: {reason}.",
  "feeds.add.unsafeRedirect": "{url} 주소는 가져올 수 없습니다: {target}(으)로 리디렉션되는데, {reason}.",
  "feeds.add.unresolvable": "{url} 피드를 추가하지 못했습니다: 호스트 이름 {host}을(를) 찾을 수 없습니다.",
  "feeds.add.fetchFailed": "{url} 주소를 가져오지 못했습니다: {reason}.",
  "feeds.add.notAFeed": "{url}은(는) Herald가 읽을 수 있는 피드가 아닙니다: {reason}.",
  "feeds.add.duplicate": "{url}은(는) 이미 이 채널의 피드입니다: {id}.",
  "feeds.add.channelLimit":
    "이 채널에는 이미 피드가 {count}개 있어 채널당 최대 개수({max}개)에 이르렀습니다. 새 피드를 추가하려면 먼저 {remove} 명령으로 하나를 삭제하세요.",
  "feeds.add.totalLimit":
    "Herald가 이미 피드 {count}개를 확인하고 있어 최대 개수({max}개)에 이르렀으므로 더 추가할 수 없습니다. Herald 운영자에게 문의하세요.",
  "feeds.add.done": "{id} 피드를 추가했습니다: {title}.",
  "feeds.add.firstRun":
    "지금부터 올라오는 새 글을 게시합니다. 피드에 이미 있는 글 {count}개는 게시하지 않고 기록만 합니다.",

  "feeds.remove.config": "{id} 피드는 설정 파일에 정의되어 있습니다. 설정 파일에서 삭제하세요.",
  "feeds.remove.done": "{id} 피드를 삭제했습니다. 이 채널을 위해 더 이상 확인하지 않습니다.",
  "feeds.shared":
    "{id} 피드는 다른 채널에도 게시되므로 여기서 일시 중지하거나 재개할 수 없습니다. Herald 운영자에게 설정 파일에서 바꿔 달라고 요청하세요.",
  "feeds.pause.done": "{id} 피드를 일시 중지했습니다. {resume} 명령을 쓰기 전까지 새 글을 게시하지 않습니다.",
  "feeds.pause.already": "{id} 피드는 이미 일시 중지되어 있습니다.",
  "feeds.resume.done": "{id} 피드를 재개했습니다. 새 글을 다시 게시합니다.",
  "feeds.resume.already": "{id} 피드는 일시 중지되어 있지 않습니다.",

  "alert.feed.opened": "{feed} 피드를 가져오지 못하고 있습니다",
  "alert.feed.recovered": "{feed} 피드가 다시 정상입니다",
  "alert.feed.todo": "조치: 피드 주소와 그 서버가 응답하는지 확인하세요. Herald는 계속 가져오기를 시도합니다.",
  "alert.destination.opened": "Herald가 {destination}에 게시할 수 없습니다",
  "alert.destination.recovered": "Herald가 {destination}에 다시 게시할 수 있습니다",
  "alert.destination.todo":
    "조치: 봇을 다시 초대하고 메시지 보내기 권한을 주거나, 삭제된 채널이나 폐기된 웹후크를 설정에서 바꾸세요.",
  "alert.delivery.opened": "Herald가 {article} 기사를 {destination}에 전달하는 것을 포기했습니다",
  "alert.delivery.recovered": "{article} 기사가 결국 {destination}에 전달되었습니다",
  "alert.delivery.todo":
    "조치: {trace} 명령으로 모든 시도를 확인하고, 원인을 고친 뒤 큐 대시보드(/admin/queues)에서 작업을 재시도하세요.",
  "alert.backlog.opened": "{queue} 큐의 전달이 밀려 있습니다",
  "alert.backlog.recovered": "{queue} 큐가 다시 처리되고 있습니다",
  "alert.backlog.todo": "조치: 전달 워커가 실행 중인지({status}), Redis와 채팅 플랫폼이 응답하는지 확인하세요.",
  "alert.reason": "원인: {reason}",
  "alert.since": "{since}부터 문제가 있습니다.",
  "alert.stillSince": "{since}부터 여전히 문제가 있습니다.",
  "alert.brokenFrom": "{since}부터 {until}까지 문제가 있었습니다.",
  "alert.source": "Herald 상태 알림",
};

/** Every message in every language. */
export const STRINGS: Readonly<Record<Language, Readonly<Record<StringKey, string>>>> = { en, ko };

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Splits a template into literal text and filled-in parameters, in order, so
 * callers can render a parameter differently from the text around it (a feed
 * id as code, a URL as a link). A placeholder with no parameter stays as
 * written; parameter values are never scanned for placeholders.
 *
 * @example fillParts("Added {id}.", { id: 7 }) // ["Added ", 7, "."]
 */
export function fillParts<T>(template: string, params: Readonly<Record<string, T>>): (string | T)[] {
  const parts: (string | T)[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? "";
    if (!Object.hasOwn(params, name)) continue;
    if (match.index > last) parts.push(template.slice(last, match.index));
    parts.push(params[name] as T);
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

/** The template for `key` in the language of `locale` ("ko", "ko-KR" → Korean; anything else → English). */
export function template(locale: string | null | undefined, key: StringKey): string {
  return STRINGS[languageOf(locale)][key];
}

/**
 * A message as plain text in the language of `locale`, parameters filled in.
 *
 * @example t("ko", "feeds.pause.already", { id: "status-1a2b" })
 */
export function t(
  locale: string | null | undefined,
  key: StringKey,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return fillParts(template(locale, key), params)
    .map((part) => String(part))
    .join("");
}

/** The parameter names a template uses, for checking translations against each other. */
export function placeholdersOf(templateText: string): string[] {
  return [...new Set([...templateText.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""))].sort();
}
