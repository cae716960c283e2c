import { describe, it, expect } from 'vitest';
import { sagemaker17 } from '../../src/controls/sagemaker-17.js';
import { sagemaker18 } from '../../src/controls/sagemaker-18.js';
import { describeControlContract } from './contract.js';
import { featureGroup, params, unread } from './fixtures.js';

const P = params();

describe('SageMaker.17 offline store KMS', () => {
  it('passes with an offline store KMS key', () => {
    expect(sagemaker17.evaluate(featureGroup('fg-1'), P).status).toBe('PASSED');
  });
  it('fails without one', () => {
    const r = sagemaker17.evaluate(featureGroup('fg-1', { OfflineStoreConfig: { S3StorageConfig: { S3Uri: 's3://b/p' } } }), P);
    expect(r).toEqual({
      status: 'FAILED',
      reason: 'SageMaker feature group fg-1 has no KMS key on its offline store (OfflineStoreConfig.S3StorageConfig.KmsKeyId is absent).',
    });
  });
  it('is NOT_APPLICABLE without an offline store', () => {
    expect(sagemaker17.evaluate(featureGroup('fg-1', { OfflineStoreConfig: undefined }), P)).toEqual({
      status: 'NOT_APPLICABLE',
      reason: 'SageMaker feature group fg-1 has no offline store.',
    });
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker17.evaluate(unread('feature-group', 'fg-1'), P).status).toBe('UNKNOWN');
  });
  it('plans a manual recreate', () => {
    const plan = sagemaker17.plan(featureGroup('fg-1', { OfflineStoreConfig: { S3StorageConfig: { S3Uri: 's3://b/p' } } }), P);
    expect(plan.kind).toBe('manual');
    expect(plan.steps.map((s) => s.id)).toEqual(['record', 'create', 'backfill', 'switch', 'delete']);
    expect(plan.steps[1]?.title).toContain('OfflineStoreConfig.S3StorageConfig.KmsKeyId');
  });
});

describe('SageMaker.18 online store KMS (standard storage)', () => {
  it('passes with a KMS key on a Standard online store', () => {
    expect(sagemaker18.evaluate(featureGroup('fg-1'), P).status).toBe('PASSED');
  });
  it('fails without a key, also when StorageType is absent (Standard by default)', () => {
    expect(sagemaker18.evaluate(featureGroup('fg-1', { OnlineStoreConfig: { EnableOnlineStore: true, StorageType: 'Standard' } }), P).status).toBe('FAILED');
    const r = sagemaker18.evaluate(featureGroup('fg-1', { OnlineStoreConfig: { EnableOnlineStore: true } }), P);
    expect(r.status).toBe('FAILED');
    expect(r.reason).toContain('Standard online store');
  });
  it('is NOT_APPLICABLE for InMemory storage or no online store', () => {
    expect(sagemaker18.evaluate(featureGroup('fg-1', { OnlineStoreConfig: { EnableOnlineStore: true, StorageType: 'InMemory' } }), P).status).toBe('NOT_APPLICABLE');
    expect(sagemaker18.evaluate(featureGroup('fg-1', { OnlineStoreConfig: undefined }), P).status).toBe('NOT_APPLICABLE');
    expect(sagemaker18.evaluate(featureGroup('fg-1', { OnlineStoreConfig: { EnableOnlineStore: false } }), P).reason).toBe(
      'SageMaker feature group fg-1 has no online store.',
    );
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker18.evaluate(unread('feature-group', 'fg-1'), P).reason).toContain('OnlineStoreConfig.SecurityConfig.KmsKeyId');
  });
  it('plans a manual recreate', () => {
    const plan = sagemaker18.plan(featureGroup('fg-1', { OnlineStoreConfig: { EnableOnlineStore: true } }), P);
    expect(plan.kind).toBe('manual');
    expect(plan.steps[1]?.title).toContain('OnlineStoreConfig.SecurityConfig.KmsKeyId');
  });
});

describeControlContract(sagemaker17, featureGroup('fg-1', { OfflineStoreConfig: { S3StorageConfig: { S3Uri: 's3://b/p' } } }), params());
describeControlContract(sagemaker18, featureGroup('fg-1', { OnlineStoreConfig: { EnableOnlineStore: true, StorageType: 'Standard' } }), params());
