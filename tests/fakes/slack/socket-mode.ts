/**
 * A strict loopback fake of Slack's Socket Mode (wss-primary.slack.com/link), served on the
 * SlackFake's own port. `apps.connections.open` (app-level token only) hands out a one-time
 * `ws://127.0.0.1:PORT/link?ticket=…`; a client that connects with a valid ticket gets Slack's
 * `hello`, then whatever envelopes the test pushes. Every envelope must be acked with a frame
 * `{"envelope_id": …}` within 3 s, as Slack requires; missing, late, duplicate or unknown acks
 * and frames that are not JSON are recorded in {@link SocketModeFake.problems}.
 *
 * @example
 * const slack = await SlackFake.start({ botToken: "xoxb-test", appToken: "xapp-1-test" });
 * await adapter.start(handler); // Bolt calls apps.connections.open and connects
 * const ack = await slack.socketMode.sendSlashCommand({ command: "/news", text: "search 장애", responseUrl: slack.responseUrl() });
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { waitFor } from "../../helpers/wait.ts";

export interface SocketModeFakeOptions {
  /** The app id in `hello` and in payloads. Default "A0HERALD". */
  appId?: string;
  /** How long a client has to ack an envelope; Slack's limit is 3 s. */
  ackTimeoutMs?: number;
  /** How often the fake pings each connection, as Slack does. Default 10 s. */
  pingIntervalMs?: number;
}

/** What the client sent back for one envelope. */
export interface SocketAck {
  envelopeId: string;
  /** The ack's `payload` (Bolt sends `{}` for a bare `ack()`), or undefined when absent. */
  payload: unknown;
  /** Milliseconds between sending the envelope and receiving the ack. */
  afterMs: number;
}

/** One envelope the fake pushed, and what became of it. */
export interface SocketEnvelope {
  envelopeId: string;
  type: string;
  payload: Record<string, unknown>;
  /** pending → acked, or unacked when the timeout passed first (a late ack then makes it "late"). */
  status: "pending" | "acked" | "unacked" | "late";
  ack?: SocketAck;
}

/** A slash command as Slack delivers it; the fields Herald does not care about have defaults. */
export interface SlashCommandInput {
  command: string;
  text: string;
  responseUrl: string;
  channelId?: string;
  userId?: string;
  teamId?: string;
  channelName?: string;
  userName?: string;
}

interface Connection {
  socket: WebSocket;
  pinger: NodeJS.Timeout;
}

interface Waiter {
  resolve(ack: SocketAck): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  sentAt: number;
}

const LINK_PATH = "/link";

export class SocketModeFake {
  /** Every envelope pushed to a client, in order. */
  readonly envelopes: SocketEnvelope[] = [];
  /** Protocol violations by the client ("no ack for envelope … within 3000 ms", …). Empty when it behaved. */
  readonly problems: string[] = [];
  /** Close codes of connections that ended, in order (1000 = the client closed normally). */
  readonly closeCodes: number[] = [];
  /** How many pings clients sent (the fake answers each with a pong). */
  clientPings = 0;
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #tickets = new Set<string>();
  readonly #connections = new Set<Connection>();
  readonly #waiters = new Map<string, Waiter>();
  readonly #baseUrl: string;
  readonly #appId: string;
  readonly #ackTimeoutMs: number;
  readonly #pingIntervalMs: number;
  #connectionsEver = 0;

  /** @param baseUrl the SlackFake's "http://127.0.0.1:PORT" */
  constructor(baseUrl: string, options: SocketModeFakeOptions = {}) {
    this.#baseUrl = baseUrl;
    this.#appId = options.appId ?? "A0HERALD";
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 3_000;
    this.#pingIntervalMs = options.pingIntervalMs ?? 10_000;
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.#connections.size;
  }

  /** Connections accepted since the start (reconnects count again). */
  get connectionsAccepted(): number {
    return this.#connectionsEver;
  }

  /** apps.connections.open: a one-time WebSocket URL, like Slack's `wss://wss-primary.slack.com/link/?ticket=…`. */
  issueUrl(): string {
    const ticket = randomBytes(12).toString("hex");
    this.#tickets.add(ticket);
    return `${this.#baseUrl.replace(/^http/, "ws")}${LINK_PATH}?ticket=${ticket}&app_id=${this.#appId}`;
  }

  /** The HTTP server's `upgrade` handler: accepts only `/link` with an unused ticket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", this.#baseUrl);
    const ticket = url.searchParams.get("ticket") ?? "";
    if (url.pathname !== LINK_PATH || !this.#tickets.delete(ticket)) {
      this.problems.push(
        `WebSocket upgrade refused: ${url.pathname === LINK_PATH ? "unknown or reused ticket" : `path ${url.pathname}`}`,
      );
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  /**
   * Pushes a `slash_commands` envelope to an open connection. Resolves with the ack; rejects (and
   * records a problem) when none arrives within the ack timeout.
   */
  sendSlashCommand(input: SlashCommandInput): Promise<SocketAck> {
    if (!/^\/[a-z0-9_-]+$/.test(input.command)) {
      return Promise.reject(new Error(`SocketModeFake: "${input.command}" is not a slash command`));
    }
    const teamId = input.teamId ?? "T000";
    return this.sendEnvelope("slash_commands", {
      token: "legacy-verification-token",
      team_id: teamId,
      team_domain: "herald-test",
      channel_id: input.channelId ?? "C0HERALDNEWS",
      channel_name: input.channelName ?? "breaking-news",
      user_id: input.userId ?? "U0READER01",
      user_name: input.userName ?? "reader",
      command: input.command,
      text: input.text,
      api_app_id: this.#appId,
      is_enterprise_install: "false",
      response_url: input.responseUrl,
      trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString("hex")}`,
    });
  }

  /** Pushes any envelope type (`interactive`, `events_api`, …) with `payload`; resolves with its ack. */
  sendEnvelope(type: string, payload: Record<string, unknown>): Promise<SocketAck> {
    const connection = [...this.#connections].at(-1);
    if (!connection) return Promise.reject(new Error("SocketModeFake: no client is connected"));
    const envelope: SocketEnvelope = { envelopeId: randomUUID(), type, payload, status: "pending" };
    this.envelopes.push(envelope);
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(envelope.envelopeId);
        envelope.status = "unacked";
        const problem = `no ack for ${type} envelope ${envelope.envelopeId} within ${this.#ackTimeoutMs} ms`;
        this.problems.push(problem);
        reject(new Error(`SocketModeFake: ${problem}`));
      }, this.#ackTimeoutMs);
      this.#waiters.set(envelope.envelopeId, { resolve, reject, timer, sentAt: Date.now() });
      const frame = {
        envelope_id: envelope.envelopeId,
        type,
        accepts_response_payload: type !== "events_api",
        payload,
      };
      connection.socket.send(JSON.stringify(frame));
    });
  }

  /** Resolves once `n` clients have connected (in total); rejects after `timeoutMs`. */
  async waitForConnections(n: number, timeoutMs = 5_000): Promise<void> {
    await waitFor(() => this.#connectionsEver >= n, timeoutMs, `SocketModeFake: ${n} connection(s)`);
  }

  /** Resolves once no connection is open; rejects after `timeoutMs`. */
  async waitForAllClosed(timeoutMs = 5_000): Promise<void> {
    await waitFor(() => this.#connections.size === 0, timeoutMs, "SocketModeFake: all connections to close");
  }

  /** Drops every connection and pending ack; called by SlackFake.close(). */
  close(): void {
    for (const waiter of this.#waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error("SocketModeFake: closed before the ack"));
    }
    this.#waiters.clear();
    for (const connection of this.#connections) {
      clearInterval(connection.pinger);
      connection.socket.terminate();
    }
    this.#connections.clear();
    this.#wss.close();
  }

  #accept(socket: WebSocket): void {
    this.#connectionsEver += 1;
    const pinger = setInterval(() => socket.ping(), this.#pingIntervalMs);
    const connection: Connection = { socket, pinger };
    this.#connections.add(connection);
    // ws answers pings with pongs itself (autoPong); the count shows the client's heartbeat ran.
    socket.on("ping", () => {
      this.clientPings += 1;
    });
    socket.on("message", (data, isBinary) => this.#onFrame(isBinary ? null : data.toString()));
    socket.on("close", (code) => {
      clearInterval(pinger);
      this.#connections.delete(connection);
      this.closeCodes.push(code);
    });
    socket.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.#connections.size,
        debug_info: { host: "applink-herald-fake", build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: this.#appId },
      }),
    );
  }

  #onFrame(text: string | null): void {
    if (text === null) {
      this.problems.push("binary frame from the client; Socket Mode frames are JSON text");
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.problems.push(`frame that is not JSON: ${text.slice(0, 80)}`);
      return;
    }
    const envelopeId =
      typeof frame === "object" && frame !== null ? (frame as { envelope_id?: unknown }).envelope_id : undefined;
    if (typeof envelopeId !== "string") {
      this.problems.push(`frame without an envelope_id: ${text.slice(0, 80)}`);
      return;
    }
    const envelope = this.envelopes.find((candidate) => candidate.envelopeId === envelopeId);
    if (!envelope) {
      this.problems.push(`ack for unknown envelope ${envelopeId}`);
      return;
    }
    if (envelope.status === "acked" || envelope.status === "late") {
      this.problems.push(`second ack for envelope ${envelopeId}`);
      return;
    }
    const waiter = this.#waiters.get(envelopeId);
    const ack: SocketAck = {
      envelopeId,
      payload: (frame as { payload?: unknown }).payload,
      afterMs: waiter ? Date.now() - waiter.sentAt : -1,
    };
    envelope.ack = ack;
    if (!waiter) {
      envelope.status = "late";
      this.problems.push(`late ack for envelope ${envelopeId}, after the ${this.#ackTimeoutMs} ms limit`);
      return;
    }
    clearTimeout(waiter.timer);
    this.#waiters.delete(envelopeId);
    envelope.status = "acked";
    waiter.resolve(ack);
  }
}
