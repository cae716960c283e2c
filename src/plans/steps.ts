import type { JobDefinitionKind } from '../aws/resources.js';

/**
 * The vocabulary of remediation steps: every operation a plan may name, with its inputs. Controls build plans from
 * it; `src/remediation/operations/` holds one module per operation that implements it (the type system checks that
 * each name here has exactly one implementation). The account, region and resource ARN come from the remediation
 * job, not from the step. Waits take a bound so a stuck resource fails the plan instead of hanging.
 */
export interface OperationParams {
  'notebook.stop-if-running': { notebookName: string };
  'notebook.wait-stopped': { notebookName: string; maxWaitSeconds: number };
  'notebook.update': { notebookName: string; RootAccess?: 'Disabled'; PlatformIdentifier?: string };
  'notebook.start-if-was-running': { notebookName: string };
  'notebook.wait-in-service': { notebookName: string; maxWaitSeconds: number };
  'job-definition.snapshot': { kind: JobDefinitionKind; name: string };
  'job-definition.create-compliant': {
    kind: JobDefinitionKind;
    sourceName: string;
    newName: string;
    enableNetworkIsolation?: true;
    enableInterContainerTrafficEncryption?: true;
  };
  'schedules.repoint': { kind: JobDefinitionKind; oldName: string; newName: string };
  'schedules.wait-not-pending': { kind: JobDefinitionKind; definitionName: string; maxWaitSeconds: number };
  'job-definition.delete-if-unused': { kind: JobDefinitionKind; name: string };
  'schedule.update-network-config': {
    scheduleName: string;
    enableNetworkIsolation?: true;
    enableInterContainerTrafficEncryption?: true;
  };
  'schedule.wait-not-pending': { scheduleName: string; maxWaitSeconds: number };
  'tags.add': { resourceArn: string; tags: Record<string, string> };
  'endpoint-config.create-copy': { sourceName: string; newName: string; minimumInstanceCount: number };
  'endpoints.switch-config': { oldConfigName: string; newConfigName: string };
  'endpoints.wait-in-service': { configName: string; maxWaitSeconds: number };
  'endpoint-config.delete-if-unused': { name: string };
  /** A step a person does; the bot shows it and never runs it. */
  manual: Record<string, never>;
}

export type OperationName = keyof OperationParams;
/** Operations the bot runs (everything but `manual`). */
export type AutomatedOperationName = Exclude<OperationName, 'manual'>;
