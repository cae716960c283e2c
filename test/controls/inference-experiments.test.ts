import { describe, it, expect } from 'vitest';
import { sagemaker23 } from '../../src/controls/sagemaker-23.js';
import { sagemaker24 } from '../../src/controls/sagemaker-24.js';
import { describeControlContract } from './contract.js';
import { inferenceExperiment, params, unread } from './fixtures.js';

const P = params();

describe('SageMaker.23 instance storage KMS key', () => {
  it('passes with KmsKey', () => {
    expect(sagemaker23.evaluate(inferenceExperiment('ie-1'), P).status).toBe('PASSED');
  });
  it('fails without KmsKey', () => {
    expect(sagemaker23.evaluate(inferenceExperiment('ie-1', { KmsKey: undefined }), P)).toEqual({
      status: 'FAILED',
      reason: 'SageMaker inference experiment ie-1 has no KmsKey, so its instance storage volumes are not encrypted with a customer managed KMS key.',
    });
  });
  it('never answers NOT_APPLICABLE, even without data capture', () => {
    for (const s of [inferenceExperiment('a', { DataStorageConfig: undefined }), inferenceExperiment('b', { KmsKey: undefined, Status: 'Completed' })]) {
      expect(sagemaker23.evaluate(s, P).status).not.toBe('NOT_APPLICABLE');
    }
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker23.evaluate(unread('inference-experiment', 'ie-1'), P).reason).toContain('DescribeInferenceExperiment output (KmsKey)');
  });
  it('plans a manual recreate including kms:CreateGrant', () => {
    const plan = sagemaker23.plan(inferenceExperiment('ie-1', { KmsKey: undefined }), P);
    expect(plan.kind).toBe('manual');
    expect(plan.steps.map((s) => s.id)).toEqual(['record', 'key', 'stop', 'create', 'delete']);
    expect(plan.steps[1]?.title).toContain('kms:CreateGrant');
  });
});

describe('SageMaker.24 data storage KMS key', () => {
  it('passes with DataStorageConfig.KmsKey', () => {
    expect(sagemaker24.evaluate(inferenceExperiment('ie-1'), P).status).toBe('PASSED');
  });
  it('fails when data capture has no KmsKey', () => {
    const r = sagemaker24.evaluate(inferenceExperiment('ie-1', { DataStorageConfig: { Destination: 's3://ml-shadow-capture/churn' } }), P);
    expect(r.status).toBe('FAILED');
    expect(r.reason).toContain('s3://ml-shadow-capture/churn');
  });
  it('is NOT_APPLICABLE without DataStorageConfig (no data capture)', () => {
    expect(sagemaker24.evaluate(inferenceExperiment('ie-1', { DataStorageConfig: undefined }), P)).toEqual({
      status: 'NOT_APPLICABLE',
      reason: 'SageMaker inference experiment ie-1 has no DataStorageConfig, so it captures no data.',
    });
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker24.evaluate(unread('inference-experiment', 'ie-1'), P).status).toBe('UNKNOWN');
  });
  it('plans manual steps: update if accepted, else recreate', () => {
    const plan = sagemaker24.plan(inferenceExperiment('ie-1', { DataStorageConfig: { Destination: 's3://x' } }), P);
    expect(plan.kind).toBe('manual');
    expect(plan.steps.map((s) => s.id)).toEqual(['key', 'update', 'recreate', 'reencrypt']);
  });
});

describeControlContract(sagemaker23, inferenceExperiment('ie-1', { KmsKey: undefined }), params());
describeControlContract(sagemaker24, inferenceExperiment('ie-1', { DataStorageConfig: { Destination: 's3://x' } }), params());
