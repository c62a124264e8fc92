import { startLoopbackServer } from "../fakes/http.ts";

/** A loopback site serving a one-item RSS feed, counting the polls it gets (the tests ask "is Herald still polling?"). */
export async function rssSite() {
  const polls: number[] = [];
  const server = await startLoopbackServer((_req, res) => {
    polls.push(Date.now());
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Status</title><link>https://status.example.org/</link>
<item><title>Old news</title><link>https://status.example.org/old</link><guid>old</guid><pubDate>Thu, 01 Oct 2026 00:00:00 GMT</pubDate></item>
</channel></rss>`);
  });
  return {
    url: `${server.baseUrl}/feed.xml`,
    polls,
    pollsSince: (at: number) => polls.filter((t) => t >= at).length,
    close: () => server.close(),
  };
}
