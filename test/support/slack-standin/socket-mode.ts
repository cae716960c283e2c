import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  blockActionsPayload,
  eventCallbackPayload,
  slashCommandPayload,
  viewSubmissionPayload,
  type BlockActionFields,
  type SlashCommandFields,
  type ViewSubmissionFields,
} from './requests.js';
import { messageProblem, validateBlocks, type BlockContext } from './validate.js';

/**
 * Socket Mode as Slack speaks it, on the stand-in's own HTTP server.
 *
 * `apps.connections.open` (answered by the stand-in) hands out `ws://…/link/?ticket=…` URLs whose tickets are single
 * use. On connect the stand-in sends `hello`; it then delivers envelopes
 * `{envelope_id, type, payload, accepts_response_payload[, retry_attempt, retry_reason]}` and records the client's
 * acks `{envelope_id, payload}` with the time from send to ack. An `events_api` envelope not acked within the ack
 * timeout (3 s) is delivered again with a new envelope_id, `retry_attempt` + 1 and `retry_reason: "timeout"`;
 * slash commands and interactive payloads are not re-sent (the user sees an error instead). `disconnect(reason)`
 * sends `{type: "disconnect", reason}` and closes; `dropConnections()` cuts the TCP sockets without a close frame.
 */

type Json = Record<string, unknown>;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled' | 'too_many_websockets';

/** An envelope exactly as it went over the wire. */
export interface SocketEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Json;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelopeId: string;
  connectionId: number;
  /** The ack's `payload` (`{}` when the app acked without a body; undefined when the ack carried none). */
  payload: Json | undefined;
  /** Milliseconds from sending the envelope to receiving its ack. */
  ackMs: number;
  /** Acked after the ack timeout: Slack had already retried or given up. */
  late: boolean;
  /** What Slack would reject in the ack payload (an invalid immediate message, a bad `response_action`), or null. */
  problem: string | null;
  at: number;
}

export interface SocketDelivery {
  envelope: SocketEnvelope;
  connectionId: number;
  sentAt: number;
  ack: SocketAck | undefined;
}

export interface AckResult {
  envelopeId: string;
  ackMs: number;
  payload: Json | undefined;
  /** 0 for the first delivery, 1 for the retry of an events_api envelope. */
  attempt: number;
  ack: SocketAck;
}

export interface ConnectionRecord {
  id: number;
  openedAt: number;
  closedAt: number | undefined;
  closeCode: number | undefined;
  /** The `disconnect` reason the stand-in sent, if any. */
  disconnectReason: DisconnectReason | undefined;
  /** Closed by `dropConnections()` (TCP cut, no close frame). */
  dropped: boolean;
}

export interface SocketModeOptions {
  /** How long Slack waits for an ack (default 3000 ms). */
  ackTimeoutMs?: number;
  /** How many times an unacked events_api envelope is re-sent (default 1). */
  eventRetries?: number;
  /** Server pings every N ms, as Slack sends them (default 10 000; 0 disables). */
  pingIntervalMs?: number;
  /** After a `disconnect` message, the stand-in closes the socket itself if the client has not (default 1000 ms). */
  disconnectGraceMs?: number;
  /** Slack allows 10 connections per app; one more gets `disconnect: too_many_websockets`. */
  maxConnections?: number;
}

/** A delivery Slack could not complete: no open connection, or no ack in time. */
export class SocketModeDeliveryError extends Error {
  constructor(
    readonly code: 'dispatch_failed' | 'operation_timeout' | 'not_acknowledged',
    message: string,
    readonly deliveries: SocketDelivery[],
  ) {
    super(`${code}: ${message}`);
    this.name = 'SocketModeDeliveryError';
  }
}

/** What the Socket Mode side needs from the stand-in. */
export interface SocketModeHost {
  readonly teamId: string;
  readonly appId: string;
  readonly botUserId: string;
  /** `http://127.0.0.1:PORT` */
  baseUrl(): string;
  readonly blockContext: BlockContext;
  responseUrl(id: string): string;
  appHomeOpenedEvent(userId: string, options?: { tab?: 'home' | 'messages'; channel?: string }): Json;
  notify(): void;
  waitFor(check: () => boolean, timeoutMs: number): Promise<void>;
}

interface Connection {
  record: ConnectionRecord;
  ws: WebSocket;
  retiring: boolean;
  closed: Promise<void>;
}

interface Pending {
  delivery: SocketDelivery;
  startedAt: number;
  onAck(ack: SocketAck): void;
}

export class SocketModeStandin {
  /** Every envelope sent, retries included, in order. */
  readonly deliveries: SocketDelivery[] = [];
  /** Every ack received, in order (an ack for an unknown envelope_id is recorded with `ackMs: NaN`). */
  readonly acks: SocketAck[] = [];
  /** Every connection that received `hello`, in order. */
  readonly connections: ConnectionRecord[] = [];
  /** How many `apps.connections.open` URLs were handed out. */
  urlsIssued = 0;

  private readonly options: Required<SocketModeOptions>;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Map<string, { used: boolean }>();
  private readonly open = new Set<Connection>();
  private readonly pending = new Map<string, Pending>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private commandSeq = 0;

  constructor(
    private readonly host: SocketModeHost,
    options: SocketModeOptions = {},
  ) {
    this.options = {
      ackTimeoutMs: options.ackTimeoutMs ?? 3000,
      eventRetries: options.eventRetries ?? 1,
      pingIntervalMs: options.pingIntervalMs ?? 10_000,
      disconnectGraceMs: options.disconnectGraceMs ?? 1000,
      maxConnections: options.maxConnections ?? 10,
    };
  }

  /** Handles WebSocket upgrades on the stand-in's HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** A fresh single-use URL, as `apps.connections.open` returns it. */
  issueUrl(): string {
    const ticket = randomUUID();
    this.tickets.set(ticket, { used: false });
    this.urlsIssued += 1;
    return `${this.host.baseUrl().replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${this.host.appId}`;
  }

  /** Open connections (including ones told to disconnect that have not closed yet). */
  get connectionCount(): number {
    return this.open.size;
  }

  /**
   * Resolves once an open connection can take deliveries and at least `count` connections have been opened in all
   * (e.g. `count: 2` after a disconnect waits for the reconnection). Default timeout 15 s: Bolt's client waits
   * `clientPingTimeout` (5 s by default) before reconnecting.
   */
  waitForConnection(options: { count?: number; timeoutMs?: number } = {}): Promise<void> {
    const count = options.count ?? 1;
    return this.host.waitFor(() => this.connections.length >= count && this.target() !== undefined, options.timeoutMs ?? 15_000);
  }

  /** Delivers a slash command (fields as in `slashCommandBody`); resolves with the ack, e.g. the immediate response. */
  async sendSlashCommand(fields: Partial<SlashCommandFields> = {}): Promise<AckResult & { responseId: string }> {
    this.commandSeq += 1;
    const responseId = `socket-command-${this.commandSeq}`;
    const payload = {
      ...slashCommandPayload({ teamId: this.host.teamId, ...fields, responseUrl: fields.responseUrl ?? this.host.responseUrl(responseId) }),
      api_app_id: this.host.appId,
    };
    return { ...(await this.deliver('slash_commands', payload, true)), responseId };
  }

  /**
   * Delivers an interactive payload (`block_actions`, `view_submission`, `shortcut`, …). `accepts_response_payload` is
   * true for the types whose ack carries a response (view_submission, block_suggestion) unless given.
   */
  sendInteractive(payload: Json, options: { acceptsResponsePayload?: boolean } = {}): Promise<AckResult> {
    const accepts = options.acceptsResponsePayload ?? (payload.type === 'view_submission' || payload.type === 'block_suggestion');
    return this.deliver('interactive', { ...payload, api_app_id: this.host.appId }, accepts);
  }

  /** A button click on a message (`block_actions`); `responseUrl` defaults to a stand-in response URL. */
  sendBlockAction(fields: Omit<BlockActionFields, 'responseUrl'> & { responseUrl?: string }): Promise<AckResult> {
    const responseUrl = fields.responseUrl ?? this.host.responseUrl(`socket-action-${fields.messageTs}`);
    return this.sendInteractive(blockActionsPayload({ teamId: this.host.teamId, ...fields, responseUrl }));
  }

  /** A modal submission; the ack's payload is the app's `response_action`, if any. */
  sendViewSubmission(fields: ViewSubmissionFields): Promise<AckResult> {
    return this.sendInteractive(viewSubmissionPayload({ teamId: this.host.teamId, ...fields }));
  }

  /** Delivers an event inside an `event_callback` wrapper (`events_api`). */
  sendEvent(event: Json, options: { eventId?: string } = {}): Promise<AckResult> {
    const payload = eventCallbackPayload(event, { teamId: this.host.teamId, apiAppId: this.host.appId, botUserId: this.host.botUserId, eventId: options.eventId });
    return this.deliver('events_api', payload, false);
  }

  /** `app_home_opened` for `userId`, carrying the user's published Home view when there is one. */
  sendAppHomeOpened(userId: string, options: { tab?: 'home' | 'messages'; channel?: string } = {}): Promise<AckResult> {
    return this.sendEvent(this.host.appHomeOpenedEvent(userId, options));
  }

  /**
   * Sends `{type: "disconnect", reason}` on every open connection and closes each after the grace period unless the
   * client closed first (Bolt's client closes at once, then reconnects through a new apps.connections.open).
   * Resolves when those connections are closed.
   */
  async disconnect(reason: DisconnectReason = 'refresh_requested', options: { graceMs?: number } = {}): Promise<void> {
    const targets = [...this.open].filter((c) => !c.retiring);
    for (const c of targets) this.retire(c, reason, options.graceMs ?? this.options.disconnectGraceMs);
    await Promise.all(targets.map((c) => c.closed));
  }

  /** Cuts every open connection's TCP socket without a close frame (a network drop). Resolves when closed. */
  async dropConnections(): Promise<void> {
    const targets = [...this.open];
    for (const c of targets) {
      c.record.dropped = true;
      c.ws.terminate();
    }
    await Promise.all(targets.map((c) => c.closed));
  }

  /** Forgets deliveries and acks (connections stay as they are). */
  reset(): void {
    this.deliveries.length = 0;
    this.acks.length = 0;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
    for (const c of this.open) c.ws.terminate();
    this.wss.close();
  }

  // ---------------------------------------------------------------------------------------------

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    const known = this.tickets.get(ticket);
    if (!url.pathname.startsWith('/link') || !known || known.used) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    known.used = true;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const record: ConnectionRecord = { id: this.connections.length + 1, openedAt: Date.now(), closedAt: undefined, closeCode: undefined, disconnectReason: undefined, dropped: false };
    let closed!: () => void;
    const connection: Connection = { record, ws, retiring: false, closed: new Promise<void>((resolve) => (closed = resolve)) };
    this.connections.push(record);
    this.open.add(connection);
    const ping = this.options.pingIntervalMs > 0 ? setInterval(() => ws.ping(), this.options.pingIntervalMs) : undefined;
    ws.on('error', () => undefined);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.receive(connection, rawText(data));
    });
    ws.on('close', (code: number) => {
      clearInterval(ping);
      record.closedAt = Date.now();
      record.closeCode = code;
      this.open.delete(connection);
      closed();
      this.host.notify();
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.size,
        debug_info: { host: `applink-standin-${record.id}`, build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: this.host.appId },
      }),
    );
    if (this.open.size > this.options.maxConnections) this.retire(connection, 'too_many_websockets', 0);
    this.host.notify();
  }

  private retire(c: Connection, reason: DisconnectReason, graceMs: number): void {
    c.retiring = true;
    c.record.disconnectReason = reason;
    c.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `applink-standin-${c.record.id}` } }));
    this.later(graceMs, () => c.ws.close(1000));
  }

  /** The connection Slack would deliver on: the newest open one not told to disconnect. */
  private target(): Connection | undefined {
    return [...this.open].filter((c) => !c.retiring).at(-1);
  }

  private receive(connection: Connection, text: string): void {
    let message: Json;
    try {
      message = JSON.parse(text) as Json;
    } catch {
      return;
    }
    const envelopeId = typeof message.envelope_id === 'string' ? message.envelope_id : undefined;
    if (!envelopeId) return;
    const payload = isObject(message.payload) ? message.payload : undefined;
    const pending = this.pending.get(envelopeId);
    const ackMs = pending ? performance.now() - pending.startedAt : Number.NaN;
    const ack: SocketAck = {
      envelopeId,
      connectionId: connection.record.id,
      payload,
      ackMs,
      late: !(ackMs <= this.options.ackTimeoutMs),
      problem: pending ? ackProblem(pending.delivery.envelope, payload, this.host.blockContext) : 'unknown envelope_id',
      at: Date.now(),
    };
    this.acks.push(ack);
    if (pending) {
      this.pending.delete(envelopeId);
      pending.delivery.ack = ack;
      pending.onAck(ack);
    }
    this.host.notify();
  }

  private deliver(type: EnvelopeType, payload: Json, acceptsResponsePayload: boolean): Promise<AckResult> {
    return new Promise<AckResult>((resolve, reject) => {
      const mine: SocketDelivery[] = [];
      let settled = false;
      const settle = (ack: SocketAck, attempt: number) => {
        if (settled) return;
        settled = true;
        resolve({ envelopeId: ack.envelopeId, ackMs: ack.ackMs, payload: ack.payload, attempt, ack });
      };
      const fail = (code: SocketModeDeliveryError['code'], message: string) => {
        if (settled) return;
        settled = true;
        reject(new SocketModeDeliveryError(code, message, mine));
      };
      const send = (attempt: number) => {
        const connection = this.target();
        if (!connection) return fail('dispatch_failed', `no open Socket Mode connection for ${type}`);
        const envelope: SocketEnvelope = {
          envelope_id: randomUUID(),
          payload,
          type,
          accepts_response_payload: acceptsResponsePayload,
          ...(type === 'events_api' ? { retry_attempt: attempt, retry_reason: attempt === 0 ? '' : 'timeout' } : {}),
        };
        const delivery: SocketDelivery = { envelope, connectionId: connection.record.id, sentAt: Date.now(), ack: undefined };
        mine.push(delivery);
        this.deliveries.push(delivery);
        this.pending.set(envelope.envelope_id, { delivery, startedAt: performance.now(), onAck: (ack) => settle(ack, attempt) });
        connection.ws.send(JSON.stringify(envelope));
        this.later(this.options.ackTimeoutMs, () => {
          if (settled) return;
          if (type === 'events_api' && attempt < this.options.eventRetries) return send(attempt + 1);
          fail(type === 'events_api' ? 'not_acknowledged' : 'operation_timeout', `no ack for ${type} within ${this.options.ackTimeoutMs} ms`);
        });
      };
      send(0);
    });
  }
}

// -------------------------------------------------------------------------------------------------

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** What Slack would reject in an ack's payload. */
function ackProblem(envelope: SocketEnvelope, payload: Json | undefined, ctx: BlockContext): string | null {
  if (!payload || Object.keys(payload).length === 0) return null;
  if (!envelope.accepts_response_payload) return 'payload not accepted for this envelope';
  if (envelope.type === 'slash_commands') return messageProblem(payload, ctx);
  if (envelope.payload.type !== 'view_submission') return null;
  switch (payload.response_action) {
    case 'clear':
      return null;
    case 'errors':
      return isObject(payload.errors) && Object.keys(payload.errors).length > 0 ? null : 'response_action errors needs a non-empty errors object';
    case 'update':
    case 'push': {
      const view = payload.view;
      if (!isObject(view) || view.type !== 'modal') return `response_action ${payload.response_action} needs a modal view`;
      return validateBlocks(view.blocks ?? [], 100, ctx);
    }
    default:
      return `unknown response_action ${String(payload.response_action)}`;
  }
}
