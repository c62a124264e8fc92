/**
 * End-to-end latency: from `POST /ingest` (bearer token) to a running
 * `startService(config)` until the Discord webhook fake has the message, one
 * article at a time. Two cases: every article with its own timeline (a card
 * is rendered each time) and articles sharing one timeline card (rendered
 * once, then read from the store). The baseline is the floor: a direct HTTP
 * POST of the same payload (JSON + card PNG) to the same fake.
 * Run alone with `node --import tsx bench/pipeline.ts`.
 */
import { FormData, request } from "undici";
import { formatDiscord } from "../adapters/discord/format.ts";
import { CARD_FILENAME } from "../jobs/pipeline/deliver.ts";
import { startService } from "../jobs/service.ts";
import { parsePost } from "../src/article/index.ts";
import { cardDataFromArticle, cardKey } from "../src/card/index.ts";
import { pngSize } from "../src/card/png.ts";
import { buildMessage } from "../src/message/build.ts";
import { uploadedCard } from "../src/message/card-placement.ts";
import { DiscordFake } from "../tests/fakes/discord/server.ts";
import { benchConfig, scratch } from "./harness.ts";
import { heading, isMain, note, report, sample, stats } from "./lib.ts";

const ARTICLES = 30;
const WARMUP = 2;
const TOKEN = "bench-ingest-token";
const BASE_URL = "https://news.example.kr";
const FEED = "desk";

/**
 * A Korean breaking-news post. With `sharedCard`, the title, date and
 * timeline (everything the card shows) are the same for every `n`; only the
 * permalink and the text differ. Without it, title and timeline rows differ.
 */
function post(n: number, sharedCard: boolean): string {
  const tag = sharedCard ? "" : ` ${n}보`;
  const row = (time: string, event: string) => `<tr><td>${time}</td><td>${event}${tag}</td></tr>`;
  return `---
title: "[속보] 전국 결제망 장애, 카드 결제 중단${tag}"
categories: [News]
date: 2026-10-14 09:00:00 +0900
permalink: /news/bench-${sharedCard ? "shared" : "own"}-${n}/
excerpt: >
  결제망 장애 소식 ${n}번째 업데이트입니다. 주요 은행과 카드사가 복구 작업 중입니다.
---

<p>전국 결제망에서 장애가 이어지고 있습니다. 업데이트 ${n}: 일부 가맹점에서 결제가 다시 되기 시작했습니다.</p>

<table>
<tr><td><b>시점</b></td><td><b>내용</b></td></tr>
${row("오후 1:00", "결제 오류 첫 보고")}
${row("오후 1:20", "운영사가 데이터센터 전원 장애 확인")}
${row("오후 2:05", "우회 경로로 트래픽 절반 복구")}
${row("오후 3:40", "이체 기능 정상화")}
</table>
`;
}

export async function benchPipeline(): Promise<void> {
  heading("pipeline latency: POST /ingest → worker → card → Discord webhook fake", {
    "articles per case": ARTICLES,
    "warm-up articles": WARMUP,
    "deliver concurrency": "50 (default)",
  });
  const space = scratch("pipeline");
  const fake = await DiscordFake.start();
  const webhook = fake.webhookUrl();
  const config = benchConfig(space, {
    ingest: { token: TOKEN },
    destinations: [{ id: "news", type: "discord-webhook", url: webhook }],
    feeds: [{ id: FEED, type: "webhook", baseUrl: BASE_URL, destinations: ["news"] }],
  });
  const service = await startService(config);
  const ingestUrl = `http://127.0.0.1:${service.port}/ingest/${FEED}`;
  try {
    const accepted: number[] = [];
    /** One article: POST it, then wait until the fake has one more message. */
    const deliverOne = async (raw: string) => {
      const before = fake.messages.length;
      const start = performance.now();
      const answer = await request(ingestUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/markdown" },
        body: raw,
      });
      const text = await answer.body.text();
      if (answer.statusCode !== 202) throw new Error(`POST /ingest answered ${answer.statusCode}: ${text}`);
      accepted.push(performance.now() - start);
      await fake.waitForMessages(before + 1, 60_000);
    };

    let n = 0;
    for (let i = 0; i < WARMUP; i++) await deliverOne(post(n++, false));
    const ownCard = await sample(ARTICLES, () => deliverOne(post(n++, false)));
    const ownAccepted = stats(accepted.splice(0));
    await deliverOne(post(n++, true)); // renders the shared card once
    accepted.length = 0;
    const sharedCard = await sample(ARTICLES, () => deliverOne(post(n++, true)));
    const sharedAccepted = stats(accepted.splice(0));

    const withCard = fake.messages.filter((m) => m.files.length === 1).length;
    if (withCard !== fake.messages.length)
      throw new Error(`only ${withCard} of ${fake.messages.length} delivered messages had the card attached`);

    // The floor: the last shared-card article's exact request, sent straight to the fake.
    const raw = post(n - 1, true);
    const article = parsePost(raw, `POST /ingest/${FEED}`, { baseUrl: BASE_URL, source: null });
    const card = cardDataFromArticle(article);
    const png = card ? await service.runtime.store.getCard(cardKey(card)) : null;
    if (!png) throw new Error("the shared card is not in the store");
    const message = buildMessage(article, { card: { filename: CARD_FILENAME, url: null, ...pngSize(png) } });
    const payload = JSON.stringify(formatDiscord(message, uploadedCard(message.card)));
    const direct = async () => {
      const form = new FormData();
      form.append("payload_json", payload);
      form.append("files[0]", new Blob([new Uint8Array(png)], { type: "image/png" }), CARD_FILENAME);
      const answer = await request(`${webhook}?wait=true`, { method: "POST", body: form });
      await answer.body.text();
      if (answer.statusCode !== 200) throw new Error(`direct webhook POST answered ${answer.statusCode}`);
    };
    const baseline = await sample(ARTICLES, direct, WARMUP);

    report(
      "end to end, card rendered per article (distinct timelines)",
      ownCard,
      baseline,
      "baseline: direct POST of the same payload to the fake",
    );
    report("end to end, card cached (same timeline, distinct text)", sharedCard, baseline);
    note(
      `POST /ingest answered 202 in median ${ownAccepted.median.toFixed(1)} ms / p95 ${ownAccepted.p95.toFixed(1)} ms (own cards), ${sharedAccepted.median.toFixed(1)} / ${sharedAccepted.p95.toFixed(1)} ms (cached)`,
    );
    note(
      `card rendering adds about ${(ownCard.median - sharedCard.median).toFixed(0)} ms at the median; ${withCard} messages delivered, all with the card attached`,
    );
  } finally {
    await service.stop(5000);
    await fake.close();
    await space.cleanup();
  }
}

if (isMain(import.meta.url)) await benchPipeline();
