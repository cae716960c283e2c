import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import type { DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';
import { caught, credentials } from './testing.js';

const DELAY = 60_000;
let t = Date.UTC(2026, 1, 2, 8, 0, 0);
let standin: AwsStandin;
let client: SageMakerClient;
const describeEp = (): Promise<DescribeEndpointOutput> => client.send(new DescribeEndpointCommand({ EndpointName: 'ep' }));

beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: DELAY, now: () => t });
  client = new SageMakerClient({ endpoint: standin.url, region: 'us-east-1', credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await standin.close();
});

describe('endpoint deployments', () => {
  it('PendingDeploymentSummary while creating and updating; EndpointConfigName stays the old config until the update completes', async () => {
    await client.send(new CreateModelCommand({ ModelName: 'm', ExecutionRoleArn: 'arn:aws:iam::111111111111:role/m', PrimaryContainer: { Image: 'img' } }));
    await client.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'cfg1', ProductionVariants: [{ VariantName: 'v', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }] }));
    await client.send(new CreateEndpointConfigCommand({
      EndpointConfigName: 'cfg2',
      ProductionVariants: [
        { VariantName: 'v', ModelName: 'm', InstanceType: 'ml.m5.xlarge', InitialInstanceCount: 2, InitialVariantWeight: 3 },
        { VariantName: 'w', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
      ],
    }));

    const createdAt = t;
    await client.send(new CreateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'cfg1' }));
    const creating = await describeEp();
    expect(creating).toMatchObject({ EndpointStatus: 'Creating', EndpointConfigName: 'cfg1' });
    expect(creating.ProductionVariants).toBeUndefined();
    expect(creating.PendingDeploymentSummary).toEqual({
      EndpointConfigName: 'cfg1',
      StartTime: new Date(createdAt),
      ProductionVariants: [{ VariantName: 'v', DesiredWeight: 1, DesiredInstanceCount: 1, InstanceType: 'ml.m5.large', VariantStatus: [{ Status: 'Creating', StartTime: new Date(createdAt) }] }],
    });

    t += DELAY;
    const live = await describeEp();
    expect(live).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'cfg1', ProductionVariants: [{ VariantName: 'v', CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: 1, DesiredInstanceCount: 1 }] });
    expect(live.PendingDeploymentSummary).toBeUndefined();

    const updatedAt = (t += 1000);
    await client.send(new UpdateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'cfg2' }));
    const updating = await describeEp();
    expect(updating).toMatchObject({ EndpointStatus: 'Updating', EndpointConfigName: 'cfg1', ProductionVariants: [{ VariantName: 'v', CurrentInstanceCount: 1 }] });
    expect(updating.LastModifiedTime?.getTime()).toBe(updatedAt);
    expect(updating.PendingDeploymentSummary).toEqual({
      EndpointConfigName: 'cfg2',
      StartTime: new Date(updatedAt),
      ProductionVariants: [
        { VariantName: 'v', CurrentWeight: 1, DesiredWeight: 3, CurrentInstanceCount: 1, DesiredInstanceCount: 2, InstanceType: 'ml.m5.xlarge', VariantStatus: [{ Status: 'Updating', StartTime: new Date(updatedAt) }] },
        { VariantName: 'w', DesiredWeight: 1, DesiredInstanceCount: 1, InstanceType: 'ml.m5.large', VariantStatus: [{ Status: 'Updating', StartTime: new Date(updatedAt) }] },
      ],
    });
    const again = await caught(client.send(new UpdateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'cfg1' })));
    expect(again).toMatchObject({ name: 'ValidationException' });

    // The API documents no error for deleting a config in use; the endpoint keeps what it deployed.
    await client.send(new DeleteEndpointConfigCommand({ EndpointConfigName: 'cfg1' }));
    expect((await describeEp()).ProductionVariants?.map((v) => v.CurrentInstanceCount)).toEqual([1]);

    t += DELAY;
    const done = await describeEp();
    expect(done).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: 'cfg2',
      ProductionVariants: [
        { VariantName: 'v', CurrentWeight: 3, CurrentInstanceCount: 2 },
        { VariantName: 'w', CurrentWeight: 1, CurrentInstanceCount: 1 },
      ],
    });
    expect(done.PendingDeploymentSummary).toBeUndefined();
    await client.send(new DeleteEndpointConfigCommand({ EndpointConfigName: 'cfg2' }));
    expect((await describeEp()).ProductionVariants).toHaveLength(2);
  });

  it('a Failed endpoint shows FailureReason and no pending deployment', async () => {
    await client.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'cfg3', ProductionVariants: [{ VariantName: 'v', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }] }));
    await client.send(new CreateEndpointCommand({ EndpointName: 'ep-bad', EndpointConfigName: 'cfg3' }));
    standin.forceStatus(standin.defaultAccountId, 'us-east-1', 'endpoint', 'ep-bad', 'Failed', 'Image pull failed');
    const d = await client.send(new DescribeEndpointCommand({ EndpointName: 'ep-bad' }));
    expect(d).toMatchObject({ EndpointStatus: 'Failed', FailureReason: 'Image pull failed' });
    expect(d.PendingDeploymentSummary).toBeUndefined();
    // Updating a Failed endpoint is allowed and clears the reason.
    await client.send(new UpdateEndpointCommand({ EndpointName: 'ep-bad', EndpointConfigName: 'cfg3' }));
    const u = await client.send(new DescribeEndpointCommand({ EndpointName: 'ep-bad' }));
    expect(u.FailureReason).toBeUndefined();
    expect(u.PendingDeploymentSummary?.EndpointConfigName).toBe('cfg3');
  });
});
