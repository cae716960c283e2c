import { describe, it, expect } from 'vitest';
import type { JobDefinitionKind } from '../../src/aws/resources.js';
import { sagemaker9 } from '../../src/controls/sagemaker-9.js';
import { sagemaker10 } from '../../src/controls/sagemaker-10.js';
import { sagemaker11 } from '../../src/controls/sagemaker-11.js';
import { sagemaker12 } from '../../src/controls/sagemaker-12.js';
import { sagemaker13 } from '../../src/controls/sagemaker-13.js';
import { sagemaker15 } from '../../src/controls/sagemaker-15.js';
import { sagemaker20 } from '../../src/controls/sagemaker-20.js';
import { sagemaker25 } from '../../src/controls/sagemaker-25.js';
import type { Control } from '../../src/controls/types.js';
import { describeControlContract } from './contract.js';
import { jobDefinition, params, unread } from './fixtures.js';

const P = params();

type Flag = 'EnableNetworkIsolation' | 'EnableInterContainerTrafficEncryption';
interface Case {
  control: Control<JobDefinitionKind>;
  kind: JobDefinitionKind;
  label: string;
  flag: Flag;
  text: string;
  severity: 'MEDIUM' | 'HIGH';
}

const ENC = 'EnableInterContainerTrafficEncryption' as const;
const ISO = 'EnableNetworkIsolation' as const;
const CASES: Case[] = [
  { control: sagemaker9, kind: 'data-quality-job-definition', label: 'data quality job definition', flag: ENC, text: 'inter-container traffic encryption', severity: 'MEDIUM' },
  { control: sagemaker10, kind: 'model-explainability-job-definition', label: 'model explainability job definition', flag: ENC, text: 'inter-container traffic encryption', severity: 'MEDIUM' },
  { control: sagemaker11, kind: 'data-quality-job-definition', label: 'data quality job definition', flag: ISO, text: 'network isolation', severity: 'MEDIUM' },
  { control: sagemaker12, kind: 'model-bias-job-definition', label: 'model bias job definition', flag: ISO, text: 'network isolation', severity: 'MEDIUM' },
  { control: sagemaker13, kind: 'model-quality-job-definition', label: 'model quality job definition', flag: ENC, text: 'inter-container traffic encryption', severity: 'MEDIUM' },
  { control: sagemaker15, kind: 'model-bias-job-definition', label: 'model bias job definition', flag: ENC, text: 'inter-container traffic encryption', severity: 'MEDIUM' },
  { control: sagemaker20, kind: 'model-explainability-job-definition', label: 'model explainability job definition', flag: ISO, text: 'network isolation', severity: 'HIGH' },
  { control: sagemaker25, kind: 'model-quality-job-definition', label: 'model quality job definition', flag: ISO, text: 'network isolation', severity: 'HIGH' },
];

for (const c of CASES) {
  const id = c.control.metadata.id;
  describe(`${id} ${c.text} on ${c.label}s`, () => {
    it('metadata matches the control table', () => {
      expect(c.control.metadata).toMatchObject({
        resourceKind: c.kind,
        severity: c.severity,
        schedule: 'change-triggered',
        remediation: 'recreate',
        evidence: { describe: true, tags: false },
      });
      expect(c.control.metadata.checks).toContain(`NetworkConfig.${c.flag}`);
    });

    it('passes when the flag is true', () => {
      expect(c.control.evaluate(jobDefinition(c.kind, 'def-1', { [c.flag]: true }, 2), P)).toEqual({
        status: 'PASSED',
        reason: `SageMaker ${c.label} def-1 has ${c.text} enabled.`,
      });
    });

    it('fails when the flag is false, and when NetworkConfig or the flag is absent', () => {
      expect(c.control.evaluate(jobDefinition(c.kind, 'def-1', { [c.flag]: false }, 2), P)).toEqual({
        status: 'FAILED',
        reason: `SageMaker ${c.label} def-1 has ${c.text} disabled.`,
      });
      const noConfig = c.control.evaluate(jobDefinition(c.kind, 'def-1', undefined, 2), P);
      expect(noConfig.status).toBe('FAILED');
      expect(noConfig.reason).toContain('not configured');
      // The sibling flag being on does not help.
      const sibling: Flag = c.flag === ISO ? ENC : ISO;
      expect(c.control.evaluate(jobDefinition(c.kind, 'def-1', { [sibling]: true }, 2), P).status).toBe('FAILED');
    });

    it('is UNKNOWN when the Describe output was not read', () => {
      const r = c.control.evaluate(unread(c.kind, 'def-1'), P);
      expect(r.status).toBe('UNKNOWN');
      expect(r.reason).toContain(`(NetworkConfig.${c.flag})`);
    });

    if (id === 'SageMaker.15') {
      it('is NOT_APPLICABLE below 2 instances (control text), evaluated from 2', () => {
        const r = c.control.evaluate(jobDefinition(c.kind, 'def-1', { [c.flag]: false }, 1), P);
        expect(r.status).toBe('NOT_APPLICABLE');
        expect(r.reason).toContain('2 or greater');
        expect(c.control.evaluate(jobDefinition(c.kind, 'def-1', { [c.flag]: false }, 3), P).status).toBe('FAILED');
      });
    } else {
      it('never answers NOT_APPLICABLE, whatever the instance count (the Config rule is scoped to 2+ instances, the control is not)', () => {
        for (const count of [1, 2, 5]) {
          for (const network of [undefined, {}, { [c.flag]: false }, { [c.flag]: true }]) {
            expect(c.control.evaluate(jobDefinition(c.kind, 'def-1', network, count), P).status).not.toBe('NOT_APPLICABLE');
          }
        }
      });
    }

    if (c.flag === ENC && id !== 'SageMaker.15') {
      it('names InstanceCount 1 in the reason (the Config rule is scoped to 2+ instances, the control is not)', () => {
        const r = c.control.evaluate(jobDefinition(c.kind, 'def-1', { [c.flag]: false }, 1), P);
        expect(r.status).toBe('FAILED');
        expect(r.reason).toContain('InstanceCount 1');
        expect(r.reason.split('. ').length).toBe(1);
      });
    }

    it('plans snapshot, create with both flags, repoint, wait, delete-old', () => {
      const plan = c.control.plan(jobDefinition(c.kind, 'churn-monitor', { [c.flag]: false }, 2), P);
      expect(plan.kind).toBe('recreate');
      expect(plan.steps.map((s) => [s.id, s.operation])).toEqual([
        ['snapshot', 'job-definition.snapshot'],
        ['create', 'job-definition.create-compliant'],
        ['repoint', 'schedules.repoint'],
        ['wait', 'schedules.wait-not-pending'],
        ['delete-old', 'job-definition.delete-if-unused'],
      ]);
      expect(plan.steps.map((s) => s.params)).toEqual([
        { kind: c.kind, name: 'churn-monitor' },
        { kind: c.kind, sourceName: 'churn-monitor', newName: 'churn-monitor-secure', enableNetworkIsolation: true, enableInterContainerTrafficEncryption: true },
        { kind: c.kind, oldName: 'churn-monitor', newName: 'churn-monitor-secure' },
        { kind: c.kind, definitionName: 'churn-monitor-secure', maxWaitSeconds: 600 },
        { kind: c.kind, name: 'churn-monitor' },
      ]);
      expect(plan.summary).toContain('network isolation');
      expect(plan.summary).toContain('inter-container traffic encryption');
      expect(plan.disruption).toContain('churn-monitor-secure');
      expect(plan.disruption).toContain('AWS credentials');
      expect(plan.rollback).toBe(
        'Schedules are pointed back at the original definition and the new one is deleted; the saved copy allows recreating a deleted original.',
      );
      expect(plan.verify).toEqual({ controlId: id, resourceName: 'churn-monitor-secure' });
    });

    it('names a second recreation -secure-2', () => {
      const plan = c.control.plan(jobDefinition(c.kind, 'churn-monitor-secure', { [c.flag]: false }, 2), P);
      expect(plan.steps[1]?.params).toMatchObject({ newName: 'churn-monitor-secure-2' });
    });
  });
}

describe('P1 advice in encryption plans', () => {
  it('suggests accepting the risk for single-instance encryption findings', () => {
    const plan = sagemaker9.plan(jobDefinition('data-quality-job-definition', 'dq', { EnableInterContainerTrafficEncryption: false }, 1), P);
    expect(plan.disruption).toContain('single instance');
  });
  it('does not for isolation findings', () => {
    const plan = sagemaker11.plan(jobDefinition('data-quality-job-definition', 'dq', { EnableNetworkIsolation: false }, 1), P);
    expect(plan.disruption).not.toContain('single instance');
  });
});

describeControlContract(sagemaker9, jobDefinition('data-quality-job-definition', 'dq-1', { EnableInterContainerTrafficEncryption: false }), params());
describeControlContract(sagemaker10, jobDefinition('model-explainability-job-definition', 'me-1', {}), params());
describeControlContract(sagemaker11, jobDefinition('data-quality-job-definition', 'dq-1', undefined), params());
describeControlContract(sagemaker12, jobDefinition('model-bias-job-definition', 'mb-1', { EnableNetworkIsolation: false }), params());
describeControlContract(sagemaker13, jobDefinition('model-quality-job-definition', 'mq-1', { EnableInterContainerTrafficEncryption: false }), params());
describeControlContract(sagemaker15, jobDefinition('model-bias-job-definition', 'mb-1', { EnableInterContainerTrafficEncryption: false }, 2), params());
describeControlContract(sagemaker20, jobDefinition('model-explainability-job-definition', 'me-1', { EnableNetworkIsolation: false }), params());
describeControlContract(sagemaker25, jobDefinition('model-quality-job-definition', 'mq-1', { EnableNetworkIsolation: false }), params());
