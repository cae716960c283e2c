import type { OperationName, OperationParams } from './steps.js';

export type RemediationKind = 'in-place' | 'recreate' | 'manual';

/** JSON-safe values only: a plan is stored in a BullMQ job and shown in Slack. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One named step. `params` are the operation's inputs, fixed when the plan is made. */
export interface PlanStep {
  /** Stable within the plan (e.g. `stop`, `update`), used to record progress and resume after a crash. */
  id: string;
  operation: OperationName;
  /** What a person reads in the preview, e.g. "Stop notebook `nb-1` (it is InService)". */
  title: string;
  params: { [key: string]: JsonValue };
}

/** What every plan holds besides its verification: its kind, the words an approver reads, and the steps. */
export interface PlanBody {
  kind: RemediationKind;
  /** One sentence: what the fix does. */
  summary: string;
  /** What the fix interrupts or costs (a restart, a new name, more instances); null when nothing. */
  disruption: string | null;
  /** Resource states the plan may start from (e.g. notebook statuses); empty means any. */
  allowedStates: string[];
  steps: PlanStep[];
  /** How a failure part-way is undone, in words; null when the steps need no undo. */
  rollback: string | null;
}

/** One control's fix for one resource, as the control makes it. */
export interface RemediationPlan extends PlanBody {
  /**
   * After the steps, this control is re-evaluated on a fresh read and must pass. `resourceName` names the resource
   * the fix leaves compliant when it is not the audited one (a recreate plan's compliant copy).
   */
  verify: { controlId: string; resourceName?: string };
}

/** Builds a step whose params are checked against the operation's declared inputs. */
export function step<Op extends OperationName>(id: string, operation: Op, title: string, params: OperationParams[Op]): PlanStep {
  return { id, operation, title, params: params as PlanStep['params'] };
}
