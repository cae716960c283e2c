import { describe, it, expect } from 'vitest';
import { sagemaker5 } from '../../src/controls/sagemaker-5.js';
import { sagemaker16 } from '../../src/controls/sagemaker-16.js';
import { sagemaker19 } from '../../src/controls/sagemaker-19.js';
import { describeControlContract } from './contract.js';
import { model, params, pipelineModel, unread } from './fixtures.js';

const P = params();

describe('SageMaker.5 model network isolation', () => {
  it('passes when EnableNetworkIsolation is true', () => {
    expect(sagemaker5.evaluate(model('m-1'), P)).toEqual({ status: 'PASSED', reason: 'SageMaker model m-1 has network isolation enabled.' });
  });
  it('fails when false or absent', () => {
    expect(sagemaker5.evaluate(model('m-1', { EnableNetworkIsolation: false }), P).reason).toBe('SageMaker model m-1 has network isolation disabled.');
    expect(sagemaker5.evaluate(model('m-1', { EnableNetworkIsolation: undefined }), P).status).toBe('FAILED');
  });
  it('never answers NOT_APPLICABLE (single or multi-container)', () => {
    for (const s of [model('a'), model('b', { EnableNetworkIsolation: false }), pipelineModel('c', ['Platform'])]) {
      expect(sagemaker5.evaluate(s, P).status).not.toBe('NOT_APPLICABLE');
    }
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker5.evaluate(unread('model', 'm-1'), P).reason).toContain('DescribeModel output (EnableNetworkIsolation)');
  });
  it('plans a manual recreate with the P6 warning', () => {
    const plan = sagemaker5.plan(model('m-1', { EnableNetworkIsolation: false }), P);
    expect(plan.kind).toBe('manual');
    expect(plan.steps.map((s) => s.id)).toEqual(['check', 'create', 'endpoint-config', 'switch', 'delete']);
    expect(plan.steps.every((s) => s.operation === 'manual')).toBe(true);
    expect(plan.steps[1]?.title).toContain('EnableNetworkIsolation=true');
    expect(plan.disruption).toContain('AWS credentials');
    expect(plan.disruption).toContain('accept the risk');
  });
});

describe('SageMaker.16 private registry for primary containers', () => {
  it('passes with RepositoryAccessMode Vpc', () => {
    expect(sagemaker16.evaluate(model('m-1'), P).status).toBe('PASSED');
  });
  it('fails with Platform, or without ImageConfig', () => {
    expect(sagemaker16.evaluate(model('m-1', { PrimaryContainer: { Image: 'x', ImageConfig: { RepositoryAccessMode: 'Platform' } } }), P)).toEqual({
      status: 'FAILED',
      reason: 'SageMaker model m-1 has repository access mode Platform on its primary container, not a private registry in a VPC.',
    });
    expect(sagemaker16.evaluate(model('m-1', { PrimaryContainer: { Image: 'x' } }), P).status).toBe('FAILED');
  });
  it('is NOT_APPLICABLE for a multi-container model', () => {
    const r = sagemaker16.evaluate(pipelineModel('pipe', ['Platform', 'Platform']), P);
    expect(r.status).toBe('NOT_APPLICABLE');
    expect(r.reason).toContain('SageMaker.19');
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker16.evaluate(unread('model', 'm-1'), P).status).toBe('UNKNOWN');
  });
  it('plans manual steps that lead with accept-the-risk', () => {
    const plan = sagemaker16.plan(model('m-1', { PrimaryContainer: { Image: 'x' } }), P);
    expect(plan.kind).toBe('manual');
    expect(plan.summary).toContain('accepting the risk with a note is usually the better answer');
    expect(plan.steps[0]?.title).toContain('accept the risk');
    expect(plan.steps.find((s) => s.id === 'create')?.title).toContain('RepositoryAccessMode=Vpc');
  });
});

describe('SageMaker.19 private registry for inference pipelines', () => {
  it('passes when every container uses Vpc', () => {
    expect(sagemaker19.evaluate(pipelineModel('pipe', ['Vpc', 'Vpc']), P).status).toBe('PASSED');
  });
  it('fails when any container uses Platform or has no ImageConfig, naming them', () => {
    expect(sagemaker19.evaluate(pipelineModel('pipe', ['Vpc', 'Platform', undefined]), P)).toEqual({
      status: 'FAILED',
      reason: 'SageMaker model pipe has containers not using a private registry in a VPC: step-2 (Platform), step-3 (no ImageConfig).',
    });
  });
  it('is NOT_APPLICABLE for a single-container model', () => {
    const r = sagemaker19.evaluate(model('m-1', { PrimaryContainer: { Image: 'x' } }), P);
    expect(r.status).toBe('NOT_APPLICABLE');
    expect(r.reason).toContain('SageMaker.16');
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker19.evaluate(unread('model', 'pipe'), P).reason).toContain('Containers[]');
  });
  it('plans manual steps with the accept-the-risk advice', () => {
    const plan = sagemaker19.plan(pipelineModel('pipe', ['Platform']), P);
    expect(plan.kind).toBe('manual');
    expect(plan.summary).toContain('accepting the risk with a note is usually the better answer');
    expect(plan.steps.map((s) => s.id)).toEqual(['decide', 'registry', 'create', 'switch', 'delete']);
  });
});

describeControlContract(sagemaker5, model('m-1', { EnableNetworkIsolation: false }), params());
describeControlContract(sagemaker16, model('m-1', { PrimaryContainer: { Image: 'x', ImageConfig: { RepositoryAccessMode: 'Platform' } } }), params());
describeControlContract(sagemaker19, pipelineModel('pipe', ['Platform', 'Vpc']), params());
