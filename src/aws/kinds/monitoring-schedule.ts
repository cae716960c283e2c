import { DescribeMonitoringScheduleCommand, paginateListMonitoringSchedules } from '@aws-sdk/client-sagemaker';
import type { KindDescriptor } from './types.js';
import { listedPages, withoutMetadata } from './types.js';

export const monitoringSchedule: KindDescriptor<'monitoring-schedule'> = {
  kind: 'monitoring-schedule',
  label: 'monitoring schedule',
  resourceType: 'AWS::SageMaker::MonitoringSchedule',
  lowercaseArnName: false,
  nameField: 'MonitoringScheduleName',
  list: {
    operation: 'ListMonitoringSchedules',
    pages: (client, pageSize) =>
      listedPages(paginateListMonitoringSchedules({ client, pageSize }, {}), (p) =>
        (p.MonitoringScheduleSummaries ?? []).map((i) => ({
          name: i.MonitoringScheduleName,
          arn: i.MonitoringScheduleArn,
          creationTime: i.CreationTime,
          lastModifiedTime: i.LastModifiedTime,
        })),
      ),
  },
  describe: {
    operation: 'DescribeMonitoringSchedule',
    call: async (client, name) => withoutMetadata(await client.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name }))),
  },
  statusField: 'MonitoringScheduleStatus',
  versionSignal: 'last-modified-time',
  volatileKeys: ['MonitoringScheduleStatus', 'LastMonitoringExecutionSummary', 'FailureReason', 'CreationTime', 'LastModifiedTime'],
};
