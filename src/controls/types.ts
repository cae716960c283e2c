import type { EvidenceNeed, ResourceKind, ResourceSnapshot, Severity } from '../aws/resources.js';
import type { ControlParameters } from '../config.js';
import type { RemediationKind, RemediationPlan } from '../plans/plan.js';


/** SUPPRESSED is never returned by `evaluate`: it is set on a FAILED result covered by an accepted risk. */
export type ControlStatus = 'PASSED' | 'FAILED' | 'NOT_APPLICABLE' | 'UNKNOWN';

export interface Evaluation {
  status: ControlStatus;
  /** One sentence that names the service, the resource and the result. */
  reason: string;
}

export interface ControlMetadata<K extends ResourceKind = ResourceKind> {
  /** `SageMaker.N`, Security Hub's `Compliance.SecurityControlId`. */
  id: string;
  title: string;
  severity: Severity;
  resourceKind: K;
  /** AWS Config managed rule behind the control. */
  configRule: string;
  /** The field the control reads, as a path into the Describe output (or "tags"). */
  checks: string;
  /** Which evidence the collector must read for this control. */
  evidence: EvidenceNeed;
  /** Names of ControlParameters the control uses. */
  parameters: (keyof ControlParameters)[];
  /** Periodic controls can keep a FAILED finding for a while after a fix. */
  schedule: 'periodic' | 'change-triggered';
  /** The remediation this control offers. */
  remediation: RemediationKind;
}

export interface Control<K extends ResourceKind = ResourceKind> {
  metadata: ControlMetadata<K>;
  /** Pure: reads only the snapshot. UNKNOWN, naming the missing field, when the evidence was not read. */
  evaluate(snapshot: ResourceSnapshot<K>, params: ControlParameters): Evaluation;
  /** Pure: the fix for a FAILED result, as data. */
  plan(snapshot: ResourceSnapshot<K>, params: ControlParameters): RemediationPlan;
}

/** Type helper so each control file gets its snapshot type checked against its kind. */
export function defineControl<K extends ResourceKind>(control: Control<K>): Control<K> {
  return control;
}
