import type { AcceptedRisk } from '../audit/report.js';

export type RiskScope = AcceptedRisk['scope'];

/** What a risk is accepted for: one resource's control, or one control across an account (every region). */
export interface RiskTarget {
  controlId: string;
  accountId: string;
  region: string;
  resourceArn: string;
  resourceName: string;
}

export type RiskStatus = 'active' | 'revoked' | 'expired';

/** A finding set to SUPPRESSED in Security Hub for this risk, so it can be set back to NEW. */
export interface SyncedFinding {
  id: string;
  productArn: string;
  accountId: string;
  region: string;
}

/** An accepted risk as stored: who, why, when, until, for what, and whether it still holds. */
export interface AcceptedRiskRecord extends AcceptedRisk, RiskTarget {
  status: RiskStatus;
  /** When it was revoked or expired, and by whom (`scheduler` for expiry). */
  endedAt?: string;
  endedBy?: string;
  /** Security Hub findings this risk suppressed (only with SECURITYHUB_SYNC). */
  securityHub?: { findings: SyncedFinding[]; syncedAt: string; unprocessed: number };
}

/** The part of a record that goes onto an AuditResult. */
export function toAcceptedRisk(r: AcceptedRiskRecord): AcceptedRisk {
  return { id: r.id, acceptedBy: r.acceptedBy, reason: r.reason, acceptedAt: r.acceptedAt, expiresAt: r.expiresAt, scope: r.scope };
}
