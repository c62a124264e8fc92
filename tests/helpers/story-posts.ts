/** A developing story as its author would update it: the same post with a timeline that grows row by row. */
export const STORY_ROWS: readonly [string, string][] = [
  ["오전 11:00", "결제 API 오류율 급증"],
  ["오전 11:30", "하늘클라우드, 장애 조사 중 공지"],
  ["오후 12:15", "데이터베이스 설정 변경을 원인으로 확인"],
  ["오후 12:40", "설정 되돌리기 시작, 일부 결제 재개"],
  ["오후 1:00", "결제 API 정상화"],
  ["오후 1:20", "중복 청구 건 자동 취소 완료"],
];

export interface StoryPostOptions {
  /** How many of STORY_ROWS the timeline has. */
  rows: number;
  title?: string;
  extraFrontMatter?: string;
  slug?: string;
}

export function storyPost({
  rows,
  title = "[속보] 하늘클라우드 결제 API 장애",
  extraFrontMatter = "",
  slug = "story",
}: StoryPostOptions): string {
  const cells = STORY_ROWS.slice(0, rows)
    .map(([time, event]) => `<tr><td>${time}</td><td>${event}</td></tr>`)
    .join("\n");
  return `---
title: "${title}"
categories: [News]
date: 2026-10-14 11:05:00 +0900
permalink: /news/${slug}/
excerpt: >
  하늘클라우드 결제 API 장애, 최근 상황: ${STORY_ROWS[rows - 1]?.[1] ?? "조사 중"}
${extraFrontMatter}---

<p>결제 서비스가 멈췄습니다.</p>

<table>
<tr><td><b>시점</b></td><td><b>내용</b></td></tr>
${cells}
</table>
`;
}

/** POSTs a story to the webhook feed `wire` of a running service with its bearer token; the accepted article's id. */
export async function ingestStory(service: { port: number | null }, token: string, body: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${service.port}/ingest/wire`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/markdown" },
    body,
  });
  if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { articleId: string }).articleId;
}

/**
 * Version `n` of a fast-moving story (`id`): the body names the version ("버전 n번"), and each version is
 * dated a minute later, so a version parsed late can never overtake a newer one.
 */
export function numberedVersion(id: string, n: number): string {
  return `---
title: "[속보] 전국 결제망 장애, 카드 결제 중단"
categories: [News]
date: 2026-10-14T${String(9 + Math.floor(n / 60)).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}:00+09:00
id: ${id}
permalink: /news/${id}/
excerpt: >
  결제망 장애 상황 업데이트 (버전 ${n}번).
---

<p>결제망 장애가 이어지고 있습니다. 버전 ${n}번.</p>
`;
}

/** The version number a message shows ("버전 n번"); 0 for none. */
export const shownVersion = (text: string): number => Number(/버전 (\d+)번/.exec(text)?.[1] ?? 0);
