import { sagemakerPermissions } from '../../aws/permissions.js';
import type { Permission } from '../../aws/permissions.js';
import type { AutomatedOperationName, OperationParams } from '../../plans/steps.js';
import type { StepOutcome, StepRun } from './step-run.js';

/**
 * One remediation operation, Cloud Custodian-style: what it does, the SDK calls it may make (and which of them
 * change something), the IAM permissions it therefore needs, whether it destroys something, its idempotent
 * implementation (it looks before it acts, so a resumed job never repeats an effect) and its undo.
 */
export interface Operation<Op extends AutomatedOperationName = AutomatedOperationName> {
  name: Op;
  description: string;
  /** SDK command names (without the `Command` suffix) the operation may send. */
  sdkCommands: readonly string[];
  /** The subset of `sdkCommands` that change something: a dry run sends none of them. */
  mutatingCommands: readonly string[];
  /**
   * What the remediation role needs for it, its undo included: each SageMaker call on its own resource type, plus what
   * AWS checks besides (iam:PassRole, AddTags for tags given to a Create call, KMS grants).
   */
  permissions: readonly Permission[];
  /** True when the step removes something; the plan must hold a restorable copy before it. */
  destructive: boolean;
  run(run: StepRun, params: OperationParams[Op]): Promise<StepOutcome>;
  /**
   * Undoes what this step (and the steps of its plan that depend on it) did, from whatever point the plan reached
   * after a later failure. Returns what was undone, in words; throws when the undo itself fails.
   */
  rollback?(run: StepRun, params: OperationParams[Op]): Promise<string[]>;
}

/**
 * SageMaker calls an operation makes: reads and writes, each an SDK command and the IAM action of the same name on
 * its resource type (`tagsOf`: the types ListTags/AddTags act on), plus any `extra` permission AWS checks besides.
 */
export function sagemakerCalls(
  calls: { reads?: readonly string[]; writes?: readonly string[]; tagsOf?: readonly string[] },
  ...extra: Permission[]
): Pick<Operation, 'sdkCommands' | 'mutatingCommands' | 'permissions'> {
  const reads = calls.reads ?? [];
  const writes = calls.writes ?? [];
  const sdkCommands = [...new Set([...reads, ...writes])];
  return { sdkCommands, mutatingCommands: [...new Set(writes)], permissions: [...sagemakerPermissions(sdkCommands, calls.tagsOf), ...extra] };
}

/** Type helper: the implementation is checked against the operation's declared inputs. */
export function defineOperation<Op extends AutomatedOperationName>(op: Operation<Op>): Operation<Op> {
  return op;
}
