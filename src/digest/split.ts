import { resourceKey, type AuditReport } from '../audit/report.js';
import { summarize } from '../audit/summary.js';
import type { PreviousRun } from './diff.js';

/**
 * The daily digest split by owner (ROUTING_FILE): each routed channel gets the digest of the resources it owns, the
 * default channel keeps the whole picture. Pure.
 */

export interface OwnedDigest {
  channel: string;
  /** The audit narrowed to the channel's resources (errors and notes kept: they say what could not be read). */
  report: AuditReport;
  /** The last digest's open findings that were routed to this channel, so "new" and "fixed" are the channel's. */
  previous: PreviousRun | null;
}

/**
 * `owners` maps resourceKey → channel for every resource with something open now; findings open at the last digest
 * keep the channel they were routed to then, so a fixed finding is reported where it was open.
 */
export function splitByOwner(report: AuditReport, previous: PreviousRun | null, owners: ReadonlyMap<string, string>, defaultChannel: string): OwnedDigest[] {
  const channels = new Set<string>();
  for (const c of owners.values()) channels.add(c);
  for (const s of previous?.open.values() ?? []) if (s.channel) channels.add(s.channel);
  channels.delete(defaultChannel);
  return [...channels].sort().map((channel) => {
    const open = new Map([...(previous?.open ?? [])].filter(([, s]) => s.channel === channel));
    const wasOpenHere = new Set([...open.values()].map(resourceKey));
    const results = report.results.filter((r) => owners.get(resourceKey(r)) === channel || wasOpenHere.has(resourceKey(r)));
    return {
      channel,
      report: { ...report, results, summary: summarize(results, report.scope) },
      previous: previous ? { runAt: previous.runAt, open } : null,
    };
  });
}
