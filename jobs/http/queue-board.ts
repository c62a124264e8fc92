import type { IncomingMessage, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import { HttpError } from "./body.ts";
import type { Route } from "./server.ts";

type ExpressApp = ((req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void) => void) & {
  disable(setting: string): void;
};

/**
 * bull-board's dashboard (its UI and JSON API) over `queues`, as one Herald
 * route for every path below `basePath`. The dashboard acts on the queues
 * themselves: a retried job runs through the same processor as any other
 * (a delivery job reads the store before it sends), so it cannot double a post.
 */
export function queueBoardRoute(queues: readonly Queue[], basePath: string): Route {
  const server = new ExpressAdapter().setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: server,
    options: { uiConfig: { boardTitle: "Herald" } },
  });
  const app = server.getRouter() as ExpressApp;
  // Herald's other answers do not name their server software; the board's need not either.
  app.disable("x-powered-by");
  return (req, res) =>
    new Promise<void>((resolve, reject) => {
      // The board routes paths from its own root, as it would mounted with express's app.use(basePath, …).
      const url = new URL(req.url ?? "/", "http://localhost");
      req.url = `${url.pathname.slice(basePath.length) || "/"}${url.search}`;
      res.once("close", () => resolve());
      // Called only when no board route took the request (or one failed before answering).
      app(req, res, (error) => reject(error ?? new HttpError(404, `no dashboard page ${url.pathname}`)));
    });
}
