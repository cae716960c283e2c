import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, CONTROL_ID_PATTERN } from '../validation.js';
import type { AcceptedRiskRecord } from './types.js';

/**
 * Accepted risks as a file: what `sagemaker-audit exceptions export` writes and `scan --exceptions` and
 * `exceptions import` read, for pipelines that cannot reach the app's Redis. JSON, versioned; only risks in force.
 */
export const RISKS_FILE_FORMAT = 'sagemaker-audit/accepted-risks';

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO date-time');

const record = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a risk id'),
  controlId: z.string().regex(CONTROL_ID_PATTERN, 'not a control id (SageMaker.N)'),
  accountId: z.string().regex(ACCOUNT_ID_PATTERN, 'not a 12-digit account id'),
  region: z.string().min(1),
  resourceArn: z.string(),
  resourceName: z.string(),
  scope: z.enum(['resource', 'control-in-account']),
  reason: z.string().min(1).max(1000),
  acceptedBy: z.string().min(1),
  acceptedAt: iso,
  expiresAt: iso,
  status: z.literal('active'),
});

const file = z.object({
  format: z.literal(RISKS_FILE_FORMAT),
  version: z.literal(1),
  exportedAt: iso,
  risks: z.array(record),
});

export class RisksFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RisksFileError';
  }
}

/** The risks in force at `now`, as the file's JSON. */
export function risksFileText(risks: readonly AcceptedRiskRecord[], now: Date): string {
  const inForce = risks
    .filter((r) => r.status === 'active' && Date.parse(r.expiresAt) > now.getTime())
    .map((r) => ({
      id: r.id,
      controlId: r.controlId,
      accountId: r.accountId,
      region: r.region,
      resourceArn: r.resourceArn,
      resourceName: r.resourceName,
      scope: r.scope,
      reason: r.reason,
      acceptedBy: r.acceptedBy,
      acceptedAt: r.acceptedAt,
      expiresAt: r.expiresAt,
      status: r.status,
    }));
  return `${JSON.stringify({ format: RISKS_FILE_FORMAT, version: 1, exportedAt: now.toISOString(), risks: inForce }, null, 2)}\n`;
}

/** Reads a risks file; a problem is one line naming where it is (`risks.3.expiresAt not an ISO date-time`). */
export function parseRisksFile(text: string, source: string): AcceptedRiskRecord[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RisksFileError(`${source} is not JSON: ${(err as Error).message}`);
  }
  const parsed = file.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    throw new RisksFileError(`${source}: ${issue.path.join('.') || '(file)'} ${issue.message}${more}; expected a file written by \`sagemaker-audit exceptions export\``);
  }
  return parsed.data.risks;
}
