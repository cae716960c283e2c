/**
 * An EventBridge stand-in: "AWS API Call via CloudTrail" events for write calls and "Security Hub Findings -
 * Imported" events, matched against routes' event patterns and delivered as SQS message bodies.
 */
import { randomUUID } from 'node:crypto';
import type { CloudTrailRecord } from './cloudtrail.js';
import type { Json } from './context.js';
import { clone, pushBounded } from './context.js';
import type { Finding } from './state.js';

export type EventPattern = Json;

export interface EventRoute {
  /** An EventBridge event pattern, as a rule would carry it. */
  pattern: EventPattern;
  /** Target queue (any account: a member's events may go to the hub's queue). */
  queueUrl: string;
  /** Delivery latency (default 0: delivered synchronously with the call). */
  delayMs?: number;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function invalidPattern(reason: string): Error {
  return new Error(`Event pattern is not valid. Reason: ${reason}`);
}

const NUMERIC_OPS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** Reject what EventBridge would reject (and what the matcher does not implement), when the route is created. */
export function validatePattern(pattern: unknown, path = ''): void {
  if (!isObject(pattern)) throw invalidPattern(`${path || 'the pattern'} must be an object`);
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') throw invalidPattern('$or is not supported by the stand-in');
    if (isObject(value)) {
      validatePattern(value, at);
      continue;
    }
    if (!Array.isArray(value) || value.length === 0) throw invalidPattern(`Match value for "${at}" must be a non-empty array`);
    for (const m of value) {
      if (isScalar(m)) continue;
      if (!isObject(m) || Object.keys(m).length !== 1) throw invalidPattern(`Unrecognized match type in "${at}"`);
      const [type, arg] = Object.entries(m)[0]!;
      const ok =
        (type === 'prefix' || type === 'suffix' || type === 'equals-ignore-case') ? typeof arg === 'string'
        : type === 'exists' ? typeof arg === 'boolean'
        : type === 'anything-but' ? isScalar(arg) || (Array.isArray(arg) && arg.every(isScalar)) || (isObject(arg) && typeof arg.prefix === 'string')
        : type === 'numeric' ? Array.isArray(arg) && arg.length % 2 === 0 && arg.every((x, i) => (i % 2 === 0 ? x in NUMERIC_OPS : typeof x === 'number'))
        : false;
      if (!ok) throw invalidPattern(`Unrecognized match type ${type} in "${at}"`);
    }
  }
}

function matchesValue(matcher: unknown, v: unknown): boolean {
  if (isScalar(matcher)) return matcher === v;
  const [type, arg] = Object.entries(matcher as Json)[0]!;
  switch (type) {
    case 'prefix':
      return typeof v === 'string' && v.startsWith(arg as string);
    case 'suffix':
      return typeof v === 'string' && v.endsWith(arg as string);
    case 'equals-ignore-case':
      return typeof v === 'string' && v.toLowerCase() === (arg as string).toLowerCase();
    case 'anything-but':
      if (isObject(arg)) return typeof v === 'string' && !v.startsWith(arg.prefix as string);
      return !(Array.isArray(arg) ? arg : [arg]).includes(v);
    case 'numeric': {
      if (typeof v !== 'number') return false;
      const ops = arg as Array<string | number>;
      for (let i = 0; i < ops.length; i += 2) if (!NUMERIC_OPS[ops[i] as string]!(v, ops[i + 1] as number)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** A leaf: any matcher against any of the field's values; absent fields (and objects: not leaves) only match `exists: false`. */
function matchesLeaf(matchers: unknown[], field: unknown): boolean {
  const values = field === undefined || isObject(field) ? [] : Array.isArray(field) ? field : [field];
  return matchers.some((m) => {
    if (isObject(m) && 'exists' in m) return m.exists === values.length > 0;
    return values.some((v) => matchesValue(m, v));
  });
}

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, p]) => {
    const field = isObject(event) ? event[key] : undefined;
    if (Array.isArray(p)) return matchesLeaf(p, field);
    // Nested pattern against an array of objects: some element must match all of it.
    if (Array.isArray(field)) return field.some((el) => matchesPattern(p as Json, el));
    return matchesPattern(p as Json, field);
  });
}

export class EventBus {
  /** Every event put on the bus, matched or not, oldest first (the latest 10,000). */
  readonly log: Json[] = [];
  private routes: EventRoute[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly deliver: (queueUrl: string, body: string) => void,
    private readonly now: () => number,
  ) {}

  /** Add a route; returns its removal. */
  route(route: EventRoute): () => void {
    validatePattern(route.pattern);
    const r = { ...route, pattern: clone(route.pattern) };
    this.routes.push(r);
    return () => {
      this.routes = this.routes.filter((x) => x !== r);
    };
  }

  /** Put an event (any shape) on the bus; returns how many routes matched. */
  put(event: Json): number {
    pushBounded(this.log, event);
    const matched = this.routes.filter((r) => matchesPattern(r.pattern, event));
    const body = JSON.stringify(event);
    for (const r of matched) {
      if (!r.delayMs) {
        this.deliver(r.queueUrl, body);
        continue;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.deliver(r.queueUrl, body);
      }, r.delayMs);
      this.timers.add(timer);
    }
    return matched.length;
  }

  private envelope(detailType: string, source: string, account: string, region: string, resources: string[], detail: Json, time = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')): Json {
    return { version: '0', id: randomUUID(), 'detail-type': detailType, source, account, time, region, resources, detail };
  }

  /** Write management events only: read-only ones need a rule with ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS. */
  apiCall(record: CloudTrailRecord): void {
    if (record.readOnly || !record.managementEvent) return;
    const source = `aws.${record.eventSource.replace(/\.amazonaws\.com$/, '')}`;
    this.put(this.envelope('AWS API Call via CloudTrail', source, record.recipientAccountId, record.awsRegion, [], clone(record) as unknown as Json, record.eventTime));
  }

  /** One event per new or changed finding, carrying exactly that finding. */
  findingImported(finding: Finding): void {
    this.put(this.envelope('Security Hub Findings - Imported', 'aws.securityhub', finding.AwsAccountId, finding.Region, [`${finding.ProductArn}/${finding.Id}`], { findings: [clone(finding)] }));
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
