/**
 * The allow-list of operations a remediation step may name. Each declares the SDK commands it sends and the
 * IAM actions it therefore needs, and whether it destroys something. The executor (src/remediation/executor.ts)
 * implements each one idempotently: it checks whether its effect is already there before acting.
 */
export interface OperationSpec {
  description: string;
  /** SDK command names (without the `Command` suffix) the operation may send. */
  sdkCommands: readonly string[];
  /** IAM actions the remediation role needs for it. */
  iamActions: readonly string[];
  /** True when the step removes something; the plan must hold a restorable copy before it. */
  destructive: boolean;
}

function sagemaker(...commands: string[]): Pick<OperationSpec, 'sdkCommands' | 'iamActions'> {
  return { sdkCommands: commands, iamActions: commands.map((c) => `sagemaker:${c}`) };
}

export const OPERATIONS = {
  'notebook.stop-if-running': {
    description: 'Stop the notebook instance if it is InService (waits out Pending/Updating first)',
    ...sagemaker('DescribeNotebookInstance', 'StopNotebookInstance'),
    destructive: false,
  },
  'notebook.wait-stopped': {
    description: 'Wait until the notebook instance is Stopped',
    ...sagemaker('DescribeNotebookInstance'),
    destructive: false,
  },
  'notebook.update': {
    description: 'UpdateNotebookInstance with the compliant settings',
    ...sagemaker('DescribeNotebookInstance', 'UpdateNotebookInstance'),
    destructive: false,
  },
  'notebook.start-if-was-running': {
    description: 'Start the notebook instance again if it was running before the plan',
    ...sagemaker('DescribeNotebookInstance', 'StartNotebookInstance'),
    destructive: false,
  },
  'notebook.wait-in-service': {
    description: 'Wait until the notebook instance is InService',
    ...sagemaker('DescribeNotebookInstance'),
    destructive: false,
  },
  'job-definition.snapshot': {
    description: 'Keep a complete copy of the job definition and its tags in the job before any change',
    ...sagemaker(
      'DescribeDataQualityJobDefinition',
      'DescribeModelQualityJobDefinition',
      'DescribeModelBiasJobDefinition',
      'DescribeModelExplainabilityJobDefinition',
      'ListTags',
    ),
    destructive: false,
  },
  'job-definition.create-compliant': {
    description: 'Create the compliant copy of the job definition under a new name',
    ...sagemaker(
      'CreateDataQualityJobDefinition',
      'CreateModelQualityJobDefinition',
      'CreateModelBiasJobDefinition',
      'CreateModelExplainabilityJobDefinition',
      'AddTags',
    ),
    destructive: false,
  },
  'schedules.repoint': {
    description: 'Point every monitoring schedule that uses the old definition at the new one',
    ...sagemaker('ListMonitoringSchedules', 'DescribeMonitoringSchedule', 'UpdateMonitoringSchedule'),
    destructive: false,
  },
  'schedules.wait-not-pending': {
    description: 'Wait until the repointed schedules leave Pending',
    ...sagemaker('DescribeMonitoringSchedule'),
    destructive: false,
  },
  'job-definition.delete-if-unused': {
    description: 'Delete the old job definition once no schedule uses it (its copy stays in the job)',
    ...sagemaker(
      'ListMonitoringSchedules',
      'DeleteDataQualityJobDefinition',
      'DeleteModelQualityJobDefinition',
      'DeleteModelBiasJobDefinition',
      'DeleteModelExplainabilityJobDefinition',
    ),
    destructive: true,
  },
  'schedule.update-network-config': {
    description: 'UpdateMonitoringSchedule with the compliant NetworkConfig on its embedded job definition',
    ...sagemaker('DescribeMonitoringSchedule', 'UpdateMonitoringSchedule'),
    destructive: false,
  },
  'schedule.wait-not-pending': {
    description: 'Wait until the monitoring schedule leaves Pending',
    ...sagemaker('DescribeMonitoringSchedule'),
    destructive: false,
  },
  'tags.add': {
    description: 'Add the required tags (AddTags)',
    ...sagemaker('ListTags', 'AddTags'),
    destructive: false,
  },
  'endpoint-config.create-copy': {
    description: 'Create a copy of the endpoint config under a new name with the compliant settings',
    ...sagemaker('DescribeEndpointConfig', 'CreateEndpointConfig', 'ListTags', 'AddTags'),
    destructive: false,
  },
  'endpoints.switch-config': {
    description: 'UpdateEndpoint on every endpoint that uses the old config, to the new config',
    ...sagemaker('ListEndpoints', 'DescribeEndpoint', 'UpdateEndpoint'),
    destructive: false,
  },
  'endpoints.wait-in-service': {
    description: 'Wait until the switched endpoints are InService',
    ...sagemaker('DescribeEndpoint'),
    destructive: false,
  },
  'endpoint-config.delete-if-unused': {
    description: 'Delete the old endpoint config once no endpoint uses it (its copy stays in the job)',
    ...sagemaker('ListEndpoints', 'DescribeEndpoint', 'DeleteEndpointConfig'),
    destructive: true,
  },
  manual: {
    description: 'A step a person does; the bot never runs it',
    sdkCommands: [],
    iamActions: [],
    destructive: false,
  },
} as const satisfies Record<string, OperationSpec>;

export type OperationName = keyof typeof OPERATIONS;

export function isOperationName(value: string): value is OperationName {
  return Object.hasOwn(OPERATIONS, value);
}

type JobDefinitionKindName =
  | 'data-quality-job-definition'
  | 'model-quality-job-definition'
  | 'model-bias-job-definition'
  | 'model-explainability-job-definition';

/**
 * The inputs of each operation, fixed when the plan is made. The account, region and resource ARN come from the
 * remediation job, not from the step. Waits take a bound so a stuck resource fails the plan instead of hanging.
 */
export interface OperationParams {
  'notebook.stop-if-running': { notebookName: string };
  'notebook.wait-stopped': { notebookName: string; maxWaitSeconds: number };
  'notebook.update': { notebookName: string; RootAccess?: 'Disabled'; PlatformIdentifier?: string };
  'notebook.start-if-was-running': { notebookName: string };
  'notebook.wait-in-service': { notebookName: string; maxWaitSeconds: number };
  'job-definition.snapshot': { kind: JobDefinitionKindName; name: string };
  'job-definition.create-compliant': {
    kind: JobDefinitionKindName;
    sourceName: string;
    newName: string;
    enableNetworkIsolation?: true;
    enableInterContainerTrafficEncryption?: true;
  };
  'schedules.repoint': { kind: JobDefinitionKindName; oldName: string; newName: string };
  'schedules.wait-not-pending': { kind: JobDefinitionKindName; definitionName: string; maxWaitSeconds: number };
  'job-definition.delete-if-unused': { kind: JobDefinitionKindName; name: string };
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
  manual: Record<string, never>;
}
