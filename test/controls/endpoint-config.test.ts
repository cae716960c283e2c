import { describe, it, expect } from 'vitest';
import { sagemaker4 } from '../../src/controls/sagemaker-4.js';
import { describeControlContract } from './contract.js';
import { endpointConfig, params, unread } from './fixtures.js';

const P = params();
const variant = (name: string, count: number | undefined, type = 'ml.m5.xlarge' as const) => ({
  VariantName: name,
  ModelName: 'churn-model',
  InstanceType: type,
  InitialVariantWeight: 1,
  ...(count !== undefined ? { InitialInstanceCount: count } : {}),
});
const serverless = (name: string) => ({ VariantName: name, ModelName: 'churn-model', ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } });

describe('SageMaker.4 endpoint production variant instance count', () => {
  it('metadata: periodic, takes minimumInstanceCount, recreate', () => {
    expect(sagemaker4.metadata).toMatchObject({ schedule: 'periodic', parameters: ['minimumInstanceCount'], remediation: 'recreate', severity: 'MEDIUM' });
  });
  it('passes when every instance-based variant has 2 or more', () => {
    expect(sagemaker4.evaluate(endpointConfig('ec-1', [variant('AllTraffic', 2), serverless('sl')]), P).status).toBe('PASSED');
  });
  it('fails on a variant with 1 instance, naming it', () => {
    expect(sagemaker4.evaluate(endpointConfig('ec-1', [variant('AllTraffic', 1), variant('b', 3)]), P)).toEqual({
      status: 'FAILED',
      reason: 'SageMaker endpoint configuration ec-1 has a production variant with an initial instance count of 1 or less: AllTraffic (1).',
    });
  });
  it('is NOT_APPLICABLE when all variants are serverless', () => {
    const r = sagemaker4.evaluate(endpointConfig('ec-sl', [serverless('a'), serverless('b')]), P);
    expect(r.status).toBe('NOT_APPLICABLE');
    expect(r.reason).toContain('serverless');
  });
  it('is UNKNOWN without Describe, or when an instance variant reports no count', () => {
    expect(sagemaker4.evaluate(unread('endpoint-config', 'ec-1'), P).reason).toContain('InitialInstanceCount');
    expect(sagemaker4.evaluate(endpointConfig('ec-1', [variant('a', undefined)]), P).status).toBe('UNKNOWN');
  });
  it('plans copy, switch, wait, delete-if-unused with the cost per failing variant', () => {
    const plan = sagemaker4.plan(endpointConfig('ec-1', [variant('AllTraffic', 1), variant('big', 4, 'ml.g5.xlarge' as never)]), P);
    expect(plan.kind).toBe('recreate');
    expect(plan.steps.map((s) => [s.operation, s.params])).toEqual([
      ['endpoint-config.create-copy', { sourceName: 'ec-1', newName: 'ec-1-secure', minimumInstanceCount: 2 }],
      ['endpoints.switch-config', { oldConfigName: 'ec-1', newConfigName: 'ec-1-secure' }],
      ['endpoints.wait-in-service', { configName: 'ec-1-secure', maxWaitSeconds: 3600 }],
      ['endpoint-config.delete-if-unused', { name: 'ec-1' }],
    ]);
    expect(plan.disruption).toContain('ml.m5.xlarge: 1 → 2 instances (×2 cost for that variant)');
    expect(plan.disruption).not.toContain('ml.g5.xlarge');
    expect(plan.disruption).toContain('accepting the risk with a note is usually better than paying for the extra instances');
  });
  it('uses the configured minimum', () => {
    const plan = sagemaker4.plan(endpointConfig('ec-1', [variant('AllTraffic', 1)]), params({ minimumInstanceCount: 3 }));
    expect(plan.steps[0]?.params).toMatchObject({ minimumInstanceCount: 3 });
    expect(plan.disruption).toContain('1 → 3 instances (×3 cost');
  });
});

describeControlContract(sagemaker4, endpointConfig('ec-1', [{ VariantName: 'AllTraffic', ModelName: 'm', InstanceType: 'ml.m5.xlarge', InitialInstanceCount: 1 }]), params());
