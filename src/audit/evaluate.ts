import { KINDS } from '../aws/kinds/index.js';
import type { ResourceSnapshot } from '../aws/resources.js';
import type { AuditConfig } from '../config.js';
import { evaluateControl, planControl, type AnyControl } from '../controls/index.js';
import type { Evaluation } from '../controls/types.js';
import type { RemediationPlan } from '../plans/plan.js';
import type { AuditResult } from './report.js';

/**
 * One resource's results: each control of its kind evaluated on the snapshot, with the control's plan when it
 * FAILED. A control that throws is UNKNOWN (never a silent pass); a plan that throws is no plan. The audit and the
 * targeted audit of a changed resource both use this, so the two read a resource alike.
 */
export function evaluateSnapshot(snapshot: ResourceSnapshot, controls: readonly AnyControl[], config: AuditConfig, fingerprint: string | null): AuditResult[] {
  const { ref } = snapshot;
  return controls.map((control) => {
    const evaluation = safeEvaluate(control, snapshot, config);
    return {
      controlId: control.metadata.id,
      status: evaluation.status,
      severity: control.metadata.severity,
      resourceKind: ref.kind,
      resourceType: KINDS[ref.kind].resourceType,
      resourceArn: ref.arn,
      resourceName: ref.name,
      accountId: ref.accountId,
      region: ref.region,
      reason: evaluation.reason,
      remediation: evaluation.status === 'FAILED' ? safePlan(control, snapshot, config) : null,
      securityHub: null,
      fingerprint,
    };
  });
}

function safeEvaluate(control: AnyControl, snapshot: ResourceSnapshot, config: AuditConfig): Evaluation {
  try {
    return evaluateControl(control, snapshot, config.controlParameters);
  } catch (err) {
    return { status: 'UNKNOWN', reason: `${control.metadata.id} could not evaluate ${snapshot.ref.name}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function safePlan(control: AnyControl, snapshot: ResourceSnapshot, config: AuditConfig): RemediationPlan | null {
  try {
    return planControl(control, snapshot, config.controlParameters);
  } catch {
    return null;
  }
}
