import type { AuditReport, AuditScope } from '../audit/report.js';
import { applyAcceptedRisks } from './apply.js';
import type { RiskStore } from './store.js';

export { applyAcceptedRisks, isInForce, riskCovers } from './apply.js';
export { RiskStore } from './store.js';
export type { AcceptedRiskRecord, RiskTarget, RiskScope } from './types.js';

/**
 * Wraps the engine so every report it returns has the accepted risks in force applied (FAILED → SUPPRESSED with
 * `acceptedRisk`). If the risks cannot be read, the report is returned as the engine made it: failing, never hidden.
 */
export function withAcceptedRisks<S extends AuditScope>(
  runAudit: (scope: S) => Promise<AuditReport>,
  store: Pick<RiskStore, 'listActive'>,
  now: () => Date = () => new Date(),
): (scope: S) => Promise<AuditReport> {
  return async (scope) => {
    const report = await runAudit(scope);
    const risks = await store.listActive().catch(() => []);
    return applyAcceptedRisks(report, risks, now());
  };
}
