import type { AutomatedOperationName, OperationParams } from '../../plans/steps.js';
import type { StepOutcome, StepRun } from './step-run.js';

/**
 * One remediation operation, Cloud Custodian-style: what it does, the SDK calls it may make (and which of them
 * change something), the IAM actions it therefore needs, whether it destroys something, its idempotent
 * implementation (it looks before it acts, so a resumed job never repeats an effect) and its undo.
 */
export interface Operation<Op extends AutomatedOperationName = AutomatedOperationName> {
  name: Op;
  description: string;
  /** SDK command names (without the `Command` suffix) the operation may send. */
  sdkCommands: readonly string[];
  /** The subset of `sdkCommands` that change something: a dry run sends none of them. */
  mutatingCommands: readonly string[];
  /** IAM actions the remediation role needs for it. */
  iamActions: readonly string[];
  /** True when the step removes something; the plan must hold a restorable copy before it. */
  destructive: boolean;
  run(run: StepRun, params: OperationParams[Op]): Promise<StepOutcome>;
  /**
   * Undoes what this step (and the steps of its plan that depend on it) did, from whatever point the plan reached
   * after a later failure. Returns what was undone, in words; throws when the undo itself fails.
   */
  rollback?(run: StepRun, params: OperationParams[Op]): Promise<string[]>;
}

/** SageMaker calls an operation makes: reads and writes, each an SDK command and the IAM action of the same name. */
export function sagemakerCalls(calls: { reads?: readonly string[]; writes?: readonly string[] }): Pick<Operation, 'sdkCommands' | 'mutatingCommands' | 'iamActions'> {
  const reads = calls.reads ?? [];
  const writes = calls.writes ?? [];
  const sdkCommands = [...reads, ...writes];
  return { sdkCommands, mutatingCommands: writes, iamActions: sdkCommands.map((c) => `sagemaker:${c}`) };
}

/** Type helper: the implementation is checked against the operation's declared inputs. */
export function defineOperation<Op extends AutomatedOperationName>(op: Operation<Op>): Operation<Op> {
  return op;
}
