import { createHash } from 'node:crypto';

/**
 * Fields that change without anyone changing the resource's configuration (status, timestamps, URLs).
 * They are left out of the fingerprint so that a notebook that merely stopped is not "drift".
 */
const VOLATILE_KEYS = new Set([
  'NotebookInstanceStatus',
  'MonitoringScheduleStatus',
  'EndpointStatus',
  'FeatureGroupStatus',
  'OfflineStoreStatus',
  'Status',
  'LastModifiedTime',
  'LastModifiedBy',
  'LastMonitoringExecutionSummary',
  'CreationTime',
  'Url',
  'FailureReason',
  'NetworkInterfaceId',
  '$metadata',
]);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k, v]) => !VOLATILE_KEYS.has(k) && v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** A stable hash of a resource's configuration (Describe output plus tags), ignoring volatile fields. */
export function configurationFingerprint(detail: unknown, tags?: Record<string, string>): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical({ detail, tags: tags ?? null })))
    .digest('hex')
    .slice(0, 32);
}
