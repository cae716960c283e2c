import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SocketModeStandin, type SocketModeOptions } from './socket-mode.js';
import { messageProblem, validateBlocks, type BlockContext } from './validate.js';

export { messageProblem } from './validate.js';

/**
 * An HTTP stand-in for the parts of the Slack Web API this app uses, plus `response_url` endpoints.
 * It records every call, keeps messages per channel (with threads), and rejects what Slack rejects,
 * answering HTTP 200 `{ok:false, error}` as Slack does (429 + Retry-After only when rate limiting is injected).
 *
 * Point a WebClient (or Bolt's `clientOptions.slackApiUrl`) at `standin.apiUrl`. For Socket Mode, give Bolt
 * `appToken: standin.appToken`: its `apps.connections.open` lands here and `standin.socketMode` speaks the WebSocket side.
 */

type Json = Record<string, unknown>;

export interface RecordedCall {
  method: string;
  args: Json;
  /** The token the call carried (Authorization header or `token` field); undefined when none. */
  token: string | undefined;
  at: number;
  /** What the stand-in answered. */
  response: Json;
  status: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  /** Parent ts when this is a thread reply. */
  threadTs: string | undefined;
  text: string | undefined;
  blocks: Json[] | undefined;
  /** 'bot' for messages posted with the bot token; 'user' for messages seeded by a test. */
  author: 'bot' | 'user';
  /** Each chat.update appends the previous version here. */
  history: Array<{ text: string | undefined; blocks: Json[] | undefined }>;
  replyBroadcast: boolean;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  text: string | undefined;
  blocks: Json[] | undefined;
  threadTs: string | undefined;
}

export interface ResponseUrlPost {
  id: string;
  body: Json;
  at: number;
}

export interface UploadedFile {
  id: string;
  filename: string;
  title: string | undefined;
  length: number;
  bytes: Buffer;
  channelId: string | undefined;
  threadTs: string | undefined;
  initialComment: string | undefined;
  completed: boolean;
  /** Set when the upload is completed, as files.completeUploadExternal reports them; `slack_file: {url}` takes either. */
  urlPrivate: string | undefined;
  permalink: string | undefined;
}

export interface SlackStandinOptions {
  botToken?: string;
  /** Channels chat.* accepts; others answer channel_not_found. Default: ['C0AUDIT']. */
  channels?: string[];
  /** Channels where the bot is not a member and chat.postMessage answers not_in_channel. */
  notInChannel?: string[];
  userGroups?: Record<string, string[]>;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /** App-level token (`xapp-…`) apps.connections.open accepts. */
  appToken?: string;
  appId?: string;
  /** Whether the app has its Home tab on; off, views.publish answers not_enabled. Default true. */
  homeTab?: boolean;
  socketMode?: SocketModeOptions;
}

interface RateLimitRule {
  method: string;
  remaining: number;
  retryAfterSeconds: number;
}

export class SlackStandin {
  readonly calls: RecordedCall[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly responsePosts: ResponseUrlPost[] = [];
  readonly files = new Map<string, UploadedFile>();
  readonly views = new Map<string, Json>();
  readonly channels: Set<string>;
  readonly notInChannel: Set<string>;
  readonly userGroups: Map<string, string[]>;
  readonly botToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appToken: string;
  readonly appId: string;
  /** Whether views.publish is allowed (the app's Home tab setting); tests may flip it. */
  homeTab: boolean;
  /** Published Home tab views by user id. */
  readonly homeViews = new Map<string, Json>();
  /** The Socket Mode side: connections, envelopes, acks. */
  readonly socketMode: SocketModeStandin;
  /** For the block validator: `slack_file` must name a completed upload. */
  readonly blockContext: BlockContext = {
    knowsSlackFile: ({ id, url }) =>
      [...this.files.values()].some((f) => f.completed && (id !== undefined ? f.id === id : f.urlPrivate === url || f.permalink === url)),
  };

  private readonly messagesByChannel = new Map<string, StoredMessage[]>();
  private readonly ephemeralTs = new Set<string>();
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  private seq = 0;
  private server: Server | undefined;
  private base = '';

  private constructor(options: SlackStandinOptions) {
    this.botToken = options.botToken ?? 'xoxb-standin-token';
    this.channels = new Set(options.channels ?? ['C0AUDIT']);
    this.notInChannel = new Set(options.notInChannel ?? []);
    this.userGroups = new Map(Object.entries(options.userGroups ?? {}));
    this.teamId = options.teamId ?? 'T0STANDIN';
    this.botUserId = options.botUserId ?? 'U0BOT';
    this.botId = options.botId ?? 'B0BOT';
    this.appToken = options.appToken ?? 'xapp-1-A0STANDIN-1-standin';
    this.appId = options.appId ?? 'A0STANDIN';
    this.homeTab = options.homeTab ?? true;
    this.socketMode = new SocketModeStandin(
      {
        teamId: this.teamId,
        appId: this.appId,
        botUserId: this.botUserId,
        baseUrl: () => this.base,
        blockContext: this.blockContext,
        responseUrl: (id) => this.responseUrl(id),
        appHomeOpenedEvent: (userId, opts) => this.appHomeOpenedEvent(userId, opts),
        notify: () => this.notify(),
        waitFor: (check, timeoutMs) => this.waitFor(check, timeoutMs),
      },
      options.socketMode,
    );
  }

  static async start(options: SlackStandinOptions = {}): Promise<SlackStandin> {
    const standin = new SlackStandin(options);
    await standin.listen();
    return standin;
  }

  /** e.g. `http://127.0.0.1:PORT` */
  get url(): string {
    return this.base;
  }

  /** For `slackApiUrl`: `http://127.0.0.1:PORT/api/` */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  /** A response_url whose posts are recorded under `id`. */
  responseUrl(id: string): string {
    return `${this.base}/response/${encodeURIComponent(id)}`;
  }

  /** Posts made to `responseUrl(id)`. */
  responses(id: string): Json[] {
    return this.responsePosts.filter((p) => p.id === id).map((p) => p.body);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Top-level messages and replies in a channel, in posting order. */
  messages(channel: string): StoredMessage[] {
    return this.messagesByChannel.get(channel) ?? [];
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages(channel).find((m) => m.ts === ts);
  }

  /** The replies to `threadTs` (without the parent), in posting order. */
  thread(channel: string, threadTs: string): StoredMessage[] {
    return this.messages(channel).filter((m) => m.threadTs === threadTs);
  }

  /** Seeds a message not posted by the bot (chat.update on it answers cant_update_message). */
  addUserMessage(channel: string, text: string): StoredMessage {
    this.channels.add(channel);
    return this.store({ channel, text, blocks: undefined, threadTs: undefined, author: 'user', replyBroadcast: false });
  }

  /** The next `times` calls to `method` answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, times: number, retryAfterSeconds = 1): void {
    this.rateLimits.push({ method, remaining: times, retryAfterSeconds });
  }

  /** Sets (or replaces) a user group's members; later usergroups.users.list calls see the new list. */
  setUserGroup(id: string, users: string[]): void {
    this.userGroups.set(id, [...users]);
  }

  /** The Home tab view last published for `userId`. */
  homeView(userId: string): Json | undefined {
    return this.homeViews.get(userId);
  }

  /**
   * An `app_home_opened` event as Slack sends it (`user`, `channel`, `tab`, `event_ts`, and `view` when a Home view
   * was published for the user). Deliver it with `socketMode.sendEvent` or over HTTP with `eventRequestBody`.
   */
  appHomeOpenedEvent(userId: string, options: { tab?: 'home' | 'messages'; channel?: string } = {}): Json {
    const view = this.homeViews.get(userId);
    return {
      type: 'app_home_opened',
      user: userId,
      channel: options.channel ?? `D0${userId.replace(/^[UW]0?/, '')}`,
      tab: options.tab ?? 'home',
      event_ts: this.nextTs(),
      ...(view ? { view } : {}),
    };
  }

  /** Resolves when `check()` holds (checked after every call), or rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`SlackStandin.waitFor timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  reset(): void {
    this.calls.length = 0;
    this.ephemerals.length = 0;
    this.responsePosts.length = 0;
    this.messagesByChannel.clear();
    this.ephemeralTs.clear();
    this.rateLimits.length = 0;
    this.files.clear();
    this.views.clear();
    this.homeViews.clear();
    this.socketMode.reset();
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    this.socketMode.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---------------------------------------------------------------------------------------------

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const { port } = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}`;
    this.socketMode.attach(this.server);
  }

  private nextTs(): string {
    this.seq += 1;
    const seconds = Math.floor(Date.now() / 1000);
    return `${seconds}.${String(this.seq).padStart(6, '0')}`;
  }

  private store(m: Omit<StoredMessage, 'ts' | 'history'>): StoredMessage {
    const message: StoredMessage = { ...m, ts: this.nextTs(), history: [] };
    const list = this.messagesByChannel.get(m.channel) ?? [];
    list.push(message);
    this.messagesByChannel.set(m.channel, list);
    return message;
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const contentType = req.headers['content-type'] ?? '';

    if (path.startsWith('/response/') && req.method === 'POST') {
      const id = decodeURIComponent(path.slice('/response/'.length));
      let parsed: Json;
      try {
        parsed = JSON.parse(body.toString('utf8')) as Json;
      } catch {
        return send(res, 400, 'invalid_payload', 'text/plain');
      }
      const problem = messageProblem(parsed, this.blockContext);
      this.responsePosts.push({ id, body: parsed, at: Date.now() });
      this.notify();
      if (problem) return send(res, 200, { ok: false, error: problem });
      return send(res, 200, { ok: true });
    }

    if (path.startsWith('/upload/') && req.method === 'POST') {
      const id = decodeURIComponent(path.slice('/upload/'.length));
      const file = this.files.get(id);
      if (!file) return send(res, 404, 'not found', 'text/plain');
      file.bytes = extractUpload(body, contentType);
      this.notify();
      return send(res, 200, `OK - ${file.bytes.length}`, 'text/plain');
    }

    if (!path.startsWith('/api/') || req.method !== 'POST') return send(res, 404, 'not found', 'text/plain');
    const method = path.slice('/api/'.length);
    const args = parseArgs(body, contentType);
    const auth = req.headers.authorization;
    const headerToken = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    const token = headerToken ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;

    const call: RecordedCall = { method, args, token, at: Date.now(), response: {}, status: 200 };
    this.calls.push(call);

    const limit = this.rateLimits.find((r) => (r.method === method || r.method === '*') && r.remaining > 0);
    if (limit) {
      limit.remaining -= 1;
      call.status = 429;
      call.response = { ok: false, error: 'ratelimited' };
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limit.retryAfterSeconds) });
      res.end(JSON.stringify(call.response));
      this.notify();
      return;
    }

    let response: Json;
    if (token === undefined) response = { ok: false, error: 'not_authed' };
    else if (method === 'apps.connections.open') response = this.openConnection(token, headerToken !== undefined);
    else if (token === this.appToken) response = { ok: false, error: 'not_allowed_token_type' };
    else if (token !== this.botToken) response = { ok: false, error: 'invalid_auth' };
    else response = this.dispatch(method, args);
    call.response = response;
    send(res, 200, response);
    this.notify();
  }

  /**
   * apps.connections.open takes only the app-level token, and only in the Authorization header: a bot token answers
   * not_allowed_token_type, the app token as a POST field answers invalid_auth.
   */
  private openConnection(token: string, inHeader: boolean): Json {
    if (token === this.botToken || /^xox[bpa]-/.test(token)) return { ok: false, error: 'not_allowed_token_type' };
    if (token !== this.appToken || !inHeader) return { ok: false, error: 'invalid_auth' };
    return { ok: true, url: this.socketMode.issueUrl() };
  }

  private dispatch(method: string, args: Json): Json {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://standin.slack.com/', team: 'Stand-in', user: 'sagemaker-audit', team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.update(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'chat.getPermalink': {
        const channel = str(args.channel);
        const ts = str(args.message_ts);
        if (!channel || !this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
        if (!ts || !this.message(channel, ts)) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel, permalink: `https://standin.slack.com/archives/${channel}/p${ts.replace('.', '')}` };
      }
      case 'views.open':
      case 'views.push': {
        if (!str(args.trigger_id) && !str(args.interactivity_pointer)) return { ok: false, error: 'invalid_arguments' };
        const view = args.view;
        if (!isObject(view)) return { ok: false, error: 'invalid_arguments' };
        const problem = validateBlocks(view.blocks ?? [], 100, this.blockContext);
        if (problem) return problemResponse(`invalid_blocks: ${problem}`);
        const id = `V${String(++this.seq).padStart(8, '0')}`;
        const stored = { ...view, id };
        this.views.set(id, stored);
        return { ok: true, view: stored };
      }
      case 'views.update': {
        const id = str(args.view_id);
        const externalId = str(args.external_id);
        const found = id ? this.views.get(id) : [...this.views.values()].find((v) => v.external_id === externalId);
        if (!found) return { ok: false, error: 'not_found' };
        const view = args.view;
        if (!isObject(view)) return { ok: false, error: 'invalid_arguments' };
        const problem = validateBlocks(view.blocks ?? [], 100, this.blockContext);
        if (problem) return problemResponse(`invalid_blocks: ${problem}`);
        const stored = { ...view, id: found.id };
        this.views.set(String(found.id), stored);
        return { ok: true, view: stored };
      }
      case 'views.publish':
        return this.publishHome(args);
      case 'usergroups.users.list': {
        const group = str(args.usergroup);
        const users = group ? this.userGroups.get(group) : undefined;
        if (!users) return { ok: false, error: 'no_such_subteam' };
        return { ok: true, users };
      }
      case 'files.getUploadURLExternal': {
        const filename = str(args.filename);
        const length = Number(args.length);
        if (!filename || !Number.isFinite(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(++this.seq).padStart(8, '0')}`;
        this.files.set(id, {
          id,
          filename,
          title: undefined,
          length,
          bytes: Buffer.alloc(0),
          channelId: undefined,
          threadTs: undefined,
          initialComment: undefined,
          completed: false,
          urlPrivate: undefined,
          permalink: undefined,
        });
        return { ok: true, upload_url: `${this.base}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(args.files) ? (args.files as Json[]) : undefined;
        if (!files || files.length === 0) return { ok: false, error: 'invalid_arguments' };
        const channel = str(args.channel_id);
        if (channel && !this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
        const out: Json[] = [];
        for (const f of files) {
          const file = this.files.get(String(f.id));
          if (!file || file.bytes.length === 0) return { ok: false, error: 'file_not_found' };
          file.title = str(f.title);
          file.channelId = channel;
          file.threadTs = str(args.thread_ts);
          file.initialComment = str(args.initial_comment);
          file.completed = true;
          file.urlPrivate = `https://files.standin.slack.com/files-pri/${this.teamId}-${file.id}/${encodeURIComponent(file.filename)}`;
          file.permalink = `https://standin.slack.com/files/${this.botUserId}/${file.id}/${encodeURIComponent(file.filename)}`;
          out.push({ id: file.id, name: file.filename, title: file.title ?? file.filename, url_private: file.urlPrivate, permalink: file.permalink });
        }
        return { ok: true, files: out };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /**
   * views.publish: a `home` view for `user_id`, at most 100 blocks, private_metadata ≤ 3000, ~250 kB in all. A `hash`
   * must match the one the last publish returned (hash_conflict otherwise). Each publish returns a fresh hash.
   */
  private publishHome(args: Json): Json {
    if (!this.homeTab) return { ok: false, error: 'not_enabled' };
    const userId = str(args.user_id);
    if (!userId || !/^[UW][A-Z0-9]{2,}$/.test(userId)) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['invalid `user_id`'] } };
    const view = args.view;
    if (!isObject(view)) return argumentProblem('missing required field: view [json-pointer:/view]');
    if (view.type !== 'home') return argumentProblem(`must be one of home [json-pointer:/view/type]`);
    if (Buffer.byteLength(JSON.stringify(view)) > 250 * 1024) return { ok: false, error: 'view_too_large' };
    for (const [field, max] of [['private_metadata', 3000], ['callback_id', 255], ['external_id', 255]] as const) {
      const value = view[field];
      if (value !== undefined && (typeof value !== 'string' || value.length > max)) {
        return argumentProblem(`must be a string of at most ${max} characters [json-pointer:/view/${field}]`);
      }
    }
    const externalId = str(view.external_id);
    if (externalId && [...this.homeViews].some(([user, v]) => user !== userId && v.external_id === externalId)) return { ok: false, error: 'duplicate_external_id' };
    const problem = validateBlocks(view.blocks ?? [], 100, this.blockContext);
    if (problem) return problemResponse(`invalid_blocks: ${problem}`);
    const previous = this.homeViews.get(userId);
    const hash = str(args.hash);
    if (hash !== undefined && hash !== previous?.hash) return { ok: false, error: 'hash_conflict' };
    const id = typeof previous?.id === 'string' ? previous.id : `V${String(++this.seq).padStart(8, '0')}`;
    const stored: Json = {
      id,
      team_id: this.teamId,
      type: 'home',
      close: null,
      submit: null,
      blocks: [],
      private_metadata: '',
      callback_id: '',
      external_id: '',
      state: { values: {} },
      clear_on_close: false,
      notify_on_close: false,
      root_view_id: id,
      previous_view_id: null,
      app_id: this.appId,
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
      ...view,
      hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    };
    this.homeViews.set(userId, stored);
    return { ok: true, view: stored };
  }

  private postMessage(args: Json): Json {
    const channel = str(args.channel);
    if (!channel || !this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
    if (this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
    const problem = messageProblem(args, this.blockContext);
    if (problem) return problemResponse(problem);
    const threadTs = str(args.thread_ts);
    if (threadTs && !this.message(channel, threadTs)) return { ok: false, error: 'thread_not_found' };
    const message = this.store({
      channel,
      text: str(args.text),
      blocks: args.blocks as Json[] | undefined,
      threadTs,
      author: 'bot',
      replyBroadcast: args.reply_broadcast === true || args.reply_broadcast === 'true',
    });
    return { ok: true, channel, ts: message.ts, message: { type: 'message', text: message.text ?? '', ts: message.ts, thread_ts: threadTs, bot_id: this.botId, blocks: message.blocks } };
  }

  private update(args: Json): Json {
    const channel = str(args.channel);
    const ts = str(args.ts);
    if (!channel || !this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
    if (ts && this.ephemeralTs.has(ts)) return { ok: false, error: 'cant_update_message' };
    const message = ts ? this.message(channel, ts) : undefined;
    if (!message) return { ok: false, error: 'message_not_found' };
    if (message.author !== 'bot') return { ok: false, error: 'cant_update_message' };
    const problem = messageProblem(args, this.blockContext);
    if (problem) return problemResponse(problem);
    message.history.push({ text: message.text, blocks: message.blocks });
    message.text = str(args.text);
    message.blocks = args.blocks as Json[] | undefined;
    return { ok: true, channel, ts: message.ts, text: message.text ?? '', message: { text: message.text ?? '', blocks: message.blocks } };
  }

  private postEphemeral(args: Json): Json {
    const channel = str(args.channel);
    const user = str(args.user);
    if (!channel || !this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
    if (!user) return { ok: false, error: 'user_not_found' };
    const problem = messageProblem(args, this.blockContext);
    if (problem) return problemResponse(problem);
    const ts = this.nextTs();
    this.ephemeralTs.add(ts);
    this.ephemerals.push({ channel, user, ts, text: str(args.text), blocks: args.blocks as Json[] | undefined, threadTs: str(args.thread_ts) });
    return { ok: true, message_ts: ts };
  }
}

// -------------------------------------------------------------------------------------------------

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `invalid_blocks: detail` → Slack's shape: the detail in `errors` and, prefixed `[ERROR]`, in response_metadata. */
function problemResponse(problem: string): Json {
  const [error, detail] = problem.split(/: (.*)/s);
  return detail ? { ok: false, error, errors: [detail], response_metadata: { messages: [`[ERROR] ${detail}`] } } : { ok: false, error };
}

function argumentProblem(detail: string): Json {
  return problemResponse(`invalid_arguments: ${detail}`);
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Form fields that carry JSON (as the WebClient serialises objects and arrays). */
function maybeJson(value: string): unknown {
  const t = value.trim();
  if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
    try {
      return JSON.parse(t);
    } catch {
      return value;
    }
  }
  if (t === 'true') return true;
  if (t === 'false') return false;
  return value;
}

function parseArgs(body: Buffer, contentType: string): Json {
  const text = body.toString('utf8');
  if (contentType.includes('application/json')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return isObject(parsed) ? parsed : {};
    } catch {
      return {};
    }
  }
  const out: Json = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = maybeJson(v);
  return out;
}

/** The bytes of a multipart upload's first file part, or the raw body. */
function extractUpload(body: Buffer, contentType: string): Buffer {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return body;
  const delimiter = Buffer.from(`--${boundary}`);
  const start = body.indexOf(delimiter);
  if (start < 0) return body;
  const headerEnd = body.indexOf('\r\n\r\n', start);
  if (headerEnd < 0) return body;
  const end = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
  return body.subarray(headerEnd + 4, end < 0 ? body.length : end);
}
