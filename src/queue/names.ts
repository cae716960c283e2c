/** Every queue name and job name in one place; producers and workers import them from here. */
export const QUEUE_NAMES = {
  audit: 'audit',
  remediation: 'remediation',
  digest: 'digest',
  risks: 'risks',
  /** One job per changed resource (from the hub's event queue): a targeted audit of it. */
  events: 'events',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Job names where a queue carries more than one kind of job. */
export const JOB_NAMES = {
  audit: 'audit',
  /** The next page of an audit's proposals ("Show next" in its thread), on the audit queue. */
  showNext: 'show-next',
  remediate: 'remediate',
  digest: 'digest',
  /** End accepted risks whose date has passed (hourly), so they come back without waiting for a digest. */
  riskExpiry: 'risk-expiry',
  /** Set an accepted risk's Security Hub findings to SUPPRESSED or back to NEW (listeners never call AWS). */
  riskSync: 'risk-sync',
  resourceEvent: 'resource-event',
} as const;

/** Job scheduler ids (one delayed job each, upserted at every start). */
export const SCHEDULER_IDS = {
  digest: 'daily-digest',
  riskExpiry: 'risk-expiry',
} as const;
