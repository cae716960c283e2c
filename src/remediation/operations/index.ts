import type { AutomatedOperationName, OperationName } from '../../plans/steps.js';
import type { Permission } from '../../aws/permissions.js';
import type { Operation } from './define.js';
import { endpointConfigCreateCopy } from './endpoint-config/create-copy.js';
import { endpointConfigDeleteIfUnused } from './endpoint-config/delete-if-unused.js';
import { endpointsSwitchConfig } from './endpoint-config/switch-config.js';
import { endpointsWaitInService } from './endpoint-config/wait-in-service.js';
import { jobDefinitionCreateCompliant } from './job-definition/create-compliant.js';
import { jobDefinitionDeleteIfUnused } from './job-definition/delete-if-unused.js';
import { schedulesRepoint } from './job-definition/repoint-schedules.js';
import { jobDefinitionSnapshot } from './job-definition/snapshot.js';
import { schedulesWaitNotPending } from './job-definition/wait-schedules.js';
import { notebookStartIfWasRunning } from './notebook/start-if-was-running.js';
import { notebookStopIfRunning } from './notebook/stop-if-running.js';
import { notebookUpdate } from './notebook/update.js';
import { notebookWaitInService } from './notebook/wait-in-service.js';
import { notebookWaitStopped } from './notebook/wait-stopped.js';
import { scheduleUpdateNetworkConfig } from './schedule/update-network-config.js';
import { scheduleWaitNotPending } from './schedule/wait-not-pending.js';
import { tagsAdd } from './tags/add.js';

export type { Operation } from './define.js';

/**
 * The allow-list: every operation a plan may name, one module each. The type checks that each name of the step
 * vocabulary (src/plans/steps.ts) has exactly its own implementation.
 */
export const OPERATIONS: { readonly [Op in AutomatedOperationName]: Operation<Op> } = {
  'notebook.stop-if-running': notebookStopIfRunning,
  'notebook.wait-stopped': notebookWaitStopped,
  'notebook.update': notebookUpdate,
  'notebook.start-if-was-running': notebookStartIfWasRunning,
  'notebook.wait-in-service': notebookWaitInService,
  'job-definition.snapshot': jobDefinitionSnapshot,
  'job-definition.create-compliant': jobDefinitionCreateCompliant,
  'schedules.repoint': schedulesRepoint,
  'schedules.wait-not-pending': schedulesWaitNotPending,
  'job-definition.delete-if-unused': jobDefinitionDeleteIfUnused,
  'schedule.update-network-config': scheduleUpdateNetworkConfig,
  'schedule.wait-not-pending': scheduleWaitNotPending,
  'tags.add': tagsAdd,
  'endpoint-config.create-copy': endpointConfigCreateCopy,
  'endpoints.switch-config': endpointsSwitchConfig,
  'endpoints.wait-in-service': endpointsWaitInService,
  'endpoint-config.delete-if-unused': endpointConfigDeleteIfUnused,
};

const ALL: readonly Operation[] = Object.values(OPERATIONS) as Operation[];

/** The operation a step names, or undefined for `manual` and for names outside the allow-list. */
export function automatedOperation(name: OperationName | string): Operation | undefined {
  return Object.hasOwn(OPERATIONS, name) ? (OPERATIONS as Record<string, Operation>)[name] : undefined;
}

/** Every SDK command that changes something: a dry run must send none of them. */
export const MUTATING_COMMANDS: readonly string[] = [...new Set(ALL.flatMap((op) => op.mutatingCommands))].sort();

/** What the approved fixes need, each permission with the operation that declares it. */
export function operationPermissions(): { operation: Operation; permission: Permission }[] {
  return ALL.flatMap((operation) => operation.permissions.map((permission) => ({ operation, permission })));
}
