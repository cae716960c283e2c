import type { RedisClient } from './util/redis-client.js';

/**
 * The audit trail: every proposal, decision, step and result, with who and when, appended to one Redis stream.
 * Streams are append-only and ordered, which is what an audit trail needs; MAXLEN keeps it bounded.
 */
export type TrailEventType =
  | 'proposed'
  | 'approved'
  | 'approval-withdrawn'
  | 'denied'
  | 'refused'
  | 'step-started'
  | 'step-finished'
  | 'step-failed'
  | 'handed-back'
  | 'rolled-back'
  | 'succeeded'
  | 'failed'
  /** A pending proposal no longer needs a decision (fixed outside the bot, resource deleted, replaced). */
  | 'closed'
  | 'risk-accepted'
  | 'risk-revoked'
  | 'risk-expired';

export interface TrailEvent {
  type: TrailEventType;
  /** Slack user id, or `worker` / `scheduler` for the bot itself. */
  actor: string;
  proposalId?: string;
  controlId?: string;
  resourceArn?: string;
  resourceName?: string;
  accountId?: string;
  region?: string;
  detail?: string;
}

export interface RecordedTrailEvent extends TrailEvent {
  id: string;
  at: string;
}

const MAX_EVENTS = 100_000;

export class AuditTrail {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:trail`;
  }

  async record(event: TrailEvent, now = new Date()): Promise<string> {
    const id = await this.redis.xadd(
      this.key,
      'MAXLEN',
      '~',
      String(MAX_EVENTS),
      '*',
      'event',
      JSON.stringify({ ...event, at: now.toISOString() }),
    );
    return id ?? '';
  }

  /** Newest first; `resource` matches a resource name or ARN (case-insensitive), or a proposal id. */
  async history(options: { resource?: string; limit?: number } = {}): Promise<RecordedTrailEvent[]> {
    const limit = options.limit ?? 50;
    const needle = options.resource?.toLowerCase();
    const out: RecordedTrailEvent[] = [];
    let end = '+';
    // Page backwards so a filtered query over a long stream stays bounded in memory.
    while (out.length < limit) {
      const page = await this.redis.xrevrange(this.key, end, '-', 'COUNT', 500);
      if (page.length === 0) break;
      for (const [id, fields] of page) {
        const json = fields[fields.indexOf('event') + 1];
        if (!json) continue;
        const event = { id, ...(JSON.parse(json) as TrailEvent & { at: string }) };
        const matches =
          !needle ||
          event.resourceArn?.toLowerCase() === needle ||
          event.resourceName?.toLowerCase() === needle ||
          event.proposalId?.toLowerCase() === needle;
        if (matches) out.push(event);
        if (out.length >= limit) break;
      }
      const last = page[page.length - 1];
      if (!last || page.length < 500) break;
      end = `(${last[0]}`;
    }
    return out;
  }
}
