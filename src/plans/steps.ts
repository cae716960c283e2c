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

/**
 * Operations that apply every setting they are given in one call, so the steps of two plans that name one of them
 * combine into one step with all the settings (src/plans/merge.ts), and the title that says which. Controls title
 * their own steps of these operations with the same functions.
 */
export const SETTING_STEP_TITLES: { [Op in OperationName]?: (params: OperationParams[Op]) => string } = {
  'notebook.update': (p) =>
    `Update notebook \`${p.notebookName}\`: ${[p.RootAccess && `RootAccess=${p.RootAccess}`, p.PlatformIdentifier && `PlatformIdentifier=${p.PlatformIdentifier}`].filter(Boolean).join(', ')}`,
  'schedule.update-network-config': (p) =>
    `Set ${[p.enableNetworkIsolation && 'EnableNetworkIsolation=true', p.enableInterContainerTrafficEncryption && 'EnableInterContainerTrafficEncryption=true'].filter(Boolean).join(' and ')} on schedule \`${p.scheduleName}\``,
};

