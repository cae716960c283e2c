import { createHash } from 'node:crypto';
import { KINDS } from './kinds/index.js';
import type { ResourceKind } from './resources.js';

function canonical(value: unknown, volatile: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, volatile));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k, v]) => !volatile.has(k) && k !== '$metadata' && v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v, volatile)]),
    );
  }
  return value;
}

const VOLATILE = new Map<ResourceKind, ReadonlySet<string>>(Object.values(KINDS).map((d) => [d.kind, new Set(d.volatileKeys)]));

/**
 * A stable hash of a resource's configuration (Describe output plus tags), ignoring the fields that change on their
 * own (its kind's `volatileKeys`: status, timestamps, URLs), so that a notebook that merely stopped is not drift.
 */
export function configurationFingerprint(kind: ResourceKind, detail: unknown, tags?: Record<string, string>): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical({ detail, tags: tags ?? null }, VOLATILE.get(kind) ?? new Set())))
    .digest('hex')
    .slice(0, 32);
}
