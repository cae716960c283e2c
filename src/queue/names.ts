/** Every queue name in one place; producers and workers import them from here. */
export const QUEUE_NAMES = {
  audit: 'audit',
  remediation: 'remediation',
  digest: 'digest',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];
