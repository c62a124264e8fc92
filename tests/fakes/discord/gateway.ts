/**
 * A strict loopback fake of Discord's gateway (API v10, JSON encoding, no
 * compression) for tests that drive a real discord.js `Client`. It speaks the
 * handshake Discord speaks (HELLO, IDENTIFY, READY, heartbeats and their
 * ACKs, RESUME), closes with Discord's close codes for what Discord refuses (a
 * bad token, privileged intents, payloads before IDENTIFY), and lets the test
 * deliver dispatches such as INTERACTION_CREATE to the identified client.
 *
 * @example
 * const gateway = await DiscordGatewayFake.start({ botToken: "test-token" });
 * const rest = await DiscordFake.start({ botToken: "test-token", gatewayUrl: gateway.url });
 * // … client.login("test-token") …
 * gateway.dispatchInteraction(interaction);
 * await gateway.close();
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { safeEqual } from "./auth.ts";
import { fakeSnowflake } from "./snowflake.ts";

/** Gateway opcodes the fake sends or accepts. */
export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Discord's gateway close codes the fake uses. */
export const GatewayClose = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidApiVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

/** GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT: they must be enabled in the Developer Portal. */
export const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);
/** Every intent bit Discord defines in v10 (bits 0–21 and 24–25); others close with 4013. */
const KNOWN_INTENTS = 0x3fffff | (1 << 24) | (1 << 25);

/** Interaction fields Discord sends in every INTERACTION_CREATE (discord.js reads them without checks). */
const ALWAYS_SENT: Record<string, (value: unknown) => boolean> = {
  id: (value) => typeof value === "string" && /^\d{17,20}$/.test(value),
  application_id: (value) => typeof value === "string" && /^\d{17,20}$/.test(value),
  type: (value) => Number.isInteger(value),
  token: (value) => typeof value === "string" && value !== "",
  version: (value) => value === 1,
  entitlements: (value) => Array.isArray(value),
  authorizing_integration_owners: (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  attachment_size_limit: (value) => Number.isInteger(value),
};

export interface GatewayFakeOptions {
  /** Token IDENTIFY and RESUME must carry (without `Bot `). Without it, any non-empty token is accepted. */
  botToken?: string;
  /** Privileged intents enabled for the app in the Developer Portal (default none: asking for one closes with 4014). */
  allowedPrivilegedIntents?: number;
  /** `heartbeat_interval` sent in HELLO (default 41 250 ms, Discord's); tests use a small one. */
  heartbeatIntervalMs?: number;
  /** The bot user READY names. */
  botUser?: { id: string; username: string };
  /** The application READY names. */
  applicationId?: string;
}

/** What an IDENTIFY carried (never the token: the fake only says whether it matched). */
export interface RecordedIdentify {
  intents: number;
  properties: Record<string, unknown>;
  shard: unknown;
  compress: unknown;
}

/** One WebSocket connection, from upgrade to close. */
export interface GatewayConnectionRecord {
  /** The upgrade request's query, e.g. `{ v: "10", encoding: "json" }`. */
  query: Record<string, string>;
  identify: RecordedIdentify | null;
  /** Whether the connection resumed a session instead of identifying. */
  resumed: boolean;
  /** Heartbeats received (each one was ACKed). */
  heartbeats: number;
  /** Close code once the socket closed, and who started the close. */
  closed: { code: number; reason: string; by: "client" | "gateway" } | null;
}

/** A session: lives across connections, so a client can RESUME it. */
interface Session {
  id: string;
  sequence: number;
}

interface Connection {
  socket: WebSocket;
  record: GatewayConnectionRecord;
  session: Session | null;
  /** The token the session identified or resumed with (kept here only, never recorded). */
  token: string | null;
  closingWith: { code: number; reason: string } | null;
}

export class DiscordGatewayFake {
  /** What `GET /gateway/bot` answers as `url`: `ws://127.0.0.1:PORT` (clients append `?v=10&encoding=json`). */
  readonly url: string;
  /** Every connection, in order. */
  readonly connections: GatewayConnectionRecord[] = [];

  private readonly open = new Set<Connection>();
  private readonly sessions = new Map<string, Session>();
  private readonly waiters: (() => void)[] = [];
  /** The most sessions open at once, per token. */
  private readonly peakSessions = new Map<string, number>();
  private readonly heartbeatIntervalMs: number;
  private readonly botUser: { id: string; username: string };
  private readonly applicationId: string;

  private constructor(
    private readonly server: WebSocketServer,
    private readonly options: GatewayFakeOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}`;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.botUser = options.botUser ?? { id: fakeSnowflake(), username: "herald" };
    this.applicationId = options.applicationId ?? this.botUser.id;
    server.on("connection", (socket, request) => this.accept(socket, request));
  }

  static async start(options: GatewayFakeOptions = {}): Promise<DiscordGatewayFake> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.once("listening", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new DiscordGatewayFake(server, options);
  }

  /** Whether a client is connected and identified (or resumed). */
  get ready(): boolean {
    return this.readyConnection() !== undefined;
  }

  /** Sessions (identified or resumed connections) open right now, for `token` or for any token. */
  openSessions(token?: string): number {
    return [...this.open].filter(
      (c) => c.session && c.closingWith === null && (token === undefined || c.token === token),
    ).length;
  }

  /**
   * The most sessions that were open at the same moment for one token (for `token`, or the
   * highest of any token). Discord delivers every interaction to each of them, so above 1 two
   * processes answer the same command.
   */
  maxConcurrentSessions(token?: string): number {
    if (token !== undefined) return this.peakSessions.get(token) ?? 0;
    return Math.max(0, ...this.peakSessions.values());
  }

  /**
   * Sends `INTERACTION_CREATE` with `interaction` (Discord's interaction JSON) to the
   * identified client, as Discord does for a slash command when the app has no
   * Interactions Endpoint URL. Throws when no client is identified, or when the
   * interaction lacks a field Discord always sends (clients read them unguarded).
   */
  dispatchInteraction(interaction: { id: string; token: string } & Record<string, unknown>): void {
    const missing = Object.entries(ALWAYS_SENT).find(([field, valid]) => !valid(interaction[field]));
    if (missing)
      throw new Error(
        `dispatchInteraction: interaction.${missing[0]} is missing or malformed; Discord always sends it`,
      );
    this.dispatch("INTERACTION_CREATE", interaction);
  }

  /** Sends any dispatch event (op 0) with the session's next sequence number. */
  dispatch(event: string, data: unknown): void {
    const connection = this.readyConnection();
    if (!connection?.session) throw new Error(`dispatch ${event}: no client has identified with the gateway`);
    this.send(connection, { op: GatewayOp.Dispatch, t: event, s: ++connection.session.sequence, d: data });
  }

  /** Resolves once `check` holds for the connection records; rejects after `timeoutMs`. */
  waitFor(
    what: string,
    check: (connections: readonly GatewayConnectionRecord[]) => boolean,
    timeoutMs = 5000,
  ): Promise<void> {
    if (check(this.connections)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = () => {
        if (!check(this.connections)) return;
        clearTimeout(timer);
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`gateway fake: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Drops every connection without a close frame (as a vanished gateway node would) and stops listening. */
  async close(): Promise<void> {
    for (const connection of this.open) connection.socket.terminate();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const query = Object.fromEntries(new URL(request.url ?? "/", this.url).searchParams);
    const record: GatewayConnectionRecord = { query, identify: null, resumed: false, heartbeats: 0, closed: null };
    const connection: Connection = { socket, record, session: null, token: null, closingWith: null };
    this.connections.push(record);
    this.open.add(connection);
    socket.on("close", (code, reason) => {
      this.open.delete(connection);
      record.closed = connection.closingWith
        ? { ...connection.closingWith, by: "gateway" }
        : { code, reason: reason.toString(), by: "client" };
      this.changed();
    });
    socket.on("message", (data, isBinary) => this.receive(connection, data, isBinary));
    socket.on("error", () => {
      // A client that vanishes mid-frame: the close handler records it.
    });

    if (query.v !== "10") {
      this.refuse(connection, GatewayClose.InvalidApiVersion, "Invalid API version");
      return;
    }
    if (query.encoding !== "json") {
      this.refuse(connection, GatewayClose.DecodeError, "Error while decoding payload.");
      return;
    }
    // The fake sends plain JSON text only; a client asking for zlib-stream would not read it.
    if (query.compress !== undefined) {
      this.refuse(connection, GatewayClose.DecodeError, "Error while decoding payload.");
      return;
    }
    this.send(connection, {
      op: GatewayOp.Hello,
      s: null,
      t: null,
      d: { heartbeat_interval: this.heartbeatIntervalMs },
    });
    this.changed();
  }

  private receive(connection: Connection, data: RawData, isBinary: boolean): void {
    let payload: unknown;
    try {
      if (isBinary) throw new Error("binary frame");
      payload = JSON.parse(data.toString());
    } catch {
      this.refuse(connection, GatewayClose.DecodeError, "Error while decoding payload.");
      return;
    }
    if (typeof payload !== "object" || payload === null || typeof (payload as { op?: unknown }).op !== "number") {
      this.refuse(connection, GatewayClose.DecodeError, "Error while decoding payload.");
      return;
    }
    const { op, d } = payload as { op: number; d?: unknown };
    switch (op) {
      case GatewayOp.Heartbeat:
        connection.record.heartbeats += 1;
        this.send(connection, { op: GatewayOp.HeartbeatAck, s: null, t: null, d: null });
        break;
      case GatewayOp.Identify:
        this.identify(connection, d);
        break;
      case GatewayOp.Resume:
        this.resume(connection, d);
        break;
      case GatewayOp.PresenceUpdate:
      case GatewayOp.VoiceStateUpdate:
      case GatewayOp.RequestGuildMembers:
        if (!connection.session) {
          this.refuse(connection, GatewayClose.NotAuthenticated, "Not authenticated.");
          return;
        }
        break;
      default:
        this.refuse(connection, GatewayClose.UnknownOpcode, "Unknown opcode.");
        return;
    }
    this.changed();
  }

  private identify(connection: Connection, d: unknown): void {
    if (connection.session) {
      this.refuse(connection, GatewayClose.AlreadyAuthenticated, "Already authenticated.");
      return;
    }
    const identify = (typeof d === "object" && d !== null ? d : {}) as Record<string, unknown>;
    const { token, intents, properties } = identify;
    if (typeof properties !== "object" || properties === null || typeof intents !== "number") {
      this.refuse(connection, GatewayClose.DecodeError, "Error while decoding payload.");
      return;
    }
    if (!this.tokenMatches(token)) {
      this.refuse(connection, GatewayClose.AuthenticationFailed, "Authentication failed.");
      return;
    }
    if (!Number.isInteger(intents) || intents < 0 || (intents & ~KNOWN_INTENTS) !== 0) {
      this.refuse(connection, GatewayClose.InvalidIntents, "Invalid intent(s).");
      return;
    }
    const allowed = this.options.allowedPrivilegedIntents ?? 0;
    if ((intents & PRIVILEGED_INTENTS & ~allowed) !== 0) {
      this.refuse(connection, GatewayClose.DisallowedIntents, "Disallowed intent(s).");
      return;
    }
    connection.record.identify = {
      intents,
      properties: properties as Record<string, unknown>,
      shard: identify.shard,
      compress: identify.compress,
    };
    const session: Session = { id: randomBytes(16).toString("hex"), sequence: 0 };
    this.sessions.set(session.id, session);
    connection.session = session;
    this.countSession(connection, token as string);
    this.send(connection, {
      op: GatewayOp.Dispatch,
      t: "READY",
      s: ++session.sequence,
      d: {
        v: 10,
        user: { ...this.botUser, discriminator: "0", global_name: null, avatar: null, bot: true, flags: 0 },
        // No guilds: discord.js then becomes ready at once instead of waiting for GUILD_CREATEs.
        guilds: [],
        session_id: session.id,
        session_type: "normal",
        resume_gateway_url: this.url,
        shard: identify.shard ?? [0, 1],
        application: { id: this.applicationId, flags: 0 },
      },
    });
  }

  /** RESUME of a known session with the right token: RESUMED; otherwise INVALID_SESSION (not resumable). */
  private resume(connection: Connection, d: unknown): void {
    if (connection.session) {
      this.refuse(connection, GatewayClose.AlreadyAuthenticated, "Already authenticated.");
      return;
    }
    const resume = (typeof d === "object" && d !== null ? d : {}) as Record<string, unknown>;
    if (!this.tokenMatches(resume.token)) {
      this.refuse(connection, GatewayClose.AuthenticationFailed, "Authentication failed.");
      return;
    }
    const session = typeof resume.session_id === "string" ? this.sessions.get(resume.session_id) : undefined;
    if (!session) {
      this.send(connection, { op: GatewayOp.InvalidSession, s: null, t: null, d: false });
      return;
    }
    connection.session = session;
    this.countSession(connection, resume.token as string);
    connection.record.resumed = true;
    this.send(connection, { op: GatewayOp.Dispatch, t: "RESUMED", s: ++session.sequence, d: {} });
  }

  private countSession(connection: Connection, token: string): void {
    connection.token = token;
    this.peakSessions.set(token, Math.max(this.peakSessions.get(token) ?? 0, this.openSessions(token)));
  }

  private tokenMatches(token: unknown): boolean {
    if (typeof token !== "string" || token === "") return false;
    return this.options.botToken === undefined || safeEqual(token, this.options.botToken);
  }

  private readyConnection(): Connection | undefined {
    return [...this.open].find((connection) => connection.session && connection.closingWith === null);
  }

  private send(connection: Connection, payload: unknown): void {
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(JSON.stringify(payload));
  }

  private refuse(connection: Connection, code: number, reason: string): void {
    connection.closingWith = { code, reason };
    connection.socket.close(code, reason);
    this.changed();
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
