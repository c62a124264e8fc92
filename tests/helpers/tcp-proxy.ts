import { connect, createServer, type Socket } from "node:net";

export interface TcpProxy {
  port: number;
  /**
   * From now on nothing passes either way and new connections are accepted but never answered:
   * a server behind a network partition, which neither refuses nor replies.
   */
  freeze(): void;
  /** Lets traffic pass again; connections accepted while frozen are closed (they were never connected). */
  thaw(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `targetPort` that a test can freeze. */
export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const unanswered = new Set<Socket>();
  const server = createServer((client) => {
    track(client);
    if (frozen) {
      unanswered.add(client);
      return;
    }
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.on("data", (chunk) => !frozen && upstream.write(chunk));
    upstream.on("data", (chunk) => !frozen && client.write(chunk));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const socket of unanswered) socket.destroy();
      unanswered.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
