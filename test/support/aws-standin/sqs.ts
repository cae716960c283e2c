/**
 * SQS over the JSON 1.0 protocol that @aws-sdk/client-sqs speaks (X-Amz-Target: AmazonSQS.<Op>): standard queues
 * with visibility timeouts, real long polling, receipt handles, purge and dead-letter redrive.
 * Queue URLs are http://127.0.0.1:<port>/<account>/<name>; they carry no region, so names are unique per account here.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { CallContext, Json } from './context.js';
import { arr, num, str } from './context.js';
import { AwsError } from './errors.js';

/** An SQS error: the JSON `__type` shape name plus the legacy query code the SDK maps it back with. */
export class SqsError extends AwsError {
  constructor(
    type: string,
    readonly queryCode: string,
    message: string,
    status = 400,
  ) {
    super(type, message, status);
  }
}

const queueDoesNotExist = (): SqsError => new SqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
const invalidParameter = (message: string): SqsError => new SqsError('InvalidParameterValueException', 'InvalidParameterValue', message);
const missingParameter = (name: string): SqsError => new SqsError('MissingParameterException', 'MissingParameter', `The request must contain the parameter ${name}.`);
const invalidAttributeName = (name: string): SqsError => new SqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`);
const invalidAttributeValue = (name: string): SqsError => new SqsError('InvalidAttributeValue', 'InvalidAttributeValue', `Invalid value for the parameter ${name}.`);

/** Body and headers of an SQS error response. */
export function sqsErrorResponse(e: AwsError): { headers: Record<string, string>; body: string } {
  const queryCode = e instanceof SqsError ? e.queryCode : e.code;
  return {
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${queryCode};${e.fault}` },
    body: JSON.stringify({ __type: `com.amazonaws.sqs#${e.code}`, message: e.message }),
  };
}

const MAX_VISIBILITY = 43_200;
const MAX_WAIT = 20;
const PURGE_INTERVAL_MS = 60_000;

/** Settable attributes: default and valid integer range (none: any string, RedrivePolicy parsed separately). */
const ATTRIBUTES: Record<string, { default?: string; min?: number; max?: number }> = {
  DelaySeconds: { default: '0', min: 0, max: 900 },
  MaximumMessageSize: { default: '1048576', min: 1024, max: 1_048_576 },
  MessageRetentionPeriod: { default: '345600', min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { default: '0', min: 0, max: MAX_WAIT },
  VisibilityTimeout: { default: '30', min: 0, max: MAX_VISIBILITY },
  SqsManagedSseEnabled: { default: 'true' },
  RedrivePolicy: {},
  Policy: {},
};
const READ_ONLY_ATTRIBUTES = ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed', 'CreatedTimestamp', 'LastModifiedTimestamp'];
const MESSAGE_ATTRIBUTES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'];

export interface SqsMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  senderId?: string;
  sentAt: number;
  /** Stand-in clock (ms) from which the message can be received. */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** Only the latest receipt handle acts on the message. */
  receipt?: string;
}

export interface SqsQueue {
  name: string;
  accountId: string;
  region: string;
  arn: string;
  url: string;
  attributes: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
  messages: SqsMessage[];
  /** Every receipt handle issued by this queue -> message id, to tell stale handles from invalid ones. */
  receipts: Map<string, string>;
  lastPurgeAt?: number;
}

export interface SqsMessageView {
  messageId: string;
  body: string;
  receiveCount: number;
  inFlight: boolean;
  sentAt: number;
}

const epochSeconds = (ms: number): string => String(Math.floor(ms / 1000));
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

function intParam(input: Json, name: string, min: number, max: number): number | undefined {
  const v = num(input[name]);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) throw invalidParameter(`Value ${v} for parameter ${name} is invalid. Reason: Must be >= ${min} and <= ${max}, if provided.`);
  return v;
}

function parseRedrivePolicy(value: string, backend: SqsBackend): { deadLetterTargetArn: string; maxReceiveCount: number } {
  let policy: Json;
  try {
    policy = JSON.parse(value) as Json;
  } catch {
    throw invalidParameter(`Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map.`);
  }
  const arn = str(policy.deadLetterTargetArn);
  const count = Number(policy.maxReceiveCount);
  if (!arn || !/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/.test(arn)) throw invalidParameter(`Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for deadLetterTargetArn.`);
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw invalidParameter(`Value ${value} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${String(policy.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`);
  if (!backend.byArn(arn)) throw invalidParameter(`Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`);
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

export class SqsBackend {
  /** http://127.0.0.1:<port>, set once the server listens. */
  baseUrl = '';
  private readonly queues = new Map<string, SqsQueue>();
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly now: () => number) {}

  createQueue(accountId: string, region: string, name: string, attributes: Record<string, string> = {}): SqsQueue {
    if (!/^[\w-]{1,80}$/.test(name)) throw invalidParameter('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    if (attributes.FifoQueue !== undefined) throw new SqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 'The stand-in implements standard queues only.');
    const values = this.validateAttributes(attributes);
    const existing = this.queues.get(`${accountId}/${name}`);
    if (existing) {
      if (existing.region !== region) throw new SqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', `The stand-in keys queues by account and name (its queue URLs carry no region): ${name} exists in ${existing.region}.`);
      const differing = Object.keys(values).find((k) => existing.attributes[k] !== values[k]);
      if (differing) throw new SqsError('QueueNameExists', 'QueueAlreadyExists', `A queue already exists with the same name and a different value for attribute ${differing}`);
      return existing;
    }
    const now = this.now();
    const defaults = Object.fromEntries(Object.entries(ATTRIBUTES).flatMap(([k, a]) => (a.default !== undefined ? [[k, a.default]] : [])));
    const queue: SqsQueue = {
      name,
      accountId,
      region,
      arn: `arn:aws:sqs:${region}:${accountId}:${name}`,
      url: `${this.baseUrl}/${accountId}/${name}`,
      attributes: { ...defaults, ...values },
      createdAt: now,
      modifiedAt: now,
      messages: [],
      receipts: new Map(),
    };
    this.queues.set(`${accountId}/${name}`, queue);
    return queue;
  }

  private validateAttributes(attributes: Record<string, string>): Record<string, string> {
    for (const [k, v] of Object.entries(attributes)) {
      const spec = ATTRIBUTES[k];
      if (!spec) throw invalidAttributeName(k);
      if (spec.min !== undefined && !(/^\d+$/.test(v) && Number(v) >= spec.min && Number(v) <= spec.max!)) throw invalidAttributeValue(k);
      if (k === 'RedrivePolicy') parseRedrivePolicy(v, this);
    }
    return { ...attributes };
  }

  /** The queue a URL names (any host: the SDK may send a QueueUrl that is not the endpoint). */
  byUrl(url: string): SqsQueue {
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw new SqsError('InvalidAddress', 'InvalidAddress', `The address ${url} is not valid for this endpoint.`, 404);
    }
    const m = /^\/(\d{12})\/([\w-]{1,80})\/?$/.exec(path);
    const queue = m ? this.queues.get(`${m[1]}/${m[2]}`) : undefined;
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  byArn(arn: string): SqsQueue | undefined {
    const m = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([\w-]+)$/.exec(arn);
    const queue = m ? this.queues.get(`${m[2]}/${m[3]}`) : undefined;
    return queue && queue.region === m![1] ? queue : undefined;
  }

  byName(accountId: string, name: string): SqsQueue {
    const queue = this.queues.get(`${accountId}/${name}`);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  send(queue: SqsQueue, body: string, delaySeconds?: number, senderId?: string): SqsMessage {
    const max = Number(queue.attributes.MaximumMessageSize);
    if (Buffer.byteLength(body) > max) throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`);
    const now = this.now();
    const message: SqsMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5(body),
      senderId,
      sentAt: now,
      visibleAt: now + (delaySeconds ?? Number(queue.attributes.DelaySeconds)) * 1000,
      receiveCount: 0,
    };
    queue.messages.push(message);
    this.wake();
    return message;
  }

  /** One receive attempt: visible messages become in flight; those past maxReceiveCount move to the dead-letter queue. */
  receiveNow(queue: SqsQueue, max: number, visibilitySeconds: number): SqsMessage[] {
    const now = this.now();
    const redrive = queue.attributes.RedrivePolicy ? parseRedrivePolicy(queue.attributes.RedrivePolicy, this) : undefined;
    const out: SqsMessage[] = [];
    for (const m of [...queue.messages]) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      if (redrive && m.receiveCount >= redrive.maxReceiveCount) {
        this.moveToDeadLetter(queue, m, redrive.deadLetterTargetArn);
        continue;
      }
      m.receiveCount += 1;
      m.firstReceiveAt ??= now;
      m.visibleAt = now + visibilitySeconds * 1000;
      m.receipt = randomBytes(48).toString('base64');
      queue.receipts.set(m.receipt, m.messageId);
      out.push(m);
    }
    return out;
  }

  private moveToDeadLetter(queue: SqsQueue, m: SqsMessage, dlqArn: string): void {
    const dlq = this.byArn(dlqArn);
    if (!dlq) return; // A deleted DLQ keeps messages in the source queue, as SQS does.
    queue.messages.splice(queue.messages.indexOf(m), 1);
    m.receipt = undefined;
    m.visibleAt = this.now();
    dlq.messages.push(m);
    this.wake();
  }

  /** Long poll: hold the request until a message can be received or `waitSeconds` pass (real time). */
  async receive(queue: SqsQueue, max: number, visibilitySeconds: number, waitSeconds: number): Promise<SqsMessage[]> {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const got = this.receiveNow(queue, max, visibilitySeconds);
      const left = deadline - Date.now();
      if (got.length > 0 || left <= 0 || this.closed) return got;
      // Wake for a send, or when the next delayed/in-flight message becomes visible.
      const now = this.now();
      const nextVisible = Math.min(...queue.messages.map((m) => m.visibleAt).filter((t) => t > now)) - now;
      await this.sleep(Math.max(1, Math.min(left, nextVisible)));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Latest handle: delete. Stale handle of this queue: succeed without deleting, as SQS does. */
  deleteMessage(queue: SqsQueue, receipt: string): void {
    if (!queue.receipts.has(receipt)) throw new SqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${receipt}" is not a valid receipt handle.`, 404);
    const i = queue.messages.findIndex((m) => m.receipt === receipt);
    if (i >= 0) queue.messages.splice(i, 1);
  }

  changeVisibility(queue: SqsQueue, receipt: string, seconds: number): void {
    if (!queue.receipts.has(receipt)) throw new SqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${receipt}" is not a valid receipt handle.`, 404);
    const m = queue.messages.find((x) => x.receipt === receipt);
    if (!m) throw invalidParameter(`Value ${receipt} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
    const now = this.now();
    if (m.visibleAt <= now) throw new SqsError('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 'The message referred to is not in flight.');
    m.visibleAt = now + seconds * 1000;
    if (seconds === 0) this.wake();
  }

  purge(queue: SqsQueue): void {
    const now = this.now();
    if (queue.lastPurgeAt !== undefined && now - queue.lastPurgeAt < PURGE_INTERVAL_MS) {
      throw new SqsError('PurgeQueueInProgress', 'AWS.SimpleQueueService.PurgeQueueInProgress', `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`, 403);
    }
    queue.lastPurgeAt = now;
    queue.messages = [];
  }

  attributes(queue: SqsQueue, names: string[]): Record<string, string> {
    const now = this.now();
    const waiting = queue.messages.filter((m) => m.visibleAt <= now).length;
    const inFlight = queue.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length;
    const all: Record<string, string> = {
      ...queue.attributes,
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(waiting),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(queue.messages.length - waiting - inFlight),
      CreatedTimestamp: epochSeconds(queue.createdAt),
      LastModifiedTimestamp: epochSeconds(queue.modifiedAt),
    };
    const wanted = names.includes('All') ? Object.keys(all) : names;
    for (const n of wanted) if (!(n in ATTRIBUTES) && !READ_ONLY_ATTRIBUTES.includes(n)) throw invalidAttributeName(n);
    return Object.fromEntries(wanted.filter((n) => all[n] !== undefined).map((n) => [n, all[n]!]));
  }

  view(queue: SqsQueue): SqsMessageView[] {
    const now = this.now();
    return queue.messages.map((m) => ({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount, inFlight: m.receiveCount > 0 && m.visibleAt > now, sentAt: m.sentAt }));
  }

  /** Ends pending long polls (they answer empty) so the server can close. */
  close(): void {
    this.closed = true;
    this.wake();
  }
}

function messageOut(m: SqsMessage, attributeNames: string[]): Json {
  const out: Json = { MessageId: m.messageId, ReceiptHandle: m.receipt, MD5OfBody: m.md5OfBody, Body: m.body };
  const names = attributeNames.includes('All') ? MESSAGE_ATTRIBUTES : attributeNames.filter((n) => MESSAGE_ATTRIBUTES.includes(n));
  const values: Record<string, string | undefined> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: m.firstReceiveAt === undefined ? undefined : String(m.firstReceiveAt),
  };
  const attributes = Object.fromEntries(names.filter((n) => values[n] !== undefined).map((n) => [n, values[n]!]));
  if (Object.keys(attributes).length > 0) out.Attributes = attributes;
  return out;
}

function queueOf(ctx: CallContext, input: Json): SqsQueue {
  const url = str(input.QueueUrl);
  if (!url) throw missingParameter('QueueUrl');
  return ctx.shared.sqs.byUrl(url);
}

function requiredString(input: Json, name: string): string {
  const v = str(input[name]);
  if (v === undefined) throw missingParameter(name);
  return v;
}

export const sqsHandlers: Record<string, (ctx: CallContext, input: Json) => Json | Promise<Json>> = {
  CreateQueue(ctx, input) {
    const queue = ctx.shared.sqs.createQueue(ctx.accountId, ctx.region, requiredString(input, 'QueueName'), (input.Attributes ?? {}) as Record<string, string>);
    return { QueueUrl: queue.url };
  },
  GetQueueUrl(ctx, input) {
    return { QueueUrl: ctx.shared.sqs.byName(str(input.QueueOwnerAWSAccountId) ?? ctx.accountId, requiredString(input, 'QueueName')).url };
  },
  GetQueueAttributes(ctx, input) {
    const attributes = ctx.shared.sqs.attributes(queueOf(ctx, input), arr(input.AttributeNames).map(String));
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  },
  SendMessage(ctx, input) {
    const queue = queueOf(ctx, input);
    const delay = intParam(input, 'DelaySeconds', 0, 900);
    const session = ctx.shared.sessions.get(ctx.accessKeyId);
    const m = ctx.shared.sqs.send(queue, requiredString(input, 'MessageBody'), delay, session?.userId ?? `AIDA${ctx.accountId}STANDIN`);
    return { MessageId: m.messageId, MD5OfMessageBody: m.md5OfBody };
  },
  async ReceiveMessage(ctx, input) {
    const queue = queueOf(ctx, input);
    const max = num(input.MaxNumberOfMessages) ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) throw invalidParameter(`Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`);
    const wait = intParam(input, 'WaitTimeSeconds', 0, MAX_WAIT) ?? Number(queue.attributes.ReceiveMessageWaitTimeSeconds);
    const visibility = intParam(input, 'VisibilityTimeout', 0, MAX_VISIBILITY) ?? Number(queue.attributes.VisibilityTimeout);
    const names = [...arr(input.MessageSystemAttributeNames), ...arr(input.AttributeNames)].map(String);
    const messages = await ctx.shared.sqs.receive(queue, max, visibility, wait);
    return messages.length > 0 ? { Messages: messages.map((m) => messageOut(m, names)) } : {};
  },
  DeleteMessage(ctx, input) {
    ctx.shared.sqs.deleteMessage(queueOf(ctx, input), requiredString(input, 'ReceiptHandle'));
    return {};
  },
  ChangeMessageVisibility(ctx, input) {
    const seconds = intParam(input, 'VisibilityTimeout', 0, MAX_VISIBILITY);
    if (seconds === undefined) throw missingParameter('VisibilityTimeout');
    ctx.shared.sqs.changeVisibility(queueOf(ctx, input), requiredString(input, 'ReceiptHandle'), seconds);
    return {};
  },
  PurgeQueue(ctx, input) {
    ctx.shared.sqs.purge(queueOf(ctx, input));
    return {};
  },
};

/** What tests use to arrange and inspect queues without going through the API. */
export interface SqsTestApi {
  /** Create (or, with identical attributes, return) a queue; attributes as CreateQueue takes them, e.g. RedrivePolicy as a JSON string. */
  createQueue(queue: { name: string; accountId?: string; region?: string; attributes?: Record<string, string> }): { url: string; arn: string };
  /** Send a message as a producer would; returns its MessageId. */
  send(queueUrl: string, body: string): string;
  /** Every stored message: waiting, delayed and in flight. */
  messages(queueUrl: string): SqsMessageView[];
  /** Messages received and neither deleted nor visible again. */
  inFlight(queueUrl: string): SqsMessageView[];
  /** Messages in the dead-letter queue named by the queue's RedrivePolicy. */
  deadLetters(queueUrl: string): SqsMessageView[];
}

export function sqsTestApi(backend: SqsBackend, defaultAccountId: string): SqsTestApi {
  const view = (queueUrl: string): SqsMessageView[] => backend.view(backend.byUrl(queueUrl));
  return {
    createQueue({ name, accountId = defaultAccountId, region = 'us-east-1', attributes }) {
      const q = backend.createQueue(accountId, region, name, attributes);
      return { url: q.url, arn: q.arn };
    },
    send: (queueUrl, body) => backend.send(backend.byUrl(queueUrl), body).messageId,
    messages: view,
    inFlight: (queueUrl) => view(queueUrl).filter((m) => m.inFlight),
    deadLetters(queueUrl) {
      const policy = backend.byUrl(queueUrl).attributes.RedrivePolicy;
      if (!policy) throw new Error(`stand-in: ${queueUrl} has no RedrivePolicy`);
      return backend.view(backend.byArn(str((JSON.parse(policy) as Json).deadLetterTargetArn) ?? '')!);
    },
  };
}
