import { describe, it, expect } from 'vitest';
import type { DescribeNotebookInstanceOutput } from '@aws-sdk/client-sagemaker';
import { sagemaker1 } from '../../src/controls/sagemaker-1.js';
import { sagemaker2 } from '../../src/controls/sagemaker-2.js';
import { sagemaker3 } from '../../src/controls/sagemaker-3.js';
import { sagemaker8 } from '../../src/controls/sagemaker-8.js';
import { sagemaker21 } from '../../src/controls/sagemaker-21.js';
import { describeControlContract } from './contract.js';
import { notebook, notebookDetail, params, snapshot, unread, without } from './fixtures.js';

const P = params();
const realisticNotebooks = [
  notebook(),
  notebook({ DirectInternetAccess: 'Enabled', RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2-v3' }),
  snapshot('notebook-instance', 'bare', without(notebookDetail('bare'), 'SubnetId', 'KmsKeyId', 'RootAccess', 'SecurityGroups')),
  notebook({ NotebookInstanceStatus: 'Stopped' }),
  notebook({ NotebookInstanceStatus: 'Failed', FailureReason: 'capacity' }),
];

describe('notebook controls never answer NOT_APPLICABLE for realistic notebooks', () => {
  for (const control of [sagemaker1, sagemaker2, sagemaker3, sagemaker8, sagemaker21]) {
    it(control.metadata.id, () => {
      for (const s of realisticNotebooks) expect(control.evaluate(s, P).status).not.toBe('NOT_APPLICABLE');
    });
  }
});

describe('SageMaker.1 direct internet access', () => {
  it('passes when DirectInternetAccess is Disabled', () => {
    expect(sagemaker1.evaluate(notebook(), P)).toEqual({
      status: 'PASSED',
      reason: 'SageMaker notebook instance nb-1 has direct internet access disabled.',
    });
  });
  it('fails when Enabled, and when absent (AWS default Enabled)', () => {
    expect(sagemaker1.evaluate(notebook({ DirectInternetAccess: 'Enabled' }), P)).toEqual({
      status: 'FAILED',
      reason: 'SageMaker notebook instance nb-1 has direct internet access enabled.',
    });
    const absent = sagemaker1.evaluate(snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'DirectInternetAccess')), P);
    expect(absent.status).toBe('FAILED');
    expect(absent.reason).toContain('AWS default');
  });
  it('is UNKNOWN when DescribeNotebookInstance was not read, naming the field and the error', () => {
    const r = sagemaker1.evaluate(unread('notebook-instance', 'nb-1'), P);
    expect(r.status).toBe('UNKNOWN');
    expect(r.reason).toBe(
      'SageMaker notebook instance nb-1 was not evaluated because its DescribeNotebookInstance output (DirectInternetAccess) was not read (AccessDeniedException).',
    );
  });
  it('metadata: periodic, high, describe only', () => {
    expect(sagemaker1.metadata).toMatchObject({ severity: 'HIGH', schedule: 'periodic', evidence: { describe: true, tags: false }, remediation: 'manual' });
  });
  it('plans a manual rebuild: backup, settings to copy, create, migrate, delete; mentions the other rebuild-only failures', () => {
    const s = notebook({ DirectInternetAccess: 'Enabled', KmsKeyId: undefined, InstanceType: 'ml.t3.large' });
    const plan = sagemaker1.plan(s, P);
    expect(plan.kind).toBe('manual');
    expect(plan.steps.map((x) => x.id)).toEqual(['agree', 'backup', 'record', 'create', 'migrate', 'delete']);
    expect(plan.steps.every((x) => x.operation === 'manual' && Object.keys(x.params).length === 0)).toBe(true);
    expect(plan.summary).toContain('SageMaker.21');
    expect(plan.steps.find((x) => x.id === 'backup')?.title).toContain('/home/ec2-user/SageMaker');
    expect(plan.steps.find((x) => x.id === 'record')?.title).toContain('InstanceType (ml.t3.large)');
    const create = plan.steps.find((x) => x.id === 'create')?.title ?? '';
    for (const field of ['DirectInternetAccess=Disabled', 'SubnetId', 'KmsKeyId', 'PlatformIdentifier=notebook-al2023-v1', 'nb-1-secure']) {
      expect(create).toContain(field);
    }
    expect(plan.disruption).toContain('ML storage volume');
    expect(plan.verify).toEqual({ controlId: 'SageMaker.1' });
  });
});

describe('SageMaker.2 custom VPC', () => {
  it('passes with a SubnetId', () => {
    expect(sagemaker2.evaluate(notebook(), P).status).toBe('PASSED');
  });
  it('fails without a SubnetId', () => {
    expect(sagemaker2.evaluate(snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'SubnetId')), P)).toEqual({
      status: 'FAILED',
      reason: 'SageMaker notebook instance nb-1 has no SubnetId, so it is not launched in a custom VPC.',
    });
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker2.evaluate(unread('notebook-instance', 'nb-1'), P).reason).toContain('(SubnetId)');
  });
  it('plans the same manual rebuild and says .1/.2/.21 go together', () => {
    const plan = sagemaker2.plan(snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'SubnetId')), P);
    expect(plan.kind).toBe('manual');
    expect(plan.summary).toContain('SageMaker.1, .2 and .21 can only be fixed by a rebuild');
    expect(plan.rollback).toContain('stopped, not deleted');
  });
});

describe('SageMaker.21 customer managed KMS key', () => {
  it('passes with a KmsKeyId', () => {
    expect(sagemaker21.evaluate(notebook(), P).status).toBe('PASSED');
  });
  it('fails without KmsKeyId', () => {
    const r = sagemaker21.evaluate(snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'KmsKeyId')), P);
    expect(r.status).toBe('FAILED');
    expect(r.reason).toBe('SageMaker notebook instance nb-1 has no KmsKeyId, so its storage volume is not encrypted with a customer managed KMS key.');
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker21.evaluate(unread('notebook-instance', 'nb-1'), P).status).toBe('UNKNOWN');
  });
  it('plans a manual rebuild that also fixes .1 and .2 when they fail', () => {
    const s = snapshot('notebook-instance', 'nb-1', without(notebookDetail('nb-1', { DirectInternetAccess: 'Enabled' }), 'KmsKeyId', 'SubnetId'));
    const plan = sagemaker21.plan(s, P);
    expect(plan.kind).toBe('manual');
    expect(plan.summary).toContain('SageMaker.1 and SageMaker.2');
  });
});

describe('SageMaker.3 root access', () => {
  it('passes when RootAccess is Disabled', () => {
    expect(sagemaker3.evaluate(notebook(), P).reason).toBe('SageMaker notebook instance nb-1 has root access disabled.');
  });
  it('fails when Enabled, and when absent (AWS default Enabled)', () => {
    expect(sagemaker3.evaluate(notebook({ RootAccess: 'Enabled' }), P)).toEqual({
      status: 'FAILED',
      reason: 'SageMaker notebook instance nb-1 has root access enabled.',
    });
    expect(sagemaker3.evaluate(snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'RootAccess')), P).status).toBe('FAILED');
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker3.evaluate(unread('notebook-instance', 'nb-1'), P).reason).toContain('(RootAccess)');
  });

  it('plans stop, wait, update RootAccess, start, wait for an AL2023 notebook in service', () => {
    const plan = sagemaker3.plan(notebook({ RootAccess: 'Enabled' }), P);
    expect(plan.kind).toBe('in-place');
    expect(plan.steps.map((s) => [s.id, s.operation])).toEqual([
      ['stop', 'notebook.stop-if-running'],
      ['wait-stopped', 'notebook.wait-stopped'],
      ['update', 'notebook.update'],
      ['start', 'notebook.start-if-was-running'],
      ['wait-in-service', 'notebook.wait-in-service'],
    ]);
    expect(plan.steps[1]?.params).toEqual({ notebookName: 'nb-1', maxWaitSeconds: 1800 });
    expect(plan.steps[2]?.params).toEqual({ notebookName: 'nb-1', RootAccess: 'Disabled' });
    expect(plan.steps[4]?.params).toEqual({ notebookName: 'nb-1', maxWaitSeconds: 1800 });
    expect(plan.allowedStates).toEqual(['InService', 'Stopped', 'Pending', 'Updating', 'Stopping']);
    expect(plan.disruption).toContain('running kernels and in-memory state are lost');
    expect(plan.disruption).not.toContain('dnf');
    expect(plan.rollback).toContain('RootAccess=Enabled');
  });
  it('uses the real-case notebook name from Describe (ARNs are lower-cased)', () => {
    const s = notebook({ RootAccess: 'Enabled' }, 'DataScience-NB');
    expect(s.ref.arn.endsWith('/datascience-nb')).toBe(true);
    expect(sagemaker3.plan(s, P).steps[0]?.params).toEqual({ notebookName: 'DataScience-NB' });
  });
  it('says a Stopped notebook stays stopped', () => {
    const plan = sagemaker3.plan(notebook({ RootAccess: 'Enabled', NotebookInstanceStatus: 'Stopped' }), P);
    expect(plan.disruption).toContain('stays stopped');
    expect(plan.disruption).not.toContain('kernels');
  });
  it('moves an AL2 notebook to the supported platform in the same update (AL2 trap), mentioning dnf and instance types', () => {
    const plan = sagemaker3.plan(notebook({ RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2-v3' }), P);
    expect(plan.kind).toBe('in-place');
    expect(plan.steps[2]?.params).toEqual({ notebookName: 'nb-1', RootAccess: 'Disabled', PlatformIdentifier: 'notebook-al2023-v1' });
    expect(plan.disruption).toContain('dnf');
    expect(plan.disruption).toContain('ml.p3dn');
    expect(plan.summary).toContain('notebook-al2-v3');
  });
  it('uses the configured supported platform, not a hard-coded one', () => {
    const plan = sagemaker3.plan(notebook({ RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2-v2' }), params({ supportedPlatformIdentifiers: ['notebook-al2023-v2'] }));
    expect(plan.steps[2]?.params).toMatchObject({ PlatformIdentifier: 'notebook-al2023-v2' });
  });
  it('is manual for an AL2 notebook on an instance type AL2023 does not support', () => {
    for (const type of ['ml.p3.2xlarge', 'ml.p3dn.24xlarge', 'ml.p2.xlarge', 'ml.inf1.xlarge', 'ml.g3.4xlarge']) {
      const InstanceType = type as DescribeNotebookInstanceOutput['InstanceType'];
      const plan = sagemaker3.plan(notebook({ RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2-v3', InstanceType }), P);
      expect(plan.kind, type).toBe('manual');
      expect(plan.summary).toContain(type);
    }
  });
  it('is manual (rebuild) for an AL1 notebook', () => {
    const plan = sagemaker3.plan(notebook({ RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al1-v1' }), P);
    expect(plan.kind).toBe('manual');
    expect(plan.summary).toContain('notebook-al1-v1');
    expect(plan.steps.map((s) => s.id)).toContain('backup');
  });
  it('does not throw for a passing notebook', () => {
    expect(() => sagemaker3.plan(notebook(), P)).not.toThrow();
  });
});

describe('SageMaker.8 supported platform', () => {
  it('passes on a supported platform', () => {
    expect(sagemaker8.evaluate(notebook(), P)).toEqual({
      status: 'PASSED',
      reason: 'SageMaker notebook instance nb-1 runs on supported platform notebook-al2023-v1.',
    });
  });
  it('fails on AL2 now that the parameter is notebook-al2023-v1', () => {
    expect(sagemaker8.evaluate(notebook({ PlatformIdentifier: 'notebook-al2-v3' }), P)).toEqual({
      status: 'FAILED',
      reason: 'SageMaker notebook instance nb-1 runs on notebook-al2-v3, which is not a supported platform (notebook-al2023-v1).',
    });
  });
  it('follows the parameter', () => {
    expect(sagemaker8.evaluate(notebook({ PlatformIdentifier: 'notebook-al2-v3' }), params({ supportedPlatformIdentifiers: ['notebook-al2-v3'] })).status).toBe('PASSED');
  });
  it('fails when PlatformIdentifier is absent', () => {
    expect(sagemaker8.evaluate(snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'PlatformIdentifier')), P).status).toBe('FAILED');
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker8.evaluate(unread('notebook-instance', 'nb-1'), P).reason).toContain('(PlatformIdentifier)');
  });
  it('plans stop, update PlatformIdentifier, start for AL2', () => {
    const plan = sagemaker8.plan(notebook({ PlatformIdentifier: 'notebook-al2-v3', NotebookInstanceStatus: 'Pending' }), P);
    expect(plan.kind).toBe('in-place');
    expect(plan.steps.map((s) => s.operation)).toEqual([
      'notebook.stop-if-running',
      'notebook.wait-stopped',
      'notebook.update',
      'notebook.start-if-was-running',
      'notebook.wait-in-service',
    ]);
    expect(plan.steps[2]?.params).toEqual({ notebookName: 'nb-1', PlatformIdentifier: 'notebook-al2023-v1' });
    expect(plan.disruption).toContain('in-memory state are lost');
    expect(plan.disruption).toContain('yum');
  });
  it('is manual for AL1 and for unsupported instance families', () => {
    expect(sagemaker8.plan(notebook({ PlatformIdentifier: 'notebook-al1-v1' }), P).kind).toBe('manual');
    expect(sagemaker8.plan(notebook({ PlatformIdentifier: 'notebook-al2-v2', InstanceType: 'ml.p3.8xlarge' }), P).kind).toBe('manual');
    expect(sagemaker8.plan(notebook({ PlatformIdentifier: 'notebook-al2-v2', InstanceType: 'ml.p4d.24xlarge' }), P).kind).toBe('in-place');
  });
  it('is manual when no supported platform is configured', () => {
    const plan = sagemaker8.plan(notebook({ PlatformIdentifier: 'notebook-al2-v3' }), params({ supportedPlatformIdentifiers: [] }));
    expect(plan.kind).toBe('manual');
    expect(plan.summary).toContain('SUPPORTED_PLATFORMS');
  });
});

describeControlContract(sagemaker1, notebook({ DirectInternetAccess: 'Enabled' }), params());
describeControlContract(sagemaker2, snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'SubnetId')), params());
describeControlContract(sagemaker3, notebook({ RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2-v3' }), params());
describeControlContract(sagemaker8, notebook({ PlatformIdentifier: 'notebook-al2-v3' }), params());
describeControlContract(sagemaker21, snapshot('notebook-instance', 'nb-1', without(notebookDetail(), 'KmsKeyId')), params());
